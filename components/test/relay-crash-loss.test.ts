/**
 * What a device concludes when the relay fanned a batch out to it and then lost it in a crash before its commit
 * (worker/src/sync-room.ts sends the fan-out before the write): the sender, never acknowledged, pushes the same batch
 * again, which the relay stores under a later version, since it starts past every version it may have sent.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RelayBatch } from '../src/core/sync/relay-envelope.ts';
import { RelayIntegrity } from '../src/core/sync/relay-integrity.ts';

function batchOf(deviceId: string, sequence: number, text: string): RelayBatch {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return { kind: 'batch', deviceId, sequence, update: Y.encodeStateAsUpdate(doc) };
}

describe('a batch read, lost by the relay in a crash, and pushed again by its sender', () => {
  it('opens no gap and reports nothing, nor does the batch after it', () => {
    const integrity = RelayIntegrity.restore(undefined);
    const lost = batchOf('writer', 1, 'a');
    expect(integrity.recordBatch(lost, 5, Date.now())).toBe(false);
    // After the restart the relay's versions start past its last reservation.
    expect(integrity.recordBatch(lost, 1030, Date.now())).toBe(false);
    expect(integrity.recordBatch(batchOf('writer', 2, 'b'), 1031, Date.now())).toBe(false);
    expect(integrity.hasGaps).toBe(false);
    expect(integrity.reports).toEqual([]);
    expect(integrity.sequences).toEqual(new Map([['writer', 2]]));
  });
});
