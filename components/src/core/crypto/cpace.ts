/**
 * CPace (draft-irtf-cfrg-cpace, cipher suite CPACE-RISTR255-SHA512), the balanced PAKE behind invites: two parties
 * who share a low-entropy secret (the PRS, from the org password) agree on a strong key, and an active attacker
 * learns whether one guessed password was right per run it takes part in, a passive one nothing at all.
 *
 * Why CPace rather than OPAQUE: an invite is symmetric (both sides know the password; no server stores a record
 * for it), CPace is one round with two 32-byte shares that fit the peer gate's challenge slot, and it needs only a
 * prime-order group (ristretto255 from @noble/curves, audited and maintained) and SHA-512 (Web Crypto), with no
 * OPRF or envelope to get wrong. The group arithmetic is noble's; this module is only the draft's encodings, and
 * components/test/cpace.test.ts checks it against the draft's ristretto255 test vectors.
 *
 * Initiator-responder mode: A is the party whose share comes first in the transcript (the invitee), B the other.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes } from '@noble/curves/utils.js';
import { CryptoError } from './crypto-error.ts';

const { Point } = ristretto255;
type RistrettoPoint = InstanceType<typeof Point>;

/** G_Ristretto255.DSI. */
const DSI = new TextEncoder().encode('CPaceRistretto255');
/** G.DSI || "_ISK". */
const DSI_ISK = new TextEncoder().encode('CPaceRistretto255_ISK');
/** SHA-512's input block size (H.s_in_bytes): the generator string pads the PRS to fill the first block. */
const S_IN_BYTES = 128;
/** An encoded ristretto255 element. */
export const CPACE_SHARE_BYTES = 32;
/** SHA-512's output, the size of ISK. */
export const CPACE_ISK_BYTES = 64;
const GROUP_SIZE_BYTES = 32;

/** What both parties must agree on for their keys to match. */
export interface CpaceInputs {
  /** Password-related string: the secret. */
  prs: Uint8Array;
  /** Channel identifier: what the run is bound to (here the room and both DTLS fingerprints). */
  ci: Uint8Array;
  /** Session id; may be empty. */
  sid: Uint8Array;
}

/** The draft's prepend_len: the length in LEB128, then the bytes. */
export function prependLen(data: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = data.byteLength;
  do {
    length.push(n >= 0x80 ? (n & 0x7f) | 0x80 : n);
    n >>>= 7;
  } while (n > 0);
  return concatBytes(Uint8Array.from(length), data);
}

/** The draft's lv_cat: each field length-prefixed, so no two lists of fields encode alike. */
export function lvCat(...fields: Uint8Array[]): Uint8Array {
  return concatBytes(...fields.map(prependLen));
}

export function generatorString({ prs, ci, sid }: CpaceInputs): Uint8Array {
  const zeroPad = Math.max(0, S_IN_BYTES - 1 - prependLen(prs).byteLength - prependLen(DSI).byteLength);
  return lvCat(DSI, prs, new Uint8Array(zeroPad), ci, sid);
}

/** G.calculate_generator: the password-dependent generator both parties' shares are made from. */
export async function calculateGenerator(inputs: CpaceInputs): Promise<RistrettoPoint> {
  return ristretto255_hasher.deriveToCurve!(await sha512(generatorString(inputs)));
}

/** G.sample_scalar as the draft recommends: 32 random bytes with the bits above 252 cleared (never zero). */
export function sampleScalar(): bigint {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(GROUP_SIZE_BYTES));
    bytes[GROUP_SIZE_BYTES - 1]! &= 0x0f;
    const scalar = bytesToNumberLE(bytes);
    if (scalar !== 0n) return scalar;
  }
}

/**
 * G.scalar_mult_vfy: y·X for an encoded X, or null where the draft returns G.I (X does not decode, or the product
 * is the neutral element), on which the run must abort.
 */
export function scalarMultVfy(scalar: bigint, encoded: Uint8Array): Uint8Array | null {
  let point: RistrettoPoint;
  try {
    point = Point.fromBytes(encoded);
  } catch {
    return null;
  }
  if (point.is0()) return null;
  const product = point.multiply(scalar);
  return product.is0() ? null : product.toBytes();
}

/** The draft's transcript_ir: the initiator's share and associated data first. */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

/** One party's CPace run: its share to send, and the ISK once the other party's share arrives. */
export class CpaceParty {
  private constructor(
    private readonly role: 'initiator' | 'responder',
    private readonly scalar: bigint,
    private readonly sid: Uint8Array,
    /** Our public share, Ya or Yb. */
    readonly share: Uint8Array,
    /** Our associated data, ADa or ADb. */
    readonly ad: Uint8Array,
  ) {}

  /** Starts a run; `scalar` is for known-answer tests only, a real run samples its own. */
  static async start(role: 'initiator' | 'responder', inputs: CpaceInputs, ad: Uint8Array, scalar: bigint = sampleScalar()): Promise<CpaceParty> {
    const generator = await calculateGenerator(inputs);
    return new CpaceParty(role, scalar, inputs.sid.slice(), generator.multiply(scalar).toBytes(), ad.slice());
  }

  /** ISK from the other party's share and associated data; throws a CryptoError where the draft says to abort. */
  async sessionKey(theirShare: Uint8Array, theirAd: Uint8Array): Promise<Uint8Array> {
    if (theirShare.byteLength !== CPACE_SHARE_BYTES) throw new CryptoError('INVALID_CHALLENGE', `a CPace share is ${CPACE_SHARE_BYTES} bytes`);
    const k = scalarMultVfy(this.scalar, theirShare);
    if (k === null) throw new CryptoError('INVALID_CHALLENGE', 'the CPace share is not a valid element');
    const transcript =
      this.role === 'initiator' ? transcriptIr(this.share, this.ad, theirShare, theirAd) : transcriptIr(theirShare, theirAd, this.share, this.ad);
    return sha512(concatBytes(lvCat(DSI_ISK, this.sid, k), transcript));
  }
}

/** H of the cipher suite. */
export async function sha512(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-512', data.slice()));
}
