/** In real browsers: an org written to, then the page reloaded, still holds everything. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';

const lab = useDeviceLab();
let page: Device;

beforeEach(async () => {
  page = await lab.newDevice();
});

describe('an org in the browser', () => {
  it('finds its contact and event after the page reloads', async () => {
    const written = await page.evaluate(async () => {
      const { OrgRegistry, openOrg } = (window as unknown as { core: Core }).core;
      const registry = await OrgRegistry.open();
      const org = await registry.create({ name: 'Nordklinik', color: '#0e7490' });
      await registry.switchTo(org.id);
      const session = await openOrg(org.id);
      const contact = session.contacts.create({
        givenName: 'Jürgen', familyName: 'Müller', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: 'first visit', tags: [],
      });
      const event = session.events.create({
        title: 'Check-up', start: '2024-05-06T09:00:00', end: '2024-05-06T09:30:00', allDay: false, timeZone: 'Europe/Berlin',
        location: 'Room 2', notes: '', attendees: [contact.id], reminders: [15], resources: [], status: 'booked', category: '',
      });
      await session.close();
      registry.close();
      return { orgId: org.id, contactId: contact.id, eventId: event.id };
    });

    await lab.loadCorePage(page);

    const found = await page.evaluate(async ({ orgId, contactId }) => {
      const { OrgRegistry, openOrg } = (window as unknown as { core: Core }).core;
      const registry = await OrgRegistry.open();
      const session = await openOrg(orgId);
      const result = {
        orgs: registry.list().map((org) => org.name),
        current: registry.current().name,
        contact: session.contacts.get(contactId)?.notes,
        search: session.contacts.search('muller').map((contact) => contact.id),
        occurrences: session.events.occurrences(Date.parse('2024-05-06T00:00:00Z'), Date.parse('2024-05-07T00:00:00Z')).map((occurrence) => ({
          title: occurrence.title,
          start: occurrence.start,
          attendees: occurrence.event.attendees,
        })),
      };
      await session.close();
      return result;
    }, written);

    expect(found).toEqual({
      orgs: ['Personal', 'Nordklinik'],
      current: 'Nordklinik',
      contact: 'first visit',
      search: [written.contactId],
      occurrences: [{ title: 'Check-up', start: Date.parse('2024-05-06T07:00:00Z'), attendees: [written.contactId] }],
    });
  });

  it('keeps writes still being stored when the page reloads right after closing', async () => {
    const orgId = await page.evaluate(async () => {
      const { OrgRegistry, openOrg } = (window as unknown as { core: Core }).core;
      const registry = await OrgRegistry.open();
      const org = await registry.create({ name: 'Busy', color: '#0e7490' });
      const session = await openOrg(org.id);
      for (let batch = 0; batch < 20; batch++) {
        session.doc.transact(() => {
          for (let index = 0; index < 250; index++) {
            session.contacts.create({ givenName: `Patient ${batch}-${index}`, familyName: '', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] });
          }
        });
      }
      await session.close();
      registry.close();
      return org.id;
    });

    await lab.loadCorePage(page);

    const stored = await page.evaluate(async (id) => {
      const session = await (window as unknown as { core: Core }).core.openOrg(id);
      const count = [...session.contacts.ids()].length;
      await session.close();
      return count;
    }, orgId);
    expect(stored).toBe(5_000);
  });

  it('keeps a write made the moment it reopens, before its document has loaded', async () => {
    const written = await page.evaluate(async () => {
      const { OrgRegistry, openOrg } = (window as unknown as { core: Core }).core;
      const registry = await OrgRegistry.open();
      const org = await registry.create({ name: 'Reopened', color: '#0e7490' });
      const session = await openOrg(org.id);
      const contact = session.contacts.create({ givenName: 'Anna', familyName: 'Weber', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] });
      await session.close();
      registry.close();
      return { orgId: org.id, contactId: contact.id };
    });

    await lab.loadCorePage(page);
    await page.evaluate(async ({ orgId, contactId }) => {
      const session = await (window as unknown as { core: Core }).core.openOrg(orgId);
      session.contacts.update(contactId, { notes: 'written at once' });
      await session.close();
    }, written);

    await lab.loadCorePage(page);
    const notes = await page.evaluate(async ({ orgId, contactId }) => {
      const session = await (window as unknown as { core: Core }).core.openOrg(orgId);
      const found = session.contacts.get(contactId)?.notes;
      await session.close();
      return found;
    }, written);
    expect(notes).toBe('written at once');
  });
});
