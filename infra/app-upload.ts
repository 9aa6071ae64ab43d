import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The app is uploaded to Cloudflare Pages by `wrangler pages deploy` (a `command.local.Command`), because the
 * Cloudflare provider creates Pages projects but does not upload their files. The app is built inside that command
 * because its build embeds the team's Worker URL (VITE_WORKER_URL), which differs per team.
 */

/** What the app's build reads; a change to any of them re-runs the upload. */
export const APP_SOURCE_PATHS = ['app', 'components/src', 'worker/src/protocol', 'package-lock.json'] as const;

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.wrangler']);

function filesUnder(root: string, path: string): string[] {
  const absolute = join(root, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { withFileTypes: true })
    .filter((entry) => !(entry.isDirectory() && SKIPPED_DIRECTORIES.has(entry.name)))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(root, join(path, entry.name)) : [join(path, entry.name)]));
}

/** A digest of the app's sources: file paths and contents, in a stable order. */
export function hashAppSources(repositoryRoot: string, paths: readonly string[] = APP_SOURCE_PATHS): string {
  const hash = createHash('sha256');
  const files = paths.flatMap((path) => filesUnder(repositoryRoot, path)).sort();
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    hash.update(readFileSync(join(repositoryRoot, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The Pages branch whose deployments are served at the project's production URL. */
export const PAGES_PRODUCTION_BRANCH = 'main';

/** Builds the app for the team's Worker and uploads it; values come from the environment, never the command line. */
export const APP_UPLOAD_COMMAND =
  'npx vite build --config app/vite.config.ts && ' +
  'npx wrangler pages deploy app/dist --project-name "$PAGES_PROJECT" --branch "$PAGES_BRANCH" --commit-dirty=true';
