/** The org password's minimum, enforced where an invite is opened, before anything reaches the Worker. */
import { describe, expect, it } from 'vitest';
import { generateOrgPassword } from '../src/core/crypto/org-password.ts';
import { Invitation } from '../src/core/sync/invite.ts';
import { RelayApi } from '../src/core/sync/relay-api.ts';

/** Nothing listens here: an invite that got as far as asking for a code would fail with NETWORK instead. */
const unreachable = new RelayApi('http://127.0.0.1:9');
const org = { id: 'b6f0c1de-2d4e-4c55-9a61-3f5f0e7c9d10', name: 'Praxis am Park', color: '#0e7490', createdAt: 0, roomId: 'room-1' };
const orgKey = new Uint8Array(32);

describe('opening an invite', () => {
  it('refuses an org password shorter than 12 characters with PASSWORD_TOO_SHORT, before asking for a code', async () => {
    await expect(Invitation.create({ api: unreachable, org, orgKey, password: 'Tr4m-l3dger' })).rejects.toMatchObject({
      name: 'InviteError',
      code: 'PASSWORD_TOO_SHORT',
    });
  });

  it('goes on to ask for a code with a generated password', async () => {
    await expect(Invitation.create({ api: unreachable, org, orgKey, password: generateOrgPassword() })).rejects.toMatchObject({
      name: 'InviteError',
      code: 'NETWORK',
    });
  });
});
