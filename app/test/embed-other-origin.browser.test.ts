import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, preview, type PreviewServer } from 'vite';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { ROOT } from '../../scripts/local-worker.ts';
import { expectNoAxeViolations } from '../../scripts/device-lab/axe.ts';
import { ContactsPage } from './pages/contacts-page.ts';

const lab = useDeviceLab();
const outDir = mkdtempSync(join(tmpdir(), 'p2p-clinic-embed-'));
let app: PreviewServer;
let host: Server;
let hostUrl: string;

/** A plain page of another origin, as an intranet would write it: the module, two elements, one shared session. */
const hostPage = (moduleUrl: string) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Intranet</title></head>
  <body>
    <main>
      <h1>Our clinic</h1>
      <p2p-calendar id="calendar" view="month" style="height: 24rem"></p2p-calendar>
      <p2p-contacts id="contacts" style="height: 24rem"></p2p-contacts>
    </main>
    <script type="module">
      import { OrgRegistry, openOrg } from '${moduleUrl}';
      const registry = await OrgRegistry.open();
      const session = await openOrg(registry.current().id);
      window.session = session;
      document.querySelector('#calendar').session = session;
      document.querySelector('#contacts').session = session;
    </script>
  </body>
</html>`;

beforeAll(async () => {
  await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  app = await preview({ root: join(ROOT, 'app'), configFile: false, logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port: 0, cors: true } });
  const moduleUrl = new URL('p2p-components.js', app.resolvedUrls!.local[0]!).href;
  const page = hostPage(moduleUrl);
  host = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const address = host.address();
  if (!address || typeof address === 'string') throw new Error('the host page server has no port');
  hostUrl = `http://127.0.0.1:${address.port}/`;
});

afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => host?.close(resolve));
  rmSync(outDir, { recursive: true, force: true });
});

describe('the embed on a page of another origin', () => {
  it('shows a working calendar and contacts list from the module alone', async () => {
    const device = await lab.newBlankDevice();
    await device.goto(hostUrl);
    expect(new URL(hostUrl).origin).not.toBe(new URL(app.resolvedUrls!.local[0]!).origin);
    await device.waitFor('the calendar rendered', () => document.querySelector('p2p-calendar')?.shadowRoot?.querySelector('[part~="day"]'), undefined, 60_000);
    const contacts = new ContactsPage(device, ['#contacts']);
    await contacts.ready();
    await contacts.clickButton('New contact');
    await contacts.fill('field-givenName', 'Embedded');
    await contacts.fill('field-familyName', 'Person');
    await device.keyboard.press('Enter');
    // The list renders the rows in view (it is virtualised): look at it, as the person would.
    await device.evaluate(() => document.querySelector('#contacts')!.scrollIntoView({ block: 'end' }));
    await contacts.waitForName('Embedded Person');
    const stored = await device.evaluate(() =>
      (window as unknown as { session: { contacts: { list(): { displayName: string }[] } } }).session.contacts.list().map((contact) => contact.displayName),
    );
    expect(stored).toEqual(['Embedded Person']);
    await expectNoAxeViolations(device, ['#contacts']);
  });
});
