import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openOrg } from '../src/core/org/org-session.ts';
import { RemovedFromOrgError } from '../src/core/records/org-document.ts';
import { contactFields } from './core-fixtures.ts';
import { foundOrg, openDevice, settle, type TestDevice } from './membership-fixtures.ts';

describe('a device removed from the org', () => {
  it('keeps what it had, read only: writes are refused with REMOVED_FROM_ORG and the stores tell their listeners', async () => {
    const { org, devices } = await foundOrg(['ana']);
    const [ana] = devices as [TestDevice];
    const session = await openOrg(org.orgId);
    const rex = await openDevice(org, 'rex', { doc: session.doc });
    await settle([ana, rex]);
    const kept = session.contacts.create(contactFields({ givenName: 'Marta' }));
    let heard = 0;
    session.contacts.subscribe(() => heard++);
    expect(session.readOnly).toBe(false);

    await ana.membership.remove([rex.identity.deviceId]);
    await settle([ana, rex]);

    expect(rex.membership.view.status).toBe('removed');
    expect(heard).toBeGreaterThan(0);
    expect(session.readOnly).toBe(true);
    expect(session.readOnlyReason).toMatch(/removed from the org/);
    expect(() => session.contacts.create(contactFields({ givenName: 'Nia' }))).toThrow(RemovedFromOrgError);
    expect(() => session.contacts.update(kept.id, { givenName: 'Martha' })).toThrow(expect.objectContaining({ code: 'REMOVED_FROM_ORG' }));
    expect(() => session.events.remove('any')).toThrow(RemovedFromOrgError);
    expect(session.contacts.get(kept.id)?.givenName).toBe('Marta');
    await session.close();
  });

  it('stays writable for the devices that remain', async () => {
    const { org, devices } = await foundOrg(['ana']);
    const session = await openOrg(org.orgId);
    const ben = await openDevice(org, 'ben', { doc: session.doc });
    const rex = await openDevice(org, 'rex');
    const all = [...devices, ben, rex];
    await settle(all);
    await ben.membership.remove([rex.identity.deviceId]);
    await settle(all);

    expect(session.readOnly).toBe(false);
    expect(session.contacts.create(contactFields({ givenName: 'Nia' })).givenName).toBe('Nia');
    await session.close();
  });
});
