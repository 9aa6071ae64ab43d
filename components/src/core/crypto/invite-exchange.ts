/**
 * The invite's key exchange: CPace (cpace.ts) on the PAKE secret of the org password, bound to the WebRTC channel it
 * runs on, with explicit key confirmation, and a payload key that only the two ends of that run can know.
 *
 *   CI   = lv_cat("p2p-clinic/v1/invite-cpace", invite room id, invitee's DTLS fingerprint, inviter's DTLS fingerprint)
 *   ADa  = "invitee" (CPace's initiator A), ADb = "inviter" (B); sid is empty (each run has fresh scalars and
 *          fresh DTLS certificates, and the room id is in CI)
 *   mac_key = SHA-512("CPaceMac" ‖ sid ‖ ISK), Ta = HMAC-SHA-512(mac_key, lv_cat(Ya, ADa)), Tb likewise for B
 *   payload key = HKDF-SHA256(ISK, salt = room id, info = "p2p-clinic/v1/invite-payload"), AES-256-GCM
 *
 * Why the fingerprints: a relay (or whoever runs the Worker) that puts itself between the two browsers must present
 * its own DTLS certificate to each, so each end sees a different pair of fingerprints, computes a different
 * generator, and the confirmation fails; the man in the middle has spent one guess and holds nothing it can test a
 * password against offline (test: components/test/invite-exchange.test.ts).
 */
import { concatBytes } from '@noble/curves/utils.js';
import { CPACE_SHARE_BYTES, CpaceParty, lvCat, sha512 } from './cpace.ts';
import { CryptoError } from './crypto-error.ts';
import { deriveAesGcmKey } from './aead.ts';

const CI_LABEL = 'p2p-clinic/v1/invite-cpace';
const PAYLOAD_INFO = 'p2p-clinic/v1/invite-payload';
/** HMAC-SHA-512's output, untruncated. */
export const INVITE_CONFIRMATION_BYTES = 64;
export const INVITE_SHARE_BYTES = CPACE_SHARE_BYTES;

export type InviteRole = 'invitee' | 'inviter';

/** What the run is bound to, as both ends must see it. */
export interface InviteChannel {
  roomId: string;
  /** The `a=fingerprint` lines of the invitee's DTLS certificate, as channel-binding.ts normalises them. */
  inviteeFingerprint: string;
  inviterFingerprint: string;
}

/** The keys of one completed run; the same on both ends only if password, room and both fingerprints matched. */
export interface InviteSessionKeys {
  /** Our key-confirmation tag, to send. */
  confirmation: Uint8Array;
  /** Whether the other end's tag is right: the one online check of a password guess. */
  confirms(theirs: Uint8Array): Promise<boolean>;
  /** AES-256-GCM, non-extractable: seals the org and its key from inviter to invitee. */
  payloadKey: CryptoKey;
}

const utf8 = new TextEncoder();
const AD: Record<InviteRole, Uint8Array> = { invitee: utf8.encode('invitee'), inviter: utf8.encode('inviter') };

export function inviteChannelId(channel: InviteChannel): Uint8Array {
  return lvCat(...[CI_LABEL, channel.roomId, channel.inviteeFingerprint, channel.inviterFingerprint].map((field) => utf8.encode(field)));
}

/** One end's run: its share to send first, then the session keys once the other end's share arrives. */
export class InviteExchange {
  private constructor(
    private readonly role: InviteRole,
    private readonly party: CpaceParty,
    private readonly roomId: string,
  ) {}

  static async start(role: InviteRole, pakeSecret: Uint8Array, channel: InviteChannel): Promise<InviteExchange> {
    const inputs = { prs: pakeSecret, ci: inviteChannelId(channel), sid: new Uint8Array() };
    const party = await CpaceParty.start(role === 'invitee' ? 'initiator' : 'responder', inputs, AD[role]);
    return new InviteExchange(role, party, channel.roomId);
  }

  /** Our CPace share (Ya or Yb). */
  get share(): Uint8Array {
    return this.party.share;
  }

  /** Throws a CryptoError (INVALID_CHALLENGE) for a share CPace must abort on. */
  async complete(theirShare: Uint8Array): Promise<InviteSessionKeys> {
    const other: InviteRole = this.role === 'invitee' ? 'inviter' : 'invitee';
    const isk = await this.party.sessionKey(theirShare, AD[other]);
    const macKey = await crypto.subtle.importKey(
      'raw',
      await sha512(concatBytes(utf8.encode('CPaceMac'), isk)),
      { name: 'HMAC', hash: 'SHA-512' },
      false,
      ['sign', 'verify'],
    );
    const tagged = (role: InviteRole, share: Uint8Array) => lvCat(share, AD[role]).slice();
    const confirmation = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, tagged(this.role, this.party.share)));
    const payloadKey = await deriveAesGcmKey(isk.slice(), utf8.encode(this.roomId), PAYLOAD_INFO);
    return {
      confirmation,
      // crypto.subtle.verify compares in constant time.
      confirms: async (theirs) =>
        theirs.byteLength === INVITE_CONFIRMATION_BYTES && crypto.subtle.verify('HMAC', macKey, theirs.slice(), tagged(other, theirShare)),
      payloadKey,
    };
  }
}

/** Splits the inviter's final message: its confirmation tag, then the sealed payload. */
export function splitInviterProof(proof: Uint8Array): { confirmation: Uint8Array; sealed: Uint8Array } {
  if (proof.byteLength <= INVITE_CONFIRMATION_BYTES) throw new CryptoError('INVALID_CHALLENGE', "the inviter's answer is truncated");
  return { confirmation: proof.subarray(0, INVITE_CONFIRMATION_BYTES), sealed: proof.subarray(INVITE_CONFIRMATION_BYTES) };
}

export function joinInviterProof(confirmation: Uint8Array, sealed: Uint8Array): Uint8Array {
  return concatBytes(confirmation, sealed);
}
