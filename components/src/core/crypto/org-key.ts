/**
 * The org key: 256 random bits made on the device that creates an org. Every other org secret is derived from it
 * with HKDF-SHA256 (RFC 5869), salted with the org id and separated by purpose, so an invite carries one secret and
 * a key leaking from one use (say, y-webrtc's signalling password) says nothing about the others.
 *
 * Why random rather than derived from the org password: everything an outsider can observe (the room id, signalling
 * traffic, the relay's ciphertexts and join verifier) is then bound to a 256-bit secret, so none of it lets anyone
 * test password guesses offline. The password only guards invites, where every guess needs a live inviter.
 */
import { encodeBase64url } from '#protocol';
import { CryptoError } from './crypto-error.ts';

/** AES-256 and HMAC-SHA256 both want 32 bytes; HKDF's input keying material should carry at least that much entropy. */
export const ORG_KEY_BYTES = 32;

/** HKDF `info` per purpose. Changing one changes that key for every org: these are part of the protocol. */
export const ORG_SUBKEY_INFO = {
  signallingPassword: 'p2p-clinic/v1/signalling-password',
  peerAuthKey: 'p2p-clinic/v1/peer-auth',
  relayKey: 'p2p-clinic/v1/relay-encryption',
  joinSecret: 'p2p-clinic/v1/relay-join-secret',
  relayWorkspaceId: 'p2p-clinic/v1/relay-workspace-id',
} as const;

export interface OrgSubkeys {
  /** y-webrtc's `password`: encrypts and authenticates signalling messages, so only members can meet in the room. */
  signallingPassword: string;
  /** HMAC-SHA256 for the peers' mutual challenge-response before any document data flows. */
  peerAuthKey: CryptoKey;
  /** AES-256-GCM for everything the org stores on the relay (changes, snapshots, the workspace name). */
  relayKey: CryptoKey;
  /** base64url of 32 bytes: proves membership to the relay, which keeps only its SHA-256 (see join-verifier.ts). */
  joinSecret: string;
  /**
   * The org's relay workspace id, a v4 UUID (122 bits) from the org key: every member names the same workspace
   * without asking anyone, so two members who both start the relay create one workspace, not two.
   */
  relayWorkspaceId: string;
}

/**
 * HKDF `info` of an org's id. Unlike the subkeys it is not salted with the org id, which it defines: an org created
 * since invites checked it has the id its key commits to (`orgIdFor`), so an invite cannot carry that org's id with
 * another key.
 */
export const ORG_ID_INFO = 'p2p-clinic/v1/org-id';
/** The UUID version marking an id as a commitment to the org key (RFC 9562 §5.8: version 8, custom). */
const COMMITTED_ORG_ID_VERSION = 8;
const COMMITTED_ORG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SUBKEY_BITS = 256;
const utf8 = new TextEncoder();

export async function generateOrgKey(): Promise<Uint8Array> {
  return crypto.getRandomValues(new Uint8Array(ORG_KEY_BYTES));
}

export function assertOrgKey(orgKey: Uint8Array): void {
  if (!(orgKey instanceof Uint8Array) || orgKey.byteLength !== ORG_KEY_BYTES) {
    throw new CryptoError('INVALID_KEY', `an org key is ${ORG_KEY_BYTES} bytes`);
  }
}

export async function deriveOrgSubkeys(orgKey: Uint8Array, orgId: string): Promise<OrgSubkeys> {
  assertOrgKey(orgKey);
  const ikm = await crypto.subtle.importKey('raw', orgKey.slice(), 'HKDF', false, ['deriveBits', 'deriveKey']);
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: utf8.encode(orgId), info: utf8.encode(info) });
  const bits = async (info: string) => new Uint8Array(await crypto.subtle.deriveBits(hkdf(info), ikm, SUBKEY_BITS));
  const [signalling, peerAuthKey, relayKey, joinSecret, workspaceIdBits] = await Promise.all([
    bits(ORG_SUBKEY_INFO.signallingPassword),
    crypto.subtle.deriveKey(hkdf(ORG_SUBKEY_INFO.peerAuthKey), ikm, { name: 'HMAC', hash: 'SHA-256', length: SUBKEY_BITS }, false, [
      'sign',
      'verify',
    ]),
    crypto.subtle.deriveKey(hkdf(ORG_SUBKEY_INFO.relayKey), ikm, { name: 'AES-GCM', length: SUBKEY_BITS }, false, ['encrypt', 'decrypt']),
    bits(ORG_SUBKEY_INFO.joinSecret),
    bits(ORG_SUBKEY_INFO.relayWorkspaceId),
  ]);
  return {
    signallingPassword: encodeBase64url(signalling),
    peerAuthKey,
    relayKey,
    joinSecret: encodeBase64url(joinSecret),
    relayWorkspaceId: uuidOf(workspaceIdBits, 4),
  };
}

/** The id of an org created with `orgKey`: a version-8 UUID of HKDF-SHA256(org key, no salt, ORG_ID_INFO). */
export async function orgIdFor(orgKey: Uint8Array): Promise<string> {
  assertOrgKey(orgKey);
  const ikm = await crypto.subtle.importKey('raw', orgKey.slice(), 'HKDF', false, ['deriveBits']);
  const hkdf = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: utf8.encode(ORG_ID_INFO) };
  return uuidOf(new Uint8Array(await crypto.subtle.deriveBits(hkdf, ikm, 128)), COMMITTED_ORG_ID_VERSION);
}

/**
 * Whether `orgId` may belong to `orgKey`: an id in the committed form must be exactly `orgIdFor(orgKey)`; an id of
 * an org created before ids were commitments (a random v4 UUID) commits to nothing and is accepted.
 */
export async function orgIdMatchesKey(orgId: string, orgKey: Uint8Array): Promise<boolean> {
  return !COMMITTED_ORG_ID.test(orgId) || orgId === (await orgIdFor(orgKey));
}

/** RFC 9562: the first 16 bytes with the version and variant (10) bits set. */
function uuidOf(bytes: Uint8Array, version: number): string {
  const uuid = bytes.slice(0, 16);
  uuid[6] = (uuid[6]! & 0x0f) | (version << 4);
  uuid[8] = (uuid[8]! & 0x3f) | 0x80;
  const hex = [...uuid].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
