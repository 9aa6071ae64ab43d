import { describe, expect, it } from 'vitest';
import { LEGACY_AUTHOR, ProtocolError, decodeBase64url, encodeChangesFrame, type StoredChange } from '#protocol';
import { decodeSyncMessage } from '../src/core/sync/sync-socket-codec.ts';

const TAG = 'A'.repeat(22);
const changes: StoredChange[] = [
  { id: 'device-1-1-1', encryptedData: 'AAEC', version: 3, author: TAG },
  { id: 'device-2-1-1', encryptedData: 'AwQF', version: 4, author: LEGACY_AUTHOR },
  { id: 'device-3-snapshot-2', encryptedData: 'BgcI', version: 5, snapshot: true },
];

/** The same page as the relay sends it in each of the socket's protocols. */
function bothForms(page: StoredChange[]): { json: string; binary: ArrayBuffer } {
  const raw = page.map(({ encryptedData, ...change }) => ({ ...change, bytes: decodeBase64url(encryptedData)! }));
  const frame = encodeChangesFrame(raw, 5, false);
  return {
    json: JSON.stringify({ type: 'changes', changes: page, latestVersion: 5, more: false }),
    binary: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer,
  };
}

function refusal(decode: () => unknown): string {
  try {
    decode();
  } catch (err) {
    if (err instanceof ProtocolError) return err.message;
    throw err;
  }
  throw new Error('decoded without an error');
}

describe('a changes message from the relay', () => {
  it('reads the same in JSON as in a binary frame: authors, a legacy author, a snapshot with none', () => {
    const { json, binary } = bothForms(changes);
    const expected = { type: 'changes', changes, latestVersion: 5, more: false };
    expect(decodeSyncMessage(json)).toEqual(expected);
    expect(decodeSyncMessage(binary)).toEqual(expected);
  });

  it('is refused in JSON as in a binary frame when an author is no tag', () => {
    const { json, binary } = bothForms([{ ...changes[0]!, author: 'not-a-tag' }]);
    expect(refusal(() => decodeSyncMessage(json))).toBe('changes[0] has a malformed author');
    expect(refusal(() => decodeSyncMessage(binary))).toBe('changes[0] has a malformed author');
  });

  it('is refused in JSON when an author is not a string, or a change lacks its version', () => {
    const page = (change: unknown) => JSON.stringify({ type: 'changes', changes: [change], latestVersion: 5, more: false });
    expect(refusal(() => decodeSyncMessage(page({ ...changes[0], author: 7 })))).toBe('changes[0] has a malformed author');
    expect(refusal(() => decodeSyncMessage(page({ id: 'x', encryptedData: 'AA' })))).toBe('version is required');
  });
});
