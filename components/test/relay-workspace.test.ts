/** Finding, creating and joining an org's relay workspace, against the real Worker. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64url } from '#protocol';
import { bindCipher } from '../src/core/crypto/aead.ts';
import { RelayApi, RelayApiError } from '../src/core/sync/relay-api.ts';
import { openRelayWorkspace, relayWorkspaceIdOf, type RelayAccount, type RelayOrg } from '../src/core/sync/relay-workspace.ts';
import { useScratchWorker } from '../../scripts/scratch-worker-pool.ts';
import { invitedDoc, newAccount, newOrg } from './relay-fixtures.ts';

const scratch = useScratchWorker();

async function signedIn(): Promise<RelayAccount> {
  const { token } = await newAccount(scratch.url);
  return { api: new RelayApi(scratch.url), getToken: async () => token };
}

async function nameOpensTo(org: RelayOrg, name: string): Promise<string> {
  const cipher = bindCipher(org.subkeys.relayKey, { orgId: org.orgId, purpose: 'workspace-name', scope: '' });
  return new TextDecoder().decode(await cipher.open(decodeBase64url(name)!));
}

describe("an org's relay workspace", () => {
  it('is created on first use, named by the org id sealed under the relay key, and recorded in the org document', async () => {
    const account = await signedIn();
    const org = await newOrg();
    const doc = new Y.Doc();
    const workspace = await openRelayWorkspace(account, org, doc);

    expect(relayWorkspaceIdOf(doc)).toBe(workspace.id);
    const { workspaces } = await account.api.listWorkspaces(await account.getToken());
    expect(workspaces.map((listed) => listed.id)).toEqual([workspace.id]);
    const [listed] = workspaces;
    expect(listed!.name).not.toContain(org.orgId);
    expect(await nameOpensTo(org, listed!.name)).toBe(org.orgId);
  });

  it('is named by the org key, so a device whose document does not know it yet finds the same one', async () => {
    const account = await signedIn();
    const org = await newOrg();
    const first = await openRelayWorkspace(account, org, new Y.Doc());
    expect(first.id).toBe(org.subkeys.relayWorkspaceId);
    await openRelayWorkspace(account, await newOrg(), new Y.Doc());

    const otherDevice = new Y.Doc();
    const found = await openRelayWorkspace(account, org, otherDevice);
    expect(found.id).toBe(first.id);
    expect(relayWorkspaceIdOf(otherDevice)).toBe(first.id);
    expect((await account.api.listWorkspaces(await account.getToken())).workspaces).toHaveLength(2);
  });

  it('is one workspace when two members start the relay at once, neither knowing of the other', async () => {
    const [alice, bob] = [await signedIn(), await signedIn()];
    const org = await newOrg();
    const [fromAlice, fromBob] = await Promise.all([openRelayWorkspace(alice, org, new Y.Doc()), openRelayWorkspace(bob, org, new Y.Doc())]);
    expect(fromBob.id).toBe(fromAlice.id);
    for (const account of [alice, bob]) {
      const { workspaces } = await account.api.listWorkspaces(await account.getToken());
      expect(workspaces.map((workspace) => workspace.id)).toEqual([fromAlice.id]);
    }
  });

  it('admits another member with the join secret and the id the org document carries', async () => {
    const [creator, member] = [await signedIn(), await signedIn()];
    const org = await newOrg();
    const creatorDoc = new Y.Doc();
    const created = await openRelayWorkspace(creator, org, creatorDoc);

    const joined = await openRelayWorkspace(member, org, invitedDoc(creatorDoc));
    expect(joined.id).toBe(created.id);
    const page = await member.api.pullChanges(await member.getToken(), joined.id, 0);
    expect(page.changes).toEqual([]);
  });

  it('sends the join secret to the Worker only while the account is not a member, not on every open', async () => {
    const creator = await signedIn();
    const org = await newOrg();
    const creatorDoc = new Y.Doc();
    await openRelayWorkspace(creator, org, creatorDoc);
    const requests: string[] = [];
    const { token } = await newAccount(scratch.url);
    const recording: typeof fetch = async (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname} ${String(init?.body ?? '')}`);
      return fetch(input, init);
    };
    const member = { api: new RelayApi(scratch.url, recording), getToken: async () => token };
    const joinSecretSent = () => requests.filter((request) => request.includes(org.subkeys.joinSecret)).length;

    await openRelayWorkspace(member, org, invitedDoc(creatorDoc));
    expect(joinSecretSent()).toBe(1);
    await openRelayWorkspace(member, org, invitedDoc(creatorDoc));
    await openRelayWorkspace(member, org, null);
    expect(joinSecretSent()).toBe(1);
  });

  it('refuses a wrong join secret with 403 JOIN_REFUSED, and the account does not become a member', async () => {
    const [creator, stranger] = [await signedIn(), await signedIn()];
    const org = await newOrg();
    const creatorDoc = new Y.Doc();
    const { id } = await openRelayWorkspace(creator, org, creatorDoc);
    const otherKeySameOrg = await newOrg(org.orgId);

    const refusal = await openRelayWorkspace(stranger, otherKeySameOrg, invitedDoc(creatorDoc)).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(RelayApiError);
    expect(refusal).toMatchObject({ code: 'JOIN_REFUSED', status: 403 });

    const token = await stranger.getToken();
    expect((await stranger.api.listWorkspaces(token)).workspaces).toEqual([]);
    await expect(stranger.api.pullChanges(token, id, 0)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
