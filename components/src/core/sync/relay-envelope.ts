/**
 * What a relay blob holds once opened: the Yjs update and, beside it, the facts the relay must not be able to
 * change or hide: which device made it and where it sits in that device's sequence (a batch), or what a compaction
 * snapshot claims to cover (a snapshot). Both are inside the AES-GCM seal, so the relay can drop or replay whole
 * blobs but cannot renumber, relabel or merge them; relay-integrity.ts turns what it may still do into reports.
 *
 * Format (lib0 encoding): format version, kind, then the kind's fields, the update last. This is version 1, which
 * nothing signs; inside the seal it travels signed by the device that made it (relay-signatures.ts, version 2), and
 * one found alone is from an older app, which is never applied.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const RELAY_ENVELOPE_VERSION = 1;

const KIND_BATCH = 0;
const KIND_SNAPSHOT = 1;

/** The highest batch sequence number seen from each device, by device id (a Map: device ids come from others). */
export type DeviceSequences = Map<string, number>;

/** One push from one device: its outbox entries since the previous batch, merged into one update. */
export interface RelayBatch {
  kind: 'batch';
  deviceId: string;
  /** 1 for the device's first batch, one more for each batch after it; never reused. */
  sequence: number;
  update: Uint8Array;
}

/** A compaction snapshot: the compacting device's whole document, standing for every change up to `upToVersion`. */
export interface RelaySnapshot {
  kind: 'snapshot';
  deviceId: string;
  /** The relay version it replaces history up to: a relay that serves it under another version is caught. */
  upToVersion: number;
  /** Every device's sequence the compacting device had applied: readers continue gap detection from here. */
  sequences: DeviceSequences;
  /**
   * What it claims the relay held by `upToVersion`, as a Yjs state vector: what its author read from the relay
   * (`RelayIntegrity.vouchedStateVector`), checked against `update`, which may hold more.
   */
  stateVector: Uint8Array;
  update: Uint8Array;
}

export type RelayEnvelope = RelayBatch | RelaySnapshot;

/** Thrown for a plaintext that is not an envelope this client reads (another format version, or not one at all). */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

export function encodeEnvelope(envelope: RelayEnvelope): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, RELAY_ENVELOPE_VERSION);
  encoding.writeVarUint(encoder, envelope.kind === 'batch' ? KIND_BATCH : KIND_SNAPSHOT);
  encoding.writeVarString(encoder, envelope.deviceId);
  if (envelope.kind === 'batch') {
    encoding.writeVarUint(encoder, envelope.sequence);
  } else {
    encoding.writeVarUint(encoder, envelope.upToVersion);
    encoding.writeVarUint(encoder, envelope.sequences.size);
    for (const [deviceId, sequence] of envelope.sequences) {
      encoding.writeVarString(encoder, deviceId);
      encoding.writeVarUint(encoder, sequence);
    }
    encoding.writeVarUint8Array(encoder, envelope.stateVector);
  }
  encoding.writeVarUint8Array(encoder, envelope.update);
  return encoding.toUint8Array(encoder);
}

export function decodeEnvelope(plaintext: Uint8Array): RelayEnvelope {
  try {
    const decoder = decoding.createDecoder(plaintext);
    const version = decoding.readVarUint(decoder);
    if (version !== RELAY_ENVELOPE_VERSION) throw new EnvelopeError(`relay envelope version ${version} is not supported`);
    const kind = decoding.readVarUint(decoder);
    const deviceId = decoding.readVarString(decoder);
    let envelope: RelayEnvelope;
    if (kind === KIND_BATCH) {
      const sequence = decoding.readVarUint(decoder);
      envelope = { kind: 'batch', deviceId, sequence, update: decoding.readVarUint8Array(decoder) };
      if (sequence < 1) throw new EnvelopeError('a batch sequence starts at 1');
    } else if (kind === KIND_SNAPSHOT) {
      const upToVersion = decoding.readVarUint(decoder);
      const sequences: DeviceSequences = new Map();
      for (let count = decoding.readVarUint(decoder); count > 0; count--) sequences.set(decoding.readVarString(decoder), decoding.readVarUint(decoder));
      const stateVector = decoding.readVarUint8Array(decoder);
      envelope = { kind: 'snapshot', deviceId, upToVersion, sequences, stateVector, update: decoding.readVarUint8Array(decoder) };
    } else {
      throw new EnvelopeError(`relay envelope kind ${kind} is not known`);
    }
    if (decoding.hasContent(decoder)) throw new EnvelopeError('the relay envelope has trailing bytes');
    return envelope;
  } catch (err) {
    if (err instanceof EnvelopeError) throw err;
    // lib0 throws plain Errors for truncated input: one reason for every malformed envelope.
    throw new EnvelopeError('the blob opened but is not a relay envelope (sealed by an older version of the app?)');
  }
}
