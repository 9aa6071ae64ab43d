/**
 * Signed relay changes as an attacker who holds the relay key runs them, against the real Worker: a former member
 * who kept the org key (Eve, still in the workspace) pushes batches in another device's name, altered ones, ones
 * from a device that cannot prove it holds the key, and unsigned ones; and a device the member list says was removed
 * signs its own. Each is refused and reported by the reader, never applied, and sync goes on.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeBase64url } from '#protocol';
import { generateOrgKey } from '../src/core/crypto/org-key.ts';
import { generateDeviceIdentity, type DeviceIdentity } from '../src/core/org/device-identity.ts';
import { GENESIS_EPOCH } from '../src/core/org/membership-records.ts';
import { encodeEnvelope, type RelayBatch } from '../src/core/sync/relay-envelope.ts';
import type { IntegrityReport } from '../src/core/sync/relay-integrity.ts';
import { RelayEnvelopeSigning, decodeSignedEnvelope, encodeSignedEnvelope, relayDeviceIdFor, type EnvelopeRefusal } from '../src/core/sync/relay-signatures.ts';
import { relayUpdateCipher, type RelayOrg } from '../src/core/sync/relay-workspace.ts';
import { invitedDoc, memberWithKey, newOrg, signingFor, useRelayWorker, waitFor, type TestDevice } from './relay-fixtures.ts';

const relay = useRelayWorker('alice', 'bob', 'eve');

/** Alice writes, Bob reads; `removed` are the devices Bob's member list says were removed. */
async function liveOrg(removed: ReadonlySet<string> = new Set()): Promise<{ org: RelayOrg; writer: TestDevice; reader: TestDevice }> {
  const org = await newOrg();
  const writer = await relay.startDevice(relay.accounts.alice, org);
  const reader = await relay.startDevice(relay.accounts.bob, org, { doc: invitedDoc(writer.doc), removed });
  await waitFor('both devices are live with nothing to send', () =>
    [writer, reader].every((member) => member.client.status.transport === 'websocket' && member.client.status.pending === 0),
  );
  return { org, writer, reader };
}

/** A one-entry update, as a forger would write it. */
/**
 * An update setting `key`, made after everything `after` holds: a set concurrent with the booking would win or lose
 * by client id alone, so a change wrongly applied could still read as refused, and one rightly applied as lost.
 */
function updateSetting(key: string, value: string, after: Y.Doc): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(after));
  const before = Y.encodeStateVector(doc);
  doc.getMap('records').set(key, value);
  return Y.encodeStateAsUpdate(doc, before);
}

/** Eve: a former member whose account is still in the workspace and whose device kept the org key. */
async function eve(org: RelayOrg, workspaceId: string) {
  const member = await memberWithKey(relay.url, relay.accounts.eve, org, workspaceId);
  const cipher = relayUpdateCipher(org, workspaceId);
  let pushed = 0;
  return {
    /** Seals `plaintext` under the relay key, as only a key holder can, and pushes it under a fresh change id. */
    async push(plaintext: Uint8Array): Promise<void> {
      pushed += 1;
      await member.push([{ id: `eve-${pushed}-${crypto.randomUUID().slice(0, 8)}`, encryptedData: encodeBase64url(await cipher.seal(plaintext)) }]);
    },
  };
}

function refused(member: TestDevice) {
  return member.client.status.integrity.filter((report): report is Extract<IntegrityReport, { problem: 'refused-change' }> => report.problem === 'refused-change');
}

/** The reader refuses what Eve pushed for `refusal`, keeps none of it, and still gets Alice's next edit. */
async function expectRefusedAndSyncGoesOn(writer: TestDevice, reader: TestDevice, refusal: EnvelopeRefusal, signer: string): Promise<void> {
  await waitFor(`the reader reports a change refused as ${refusal}`, () => refused(reader).some((report) => report.refusal === refusal));
  expect(refused(reader).map((report) => ({ refusal: report.refusal, signer: report.signer }))).toEqual([{ refusal, signer }]);
  expect(reader.doc.getMap('records').get('appointment')).toBe('booked');
  writer.doc.getMap('records').set('after', 'still syncing');
  await waitFor('the reader has the edit made afterwards', () => reader.doc.getMap('records').get('after') === 'still syncing');
  expect(reader.doc.getMap('records').get('appointment')).toBe('booked');
}

/** The relay device id that names a device's batch sequence. */
async function relayDeviceIdOf(member: TestDevice): Promise<string> {
  return (await member.outbox.getState<string>('deviceId'))!;
}

async function booked(writer: TestDevice, reader: TestDevice): Promise<void> {
  writer.doc.getMap('records').set('appointment', 'booked');
  await waitFor('the reader has the booking', () => reader.doc.getMap('records').get('appointment') === 'booked');
}

/** A batch cancelling the appointment, in `deviceId`'s sequence. */
const cancellation = (after: Y.Doc, deviceId: string, sequence = 99): RelayBatch => ({
  kind: 'batch',
  deviceId,
  sequence,
  update: updateSetting('appointment', 'cancelled', after),
});

/**
 * Alice's booking, read by Bob (whose member list says `removed` were removed), and Eve, who holds the org key and
 * signs as `identity`: a device of her own making unless given.
 */
async function bookedWithEve({ removed, identity }: { removed?: ReadonlySet<string>; identity?: DeviceIdentity } = {}) {
  const { org, writer, reader } = await liveOrg(removed);
  await booked(writer, reader);
  const forger = await eve(org, writer.workspace.id);
  const signer = identity ?? (await generateDeviceIdentity());
  return { org, writer, reader, forger, signer, signing: await signingFor(org, writer.workspace.id, signer) };
}

describe('a signed relay change', () => {
  it("is refused when it writes into another device's sequence, though signed by a member", async () => {
    const { writer, reader, forger, signer, signing } = await bookedWithEve();
    await forger.push(await signing.sign(cancellation(reader.doc, await relayDeviceIdOf(writer))));
    await expectRefusedAndSyncGoesOn(writer, reader, 'not-its-sequence', signer.deviceId);
  });

  it('is refused when altered after signing, even by a holder of the relay key', async () => {
    const { writer, reader, forger, signer, signing } = await bookedWithEve();
    const signed = decodeSignedEnvelope(await signing.sign({ kind: 'batch', deviceId: signing.relayDeviceId, sequence: 1, update: updateSetting('note', 'harmless', reader.doc) }));
    const altered = encodeEnvelope({ kind: 'batch', deviceId: signing.relayDeviceId, sequence: 1, update: updateSetting('appointment', 'cancelled', reader.doc) });
    await forger.push(encodeSignedEnvelope({ ...signed, envelope: altered }));
    await expectRefusedAndSyncGoesOn(writer, reader, 'bad-signature', signer.deviceId);
  });

  it("is refused when it names another device as its signer, under the forger's own keys", async () => {
    const { writer, reader, forger, signing } = await bookedWithEve();
    const signed = decodeSignedEnvelope(await signing.sign(cancellation(reader.doc, signing.relayDeviceId, 1)));
    await forger.push(encodeSignedEnvelope({ ...signed, signer: writer.identity.deviceId }));
    await expectRefusedAndSyncGoesOn(writer, reader, 'keys-not-signer', writer.identity.deviceId);
  });

  it('is refused from a device that cannot prove it holds the epoch key: unknown to the member list', async () => {
    const { org, writer, reader, forger, signer } = await bookedWithEve();
    // It has the relay key (Eve seals for it) but proves membership under another key, as it must without the org key.
    const strangerSigning = await RelayEnvelopeSigning.create({
      identity: signer,
      orgId: org.orgId,
      workspaceId: writer.workspace.id,
      epoch: { id: GENESIS_EPOCH, key: await generateOrgKey() },
    });
    await forger.push(await strangerSigning.sign(cancellation(reader.doc, strangerSigning.relayDeviceId, 1)));
    await expectRefusedAndSyncGoesOn(writer, reader, 'not-a-member', signer.deviceId);
  });

  it('is refused from a device the member list says was removed, though it still holds the key', async () => {
    const removedDevice = await generateDeviceIdentity();
    const { writer, reader, forger, signing } = await bookedWithEve({ removed: new Set([removedDevice.deviceId]), identity: removedDevice });
    await forger.push(await signing.sign(cancellation(reader.doc, signing.relayDeviceId, 1)));
    await expectRefusedAndSyncGoesOn(writer, reader, 'removed', removedDevice.deviceId);
  });

  it('is applied from a member of the epoch that writes in its own sequence, with nothing reported', async () => {
    const { reader, forger, signing } = await bookedWithEve();
    await forger.push(await signing.sign(cancellation(reader.doc, signing.relayDeviceId, 1)));
    await waitFor('the reader applies the member’s change', () => reader.doc.getMap('records').get('appointment') === 'cancelled');
    expect(reader.client.status.integrity).toEqual([]);
  });
});

describe('an unsigned relay change (envelope version 1)', () => {
  it('is never applied: skipped as a change from another version of the app', async () => {
    const { writer, reader, forger } = await bookedWithEve();
    await forger.push(encodeEnvelope(cancellation(reader.doc, await relayDeviceIdOf(writer), 1)));
    await waitFor('the reader skips the unsigned change', () => reader.undecryptable.some((change) => /unsigned/.test(change.reason)));
    writer.doc.getMap('records').set('after', 'still syncing');
    await waitFor('the reader has the edit made afterwards', () => reader.doc.getMap('records').get('after') === 'still syncing');
    expect(reader.doc.getMap('records').get('appointment')).toBe('booked');
  });

  it('leaves a device that wrote them starting its sequence again under its signed id, its document offered again, with nothing reported', async () => {
    const { org, writer, reader } = await liveOrg();
    // What the device wrote before it signed: sealed unsigned, in its old random sequence.
    let unsigned: Uint8Array | null = null;
    writer.doc.once('update', (update: Uint8Array) => (unsigned = update));
    writer.doc.transact(() => writer.doc.getMap('records').set('appointment', 'booked before signing'), { olderApp: true });
    const oldId = encodeBase64url(crypto.getRandomValues(new Uint8Array(9)));
    const older = await eve(org, writer.workspace.id);
    await older.push(encodeEnvelope({ kind: 'batch', deviceId: oldId, sequence: 7, update: unsigned! }));
    await waitFor('the reader skipped the unsigned batch', () => reader.undecryptable.some((change) => /unsigned/.test(change.reason)));
    await writer.client.stop();
    await writer.outbox.setState('deviceId', oldId);
    await writer.outbox.setState('lastAcknowledgedSequence', 7);

    const upgraded = await writer.reload();
    await waitFor('the reader has what was written before signing', () => reader.doc.getMap('records').get('appointment') === 'booked before signing');
    upgraded.doc.getMap('records').set('after', 'signed');
    await waitFor('the reader has the next edit', () => reader.doc.getMap('records').get('after') === 'signed');
    expect(await relayDeviceIdOf(upgraded)).toBe(await relayDeviceIdFor(upgraded.identity.deviceId, upgraded.workspace.id));
    expect(await upgraded.outbox.lastAcknowledgedSequence()).toBeLessThan(7);
    expect(reader.client.status.integrity).toEqual([]);
    expect(upgraded.client.status.integrity).toEqual([]);
  });
});
