import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, preview, type PreviewServer } from 'vite';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { ROOT } from '../../scripts/local-worker.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import { AppPage } from './pages/app-page.ts';
import { waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();
const outDir = mkdtempSync(join(tmpdir(), 'p2p-clinic-offline-'));
let server: PreviewServer;
let appUrl: string;

/** Builds the app as deployed; `release` changes the build's content, as a new version would. */
async function buildApp(release: string): Promise<void> {
  process.env.VITE_WORKER_URL = `http://127.0.0.1:9/${release}`;
  await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}

beforeAll(async () => {
  await buildApp('first');
  server = await preview({ root: join(ROOT, 'app'), configFile: false, logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  appUrl = server.resolvedUrls!.local[0]!;
});

afterAll(async () => {
  delete process.env.VITE_WORKER_URL;
  await server?.close();
  rmSync(outDir, { recursive: true, force: true });
});

async function openInstalledApp(device: Device): Promise<AppPage> {
  const app = new AppPage(device);
  await device.goto(appUrl);
  await device.waitFor('the app open', () => document.querySelector('p2p-app')?.shadowRoot?.querySelector('.topbar'));
  await device.waitFor('the service worker controlling the page', () => navigator.serviceWorker.controller !== null);
  return app;
}

describe('the installed app', () => {
  it('opens and keeps working with no network after the first visit', async () => {
    const device = await lab.newBlankDevice();
    const app = await openInstalledApp(device);
    await app.startOnThisDevice();
    await app.goTo('Contacts');
    await app.contacts.ready();
    await app.contacts.clickButton('New contact');
    await app.contacts.fill('field-givenName', 'Online');
    await device.keyboard.press('Enter');
    await app.contacts.waitForName('Online');

    await device.setOffline(true);
    await device.reload();
    await device.waitFor('the app open offline', () => document.querySelector('p2p-app')?.shadowRoot?.querySelector('.topbar'));
    await app.goTo('Contacts');
    await app.contacts.waitForName('Online');
    await app.contacts.clickButton('New contact');
    await app.contacts.fill('field-givenName', 'Offline');
    await device.keyboard.press('Enter');
    await app.contacts.waitForName('Offline');
    expect(await app.contacts.renderedNames()).toEqual(['Offline', 'Online']);
    await device.setOffline(false);
  });

  it('offers a new version instead of reloading into it', async () => {
    const device = await lab.newBlankDevice();
    const app = await openInstalledApp(device);
    await app.startOnThisDevice();
    await device.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await buildApp('second');
    await device.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration!.update();
    });
    await waitForText(device, ['#update-offer'], 'A new version of P2P Clinic is ready.');
    expect(await device.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await device.click(['#update-offer button']);
    await device.waitFor('the page reloaded into the new version', () => !(window as unknown as { sameDocument?: boolean }).sameDocument && document.readyState === 'complete');
    await device.waitFor('the new version controlling the page', () => navigator.serviceWorker.controller?.state === 'activated');
  });
});
