/**
 * The virtualised list of `<p2p-contacts>` where a page places it: it renders the rows a person can see, whether the
 * element fills the window (as in the app) or sits lower in a longer page (as when embedded).
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import type { Device } from '../../../../scripts/device-lab/device.ts';
import { ContactsPage } from '../../../../app/test/pages/contacts-page.ts';

const lab = useDeviceLab();
const VIEWPORT = { width: 1280, height: 720 };

/** The elements page with `<p2p-contacts>` of `count` contacts below `spacerPx` of other content. */
async function contactsBelow(spacerPx: number, count = 200): Promise<{ device: Device; contacts: ContactsPage }> {
  const device = await lab.newBlankDevice();
  await device.setViewport(VIEWPORT);
  await device.goto(new URL('elements-page.html', lab.pageUrl).href);
  await device.waitFor('the elements page to load', () => document.title === 'elements ready', undefined, 60_000);
  await device.evaluate(async ({ spacerPx, count }) => {
    const { OrgRegistry, openOrg } = (window as unknown as { p2p: typeof import('../../index.ts') }).p2p;
    const registry = await OrgRegistry.open();
    const session = await openOrg(registry.current().id);
    const base = { displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] };
    session.doc.transact(() => {
      for (let index = 0; index < count; index++) session.contacts.create({ ...base, givenName: `Person${String(index).padStart(3, '0')}`, familyName: 'Test' });
    });
    const spacer = document.createElement('div');
    spacer.style.height = `${spacerPx}px`;
    const contacts = document.createElement('p2p-contacts');
    contacts.style.height = '30rem';
    contacts.session = session;
    document.body.append(spacer, contacts);
  }, { spacerPx, count });
  const contacts = new ContactsPage(device, ['p2p-contacts']);
  await contacts.ready();
  return { device, contacts };
}

describe('<p2p-contacts> list on a page', () => {
  it('renders the rows in view when the list starts in view and ends below the fold', async () => {
    const { contacts } = await contactsBelow(300);
    await contacts.waitForName('Person000 Test');
  });

  it('renders the first contact added to an empty list that ends below the fold', async () => {
    const { device, contacts } = await contactsBelow(300, 0);
    await device.evaluate(() => {
      const session = document.querySelector('p2p-contacts')!.session!;
      session.contacts.create({ givenName: 'First', familyName: 'Added', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] });
    });
    await contacts.waitForName('First Added');
  });

  it('renders rows once a list below the fold is scrolled into view', async () => {
    const { device, contacts } = await contactsBelow(2_000);
    await device.evaluate(() => document.querySelector('p2p-contacts')!.scrollIntoView({ block: 'end' }));
    await contacts.waitForName('Person000 Test');
    expect((await contacts.renderedNames()).length).toBeLessThan(60);
  });
});
