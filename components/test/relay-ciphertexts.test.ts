/** What the relay stores of an org's edits, read back from the real Worker: sealed blobs bound to org and workspace. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64url } from '#protocol';
import { SEALED_FORMAT_VERSION } from '../src/core/crypto/aead.ts';
import { generateDeviceIdentity } from '../src/core/org/device-identity.ts';
import { decodeSignedEnvelope } from '../src/core/sync/relay-signatures.ts';
import { relayUpdateCipher } from '../src/core/sync/relay-workspace.ts';
import { invitedDoc, newOrg, signingFor, useRelayWorker, waitFor } from './relay-fixtures.ts';

const relay = useRelayWorker('alice', 'bob');

const SECRET = 'Ada Lovelace, allergic to penicillin';

describe('what the relay stores', () => {
  it('holds only sealed blobs, bound to the org and the workspace, each naming its device and sequence inside the seal, signed by it', async () => {
    const org = await newOrg();
    const writer = await relay.startDevice(relay.accounts.alice, org);
    writer.doc.getMap('records').set('contact-1', SECRET);
    await waitFor('the edit is acknowledged', () => writer.client.status.pending === 0);

    const token = await writer.relay.getToken();
    const { changes } = await writer.relay.api.pullChanges(token, writer.workspace.id, 0);
    expect(changes.length).toBeGreaterThan(0);
    const secretBytes = Buffer.from(SECRET);
    const anotherWorkspace = relayUpdateCipher(org, crypto.randomUUID());
    const anotherOrg = relayUpdateCipher({ ...org, orgId: crypto.randomUUID() }, writer.workspace.id);
    const opened = new Y.Doc();
    const sequences: [string, number][] = [];
    const verifier = await signingFor(org, writer.workspace.id, await generateDeviceIdentity());
    for (const change of changes) {
      const sealed = decodeBase64url(change.encryptedData)!;
      expect(sealed[0]).toBe(SEALED_FORMAT_VERSION);
      expect(Buffer.from(sealed).includes(secretBytes)).toBe(false);
      await expect(anotherWorkspace.open(sealed)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      await expect(anotherOrg.open(sealed)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      const plaintext = await writer.workspace.cipher.open(sealed);
      expect(decodeSignedEnvelope(plaintext).signer).toBe(writer.identity.deviceId);
      const envelope = await verifier.open(plaintext);
      if (envelope.kind === 'batch') sequences.push([envelope.deviceId, envelope.sequence]);
      Y.applyUpdate(opened, envelope.update);
    }
    expect(opened.getMap('records').get('contact-1')).toBe(SECRET);
    const deviceId = await writer.outbox.getState<string>('deviceId');
    expect(sequences).toEqual(changes.map((_, index) => [deviceId, index + 1]));
  });

  it('carries a change larger than the per-change limit in parts, which the other device joins and applies whole', async () => {
    const org = await newOrg();
    const writer = await relay.startDevice(relay.accounts.alice, org);
    const reader = await relay.startDevice(relay.accounts.bob, org, { doc: invitedDoc(writer.doc) });
    const large = 'x'.repeat(600 * 1024);
    writer.doc.getText('notes').insert(0, large);
    await waitFor('the reader has the whole text', () => reader.doc.getText('notes').length === large.length);

    const { changes } = await writer.relay.api.pullChanges(await writer.relay.getToken(), writer.workspace.id, 0);
    expect(changes.filter((change) => /_p\d+of\d+$/.test(change.id)).length).toBeGreaterThan(1);
    expect(reader.undecryptable).toEqual([]);
    expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(writer.doc));
  });
});
