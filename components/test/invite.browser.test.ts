/**
 * Invites in real browsers: an inviter and an invitee in two browser contexts, a share code from the local
 * Worker, the password run through the invite's PAKE over a real WebRTC connection, and the org with its key
 * handed over. The attacks on invites are in invite-attacks.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { listedOrgs, openInvite, redeem, tryPasswordAndAdopt, type InviteWindow } from './invite-pages.ts';

const PASSWORD = 'blue heron at dawn';

const lab = useDeviceLab();

const invitationState = (page: Device) => page.evaluate(() => (window as unknown as InviteWindow).invitation.state);
const orgNames = async (page: Device) => (await listedOrgs(page)).map((org) => org.name);

describe('an invite', () => {
  it('hands the org and its key to an invitee with the right password', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const offer = await openInvite(inviter, lab.workerUrl, PASSWORD);
    expect(offer.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(offer.expiresAt).toBeGreaterThan(Date.now());

    expect(await redeem(invitee, lab.workerUrl, offer.code.toLowerCase())).toMatchObject({ ok: true });
    const joined = await tryPasswordAndAdopt(invitee, PASSWORD);
    expect(joined).toMatchObject({
      ok: true,
      org: { id: offer.org.id, name: 'Praxis am Park', color: '#0e7490', roomId: offer.org.roomId },
      keyText: offer.keyText,
    });
    await inviter.waitFor('the invitation completed', () => (window as unknown as InviteWindow).invitation.state === 'completed');
  });

  it('gives a wrong password nothing but WRONG_PASSWORD, and closes after three tries', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const offer = await openInvite(inviter, lab.workerUrl, PASSWORD);
    await redeem(invitee, lab.workerUrl, offer.code);

    expect(await tryPasswordAndAdopt(invitee, 'not the password 1')).toMatchObject({ ok: false, code: 'WRONG_PASSWORD', triesLeft: 2 });
    expect(await tryPasswordAndAdopt(invitee, 'not the password 2')).toMatchObject({ ok: false, code: 'WRONG_PASSWORD', triesLeft: 1 });
    expect(await tryPasswordAndAdopt(invitee, 'not the password 3')).toMatchObject({ ok: false, code: 'TOO_MANY_TRIES', triesLeft: 0 });
    // A fourth try, even with the right password, is refused without contacting anyone.
    expect(await tryPasswordAndAdopt(invitee, PASSWORD)).toMatchObject({ ok: false, code: 'TOO_MANY_TRIES' });

    await inviter.waitFor('the invitation locked', () => (window as unknown as InviteWindow).invitation.state === 'locked');
    expect(await inviter.evaluate(() => (window as unknown as InviteWindow).wrongPasswordEvents)).toEqual([2, 1, 0]);
    // The invitee's device lists only its own Personal org: nothing of the invite reached it.
    expect(await orgNames(invitee)).toEqual(['Personal']);
  });

  it('lets a second try succeed after one wrong password', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const offer = await openInvite(inviter, lab.workerUrl, PASSWORD);
    await redeem(invitee, lab.workerUrl, offer.code);
    expect(await tryPasswordAndAdopt(invitee, 'a typo in the password')).toMatchObject({ ok: false, code: 'WRONG_PASSWORD', triesLeft: 2 });
    expect(await tryPasswordAndAdopt(invitee, PASSWORD)).toMatchObject({ ok: true, keyText: offer.keyText });
    expect(await invitationState(inviter)).not.toBe('locked');
  });

  it('refuses a spent code and one that was never issued with CODE_INVALID', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const stranger = await lab.newDevice();
    const offer = await openInvite(inviter, lab.workerUrl, PASSWORD);
    expect(await redeem(invitee, lab.workerUrl, offer.code)).toMatchObject({ ok: true });
    expect(await redeem(stranger, lab.workerUrl, offer.code)).toEqual({ ok: false, code: 'CODE_INVALID' });
    expect(await redeem(stranger, lab.workerUrl, 'ZZZZ-ZZZZ')).toEqual({ ok: false, code: 'CODE_INVALID' });
  });
});
