import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { COMPACT_AFTER_UPDATES, MERGED_UPDATE_BYTES, OrgPersistence } from '../src/core/records/org-persistence.ts';

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

  it(`merges its many small stored updates into one in idle time once there are ${COMPACT_AFTER_UPDATES}`, async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    for (let index = 0; index < COMPACT_AFTER_UPDATES; index++) doc.getMap('events').set(`e${index}`, index);
    expect(persistence.merging).toBeDefined();
    await persistence.merging;
    expect(persistence.storedUpdates).toBe(1);
    doc.getMap('events').set('after', true);
    await persistence.close();
    const again = await reopened();
    expect(again.getMap('events').size).toBe(COMPACT_AFTER_UPDATES + 1);
  });

  it('hands over the snapshot saved with the last stored update', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    doc.getMap('contacts').set('c1', 'Anna');
    await persistence.saveSnapshot({ head: 'snapshot of Anna', chunks: ['Anna'] });
    await persistence.close();
    const again = await OrgPersistence.read(NAME);
    expect(again.takeSnapshot()).toEqual({ head: 'snapshot of Anna', chunks: ['Anna'] });
    expect(again.takeSnapshot()).toBeUndefined();
    await again.close();
  });

  it('keeps the chunks of the last snapshot saved, in order, and none of an earlier one', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    doc.getMap('contacts').set('c1', 'Anna');
    await persistence.saveSnapshot({ head: 'first', chunks: Array.from({ length: 30 }, (_, index) => `first ${index}`) });
    const chunks = Array.from({ length: 12 }, (_, index) => `second ${index}`);
    await persistence.saveSnapshot({ head: 'second', chunks });
    await persistence.close();
    const again = await OrgPersistence.read(NAME);
    expect(again.takeSnapshot()).toEqual({ head: 'second', chunks });
    await again.close();
  });

  it('holds a snapshot stale once an update is stored after it', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    doc.getMap('contacts').set('c1', 'Anna');
    await persistence.saveSnapshot({ head: 'snapshot of Anna', chunks: [] });
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
    await persistence.saveSnapshot({ head: 'snapshot of three events', chunks: ['e0', 'e1', 'e2'] });
    await persistence.compact();
    await persistence.close();
    const again = await OrgPersistence.read(NAME);
    expect(again.storedUpdates).toBe(1);
    expect(again.takeSnapshot()).toEqual({ head: 'snapshot of three events', chunks: ['e0', 'e1', 'e2'] });
    await again.close();
  });

  it(`merges runs of updates up to ${MERGED_UPDATE_BYTES / 1024} KiB each, in order, leaving a larger one as it is`, async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    const text = (length: number) => 'x'.repeat(length);
    doc.getMap('events').set('large', text(MERGED_UPDATE_BYTES + 1));
    // Four to a run, each overwriting the last: applied out of order, an earlier one would win.
    for (let index = 0; index < 8; index++) doc.getMap('events').set('latest', `${index}${text(MERGED_UPDATE_BYTES / 4 - 64)}`);
    await persistence.compact();
    expect(persistence.storedUpdates).toBe(1 + 2);
    await persistence.close();
    const again = await reopened();
    expect((again.getMap('events').get('latest') as string)[0]).toBe('7');
    expect(again.getMap('events').get('large')).toHaveLength(MERGED_UPDATE_BYTES + 1);
  });

  it('loads the stored updates one per idle slice', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    for (let index = 0; index < 3; index++) doc.getMap('contacts').set(`c${index}`, index);
    await persistence.close();

    const loading = new Y.Doc();
    const sizes: number[] = [];
    loading.on('afterTransaction', () => sizes.push(loading.getMap('contacts').size));
    const again = await OrgPersistence.read(NAME);
    await again.loadInSlices(loading);
    expect(sizes).toEqual([1, 2, 3]);
    await again.close();
  });

  it('finishes loading at once when asked to while loading in slices', async () => {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(NAME, doc);
    for (let index = 0; index < 3; index++) doc.getMap('contacts').set(`c${index}`, index);
    await persistence.close();

    const loading = new Y.Doc();
    const again = await OrgPersistence.read(NAME);
    const sliced = again.loadInSlices(loading);
    again.load(loading);
    expect(loading.getMap('contacts').size).toBe(3);
    await sliced;
    loading.getMap('contacts').set('after', true);
    await again.close();
    expect((await reopened()).getMap('contacts').size).toBe(4);
  });
});
