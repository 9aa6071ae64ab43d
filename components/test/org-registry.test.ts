import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { OrgRegistry, OrgRegistryError } from '../src/core/org/org-registry.ts';
import { openOrg, orgDatabaseName } from '../src/core/org/org-session.ts';
import { loadOrgKey } from '../src/core/crypto/key-store.ts';
import { orgIdFor } from '../src/core/crypto/org-key.ts';
import { ValidationError } from '../src/core/records/validation-error.ts';
import { contactFields } from './core-fixtures.ts';

/** A fresh device: nothing in IndexedDB. */
afterEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((database) => database.name!);
}

describe('the org registry', () => {
  it('starts a new device with the default, local-only Personal org as current', async () => {
    const registry = await OrgRegistry.open();
    expect(registry.list()).toMatchObject([{ name: 'Personal', isDefault: true }]);
    expect(registry.list()[0]!.roomId).toBeUndefined();
    expect(registry.current().name).toBe('Personal');
  });

  it('creates Personal once when two opens race on a new device', async () => {
    const [first, second] = await Promise.all([OrgRegistry.open(), OrgRegistry.open()]);
    expect(first.list()).toHaveLength(1);
    expect(second.list().map((org) => org.id)).toEqual(first.list().map((org) => org.id));
  });

  it('creates Personal only once', async () => {
    (await OrgRegistry.open()).close();
    const registry = await OrgRegistry.open();
    expect(registry.list()).toHaveLength(1);
  });

  it('creates an org with a fresh 256-bit org key', async () => {
    const registry = await OrgRegistry.open();
    const org = await registry.create({ name: 'Nordklinik', color: '#0E7490' });
    expect(org).toMatchObject({ name: 'Nordklinik', color: '#0e7490' });
    expect((await loadOrgKey(org.id))?.byteLength).toBe(32);
  });

  it('gives a new org the id its key commits to', async () => {
    const registry = await OrgRegistry.open();
    const org = await registry.create({ name: 'Nordklinik', color: '#0e7490' });
    expect(org.id).toBe(await orgIdFor((await loadOrgKey(org.id))!));
  });

  it('keeps orgs, names and colours across reopening', async () => {
    const first = await OrgRegistry.open();
    const org = await first.create({ name: 'Nordklinik', color: '#0e7490' });
    await first.rename(org.id, 'Südklinik');
    await first.recolour(org.id, '#a21caf');
    first.close();
    const reopened = await OrgRegistry.open();
    expect(reopened.get(org.id)).toMatchObject({ name: 'Südklinik', color: '#a21caf' });
  });

  it('remembers the current org', async () => {
    const first = await OrgRegistry.open();
    const org = await first.create({ name: 'Nordklinik', color: '#0e7490' });
    await first.switchTo(org.id);
    first.close();
    expect((await OrgRegistry.open()).current().id).toBe(org.id);
  });

  it('refuses a colour that is not #rrggbb', async () => {
    const registry = await OrgRegistry.open();
    await expect(registry.create({ name: 'Nordklinik', color: 'teal' })).rejects.toThrow(ValidationError);
  });

  it('refuses an empty name', async () => {
    const registry = await OrgRegistry.open();
    await expect(registry.create({ name: '  ', color: '#0e7490' })).rejects.toThrow(ValidationError);
  });

  it('refuses to switch to an org it does not have', async () => {
    const registry = await OrgRegistry.open();
    await expect(registry.switchTo('nope')).rejects.toMatchObject({ code: 'ORG_NOT_FOUND' });
  });

  it('tells subscribers about changes', async () => {
    const registry = await OrgRegistry.open();
    let calls = 0;
    registry.subscribe(() => calls++);
    await registry.create({ name: 'Nordklinik', color: '#0e7490' });
    expect(calls).toBe(1);
  });
});

describe('adopting an org joined by invite', () => {
  const invited = { id: '0b7f3c55-1d1e-4c2e-9f55-6f1c3f0d2a11', name: 'Praxis am Park', color: '#0E7490', roomId: 'b1c2d3e4-room' };

  it('lists it with its room and stores the key it came with', async () => {
    const registry = await OrgRegistry.open();
    const orgKey = crypto.getRandomValues(new Uint8Array(32));
    const org = await registry.adopt(invited, orgKey);
    expect(org).toMatchObject({ id: invited.id, name: 'Praxis am Park', color: '#0e7490', roomId: 'b1c2d3e4-room' });
    expect(registry.list().map((listed) => listed.id)).toContain(invited.id);
    expect(await loadOrgKey(invited.id)).toEqual(orgKey);
  });

  it('refuses a malformed org and stores nothing for it', async () => {
    const registry = await OrgRegistry.open();
    await expect(registry.adopt({ ...invited, color: 'teal' }, crypto.getRandomValues(new Uint8Array(32)))).rejects.toThrow(ValidationError);
    expect(registry.get(invited.id)).toBeUndefined();
    expect(await loadOrgKey(invited.id)).toBeUndefined();
  });

  it('refuses an invite that claims an org this device has, under another key, and leaves the org as it was', async () => {
    const registry = await OrgRegistry.open();
    const orgKey = crypto.getRandomValues(new Uint8Array(32));
    const member = await registry.adopt(invited, orgKey);
    const takeover = { ...invited, name: 'A new shared calendar', color: '#be185d', roomId: 'attacker-room' };
    await expect(registry.adopt(takeover, crypto.getRandomValues(new Uint8Array(32)))).rejects.toMatchObject({
      name: 'OrgRegistryError',
      code: 'ORG_ID_TAKEN',
    });
    expect(registry.get(invited.id)).toEqual(member);
    expect(await loadOrgKey(invited.id)).toEqual(orgKey);
    const reopened = await OrgRegistry.open();
    expect(reopened.get(invited.id)).toEqual(member);
  });

  it('refreshes an org it has from an invite carrying the same key', async () => {
    const registry = await OrgRegistry.open();
    const orgKey = crypto.getRandomValues(new Uint8Array(32));
    await registry.adopt(invited, orgKey);
    const refreshed = await registry.adopt({ ...invited, name: 'Praxis am Park (Nord)', roomId: 'b1c2d3e4-room-2' }, orgKey.slice());
    expect(refreshed).toMatchObject({ id: invited.id, name: 'Praxis am Park (Nord)', roomId: 'b1c2d3e4-room-2' });
  });

  it('refuses to replace the Personal org', async () => {
    const registry = await OrgRegistry.open();
    const personal = registry.current();
    const attempt = registry.adopt({ ...invited, id: personal.id }, crypto.getRandomValues(new Uint8Array(32)));
    await expect(attempt).rejects.toMatchObject({ code: 'DEFAULT_ORG_CANNOT_BE_REPLACED' });
  });
});

describe('leaving an org', () => {
  it('deletes its document database, its key and its entry, and nothing else', async () => {
    const registry = await OrgRegistry.open();
    const staying = await registry.create({ name: 'Staying', color: '#111111' });
    const leaving = await registry.create({ name: 'Leaving', color: '#222222' });
    for (const org of [staying, leaving]) {
      const session = await openOrg(org.id);
      session.contacts.create(contactFields());
      await session.close();
    }
    await registry.leave(leaving.id);
    expect(registry.list().map((org) => org.name)).toEqual(['Personal', 'Staying']);
    expect(await loadOrgKey(leaving.id)).toBeUndefined();
    expect(await loadOrgKey(staying.id)).toBeDefined();
    const names = await databaseNames();
    expect(names).not.toContain(orgDatabaseName(leaving.id));
    expect(names).toContain(orgDatabaseName(staying.id));
    const staysOpen = await openOrg(staying.id);
    expect(staysOpen.contacts.list()).toHaveLength(1);
    await staysOpen.close();
  });

  it('switches to the default org when the current one is left', async () => {
    const registry = await OrgRegistry.open();
    const org = await registry.create({ name: 'Leaving', color: '#222222' });
    await registry.switchTo(org.id);
    await registry.leave(org.id);
    expect(registry.current().name).toBe('Personal');
  });

  it('refuses to leave the default org', async () => {
    const registry = await OrgRegistry.open();
    const error = await registry.leave(registry.current().id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrgRegistryError);
    expect((error as OrgRegistryError).code).toBe('DEFAULT_ORG_CANNOT_BE_LEFT');
  });
});

describe('opening an org', () => {
  it('finds what was written after closing and reopening, without any network', async () => {
    const registry = await OrgRegistry.open();
    const org = registry.current();
    const first = await openOrg(org.id);
    const { id } = first.contacts.create(contactFields({ notes: 'kept' }));
    await first.close();
    const second = await openOrg(org.id);
    expect(second.contacts.get(id)?.notes).toBe('kept');
    await second.close();
  });

  it('keeps this device’s dismissed reminders across reopening', async () => {
    const org = (await OrgRegistry.open()).current();
    const first = await openOrg(org.id);
    const ref = { eventId: 'e1', recurrenceId: '2024-05-06T09:00:00', offset: 15 };
    await first.reminders.dismiss(ref, 1234);
    await first.close();
    const second = await openOrg(org.id);
    expect(second.reminders.stateOf(ref)).toEqual({ ...ref, dismissedAt: 1234 });
    await second.close();
  });
});
