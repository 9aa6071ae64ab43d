import type { DurableObjectMigration } from '../worker/manifest.ts';

/** The `migrations` argument of a Worker upload, in the shape of the Cloudflare API's multi-step migrations. */
export interface MigrationsUpload {
  readonly oldTag?: string;
  readonly newTag: string;
  readonly steps: { readonly newSqliteClasses: string[] }[];
}

export class UnknownMigrationTagError extends Error {
  readonly code = 'UNKNOWN_MIGRATION_TAG';

  constructor(deployedTag: string, known: readonly string[]) {
    super(
      `The deployed Worker's Durable Object migration tag "${deployedTag}" is not in worker/manifest.ts ` +
        `(${known.join(', ')}); deploy from the revision that applied it, or restore its migration step.`,
    );
    this.name = 'UnknownMigrationTagError';
  }
}

/**
 * The steps the deployed Worker has not applied yet. Cloudflare rejects an upload whose `old_tag` differs from the
 * script's current tag and refuses to re-run applied steps, so, like `wrangler deploy`, only the steps after the
 * deployed tag are sent, and nothing once it is the latest.
 */
export function migrationsToApply(
  migrations: readonly DurableObjectMigration[],
  deployedTag: string | undefined,
): MigrationsUpload | undefined {
  const latest = migrations[migrations.length - 1];
  if (latest === undefined) return undefined;
  const tags = migrations.map((migration) => migration.tag);
  const applied = deployedTag === undefined || deployedTag === '' ? 0 : tags.indexOf(deployedTag) + 1;
  if (applied === 0 && deployedTag !== undefined && deployedTag !== '') {
    throw new UnknownMigrationTagError(deployedTag, tags);
  }
  if (applied === migrations.length) return undefined;
  const steps = migrations.slice(applied).map((migration) => ({ newSqliteClasses: [...migration.newSqliteClasses] }));
  return applied === 0 ? { newTag: latest.tag, steps } : { oldTag: deployedTag, newTag: latest.tag, steps };
}
