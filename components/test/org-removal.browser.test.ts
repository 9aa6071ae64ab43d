/**
 * Removing a device in real browsers: four devices of one org (four browser contexts) and the local Worker, on both
 * paths at once (WebRTC and the relay). One device is removed while another is closed; the removed one then keeps
 * listening where it can, as a removed device that does not give up would: the old room, the old workspace, and the
 * new room, with or without a leaked signalling password. It receives no byte of what is written afterwards, the
 * others keep converging, and the device that was closed catches up when it opens again: through the relay, or with
 * no relay at all, from a remaining member it meets in the old room.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../../scripts/device-lab/device.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import type { OrgSync, PeerSync } from '../src/core/index.ts';
import {
  contactNames,
  createOrg,
  deviceWithoutAccount,
  joinByInvite,
  openMember,
  openMemberInvite,
  signedUpDevice,
  startSync,
  stopSync,
  syncStatus,
  waitForContacts,
  waitForEpoch,
  waitForMembers,
  waitForPeers,
  writeContact,
  type MemberWindow,
} from './membership-pages.ts';

const lab = useDeviceLab();

interface RemovedWindow extends MemberWindow {
  stubborn: OrgSync;
  intruder: PeerSync;
  /** The codes of the intruder's failed handshakes. */
  rejections: string[];
}

const member = (name: string) => signedUpDevice(lab, name);

const AFTER = ['Afterana', 'Afterben', 'Afterintruder'];

/** A device's org document: its data, and the kind of each member-list record by id. */
function documentOf(page: Device): Promise<{ data: unknown; records: Record<string, string> }> {
  return page.evaluate(() => {
    const { doc } = (window as unknown as MemberWindow).session;
    const { membership, ...data } = doc.toJSON() as { membership?: Record<string, string> };
    const records = Object.fromEntries(
      Object.entries(membership ?? {}).map(([id, json]) => {
        const body = JSON.parse((JSON.parse(json) as { body: string }).body) as { kind: string; epoch?: string };
        // Enrolments and grants name their epoch: the removed device may be told of the old epoch's, never a later one's.
        return [id, body.epoch === undefined ? body.kind : `${body.kind} in ${body.epoch}`];
      }),
    );
    return { data, records };
  });
}

describe('removing a device', () => {
  it('leaves the removed device no byte written afterwards on either path, refuses its way back in, and brings a closed device along', async () => {
    const [ana, ben, cai, rex] = [await member('ana'), await member('ben'), await member('cai'), await member('rex')];
    const org = await createOrg(ana);
    const rexId = await openMember(rex, org, 'rex');
    for (const [page, name] of [[ana, 'ana'], [ben, 'ben'], [cai, 'cai']] as const) await openMember(page, org, name);
    for (const page of [ana, ben, cai, rex]) await waitForMembers(page, 4);
    await writeContact(ana, 'Before');
    for (const page of [ben, cai, rex]) await waitForContacts(page, ['Before']);

    const rexBefore = await documentOf(rex);

    // Cai closes the app; Ana removes Rex.
    await stopSync(cai);
    await ana.evaluate((rexId) => (window as unknown as MemberWindow).membership.remove([rexId]), rexId);
    await Promise.all([waitForEpoch(ana, 1), waitForEpoch(ben, 1)]);
    await rex.waitFor('rex told it was removed', () => (window as unknown as MemberWindow).sync?.status.membership === 'removed');
    expect((await syncStatus(rex)).lastError).toEqual({ code: 'REMOVED_FROM_ORG' });

    // Rex does not give up: it syncs on under the key it has (the old room and workspace), and tries the new room
    // with its old signalling password, then with the new one as if it had leaked, and its old peer-auth key.
    const leaked = await ana.evaluate(async () => {
      const w = window as unknown as MemberWindow;
      const { epoch, epochKey } = w.membership.view;
      const subkeys = await w.core.deriveEpochSubkeys(epochKey, w.orgId, epoch.number);
      return { roomId: subkeys.roomId!, signallingPassword: subkeys.signallingPassword, workspaceId: subkeys.relayWorkspaceId };
    });
    const refusedJoin = await rex.evaluate(async (leaked) => {
      const w = window as unknown as RemovedWindow;
      const { core } = w;
      w.rejections = [];
      const old = await core.deriveOrgSubkeys(w.orgKey, w.orgId);
      w.stubborn = await core.OrgSync.start({
        orgId: w.orgId, roomId: w.roomId, doc: w.session.doc, orgKey: w.orgKey, workerUrl: w.api.workerUrl, account: { api: w.api, getToken: async () => w.token },
      });
      w.intruder = new core.PeerSync({
        workerUrl: w.api.workerUrl,
        roomId: leaked.roomId,
        doc: w.session.doc,
        signallingPassword: leaked.signallingPassword,
        handshake: { ...core.challengeProofs(old.peerAuthKey, 'peer-auth'), order: 'together' },
      });
      w.intruder.on('peer-rejected', (failure) => w.rejections.push(failure.code));
      try {
        await w.api.joinWorkspace(w.token, leaked.workspaceId, old.joinSecret);
        return 'joined';
      } catch (err) {
        return (err as { code: string }).code;
      }
    }, leaked);
    expect(refusedJoin).toBe('JOIN_REFUSED');

    await writeContact(ana, 'Afterana');
    await writeContact(ben, 'Afterben');
    await Promise.all([waitForContacts(ana, ['Afterana', 'Afterben']), waitForContacts(ben, ['Afterana', 'Afterben'])]);
    await waitForPeers(ana, 1);
    // The handshake turns Rex away in the new room, however often it tries.
    await rex.waitFor('rex turned away at the handshake', () => (window as unknown as RemovedWindow).rejections.length > 0);
    await writeContact(ana, 'Afterintruder');
    await waitForContacts(ben, ['Afterintruder']);
    await Promise.all([ana.evaluate(() => (window as unknown as MemberWindow).sync!.flush()), ben.evaluate(() => (window as unknown as MemberWindow).sync!.flush())]);
    await rex.waitFor('the old relay read to its end', () => (window as unknown as RemovedWindow).stubborn.status.relay === 'websocket');
    const rexView = await rex.evaluate(() => {
      const w = window as unknown as RemovedWindow;
      return { bytes: w.intruder.status.bytesReceived, peers: w.intruder.status.peers, rejected: w.rejections };
    });
    // Nothing in the new room; in the old one, the members' notices (peer-epoch-notices.ts) and nothing else.
    expect(rexView.bytes).toBe(0);
    expect(rexView.peers).toBe(0);
    const rexAfter = await documentOf(rex);
    expect(rexAfter.data).toEqual(rexBefore.data);
    const gained = Object.keys(rexAfter.records).filter((id) => !(id in rexBefore.records));
    // The notices carry rotations, acks and the old epoch's enrolments they stand on (epoch-notices.ts); Rex held
    // every enrolment already, and its own is not written again while the notices' copies replace the originals.
    expect(gained.map((id) => rexAfter.records[id]).filter((kind) => kind !== 'rotation' && kind !== 'ack')).toEqual([]);
    expect(rexView.rejected.every((code) => code === 'PEER_NOT_AUTHENTIC' || code === 'REJECTED_BY_PEER' || code === 'CLOSED')).toBe(true);

    // Cai opens the app again: it reads the notice in the old workspace and catches up in the new epoch.
    await startSync(cai);
    await waitForEpoch(cai, 1);
    await waitForContacts(cai, AFTER);
    expect(await contactNames(cai)).toEqual(await contactNames(ana));

    // What Rex holds: everything before the removal, nothing after, on either path.
    expect(await contactNames(rex)).toEqual(['Before']);
    for (const page of [ana, ben, cai]) await stopSync(page);
    await rex.evaluate(async () => {
      const w = window as unknown as RemovedWindow;
      w.intruder.destroy();
      await w.stubborn.stop();
    });
  });

  it('brings a device that was closed during a removal into the new epoch over WebRTC alone, from a member in the old room', async () => {
    const [ana, cai, rex] = [await deviceWithoutAccount(lab), await deviceWithoutAccount(lab), await deviceWithoutAccount(lab)];
    const org = await createOrg(ana);
    const peersOnly = { relay: false };
    const rexId = await openMember(rex, org, 'rex', peersOnly);
    for (const [page, name] of [[ana, 'ana'], [cai, 'cai']] as const) await openMember(page, org, name, peersOnly);
    for (const page of [ana, cai, rex]) await waitForMembers(page, 3);

    await stopSync(cai);
    await ana.evaluate((rexId) => (window as unknown as MemberWindow).membership.remove([rexId]), rexId);
    await waitForEpoch(ana, 1);
    await writeContact(ana, 'After');

    // No relay: Cai, back in the old room, meets Ana's notices there, takes the new key and moves on.
    await startSync(cai, peersOnly);
    await waitForEpoch(cai, 1);
    await waitForContacts(cai, ['After']);
    await rex.waitFor('rex told it was removed', () => (window as unknown as MemberWindow).sync?.status.membership === 'removed');
    expect(await contactNames(rex)).toEqual([]);
    for (const page of [ana, cai, rex]) await stopSync(page);
  });

  it('hands an invite opened before a removal the key of the epoch after it', async () => {
    const [ana, rex, nia] = [await deviceWithoutAccount(lab), await deviceWithoutAccount(lab), await deviceWithoutAccount(lab)];
    const org = await createOrg(ana);
    const peersOnly = { relay: false };
    const rexId = await openMember(rex, org, 'rex', peersOnly);
    await openMember(ana, org, 'ana', peersOnly);
    for (const page of [ana, rex]) await waitForMembers(page, 2);

    const code = await openMemberInvite(ana, 'kingfisher over the weir');
    await ana.evaluate((rexId) => (window as unknown as MemberWindow).membership.remove([rexId]), rexId);
    await waitForEpoch(ana, 1);
    await writeContact(ana, 'After');

    expect(await joinByInvite(nia, code, 'kingfisher over the weir', 'nia', peersOnly)).toBe(1);
    await waitForContacts(nia, ['After']);
    await nia.waitFor('nia a member', () => (window as unknown as MemberWindow).membership.view.status === 'member');
    expect(await contactNames(rex)).not.toContain('After');
    for (const page of [ana, rex, nia]) await stopSync(page);
  });

  it('ends two removals made at once in one epoch on every device, both removed, and an invite then hands over that epoch’s key', async () => {
    const [ana, ben, cai, rex, roy] = [await member('ana'), await member('ben'), await member('cai'), await member('rex'), await member('roy')];
    const org = await createOrg(ana);
    const ids: Record<string, string> = {};
    for (const [page, name] of [[ana, 'ana'], [ben, 'ben'], [cai, 'cai'], [rex, 'rex'], [roy, 'roy']] as const) ids[name] = await openMember(page, org, name);
    for (const page of [ana, ben, cai]) await waitForMembers(page, 5);

    // Ana removes Rex and Ben removes Roy, each before hearing of the other.
    await Promise.all([
      ana.evaluate((id) => (window as unknown as MemberWindow).membership.remove([id]), ids.rex!),
      ben.evaluate((id) => (window as unknown as MemberWindow).membership.remove([id]), ids.roy!),
    ]);
    // Settled: in an epoch of ana, ben and cai that each of them follows (its latest ack on every base of the chain
    // names the chain's rotation). Before that, two devices may each stand in such an epoch of a different branch.
    const settled = (page: Device) =>
      page.waitFor('the org in one epoch with ana, ben and cai, which all three follow', (ids) => {
        const w = window as unknown as MemberWindow;
        const { membership } = w.membership.view;
        const members = [...membership.current.members].sort();
        if (w.sync?.status.epoch !== membership.current.number || JSON.stringify(members) !== JSON.stringify(ids)) return false;
        const latest = new Map<string, { at: number; rotation: string }>();
        for (const json of w.session.doc.getMap<string>('membership').values()) {
          const body = JSON.parse((JSON.parse(json) as { body: string }).body) as { kind: string; deviceId: string; base: string; at: number; rotation: string };
          const key = `${body.deviceId} ${body.base}`;
          if (body.kind === 'ack' && !(body.at <= (latest.get(key)?.at ?? -1))) latest.set(key, body);
        }
        return [...membership.acksDue].every(([base, rotation]) => ids.every((id) => latest.get(`${id} ${base}`)?.rotation === rotation));
      }, [ids.ana!, ids.ben!, ids.cai!].sort());
    // Said on a timeout: where each device stands, so that a failure tells a slow merge from a stuck one.
    const standing = (page: Device) =>
      page.evaluate(() => {
        const w = window as unknown as MemberWindow;
        const { membership, epoch } = w.membership.view;
        return {
          chain: membership.chain.map(({ number, id, members }) => ({ number, id: id.slice(0, 8), members: [...members].sort() })),
          holdsKeyOf: epoch.number,
          syncsIn: w.sync?.status.epoch,
          acksDue: Object.fromEntries([...membership.acksDue].map(([base, rotation]) => [base.slice(0, 8), rotation.slice(0, 8)])),
          followUps: membership.followUps.map(({ remove }) => remove),
        };
      });
    await Promise.all([settled(ana), settled(ben), settled(cai)]).catch(async (error: Error) => {
      const where = Object.fromEntries(await Promise.all(([['ana', ana], ['ben', ben], ['cai', cai]] as const).map(async ([name, page]) => [name, await standing(page)])));
      throw new Error(`${error.message}\n${JSON.stringify({ ids, where }, null, 1)}`);
    });
    const epochOf = (page: Device) => page.evaluate(() => (window as unknown as MemberWindow).membership.view.epoch.id);
    expect(new Set([await epochOf(ana), await epochOf(ben), await epochOf(cai)]).size).toBe(1);
    for (const page of [rex, roy]) await page.waitFor('told it was removed', () => (window as unknown as MemberWindow).sync?.status.membership === 'removed');

    await writeContact(cai, 'Afterboth');
    await Promise.all([waitForContacts(ana, ['Afterboth']), waitForContacts(ben, ['Afterboth'])]);

    // An invite now hands over the key of the epoch the org ended in, and a ticket naming the inviter.
    const nia = await member('nia');
    const code = await openMemberInvite(ana, 'kingfisher over the weir');
    const epoch = await ana.evaluate(() => (window as unknown as MemberWindow).membership.view.epoch.number);
    expect(await joinByInvite(nia, code, 'kingfisher over the weir', 'nia')).toBe(epoch);
    await waitForContacts(nia, ['Afterboth']);
    await nia.waitFor('nia a member', () => (window as unknown as MemberWindow).membership.view.status === 'member');
    await ana.waitFor('nia listed as added by ana', (anaId) => {
      const { membership } = (window as unknown as MemberWindow).membership.view;
      return [...membership.devices.values()].some((device) => device.memberId === 'nia' && device.addedBy === anaId);
    }, ids.ana!);
    expect(await contactNames(rex)).not.toContain('Afterboth');
    expect(await contactNames(roy)).not.toContain('Afterboth');
    for (const page of [ana, ben, cai, nia]) await stopSync(page);
  });
});
