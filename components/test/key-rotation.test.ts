import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64url } from '#protocol';
import { resolveMembership } from '../src/core/org/membership.ts';
import { checkEnrolments, createRotation, openRotation } from '../src/core/org/key-rotation.ts';
import { GENESIS_EPOCH, membershipMap, readSignedRecords, verifyRecords, writeRecord, type RotationBody } from '../src/core/org/membership-records.ts';
import { currentMembers, foundOrg, idsOf, noticesOf, openDevice, settle, syncDoc, type TestDevice } from './membership-fixtures.ts';

const epochOf = (device: TestDevice) => device.membership.view.epoch;
const keyOf = (device: TestDevice) => device.membership.view.epochKey;

describe('key rotation', () => {
  it('seals the new key to every remaining device and to no removed one', async () => {
    const { devices } = await foundOrg(['ana', 'ben', 'cai', 'rex']);
    const [ana, ben, cai, rex] = devices as [TestDevice, TestDevice, TestDevice, TestDevice];
    const oldKey = keyOf(ana);
    await ana.membership.remove([rex.identity.deviceId]);
    await settle(devices);

    for (const device of [ana, ben, cai]) {
      expect(device.membership.view.status).toBe('member');
      expect(epochOf(device).number).toBe(1);
      expect(keyOf(device)).toEqual(keyOf(ana));
      expect(currentMembers(device)).toEqual(idsOf(ana, ben, cai));
    }
    expect(keyOf(ana)).not.toEqual(oldKey);
    const rotation = epochOf(ana).rotation!.body;
    expect(Object.keys(rotation.envelopes).sort()).toEqual(idsOf(ana, ben, cai));
    expect(rex.membership.view.status).toBe('removed');
    expect(epochOf(rex).number).toBe(0);
    expect(keyOf(rex)).toEqual(oldKey);
    expect(rex.keys).toEqual([]);
    // Not even its private key opens what was sealed to the others.
    const stolen = { ...rotation, envelopes: { [rex.identity.deviceId]: rotation.envelopes[ben.identity.deviceId]! } };
    await expect(openRotation(rex.identity, stolen)).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
  });

  it('refuses an envelope whose key does not match the commitment', async () => {
    const { devices } = await foundOrg(['ana', 'ben']);
    const [ana, ben] = devices as [TestDevice, TestDevice];
    const { record } = await createRotation(ana.identity, ana.membership.view.membership, [ben.identity.deviceId]);
    const { record: unrelated } = await createRotation(ana.identity, ana.membership.view.membership, [ben.identity.deviceId]);
    const mixed: RotationBody = { ...record.body, keyCommitment: unrelated.body.keyCommitment };
    await expect(openRotation(ana.identity, mixed)).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
    expect(await openRotation(ana.identity, record.body)).toHaveLength(32);
  });

  it('refuses a removal by a device that is no longer a member, and a removal of oneself', async () => {
    const { devices } = await foundOrg(['ana', 'ben', 'rex']);
    const [ana, ben, rex] = devices as [TestDevice, TestDevice, TestDevice];
    await expect(ana.membership.remove([ana.identity.deviceId])).rejects.toMatchObject({ code: 'INVALID_REMOVAL' });
    await ana.membership.remove([rex.identity.deviceId]);
    await settle(devices);
    await expect(rex.membership.remove([ben.identity.deviceId])).rejects.toMatchObject({ code: 'NOT_A_MEMBER' });
  });

  it('moves a device that was offline during the removal to the new epoch from the notices alone', async () => {
    const { devices } = await foundOrg(['ana', 'ben', 'cai', 'rex']);
    const [ana, ben, cai, rex] = devices as [TestDevice, TestDevice, TestDevice, TestDevice];
    await ana.membership.remove([rex.identity.deviceId]);
    await settle([ana, ben]);

    for (const device of [cai, rex]) for (const notice of noticesOf(ana, GENESIS_EPOCH)) Y.applyUpdate(device.doc, notice);
    await Promise.all([cai.membership.refresh(), rex.membership.refresh()]);
    expect(epochOf(cai).number).toBe(1);
    expect(keyOf(cai)).toEqual(keyOf(ana));
    expect(rex.membership.view.status).toBe('removed');
    expect(epochOf(rex).number).toBe(0);
  });

  it('ends two concurrent removals in one epoch on every device, whatever order the records arrive in', async () => {
    for (const order of ['ana first', 'ben first'] as const) {
      const { devices } = await foundOrg(['ana', 'ben', 'cai', 'rex', 'roy']);
      const [ana, ben, cai, rex, roy] = devices as [TestDevice, TestDevice, TestDevice, TestDevice, TestDevice];
      await Promise.all([ana.membership.remove([rex.identity.deviceId]), ben.membership.remove([roy.identity.deviceId])]);
      const [first, second] = order === 'ana first' ? [ana, ben] : [ben, ana];
      syncDoc(first.doc, cai.doc);
      await cai.membership.refresh();
      syncDoc(second.doc, cai.doc);
      await settle(devices);

      const epoch = epochOf(ana);
      for (const device of [ben, cai]) {
        expect(epochOf(device).id, order).toBe(epoch.id);
        expect(keyOf(device)).toEqual(keyOf(ana));
      }
      // Both removals hold: the losing one was carried over by its author, in a second epoch.
      expect(epoch.number).toBe(2);
      expect(currentMembers(ana), order).toEqual(idsOf(ana, ben, cai));
      expect(rex.membership.view.status).toBe('removed');
      expect(roy.membership.view.status).toBe('removed');
    }
  });

  it('keeps a device on the chain when the removal it carried over ends on the losing side of a flip', async () => {
    const { devices } = await foundOrg(['ana', 'ben', 'cai', 'rex', 'roy']);
    const [ana, ben, cai, rex, roy] = devices as [TestDevice, TestDevice, TestDevice, TestDevice, TestDevice];
    // Ana removes Rex and Ben removes Roy at once; Cai and Roy hear of Ana's alone and acknowledge it, Rex of Ben's.
    await Promise.all([ana.membership.remove([rex.identity.deviceId]), ben.membership.remove([roy.identity.deviceId])]);
    const anas = epochOf(ana);
    for (const [from, to] of [[ana, cai], [ana, roy], [ben, rex]] as const) {
      syncDoc(from.doc, to.doc);
      await to.membership.refresh();
    }
    // Ana meets Ben's and Rex's acknowledgements first: Ben's removal wins for now, and she carries hers over on it.
    for (const from of [ben, rex]) syncDoc(from.doc, ana.doc);
    await ana.membership.refresh();
    await ana.membership.refresh();
    const carriedOver = epochOf(ana);
    expect(carriedOver.number).toBe(2);
    expect(carriedOver.rotation?.body.base).not.toBe(anas.id);
    // Ben meets Cai's and Roy's (and Ana's first one): Ana's removal wins there, and Ben carries his over on it.
    for (const from of [cai, roy]) syncDoc(from.doc, ben.doc);
    await ben.membership.refresh();
    await ben.membership.refresh();
    expect(epochOf(ben).rotation?.body.base).toBe(anas.id);

    // Ben's acknowledgement reaches Ana before his rotation does, as a notice in the first epoch's workspace would:
    // the chain now follows Ana's removal, and her carried-over epoch is on a branch that lost. She syncs in the
    // chain's epoch, where Ben's rotation will reach her, not in her own that no one else is in.
    const bensAck = [...membershipMap(ben.doc).entries()].find(([, json]) => {
      const body = JSON.parse((JSON.parse(json) as { body: string }).body) as { kind: string; rotation?: string; deviceId?: string };
      return body.kind === 'ack' && body.rotation === anas.id && body.deviceId === ben.identity.deviceId;
    })!;
    for (const from of [cai, roy]) syncDoc(from.doc, ana.doc);
    membershipMap(ana.doc).set(...bensAck);
    await ana.membership.refresh();
    expect(ana.membership.view.membership.current.id).toBe(anas.id);
    expect(epochOf(ana).id).toBe(anas.id);

    await settle(devices);
    for (const device of [ana, cai]) expect(epochOf(device).id).toBe(epochOf(ben).id);
    expect(currentMembers(ana)).toEqual(idsOf(ana, ben, cai));
  });

  it('ignores a rotation by a removed device that answers its removal after others followed it', async () => {
    const { devices } = await foundOrg(['ana', 'ben', 'cai', 'rex']);
    const [ana, ben, cai, rex] = devices as [TestDevice, TestDevice, TestDevice, TestDevice];
    const before = rex.membership.view.membership;
    await ana.membership.remove([rex.identity.deviceId]);
    await settle([ana, ben, cai]);
    const winner = epochOf(ana);

    // The removed device answers from the epoch it still holds, trying keys until its rotation's id sorts first.
    let answer = await createRotation(rex.identity, before, idsOf(ana, ben, cai));
    while (answer.record.id > winner.id) answer = await createRotation(rex.identity, before, idsOf(ana, ben, cai));
    writeRecord(rex.doc, answer.record);
    await settle(devices);

    for (const device of [ana, ben, cai]) {
      expect(epochOf(device).id).toBe(winner.id);
      expect(device.membership.view.status).toBe('member');
    }
    expect(rex.membership.view.status).toBe('removed');
  });

  it('ignores signed junk from a removed device', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben', 'rex']);
    const [ana, ben, rex] = devices as [TestDevice, TestDevice, TestDevice];
    await ana.membership.remove([rex.identity.deviceId]);
    await settle(devices);
    const epoch = epochOf(ana);
    const names = [...ana.membership.view.membership.devices.values()].map((device) => device.name).sort();

    // A puppet enrolled in the old epoch, whose key the removed device still has; a rename of a member; junk.
    const puppet = await openDevice(org, 'puppet');
    syncDoc(puppet.doc, rex.doc);
    await rex.membership.rename(ana.identity.deviceId, 'stolen name');
    rex.doc.getMap('membership').set('junk', '{"body":"{}","signer":"x","signature":"y"}');
    rex.doc.getMap('membership').set('not-json', 'nonsense');
    rex.doc.getMap('membership').set('not-a-string', 42 as never);
    await settle([ana, ben, rex]);

    expect(epochOf(ana).id).toBe(epoch.id);
    expect(currentMembers(ana)).toEqual(idsOf(ana, ben));
    expect([...ana.membership.view.membership.devices.values()].map((device) => device.name).sort()).not.toContain('stolen name');
    expect(names).toContain("ana's laptop");
    expect(ana.membership.view.membership.statusOf(puppet.identity.deviceId)).toBe('unknown');
  });

  it('gives a device invited while a rotation was being made the new key from its inviter', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben', 'rex']);
    const [ana, ben, rex] = devices as [TestDevice, TestDevice, TestDevice];
    const ticket = await ben.membership.issueTicket();
    const newcomer = await openDevice(org, 'nia', { ticket });
    syncDoc(newcomer.doc, ben.doc);
    await ana.membership.remove([rex.identity.deviceId]);
    await settle([ana, ben, newcomer]);

    expect(newcomer.membership.view.status).toBe('member');
    expect(keyOf(newcomer)).toEqual(keyOf(ana));
    expect(currentMembers(ana)).toEqual(idsOf(ana, ben, newcomer));
    expect(ana.membership.view.membership.devices.get(newcomer.identity.deviceId)?.addedBy).toBe(ben.identity.deviceId);
    expect(rex.membership.view.status).toBe('member');
  });

  it('does not grant the new key to a device the removed device invites', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben', 'rex']);
    const [ana, ben, rex] = devices as [TestDevice, TestDevice, TestDevice];
    const ticket = await rex.membership.issueTicket();
    const accomplice = await openDevice(org, 'acc', { ticket });
    syncDoc(accomplice.doc, rex.doc);
    await ana.membership.remove([rex.identity.deviceId]);
    await settle([ana, ben, rex, accomplice]);

    expect(currentMembers(ben)).toEqual(idsOf(ana, ben));
    expect(accomplice.membership.view.status).not.toBe('member');
    expect(accomplice.keys).toEqual([]);
  });

  it('counts an enrolment only with the key of its epoch', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben']);
    const [ana] = devices as [TestDevice, TestDevice];
    const records = await verifyRecords(org.orgId, readSignedRecords(ana.doc));
    const withKey = await checkEnrolments(org.orgId, records, new Map([['genesis', org.orgKey]]));
    const withOther = await checkEnrolments(org.orgId, records, new Map([['genesis', new Uint8Array(32)]]));
    expect(withKey.size).toBe(2);
    expect(withOther.size).toBe(0);
    expect(resolveMembership(org.orgId, records, withOther).current.members.size).toBe(0);
    expect(decodeBase64url(records[0]!.signed.signature)).toHaveLength(64);
  });
});
