/**
 * What the invite's browser tests do in a device's page: open an invite for an org, redeem a code, try a password
 * and adopt what it brings, as the app does. Devices only (scripts/device-lab/device.ts), so they run in every
 * browser of the lab.
 */
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import type { Invitation, InviteError, InviteRedemption, Org, OrgRegistryError } from '../src/core/index.ts';

export interface InviteWindow {
  core: Core;
  invitation: Invitation;
  redemption: InviteRedemption;
  wrongPasswordEvents: number[];
}

/** The org an invite hands over, as the inviter claims it; omitted fields come from the inviter's own new org. */
export type ClaimedOrg = Partial<Pick<Org, 'id' | 'name' | 'color' | 'roomId'>>;

/**
 * The inviter creates a synced org on its device and opens an invite for it, claiming `claim` in place of the
 * org's own fields (an attacker's invite claims another org's id); returns the code and the org as sent.
 */
export function openInvite(page: Device, workerUrl: string, password: string, claim: ClaimedOrg = {}) {
  return page.evaluate(
    async ({ workerUrl, password, claim }) => {
      const w = window as unknown as InviteWindow;
      const { OrgRegistry, RelayApi, Invitation, loadOrgKey } = w.core;
      const registry = await OrgRegistry.open();
      const created = await registry.create({ name: 'Praxis am Park', color: '#0e7490' });
      const own = await registry.setRoom(created.id, crypto.randomUUID());
      const org = { ...own, roomId: own.roomId!, ...claim };
      const orgKey = (await loadOrgKey(own.id))!;
      w.wrongPasswordEvents = [];
      w.invitation = await Invitation.create({ api: new RelayApi(workerUrl), org, orgKey, password });
      w.invitation.on('wrong-password', (triesLeft: number) => w.wrongPasswordEvents.push(triesLeft));
      const { code, expiresAt, roomId } = w.invitation;
      return { code, expiresAt, roomId, org, keyText: btoa(String.fromCharCode(...orgKey)) };
    },
    { workerUrl, password, claim },
  );
}

/** Redeems `code` on the invitee's device, keeping the redemption on the page for the password tries. */
export function redeem(page: Device, workerUrl: string, code: string) {
  return page.evaluate(
    async ({ workerUrl, code }) => {
      const w = window as unknown as InviteWindow;
      try {
        w.redemption = await w.core.InviteRedemption.redeem(new w.core.RelayApi(workerUrl), code);
        return { ok: true as const, roomId: w.redemption.roomId };
      } catch (err) {
        return { ok: false as const, code: (err as InviteError).code };
      }
    },
    { workerUrl, code },
  );
}

/** One password try; on success the invitee's device adopts the org, as the app does. Errors come back by code. */
export function tryPasswordAndAdopt(page: Device, password: string) {
  return page.evaluate(async (password) => {
    const w = window as unknown as InviteWindow;
    try {
      const invited = await w.redemption.tryPassword(password);
      const registry = await w.core.OrgRegistry.open();
      const org = await registry.adopt(invited.org, invited.orgKey);
      const stored = (await w.core.loadOrgKey(org.id))!;
      return { ok: true as const, org, keyText: btoa(String.fromCharCode(...stored)) };
    } catch (err) {
      const error = err as InviteError | OrgRegistryError;
      const triesLeft = error instanceof w.core.InviteError ? error.triesLeft : undefined;
      return { ok: false as const, name: error.name, code: error.code, triesLeft, message: error.message };
    }
  }, password);
}

/** The orgs the device lists, with the key each has stored. */
export function listedOrgs(page: Device) {
  return page.evaluate(async () => {
    const { core } = window as unknown as InviteWindow;
    const orgs = (await core.OrgRegistry.open()).list();
    const keyText = async (orgId: string) => btoa(String.fromCharCode(...((await core.loadOrgKey(orgId)) ?? new Uint8Array())));
    return Promise.all(orgs.map(async (org) => ({ ...org, keyText: await keyText(org.id) })));
  });
}
