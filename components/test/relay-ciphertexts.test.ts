/** What the relay stores of an org's edits, read back from the real Worker: sealed blobs bound to org and workspace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64url } from '#protocol';
import { SEALED_FORMAT_VERSION } from '../src/core/crypto/aead.ts';
import { relayUpdateCipher } from '../src/core/sync/relay-workspace.ts';
import { startScratchWorker, type ScratchWorker } from '../../scripts/test-worker.ts';
import { invitedDoc, newAccount, newOrg, startDevice, waitFor, type TestAccount, type TestDevice } from './relay-fixtures.ts';

let scratch: ScratchWorker;
let alice: TestAccount;
let bob: TestAccount;
const running: TestDevice[] = [];

beforeAll(async () => {
  scratch = await startScratchWorker();
  [alice, bob] = [await newAccount(scratch.url), await newAccount(scratch.url)];
});
afterAll(async () => {
  await Promise.all(running.map((device) => device.stop()));
  await scratch?.dispose();
});

const SECRET = 'Ada Lovelace, allergic to penicillin';

describe('what the relay stores', () => {
  it('holds only sealed blobs, bound to the org and the workspace, with no plaintext in them', async () => {
    const org = await newOrg();
    const writer = await startDevice(scratch.url, alice, org);
    running.push(writer);
    writer.doc.getMap('records').set('contact-1', SECRET);
    await waitFor('the edit is acknowledged', () => writer.client.status.pending === 0);

    const token = await writer.relay.getToken();
    const { changes } = await writer.relay.api.pullChanges(token, writer.workspace.id, 0);
    expect(changes.length).toBeGreaterThan(0);
    const secretBytes = Buffer.from(SECRET);
    const anotherWorkspace = relayUpdateCipher(org, crypto.randomUUID());
    const anotherOrg = relayUpdateCipher({ ...org, orgId: crypto.randomUUID() }, writer.workspace.id);
    const opened = new Y.Doc();
    for (const change of changes) {
      const sealed = decodeBase64url(change.encryptedData)!;
      expect(sealed[0]).toBe(SEALED_FORMAT_VERSION);
      expect(Buffer.from(sealed).includes(secretBytes)).toBe(false);
      await expect(anotherWorkspace.open(sealed)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      await expect(anotherOrg.open(sealed)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      Y.applyUpdate(opened, await writer.workspace.cipher.open(sealed));
    }
    expect(opened.getMap('records').get('contact-1')).toBe(SECRET);
  });

  it('carries a change larger than the per-change limit in parts, which the other device joins and applies whole', async () => {
    const org = await newOrg();
    const writer = await startDevice(scratch.url, alice, org);
    const reader = await startDevice(scratch.url, bob, org, { doc: invitedDoc(writer.doc) });
    running.push(writer, reader);
    const large = 'x'.repeat(600 * 1024);
    writer.doc.getText('notes').insert(0, large);
    await waitFor('the reader has the whole text', () => reader.doc.getText('notes').length === large.length);

    const { changes } = await writer.relay.api.pullChanges(await writer.relay.getToken(), writer.workspace.id, 0);
    expect(changes.filter((change) => /_p\d+of\d+$/.test(change.id)).length).toBeGreaterThan(1);
    expect(reader.undecryptable).toEqual([]);
    expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(writer.doc));
  });
});
