import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { loadOrgKey } from '../src/core/crypto/key-store.ts';
import { OrgRegistry } from '../src/core/org/org-registry.ts';
import { openOrg, orgDatabaseName } from '../src/core/org/org-session.ts';
import { leaveOrg } from '../src/core/sync/org-sync.ts';
import { RelayOutbox } from '../src/core/sync/relay-outbox.ts';
import { recordRelayWorkspaceId } from '../src/core/sync/relay-workspace.ts';

/** A fresh device: nothing in IndexedDB. */
afterEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const databaseNames = async () => (await indexedDB.databases()).map((database) => database.name!).sort();

describe('leaving a synced org', () => {
  it('deletes its relay outbox, document, key and entry, and nothing of another org', async () => {
    const registry = await OrgRegistry.open();
    const leaving = await registry.setRoom((await registry.create({ name: 'Leaving', color: '#112233' })).id, 'room-of-leaving');
    const staying = await registry.setRoom((await registry.create({ name: 'Staying', color: '#445566' })).id, 'room-of-staying');
    const workspaceId = crypto.randomUUID();
    for (const org of [leaving, staying]) {
      const session = await openOrg(org.id);
      recordRelayWorkspaceId(session.doc, workspaceId);
      (await RelayOutbox.open(org.id, workspaceId)).close();
      await session.close();
    }
    // The app closes the org's session first; the document it held still names the workspace.
    const session = await openOrg(leaving.id);
    await session.close();
    const doc = session.doc;
    const before = await databaseNames();
    expect(before).toContain(RelayOutbox.databaseName(leaving.id, workspaceId));

    await leaveOrg(registry, leaving.id, { doc });

    const after = await databaseNames();
    expect(before.filter((name) => !after.includes(name)).sort()).toEqual(
      [RelayOutbox.databaseName(leaving.id, workspaceId), orgDatabaseName(leaving.id)].sort(),
    );
    expect(await loadOrgKey(leaving.id)).toBeUndefined();
    expect(await loadOrgKey(staying.id)).toBeDefined();
    expect(registry.list().map((org) => org.name)).toEqual(['Personal', 'Staying']);
  });
});
