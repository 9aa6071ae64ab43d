/** What the relay client does with blobs it cannot open: reports them, skips them, never lets them touch the document. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { relayUpdateCipher } from '../src/core/sync/relay-workspace.ts';
import { content, docKnowingWorkspace, invitedDoc, newOrg, sameContent, useRelayWorker, waitFor, type TestAccount, type TestDevice } from './relay-fixtures.ts';

const relay = useRelayWorker('alice', 'bob', 'eve');

/**
 * Alice and Bob hold the org key; Eve's account is a member of the workspace (it knows the join secret) but her
 * device seals and opens with the relay key of another org key: what a device with a wrong or stale key sees.
 */
async function orgWithStranger(): Promise<{ members: TestDevice[]; stranger: TestDevice }> {
  const org = await newOrg();
  const start = async (account: TestAccount, doc?: Y.Doc, cipher?: TestDevice['workspace']['cipher']) => {
    return relay.startDevice(account, org, { ...(doc ? { doc } : {}), client: cipher ? { cipher } : {} });
  };
  const first = await start(relay.accounts.alice);
  const second = await start(relay.accounts.bob, invitedDoc(first.doc));
  const otherKey = await newOrg(org.orgId);
  const stranger = await start(relay.accounts.eve, docKnowingWorkspace(first.workspace.id), relayUpdateCipher(otherKey, first.workspace.id));
  return { members: [first, second], stranger };
}

const emptyContent = content(new Y.Doc());

describe('blobs sealed under another key', () => {
  it("leave a device without the org key with an empty document, reporting each one as 'undecryptable-change'", async () => {
    const { members, stranger } = await orgWithStranger();
    const [alicesDevice] = members;
    alicesDevice!.doc.getMap('records').set('patient', 'confidential');
    alicesDevice!.doc.getText('notes').insert(0, 'only for members');
    await waitFor('the stranger has been offered the changes', () => stranger.undecryptable.length >= 2);

    expect(content(stranger.doc)).toEqual(emptyContent);
    expect(stranger.doc.getMap('meta').toJSON()).toEqual({ relayWorkspaceId: alicesDevice!.workspace.id });
    expect(stranger.undecryptable[0]).toMatchObject({ reason: expect.stringContaining('another key or context') });
  });

  it("are skipped by members, who keep converging and never apply the stranger's edits", async () => {
    const { members, stranger } = await orgWithStranger();
    await waitFor('the stranger is live', () => stranger.client.status.transport === 'websocket');
    stranger.doc.getMap('records').set('forged', 'by a device without the key');
    members[0]!.doc.getMap('records').set('genuine', 'by a member');
    members[1]!.doc.getArray('log').push(['also genuine']);

    await waitFor('both members reported the stranger’s changes', () => members.every((member) => member.undecryptable.length >= 2));
    await waitFor('the members converge', () => sameContent(members.map((member) => member.doc)));
    for (const member of members) {
      expect(member.doc.getMap('records').toJSON()).toEqual({ genuine: 'by a member' });
      expect(member.doc.getArray('log').toJSON()).toEqual(['also genuine']);
    }
  });
});
