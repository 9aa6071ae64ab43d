/** Compaction: a member replaces the workspace's history with an encrypted snapshot; newcomers start from it. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { content, docKnowingWorkspace, invitedDoc, newOrg, randomEdit, sameContent, useRelayWorker, waitFor, type TestAccount, type TestDevice } from './relay-fixtures.ts';
import { seededRandom } from './seeded-random.ts';
import { relayUpdateCipher, type RelayOrg } from '../src/core/sync/relay-workspace.ts';
import type { BoundCipher } from '../src/core/crypto/aead.ts';

const relay = useRelayWorker('alice', 'bob', 'carol', 'eve');

const COMPACT_AFTER = 40;

async function device(account: TestAccount, org: RelayOrg, doc?: Y.Doc, cipher?: BoundCipher): Promise<TestDevice> {
  const client = { compactAfter: COMPACT_AFTER, ...(cipher ? { cipher } : {}) };
  return relay.startDevice(account, org, { ...(doc ? { doc } : {}), client });
}

/** Edits on alternate devices, one change each: every edit waits for the previous one's acknowledgement. */
async function editInTurn(devices: TestDevice[], edits: number): Promise<void> {
  const random = seededRandom(7);
  for (let i = 0; i < edits; i++) {
    const writer = devices[i % devices.length]!;
    randomEdit(writer.doc, random, `e${i}`);
    await waitFor('the edit is acknowledged', () => writer.client.status.pending === 0);
  }
}

async function history(member: TestDevice) {
  return member.relay.api.pullChanges(await member.relay.getToken(), member.workspace.id, 0, 1000);
}

describe('compaction', () => {
  it('lets a member replace many changes with one encrypted snapshot, from which a new device converges', async () => {
    const org = await newOrg();
    const first = await device(relay.accounts.alice, org);
    const second = await device(relay.accounts.bob, org, invitedDoc(first.doc));
    await editInTurn([first, second], 3 * COMPACT_AFTER);
    await waitFor('both devices agree', () => sameContent([first.doc, second.doc]));
    await waitFor('the relay holds a snapshot', async () => (await history(first)).changes[0]?.snapshot === true);

    const compacted = await history(first);
    expect(compacted.changes.length).toBeLessThan(3 * COMPACT_AFTER);

    const newcomer = await device(relay.accounts.carol, org, docKnowingWorkspace(first.workspace.id));
    await waitFor('the new device converges', () => sameContent([first.doc, newcomer.doc]));
    expect(content(newcomer.doc)).toEqual(content(second.doc));
    expect(newcomer.undecryptable).toEqual([]);
  });

  it('is never done over a change a member could not open: that change stays in the history', async () => {
    const org = await newOrg();
    const first = await device(relay.accounts.alice, org);
    const second = await device(relay.accounts.bob, org, invitedDoc(first.doc));
    const otherKey = await newOrg(org.orgId);
    const stranger = await device(relay.accounts.eve, org, docKnowingWorkspace(first.workspace.id), relayUpdateCipher(otherKey, first.workspace.id));
    await waitFor('both members skipped the stranger’s change', () => first.undecryptable.length > 0 && second.undecryptable.length > 0);
    const unreadable = first.undecryptable[0]!;
    await stranger.stop();

    await editInTurn([first, second], 3 * COMPACT_AFTER);
    await waitFor('both devices agree', () => sameContent([first.doc, second.doc]));
    const kept = await history(first);
    expect(kept.changes.map((change) => change.id)).toContain(unreadable.id);
    expect(kept.changes.filter((change) => change.snapshot && change.version >= unreadable.version)).toEqual([]);
  });
});
