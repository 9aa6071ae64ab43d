import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateDeviceIdentity } from '../src/core/org/device-identity.ts';
import { enrolDevice } from '../src/core/org/key-rotation.ts';
import { membershipMap, readSignedRecords, signRecord, verifyRecords, writeRecord, type DeviceBody, type SignedRecord } from '../src/core/org/membership-records.ts';
import { currentMembers, foundOrg, idsOf, newTestOrg, openDevice, settle, syncDoc, type TestDevice } from './membership-fixtures.ts';

const profile = { memberId: 'm', memberName: 'Mo', name: 'Mo’s phone' };

describe('member list', () => {
  it('lists the devices that enrolled, with their names, members and who added them', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben']);
    const [ana, ben] = devices as [TestDevice, TestDevice];
    const newcomer = await openDevice(org, 'nia', { ticket: await ben.membership.issueTicket() });
    await settle([ana, ben, newcomer]);
    await ana.membership.rename(ben.identity.deviceId, 'Front desk PC');
    await settle([ana, ben, newcomer]);

    const listed = newcomer.membership.view.membership.devices;
    expect(currentMembers(newcomer)).toEqual(idsOf(ana, ben, newcomer));
    expect(listed.get(ben.identity.deviceId)).toMatchObject({ name: 'Front desk PC', memberName: 'ben', addedBy: null });
    expect(listed.get(newcomer.identity.deviceId)).toMatchObject({ name: "nia's laptop", memberId: 'nia', addedBy: ben.identity.deviceId });
  });

  it('lists a device that opens an org alone as its member as soon as it is open', async () => {
    const ana = await openDevice(await newTestOrg(), 'ana');
    expect(ana.membership.view.status).toBe('member');
    expect(currentMembers(ana)).toEqual(idsOf(ana));
  });

  it('enrols an invitee once while its inviter’s entry has not reached it, and lists that entry once it has', async () => {
    const { org, devices } = await foundOrg(['ana']);
    const [ana] = devices as [TestDevice];
    const nia = await openDevice(org, 'nia', { ticket: await ana.membership.issueTicket() });
    const ownEntries = () => readSignedRecords(nia.doc).filter((signed) => signed.signer === nia.identity.deviceId);
    for (let refresh = 0; refresh < 3; refresh++) await nia.membership.refresh();
    expect(nia.membership.view.status).toBe('unknown');
    const [entry] = ownEntries();
    expect(ownEntries()).toHaveLength(1);

    syncDoc(ana.doc, nia.doc);
    await nia.membership.refresh();
    expect(nia.membership.view.status).toBe('member');
    expect(ownEntries()).toEqual([entry]);
  });

  it('keeps counting the records while the document shows their keys empty for a moment, and does not enrol again', async () => {
    const { devices } = await foundOrg(['ana', 'ben']);
    const [ana] = devices as [TestDevice, TestDevice];
    const records = membershipMap(ana.doc).size;
    // Copies of every record under its id from another Yjs client (as notices are copied, epoch-notices.ts), made
    // after a change of that client's own: a document that receives the copies without that change deletes the
    // records they replace at once, and holds the copies back until the change arrives.
    const copies = new Y.Doc();
    copies.getMap('elsewhere').set('first', 1);
    const withoutFirst = Y.encodeStateVector(copies);
    syncDoc(ana.doc, copies);
    for (const [id, json] of membershipMap(copies).entries()) membershipMap(copies).set(id, json);
    Y.applyUpdate(ana.doc, Y.encodeStateAsUpdate(copies, withoutFirst));
    expect(membershipMap(ana.doc).size).toBe(0);

    await ana.membership.refresh();
    expect(ana.membership.view.status).toBe('member');
    expect(currentMembers(ana)).toEqual(idsOf(...devices));
    expect(membershipMap(ana.doc).size).toBe(0);

    syncDoc(copies, ana.doc);
    await ana.membership.refresh();
    expect(membershipMap(ana.doc).size).toBe(records);
    expect(currentMembers(ana)).toEqual(idsOf(...devices));
  });

  it('ignores an entry with a bad signature, one signed by another device, and one for another org', async () => {
    const org = await newTestOrg();
    const [mo, other] = [await generateDeviceIdentity(), await generateDeviceIdentity()];
    const good = await enrolDevice(mo, org.orgId, 'genesis', org.orgKey, profile);
    const flipped: SignedRecord = { ...good.signed, signature: good.signed.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    const changedBody: SignedRecord = { ...good.signed, body: good.signed.body.replace('Mo’s phone', 'Eve’s phone') };
    const signedByOther = await signRecord(other, good.body);
    const foreignOrg = await enrolDevice(mo, 'another-org', 'genesis', org.orgKey, profile);

    const verified = await verifyRecords(org.orgId, [flipped, changedBody, signedByOther.signed, foreignOrg.signed, good.signed, good.signed]);
    expect(verified.map((record) => record.id)).toEqual([good.id]);
  });

  it('ignores an entry whose keys do not hash to the device id it claims', async () => {
    const org = await newTestOrg();
    const [mo, eve] = [await generateDeviceIdentity(), await generateDeviceIdentity()];
    // Eve signs an entry claiming Mo's id with her own keys: no key of the list belongs to that id.
    const entry = (await enrolDevice(eve, org.orgId, 'genesis', org.orgKey, profile)).body as DeviceBody;
    const claim = await signRecord({ ...eve, deviceId: mo.deviceId }, { ...entry, deviceId: mo.deviceId });
    expect(await verifyRecords(org.orgId, [claim.signed])).toEqual([]);
  });

  it('makes the recipients of a rotation the members of its epoch, and no one a removed device enrols', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben', 'rex']);
    const [ana, ben, rex] = devices as [TestDevice, TestDevice, TestDevice];
    await ana.membership.remove([rex.identity.deviceId]);
    await settle(devices);
    const epoch = ana.membership.view.epoch;

    // The removed device enrols a puppet in the old epoch, and claims the new epoch for it without its key.
    const puppet = await generateDeviceIdentity();
    writeRecord(rex.doc, await enrolDevice(puppet, org.orgId, 'genesis', org.orgKey, profile));
    writeRecord(rex.doc, await enrolDevice(puppet, org.orgId, epoch.id, org.orgKey, profile));
    syncDoc(rex.doc, ben.doc);
    await settle([ana, ben]);

    expect(readSignedRecords(ben.doc).some((signed) => signed.signer === puppet.deviceId)).toBe(true);
    expect(currentMembers(ben)).toEqual(idsOf(ana, ben));
    expect(ben.membership.view.membership.statusOf(puppet.deviceId)).toBe('unknown');
  });
});
