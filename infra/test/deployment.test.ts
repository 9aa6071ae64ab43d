import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { workerManifest } from '../../worker/manifest.ts';
import { APP_UPLOAD_COMMAND, EMBED_INTEGRITY_MARKER, embedIntegrityFrom } from '../app-upload.ts';
import type { P2pClinicDeploymentArgs } from '../deployment.ts';
import type { StackConfig } from '../stack-config.ts';
import { installMocks, plain, settled, TYPES, UPLOADED_EMBED_INTEGRITY, valueOf, type ListedScript, type RecordingMocks } from './pulumi-mocks.ts';

const TEAM = 'acme';
const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
const CONFIGURED_SECRET = 'configured-jwt-secret-0123456789abcdef';

function stackConfig(overrides: Partial<StackConfig> = {}): StackConfig {
  return {
    accountId: ACCOUNT_ID,
    route: { kind: 'workers-dev', accountSubdomain: 'acme-clinic' },
    allowedOrigins: ['https://www.acme.example'],
    jwtSecret: CONFIGURED_SECRET,
    ...overrides,
  };
}

function deploymentArgs(overrides: Partial<P2pClinicDeploymentArgs> = {}): P2pClinicDeploymentArgs {
  return {
    team: TEAM,
    config: stackConfig(),
    manifest: workerManifest,
    workerBundle: { mainModule: 'index.js', content: 'export default { fetch() {} };' },
    appSourceHash: 'app-digest',
    repositoryRoot: '/srv/p2p-clinic',
    ...overrides,
  };
}

interface Deployed {
  readonly mocks: RecordingMocks;
  readonly workerUrl: string;
  readonly appUrl: string;
  readonly embedSnippet: string;
  readonly embedSnippetIsSecret: boolean;
}

/** Declares a deployment against fresh mocks and waits until every resource reached them. */
async function deploy(overrides: Partial<P2pClinicDeploymentArgs> = {}, listedScripts: ListedScript[] = []): Promise<Deployed> {
  const mocks = installMocks(TEAM, listedScripts);
  const { P2pClinicDeployment } = await import('../deployment.ts');
  const deployment = new P2pClinicDeployment(TEAM, deploymentArgs(overrides));
  const [workerUrl, appUrl, embedSnippet, embedSnippetIsSecret] = await Promise.all([
    valueOf(deployment.workerUrl),
    valueOf(deployment.appUrl),
    valueOf(deployment.embedSnippet),
    pulumi.isSecret(deployment.embedSnippet),
  ]);
  await settled();
  return { mocks, workerUrl, appUrl, embedSnippet, embedSnippetIsSecret };
}

interface UploadedBinding {
  readonly type: string;
  readonly name: string;
  readonly text?: unknown;
  readonly namespaceId?: string;
  readonly className?: string;
}

function workerBindingsOf(mocks: RecordingMocks): UploadedBinding[] {
  return pulumi.runtime.unwrapRpcSecret(mocks.only(TYPES.script).inputs['bindings']) as UploadedBinding[];
}

function bindingNamed(mocks: RecordingMocks, name: string): UploadedBinding {
  const binding = workerBindingsOf(mocks).find((candidate) => candidate.name === name);
  if (binding === undefined) throw new Error(`no binding ${name}`);
  return binding;
}

describe('P2pClinicDeployment', () => {
  it('is one component that parents every resource it declares', async () => {
    const { mocks } = await deploy();
    expect(mocks.ofType(TYPES.deployment).map((resource) => resource.name)).toEqual([TEAM]);
    expect(mocks.declared.map((resource) => resource.type).sort()).toEqual(
      [TYPES.deployment, TYPES.kvNamespace, TYPES.pagesProject, TYPES.script, TYPES.scriptSubdomain, TYPES.localCommand].sort(),
    );
  });

  it('creates one KV namespace per manifest namespace, named after the team', async () => {
    const { mocks } = await deploy();
    expect(mocks.ofType(TYPES.kvNamespace).map((kv) => kv.inputs)).toEqual(
      workerManifest.kvNamespaces.map((kv) => ({ accountId: ACCOUNT_ID, title: `p2p-clinic-${TEAM}-${kv.binding}` })),
    );
  });

  it('uploads the Worker bundle as an ES module with the manifest compatibility date', async () => {
    const { mocks } = await deploy();
    const { inputs } = mocks.only(TYPES.script);
    expect(inputs).toMatchObject({
      accountId: ACCOUNT_ID,
      scriptName: `p2p-clinic-${TEAM}`,
      mainModule: 'index.js',
      content: 'export default { fetch() {} };',
      compatibilityDate: workerManifest.compatibilityDate,
    });
  });

  it('binds the Worker to exactly the manifest bindings, in manifest order', async () => {
    const { mocks } = await deploy();
    expect(workerBindingsOf(mocks).map(({ type, name, className }) => ({ type, name, className }))).toEqual([
      ...workerManifest.kvNamespaces.map((kv) => ({ type: 'kv_namespace', name: kv.binding, className: undefined })),
      ...workerManifest.durableObjects.map((durableObject) => ({
        type: 'durable_object_namespace',
        name: durableObject.binding,
        className: durableObject.className,
      })),
      ...workerManifest.secrets.map((secret) => ({ type: 'secret_text', name: secret.name, className: undefined })),
      ...workerManifest.vars.map((plainVar) => ({ type: 'plain_text', name: plainVar.name, className: undefined })),
    ]);
  });

  it('binds each KV binding to the namespace created for it', async () => {
    const { mocks } = await deploy();
    for (const kv of workerManifest.kvNamespaces) {
      expect(bindingNamed(mocks, kv.binding).namespaceId).toBe(`${TEAM}-${kv.binding.toLowerCase()}-id`);
    }
  });

  // Pulumi encrypts a whole top-level property in state when any value inside it is secret.
  it('uploads a configured JWT secret in bindings that Pulumi keeps secret', async () => {
    const { mocks } = await deploy();
    expect(pulumi.runtime.isRpcSecret(mocks.only(TYPES.script).inputs['bindings'])).toBe(true);
    expect(bindingNamed(mocks, 'JWT_SECRET').text).toBe(CONFIGURED_SECRET);
    expect(mocks.ofType(TYPES.randomPassword)).toEqual([]);
  });

  it('generates a 64-character JWT secret when none is configured and keeps the bindings secret', async () => {
    const { mocks } = await deploy({ config: stackConfig({ jwtSecret: undefined }) });
    expect(mocks.only(TYPES.randomPassword).inputs).toMatchObject({ length: 64, special: false });
    expect(pulumi.runtime.isRpcSecret(mocks.only(TYPES.script).inputs['bindings'])).toBe(true);
    expect(bindingNamed(mocks, 'JWT_SECRET').text).toBe('g'.repeat(64));
  });

  it("allows the app's origin and the configured origins, and nothing else", async () => {
    const { mocks } = await deploy();
    expect(bindingNamed(mocks, 'ALLOWED_ORIGINS').text).toBe(`https://p2p-clinic-${TEAM}.pages.dev,https://www.acme.example`);
  });

  it('applies every migration step, without an old tag, to a Worker that does not exist yet', async () => {
    const { mocks } = await deploy({}, [{ id: 'someone-elses-worker', migrationTag: 'v1' }]);
    expect(plain(mocks.only(TYPES.script).inputs['migrations'])).toEqual({
      newTag: 'v3',
      steps: [
        { newSqliteClasses: ['SyncRoom', 'RateLimiter'] },
        { newSqliteClasses: ['SignalRoom', 'ShareCodeShard'] },
        { newSqliteClasses: ['EmailAccount'] },
      ],
    });
  });

  it('applies only the steps after the tag the deployed Worker is at', async () => {
    const { mocks } = await deploy({}, [{ id: `p2p-clinic-${TEAM}`, migrationTag: 'v1' }]);
    expect(plain(mocks.only(TYPES.script).inputs['migrations'])).toEqual({
      oldTag: 'v1',
      newTag: 'v3',
      steps: [{ newSqliteClasses: ['SignalRoom', 'ShareCodeShard'] }, { newSqliteClasses: ['EmailAccount'] }],
    });
  });

  it('sends no migrations when the deployed Worker is at the latest tag', async () => {
    const { mocks } = await deploy({}, [{ id: `p2p-clinic-${TEAM}`, migrationTag: 'v3' }]);
    expect(mocks.only(TYPES.script).inputs['migrations']).toBeUndefined();
  });

  it('serves the Worker on workers.dev when no domain is configured', async () => {
    const { mocks, workerUrl } = await deploy();
    expect(workerUrl).toBe(`https://p2p-clinic-${TEAM}.acme-clinic.workers.dev`);
    expect(mocks.only(TYPES.scriptSubdomain).inputs).toEqual({
      accountId: ACCOUNT_ID,
      scriptName: `p2p-clinic-${TEAM}`,
      enabled: true,
      previewsEnabled: false,
    });
    expect(mocks.ofType(TYPES.customDomain)).toEqual([]);
  });

  it('serves the Worker on its custom domain, and not on workers.dev, when a domain is configured', async () => {
    const route = { kind: 'custom-domain', hostname: 'clinic-api.acme.example', zoneName: 'acme.example' } as const;
    const { mocks, workerUrl } = await deploy({ config: stackConfig({ route }) });
    expect(workerUrl).toBe('https://clinic-api.acme.example');
    expect(mocks.only(TYPES.customDomain).inputs).toEqual({
      accountId: ACCOUNT_ID,
      hostname: 'clinic-api.acme.example',
      service: `p2p-clinic-${TEAM}`,
      zoneName: 'acme.example',
    });
    expect(mocks.only(TYPES.scriptSubdomain).inputs['enabled']).toBe(false);
  });

  it('creates the Pages project for the app and outputs its URL', async () => {
    const { mocks, appUrl } = await deploy();
    expect(mocks.only(TYPES.pagesProject).inputs).toEqual({
      accountId: ACCOUNT_ID,
      name: `p2p-clinic-${TEAM}`,
      productionBranch: 'main',
    });
    expect(appUrl).toBe(`https://p2p-clinic-${TEAM}.pages.dev`);
  });

  it("builds the app for the team's Worker and uploads it with wrangler pages deploy", async () => {
    const { mocks } = await deploy();
    const { inputs } = mocks.only(TYPES.localCommand);
    expect(inputs['create']).toBe(APP_UPLOAD_COMMAND);
    expect(inputs['dir']).toBe('/srv/p2p-clinic');
    expect(plain(inputs['environment'])).toEqual({
      VITE_WORKER_URL: `https://p2p-clinic-${TEAM}.acme-clinic.workers.dev`,
      PAGES_PROJECT: `p2p-clinic-${TEAM}`,
      PAGES_BRANCH: 'main',
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT_ID,
    });
  });

  it('uploads the app again when its sources or the Worker URL change', async () => {
    const { mocks } = await deploy();
    expect(mocks.only(TYPES.localCommand).inputs['triggers']).toEqual([
      'app-digest',
      `https://p2p-clinic-${TEAM}.acme-clinic.workers.dev`,
    ]);
  });

  it("hands the stack's API token to the upload only as a secret", async () => {
    const { mocks } = await deploy({ cloudflareApiToken: pulumi.secret('stack-api-token') });
    const environment = mocks.only(TYPES.localCommand).inputs['environment'];
    expect(pulumi.runtime.isRpcSecret(environment)).toBe(true);
    expect(plain(environment)).toMatchObject({ CLOUDFLARE_API_TOKEN: 'stack-api-token' });
  });

  it('prints an embed snippet that pins the module and every chunk by hash, in the clear', async () => {
    const { embedSnippet, embedSnippetIsSecret } = await deploy();
    const appUrl = `https://p2p-clinic-${TEAM}.pages.dev`;
    const importMap = {
      integrity: {
        [`${appUrl}/p2p-components.js`]: UPLOADED_EMBED_INTEGRITY['p2p-components.js'],
        [`${appUrl}/assets/lit-abc123.js`]: UPLOADED_EMBED_INTEGRITY['assets/lit-abc123.js'],
      },
    };
    expect(embedSnippet).toBe(
      `<script type="importmap">${JSON.stringify(importMap)}</script>\n` +
        `<script type="module" src="${appUrl}/p2p-components.js" integrity="${UPLOADED_EMBED_INTEGRITY['p2p-components.js']}" crossorigin="anonymous"></script>\n` +
        `<p2p-calendar worker-url="https://p2p-clinic-${TEAM}.acme-clinic.workers.dev"></p2p-calendar>`,
    );
    expect(embedSnippetIsSecret).toBe(false);
  });

  it('prints the integrity manifest of the build it uploaded, last', async () => {
    const { mocks } = await deploy();
    const create = String(mocks.only(TYPES.localCommand).inputs['create']);
    expect(create.indexOf('wrangler pages deploy')).toBeLessThan(create.indexOf(EMBED_INTEGRITY_MARKER));
    expect(create.endsWith('cat app/dist/p2p-components.integrity.json')).toBe(true);
  });

  it('refuses to make a snippet from an upload that printed no integrity manifest, or a malformed one', () => {
    expect(() => embedIntegrityFrom('✨ Deployment complete!')).toThrow(/no embed integrity manifest/);
    expect(() => embedIntegrityFrom(`${EMBED_INTEGRITY_MARKER}{"p2p-components.js":"sha256-short"}`)).toThrow(/not file names with SHA-384/);
  });
});
