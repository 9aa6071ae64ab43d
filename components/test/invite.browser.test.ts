/**
 * Invites in real browsers: an inviter and an invitee in two browser contexts, a share code from the local
 * Worker, the password proven over a real WebRTC connection, and the org with its key handed over.
 */
import { describe, expect, it } from 'vitest';
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import type { Invitation, InviteError, InviteRedemption } from '../src/core/index.ts';

const PASSWORD = 'blue heron at dawn';

const lab = useDeviceLab();

interface InviteWindow {
  core: Core;
  invitation: Invitation;
  redemption: InviteRedemption;
  wrongPasswordEvents: number[];
}

/** The inviter creates a synced org and opens an invite for it; returns the code and the org as created. */
async function openInvite(page: Device) {
  return page.evaluate(
    async ({ workerUrl, password }) => {
      const w = window as unknown as InviteWindow;
      const { OrgRegistry, RelayApi, Invitation, loadOrgKey } = w.core;
      const registry = await OrgRegistry.open();
      const created = await registry.create({ name: 'Praxis am Park', color: '#0e7490' });
      const org = await registry.setRoom(created.id, crypto.randomUUID());
      const orgKey = (await loadOrgKey(org.id))!;
      w.wrongPasswordEvents = [];
      w.invitation = await Invitation.create({ api: new RelayApi(workerUrl), org: { ...org, roomId: org.roomId! }, orgKey, password });
      w.invitation.on('wrong-password', (triesLeft: number) => w.wrongPasswordEvents.push(triesLeft));
      const keyText = btoa(String.fromCharCode(...orgKey));
      return { code: w.invitation.code, expiresAt: w.invitation.expiresAt, org, keyText };
    },
    { workerUrl: lab.workerUrl, password: PASSWORD },
  );
}

const redeem = (page: Device, code: string) =>
  page.evaluate(
    async ({ workerUrl, code }) => {
      const w = window as unknown as InviteWindow;
      try {
        w.redemption = await w.core.InviteRedemption.redeem(new w.core.RelayApi(workerUrl), code);
        return { ok: true as const, roomId: w.redemption.roomId };
      } catch (err) {
        return { ok: false as const, code: (err as InviteError).code };
      }
    },
    { workerUrl: lab.workerUrl, code },
  );

/** One password try; on success the invitee's device adopts the org, as the app does. */
const tryPassword = (page: Device, password: string) =>
  page.evaluate(async (password) => {
    const w = window as unknown as InviteWindow;
    try {
      const invited = await w.redemption.tryPassword(password);
      const registry = await w.core.OrgRegistry.open();
      const org = await registry.adopt(invited.org, invited.orgKey);
      const stored = (await w.core.loadOrgKey(org.id))!;
      return { ok: true as const, org, keyText: btoa(String.fromCharCode(...stored)) };
    } catch (err) {
      const error = err as InviteError;
      return { ok: false as const, code: error.code, triesLeft: error.triesLeft, message: error.message };
    }
  }, password);

const invitationState = (page: Device) => page.evaluate(() => (window as unknown as InviteWindow).invitation.state);

const listedOrgs = (page: Device) =>
  page.evaluate(async () => (await (window as unknown as InviteWindow).core.OrgRegistry.open()).list().map((org) => org.name));

describe('an invite', () => {
  it('hands the org and its key to an invitee with the right password', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const offer = await openInvite(inviter);
    expect(offer.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(offer.expiresAt).toBeGreaterThan(Date.now());

    expect(await redeem(invitee, offer.code.toLowerCase())).toMatchObject({ ok: true });
    const joined = await tryPassword(invitee, PASSWORD);
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
    const offer = await openInvite(inviter);
    await redeem(invitee, offer.code);

    expect(await tryPassword(invitee, 'not the password 1')).toMatchObject({ ok: false, code: 'WRONG_PASSWORD', triesLeft: 2 });
    expect(await tryPassword(invitee, 'not the password 2')).toMatchObject({ ok: false, code: 'WRONG_PASSWORD', triesLeft: 1 });
    expect(await tryPassword(invitee, 'not the password 3')).toMatchObject({ ok: false, code: 'TOO_MANY_TRIES', triesLeft: 0 });
    // A fourth try, even with the right password, is refused without contacting anyone.
    expect(await tryPassword(invitee, PASSWORD)).toMatchObject({ ok: false, code: 'TOO_MANY_TRIES' });

    await inviter.waitFor('the invitation locked', () => (window as unknown as InviteWindow).invitation.state === 'locked');
    expect(await inviter.evaluate(() => (window as unknown as InviteWindow).wrongPasswordEvents)).toEqual([2, 1, 0]);
    // The invitee's device lists only its own Personal org: nothing of the invite reached it.
    expect(await listedOrgs(invitee)).toEqual(['Personal']);
  });

  it('lets a second try succeed after one wrong password', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const offer = await openInvite(inviter);
    await redeem(invitee, offer.code);
    expect(await tryPassword(invitee, 'a typo in the password')).toMatchObject({ ok: false, code: 'WRONG_PASSWORD', triesLeft: 2 });
    expect(await tryPassword(invitee, PASSWORD)).toMatchObject({ ok: true, keyText: offer.keyText });
    expect(await invitationState(inviter)).not.toBe('locked');
  });

  it('refuses a spent code and one that was never issued with CODE_INVALID', async () => {
    const inviter = await lab.newDevice();
    const invitee = await lab.newDevice();
    const stranger = await lab.newDevice();
    const offer = await openInvite(inviter);
    expect(await redeem(invitee, offer.code)).toMatchObject({ ok: true });
    expect(await redeem(stranger, offer.code)).toEqual({ ok: false, code: 'CODE_INVALID' });
    expect(await redeem(stranger, 'ZZZZ-ZZZZ')).toEqual({ ok: false, code: 'CODE_INVALID' });
  });
});
