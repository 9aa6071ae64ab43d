import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { integrityFileName, type EmbedIntegrity } from '../app/build/embed-integrity.ts';

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

/** What starts the upload's last line: the embed's integrity manifest, as the build wrote it (one line of JSON). */
export const EMBED_INTEGRITY_MARKER = 'p2p-embed-integrity ';

/**
 * Builds the app for the team's Worker and uploads it; values come from the environment, never the command line.
 * Last, it prints the embed's integrity manifest of the build it uploaded, for the embed snippet.
 */
export const APP_UPLOAD_COMMAND =
  'npx vite build --config app/vite.config.ts && ' +
  'npx wrangler pages deploy app/dist --project-name "$PAGES_PROJECT" --branch "$PAGES_BRANCH" --commit-dirty=true && ' +
  `printf '%s' '${EMBED_INTEGRITY_MARKER}' && cat app/dist/${integrityFileName('p2p-components.js')}`;

const SRI_PATTERN = /^sha384-[A-Za-z0-9+/]{64}$/;

/** The integrity manifest the upload printed; throws when it printed none, rather than give an unpinned snippet. */
export function embedIntegrityFrom(uploadOutput: string): EmbedIntegrity {
  const line = uploadOutput
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(EMBED_INTEGRITY_MARKER));
  if (line === undefined) throw new Error('the app upload printed no embed integrity manifest');
  const parsed: unknown = JSON.parse(line.slice(EMBED_INTEGRITY_MARKER.length));
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    Object.entries(parsed).every(([file, hash]) => /^[\w./-]+\.js$/.test(file) && typeof hash === 'string' && SRI_PATTERN.test(hash));
  if (!valid) throw new Error('the app upload printed an embed integrity manifest that is not file names with SHA-384 hashes');
  return parsed as EmbedIntegrity;
}
