import { describe, expect, it } from 'vitest';
import { encodeTranscript } from '../src/core/crypto/transcript.ts';

describe('encodeTranscript', () => {
  it('tells apart field lists whose concatenations are equal', () => {
    expect(encodeTranscript('label', ['ab', 'c'])).not.toEqual(encodeTranscript('label', ['a', 'bc']));
  });

  it('tells apart the same fields under different labels', () => {
    expect(encodeTranscript('p2p-clinic/v1/aead', ['x'])).not.toEqual(encodeTranscript('p2p-clinic/v1/challenge-response', ['x']));
  });

  it('prefixes each field with its length as 32-bit big-endian', () => {
    expect([...encodeTranscript('L', [Uint8Array.of(9, 8), ''])]).toEqual([0, 0, 0, 1, 0x4c, 0, 0, 0, 2, 9, 8, 0, 0, 0, 0]);
  });
});
