/** Invites between apps that speak different invite protocols: the invitee says so, rather than "wrong password". */
import { describe, expect, it } from 'vitest';
import { INVITE_PROTOCOL_VERSION, InviteRedemption, parseInviteRoom } from '../src/core/sync/invite.ts';
import { RelayApi } from '../src/core/sync/relay-api.ts';

const ORG_ID = 'b6f0c1de-2d4e-4c55-9a61-3f5f0e7c9d10';
const RANDOM = 'q3Jm0f2yXb8Z1cVtN4wKpA';

/** A Worker whose every share code leads to `roomId`, as one would for a code an inviter of that app made. */
function workerLeadingTo(roomId: string): RelayApi {
  return new RelayApi('http://worker.test', async () => new Response(JSON.stringify({ roomId }), { headers: { 'content-type': 'application/json' } }));
}

describe('an invite room id', () => {
  it('names the org and the invite protocol, version 1 when it names none', () => {
    expect(parseInviteRoom(`${ORG_ID}.${RANDOM}.v2`)).toEqual({ orgId: ORG_ID, version: 2 });
    expect(parseInviteRoom(`${ORG_ID}.${RANDOM}`)).toEqual({ orgId: ORG_ID, version: 1 });
    expect(parseInviteRoom(`${ORG_ID}.${RANDOM}.v17`)).toEqual({ orgId: ORG_ID, version: 17 });
    expect(parseInviteRoom('no-dot-in-here')).toBeNull();
    expect(parseInviteRoom(`${ORG_ID}.has spaces`)).toBeNull();
  });
});

describe('redeeming an invite made by another version of the app', () => {
  it('refuses one from an older app with INVITE_VERSION, telling the invitee to have the inviter update', async () => {
    await expect(InviteRedemption.redeem(workerLeadingTo(`${ORG_ID}.${RANDOM}`), 'ABCD-EFGH')).rejects.toMatchObject({
      name: 'InviteError',
      code: 'INVITE_VERSION',
      inviterVersion: 1,
      message: expect.stringContaining('older version'),
    });
  });

  it('refuses one from a newer app with INVITE_VERSION, telling the invitee to update', async () => {
    await expect(InviteRedemption.redeem(workerLeadingTo(`${ORG_ID}.${RANDOM}.v${INVITE_PROTOCOL_VERSION + 1}`), 'ABCD-EFGH')).rejects.toMatchObject({
      code: 'INVITE_VERSION',
      inviterVersion: INVITE_PROTOCOL_VERSION + 1,
      message: expect.stringContaining('newer version'),
    });
  });

  it('takes one of its own version, for the org its room names', async () => {
    const redemption = await InviteRedemption.redeem(workerLeadingTo(`${ORG_ID}.${RANDOM}.v${INVITE_PROTOCOL_VERSION}`), 'ABCD-EFGH');
    expect(redemption.orgId).toBe(ORG_ID);
  });
});
