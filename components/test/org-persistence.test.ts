import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { COMPACT_AFTER_UPDATES, OrgPersistence } from '../src/core/records/org-persistence.ts';

/** A fresh device: nothing in IndexedDB. */
afterEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const NAME = 'p2p-clinic-org-test';

async function reopened(): Promise<Y.Doc> {
  const doc = new Y.Doc();
  await (await OrgPersistence.open(NAME, doc)).close();
  return doc;
}

describe('an org document in IndexedDB', () => {
  it('holds every change made before it was closed', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    for (let index = 0; index < 20; index++) doc.getMap('contacts').set(`c${index}`, index);
    await persistence.close();
    expect((await reopened()).getMap('contacts').size).toBe(20);
  });

  it('opens a database written by y-indexeddb', async () => {
    const written = new Y.Doc();
    const provider = new IndexeddbPersistence(NAME, written);
    await provider.whenSynced;
    written.getMap('contacts').set('c1', 'Anna');
    await provider.set('reminder:x', 'kept');
    await provider.destroy();
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    expect(doc.getMap('contacts').get('c1')).toBe('Anna');
    expect(await persistence.customValues('reminder:')).toEqual(['kept']);
    await persistence.close();
  });

  it(`merges its stored updates into one in idle time once there are ${COMPACT_AFTER_UPDATES}`, async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    for (let index = 0; index < COMPACT_AFTER_UPDATES; index++) doc.getMap('events').set(`e${index}`, index);
    await vi.waitFor(() => expect(persistence.storedUpdates).toBe(1));
    doc.getMap('events').set('after', true);
    await persistence.close();
    const again = await reopened();
    expect(again.getMap('events').size).toBe(COMPACT_AFTER_UPDATES + 1);
  });

  it('hands over the snapshot saved with the last stored update', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    doc.getMap('contacts').set('c1', 'Anna');
    await persistence.saveSnapshot('snapshot of Anna');
    await persistence.close();
    const again = await OrgPersistence.read(NAME);
    expect(again.takeSnapshot()).toBe('snapshot of Anna');
    await again.close();
  });

  it('holds a snapshot stale once an update is stored after it', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    doc.getMap('contacts').set('c1', 'Anna');
    await persistence.saveSnapshot('snapshot of Anna');
    doc.getMap('contacts').set('c2', 'Jürgen');
    await persistence.close();
    const again = await OrgPersistence.read(NAME);
    expect(again.takeSnapshot()).toBeUndefined();
    await again.close();
  });

  it('keeps a fresh snapshot fresh when it merges the updates it was saved with', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    for (let index = 0; index < 3; index++) doc.getMap('events').set(`e${index}`, index);
    await persistence.saveSnapshot('snapshot of three events');
    await persistence.compact();
    await persistence.close();
    const again = await OrgPersistence.read(NAME);
    expect(again.storedUpdates).toBe(1);
    expect(again.takeSnapshot()).toBe('snapshot of three events');
    await again.close();
  });
});
