import { describe, expect, it } from 'vitest';
import type { ListWorkspacesResponse, Workspace } from '../src/protocol/index.ts';
import { call, expectError, joinSecretPair, newAccount, newWorkspace } from './api-client.ts';

const list = async (token: string) => ((await (await call('/api/workspaces', { token })).json()) as ListWorkspacesResponse).workspaces;

describe('workspaces', () => {
  it('creates a workspace with a random id and the opaque name it was given', async () => {
    const owner = await newAccount();
    const response = await call('/api/workspaces', { token: owner.token, body: { name: 'b3BhcXVlIGNpcGhlcnRleHQ' } });
    expect(response.status).toBe(201);
    const workspace = (await response.json()) as Workspace;
    expect(workspace.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(workspace.name).toBe('b3BhcXVlIGNpcGhlcnRleHQ');
    expect(workspace.createdAt).toBeGreaterThan(0);
  });

  it('creates a workspace under an id the client derived, once: a second creation is a 409 and changes nothing', async () => {
    const [first, second] = [await newAccount(), await newAccount()];
    const { joinVerifier } = await joinSecretPair();
    const id = crypto.randomUUID();
    const created = await call('/api/workspaces', { token: first.token, body: { id, name: 'Zmlyc3Q', joinVerifier } });
    expect(created.status).toBe(201);
    expect(((await created.json()) as Workspace).id).toBe(id);

    await expectError(await call('/api/workspaces', { token: second.token, body: { id, name: 'c2Vjb25k', joinVerifier } }), 409, 'CONFLICT');
    const listed = (await (await call('/api/workspaces', { token: first.token })).json()) as ListWorkspacesResponse;
    expect(listed.workspaces.find((workspace) => workspace.id === id)?.name).toBe('Zmlyc3Q');
    const secondList = (await (await call('/api/workspaces', { token: second.token })).json()) as ListWorkspacesResponse;
    expect(secondList.workspaces).toEqual([]);
  });

  it('refuses a client-chosen id that is not a lower-case v4 UUID', async () => {
    const account = await newAccount();
    for (const id of ['not-a-uuid', crypto.randomUUID().toUpperCase(), '00000000-0000-1000-8000-000000000000']) {
      await expectError(await call('/api/workspaces', { token: account.token, body: { id, name: 'bg' } }), 400, 'INVALID_INPUT');
    }
    const listed = (await (await call('/api/workspaces', { token: account.token })).json()) as ListWorkspacesResponse;
    expect(listed.workspaces).toEqual([]);
  });

  it('lists only the caller\'s workspaces', async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    const first = await newWorkspace(alice.token);
    const second = await newWorkspace(alice.token);
    await newWorkspace(bob.token);
    expect((await list(alice.token)).map((w) => w.id)).toEqual([first.id, second.id]);
    expect(await list(bob.token)).toHaveLength(1);
  });

  it('lets another account join with the join secret, and lists it for that account', async () => {
    const owner = await newAccount();
    const colleague = await newAccount();
    const { joinSecret, joinVerifier } = await joinSecretPair();
    const workspace = await newWorkspace(owner.token, joinVerifier);
    const response = await call(`/api/workspaces/${workspace.id}/join`, { token: colleague.token, body: { joinSecret } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(workspace);
    expect(await list(colleague.token)).toEqual([workspace]);
  });

  it('refuses a wrong join secret and leaves membership unchanged', async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const { joinVerifier } = await joinSecretPair();
    const wrong = await joinSecretPair();
    const workspace = await newWorkspace(owner.token, joinVerifier);
    await expectError(await call(`/api/workspaces/${workspace.id}/join`, { token: stranger.token, body: { joinSecret: wrong.joinSecret } }), 403, 'JOIN_REFUSED');
    expect(await list(stranger.token)).toEqual([]);
    await expectError(await call(`/sync/${workspace.id}/changes`, { token: stranger.token }), 404, 'NOT_FOUND');
  });

  it('refuses joining a workspace that registered no verifier', async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const { joinSecret } = await joinSecretPair();
    await expectError(await call(`/api/workspaces/${workspace.id}/join`, { token: stranger.token, body: { joinSecret } }), 403, 'JOIN_REFUSED');
  });

  it('answers a join of a workspace that does not exist exactly like a wrong secret', async () => {
    const stranger = await newAccount();
    const { joinSecret } = await joinSecretPair();
    const missing = await call(`/api/workspaces/${crypto.randomUUID()}/join`, { token: stranger.token, body: { joinSecret } });
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token, (await joinSecretPair()).joinVerifier);
    const wrong = await call(`/api/workspaces/${workspace.id}/join`, { token: stranger.token, body: { joinSecret } });
    expect(missing.status).toBe(wrong.status);
    expect(await missing.json()).toEqual(await wrong.json());
  });

  it('gives a non-member the same answer as for a workspace that does not exist', async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const member = await call(`/sync/${workspace.id}/changes?since=0`, { token: stranger.token });
    const missing = await call(`/sync/${crypto.randomUUID()}/changes?since=0`, { token: stranger.token });
    expect(member.status).toBe(404);
    expect(await member.json()).toEqual(await missing.json());
  });
});
