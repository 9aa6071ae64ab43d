/** The client's join verifier and join secret (components/src/core/crypto) against the real Worker. */
import { describe, expect, it } from 'vitest';
import { deriveOrgSubkeys, generateOrgKey } from '../../components/src/core/crypto/org-key.ts';
import { joinVerifierFor } from '../../components/src/core/crypto/join-verifier.ts';
import { call, expectError, newAccount, newWorkspace } from './api-client.ts';

describe('relay workspace joined with an org key', () => {
  it("admits a member whose join secret comes from the org key the workspace's verifier was made from", async () => {
    const [creator, member] = [await newAccount(), await newAccount()];
    const { joinSecret } = await deriveOrgSubkeys(await generateOrgKey(), crypto.randomUUID());
    const workspace = await newWorkspace(creator.token, await joinVerifierFor(joinSecret));
    const response = await call(`/api/workspaces/${workspace.id}/join`, { token: member.token, body: { joinSecret } });
    expect(response.status).toBe(200);
  });

  it("refuses the join secret of another org key for the same org id", async () => {
    const [creator, stranger] = [await newAccount(), await newAccount()];
    const orgId = crypto.randomUUID();
    const mine = await deriveOrgSubkeys(await generateOrgKey(), orgId);
    const theirs = await deriveOrgSubkeys(await generateOrgKey(), orgId);
    const workspace = await newWorkspace(creator.token, await joinVerifierFor(mine.joinSecret));
    const response = await call(`/api/workspaces/${workspace.id}/join`, { token: stranger.token, body: { joinSecret: theirs.joinSecret } });
    await expectError(response, 403, 'JOIN_REFUSED');
  });
});
