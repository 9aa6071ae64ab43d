/**
 * The embed snippet Pulumi prints, in real browsers: it runs the build it was printed for, and a browser refuses the
 * module, or a chunk it imports, once either differs from that build (as a changed deployment would serve them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { EmbedIntegrity } from '../build/embed-integrity.ts';
import { embedSnippet } from '../../infra/embed-snippet.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { ROOT } from '../../scripts/local-worker.ts';

const lab = useDeviceLab();
const outDir = mkdtempSync(join(tmpdir(), 'p2p-clinic-embed-integrity-'));
/** Files the app's server serves changed, as a deployment made after the snippet was printed would. */
const changed = new Set<string>();
let integrity: EmbedIntegrity;
let appServer: Server;
let hostServer: Server;
let hostUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('a test server has no port');
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  integrity = JSON.parse(readFileSync(join(outDir, 'p2p-components.integrity.json'), 'utf8')) as EmbedIntegrity;
  appServer = createServer((request, response) => {
    const file = new URL(request.url ?? '/', 'http://app').pathname.slice(1);
    if (!(file in integrity)) return void response.writeHead(404).end();
    const code = readFileSync(join(outDir, file), 'utf8');
    response
      .writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
      .end(changed.has(file) ? `${code}\n// changed after the snippet was printed\n` : code);
  });
  const appUrl = await listen(appServer);
  // Records a script that fails to load (its own file or one it imports): resource errors reach window's capture phase.
  const page = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Intranet</title>
    <script>window.addEventListener('error', (event) => { if (event.target instanceof HTMLScriptElement) window.scriptFailed = true; }, true);</script>
  </head>
  <body><main>${embedSnippet(appUrl, 'http://127.0.0.1:1', integrity)}</main></body>
</html>`;
  hostServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(page));
  hostUrl = await listen(hostServer);
}, 120_000);

afterAll(async () => {
  await Promise.all([appServer, hostServer].map((server) => new Promise((resolve) => server?.close(resolve))));
  rmSync(outDir, { recursive: true, force: true });
});

const calendarDefined = () => customElements.get('p2p-calendar') !== undefined;
const scriptFailed = () => (window as unknown as { scriptFailed?: boolean }).scriptFailed === true;

describe('the pinned embed snippet', () => {
  it('runs the build it was printed for', async () => {
    changed.clear();
    const device = await lab.newBlankDevice();
    await device.goto(hostUrl);
    await device.waitFor('the calendar rendered', () => document.querySelector('p2p-calendar')?.shadowRoot?.querySelector('[part~="toolbar"]'), undefined, 60_000);
    expect(await device.evaluate(scriptFailed)).toBe(false);
  });

  it('is refused by the browser when the module changed since', async () => {
    changed.clear();
    changed.add('p2p-components.js');
    const device = await lab.newBlankDevice();
    await device.goto(hostUrl);
    await device.waitFor('the module failed to load', scriptFailed);
    expect(await device.evaluate(calendarDefined)).toBe(false);
  });

  it('is refused by the browser when a chunk the module imports changed since, though the module did not', async () => {
    changed.clear();
    // A chunk the module imports statically: which ones it has depends on the bundler's chunking.
    const chunk = /from\s*["']\.\/(assets\/[\w-]+\.js)["']/.exec(readFileSync(join(outDir, 'p2p-components.js'), 'utf8'))?.[1];
    expect(chunk !== undefined && chunk in integrity).toBe(true);
    changed.add(chunk!);
    const device = await lab.newBlankDevice();
    await device.goto(hostUrl);
    await device.waitFor('the module failed to load', scriptFailed);
    expect(await device.evaluate(calendarDefined)).toBe(false);
  });
});
