/**
 * The Worker's bindings, declared once. infra/ provisions exactly these for each team's deployment, and
 * infra/test/manifest-drift.test.ts fails when worker/wrangler.jsonc (local development) or the `Env` interface in
 * worker/src/env.ts disagrees with them.
 */

export interface KvNamespaceBinding {
  readonly binding: string;
}

export interface DurableObjectBinding {
  readonly binding: string;
  readonly className: string;
}

/** One step of Durable Object migrations; steps are applied in order and never edited once deployed. */
export interface DurableObjectMigration {
  readonly tag: string;
  readonly newSqliteClasses: readonly string[];
}

export interface SecretBinding {
  readonly name: string;
  readonly purpose: string;
}

export interface PlainVarBinding {
  readonly name: string;
  readonly purpose: string;
  /** The value for local development; infra/ sets the production value. */
  readonly localDefault: string;
}

export interface WorkerManifest {
  readonly compatibilityDate: string;
  readonly kvNamespaces: readonly KvNamespaceBinding[];
  readonly durableObjects: readonly DurableObjectBinding[];
  readonly migrations: readonly DurableObjectMigration[];
  readonly secrets: readonly SecretBinding[];
  readonly vars: readonly PlainVarBinding[];
}

export const workerManifest = {
  compatibilityDate: '2026-04-01',
  kvNamespaces: [{ binding: 'ACCOUNTS' }],
  durableObjects: [
    { binding: 'SYNC_ROOM', className: 'SyncRoom' },
    { binding: 'RATE_LIMITER', className: 'RateLimiter' },
    { binding: 'SIGNAL_ROOM', className: 'SignalRoom' },
    { binding: 'SHARE_CODES', className: 'ShareCodeShard' },
    { binding: 'EMAIL_ACCOUNTS', className: 'EmailAccount' },
  ],
  migrations: [
    { tag: 'v1', newSqliteClasses: ['SyncRoom', 'RateLimiter'] },
    { tag: 'v2', newSqliteClasses: ['SignalRoom', 'ShareCodeShard'] },
    { tag: 'v3', newSqliteClasses: ['EmailAccount'] },
  ],
  secrets: [{ name: 'JWT_SECRET', purpose: 'HS256 signing key of the API tokens' }],
  vars: [
    {
      name: 'ALLOWED_ORIGINS',
      purpose: 'comma-separated origins allowed to call the API from a browser',
      localDefault: 'http://localhost:5173,http://127.0.0.1:5173',
    },
  ],
} as const satisfies WorkerManifest;

/** Every name the Worker reads from `env`, in manifest order. */
export function bindingNames(manifest: WorkerManifest): string[] {
  return [
    ...manifest.kvNamespaces.map((kv) => kv.binding),
    ...manifest.durableObjects.map((durableObject) => durableObject.binding),
    ...manifest.secrets.map((secret) => secret.name),
    ...manifest.vars.map((plainVar) => plainVar.name),
  ];
}
