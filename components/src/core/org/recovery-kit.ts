/**
 * A recovery kit: the org's current key (and its first key, which the org id commits to) sealed under a
 * passphrase, as a line of text to print or keep. Restored on a new device with a deployment account, it brings
 * the org back from the relay, and the device enrols itself as a new device of the org.
 *
 * Sealing: PBKDF2-HMAC-SHA256 over the passphrase (NFC) with a random 16-byte salt and the org password's 600,000
 * iterations, then HKDF-SHA256 (info `p2p-clinic/v1/recovery-kit`) to an AES-256-GCM key; the org's AEAD binds the
 * sealed kit to its org and epoch (`{ orgId, purpose: 'recovery-kit', scope: <epoch number> }`), which the kit's
 * readable header names. A rotation makes every older kit stop working: the kit's epoch is no longer the current
 * one, and the rotation sealed the new key to devices, not to kits (`assertKitCurrent`, KIT_REPLACED).
 */
import { decodeBase64url, encodeBase64url } from '#protocol';
import { bindCipher, deriveAesGcmKey, type BoundCipher } from '../crypto/aead.ts';
import { CryptoError } from '../crypto/crypto-error.ts';
import { assertOrgKey, orgIdMatchesKey } from '../crypto/org-key.ts';
import { ORG_PASSWORD_ITERATIONS, ORG_PASSWORD_MIN_LENGTH } from '../crypto/org-password.ts';
import type { Org } from '../records/records.ts';
import type { Membership } from './membership.ts';
import { saveEpochKey } from './key-epochs.ts';
import type { OrgRegistry } from './org-registry.ts';

export const RECOVERY_KIT_INFO = 'p2p-clinic/v1/recovery-kit';
/** The org password's figure: a kit is as exposed to offline guessing as anything printed, so it is stretched as much. */
export const RECOVERY_KIT_ITERATIONS = ORG_PASSWORD_ITERATIONS;
export const RECOVERY_PASSPHRASE_MIN_LENGTH = ORG_PASSWORD_MIN_LENGTH;
const KIT_PREFIX = 'p2pkit1';
const SALT_BYTES = 16;

export type RecoveryKitErrorCode =
  | 'PASSPHRASE_TOO_SHORT'
  /** Not a kit, or one that was cut or altered. */
  | 'MALFORMED_KIT'
  /** The passphrase does not open the kit (or the kit was altered). */
  | 'WRONG_PASSPHRASE'
  /** The org has moved to a newer key since the kit was made; a member can make a new one. */
  | 'KIT_REPLACED';

export class RecoveryKitError extends Error {
  constructor(
    readonly code: RecoveryKitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecoveryKitError';
  }
}

export interface RecoveryKitContents {
  org: Pick<Org, 'id' | 'name' | 'color'> & { roomId: string };
  /** The org's first key. */
  orgKey: Uint8Array;
  /** The epoch the kit was made in, and its key. */
  epoch: { id: string; number: number; key: Uint8Array };
}

interface KitHeader {
  orgId: string;
  number: number;
  salt: string;
}

const utf8 = new TextEncoder();

async function kitCipher(passphrase: string, header: KitHeader, salt: Uint8Array): Promise<BoundCipher> {
  const password = await crypto.subtle.importKey('raw', utf8.encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const stretched = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt.slice(), iterations: RECOVERY_KIT_ITERATIONS }, password, 256);
  const key = await deriveAesGcmKey(stretched, utf8.encode(header.orgId), RECOVERY_KIT_INFO);
  return bindCipher(key, { orgId: header.orgId, purpose: 'recovery-kit', scope: String(header.number) });
}

export async function exportRecoveryKit(contents: RecoveryKitContents, passphrase: string): Promise<string> {
  if ([...passphrase.normalize('NFC')].length < RECOVERY_PASSPHRASE_MIN_LENGTH) {
    throw new RecoveryKitError('PASSPHRASE_TOO_SHORT', `The passphrase must have at least ${RECOVERY_PASSPHRASE_MIN_LENGTH} characters.`);
  }
  assertOrgKey(contents.orgKey);
  assertOrgKey(contents.epoch.key);
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const header: KitHeader = { orgId: contents.org.id, number: contents.epoch.number, salt: encodeBase64url(salt) };
  const payload = {
    org: contents.org,
    orgKey: encodeBase64url(contents.orgKey),
    epoch: { id: contents.epoch.id, number: contents.epoch.number, key: encodeBase64url(contents.epoch.key) },
  };
  const sealed = await (await kitCipher(passphrase, header, salt)).seal(utf8.encode(JSON.stringify(payload)));
  return `${KIT_PREFIX}.${encodeBase64url(utf8.encode(JSON.stringify(header)))}.${encodeBase64url(sealed)}`;
}

/** The kit's contents; RecoveryKitError MALFORMED_KIT or WRONG_PASSPHRASE otherwise. Whitespace and line breaks are ignored. */
export async function openRecoveryKit(text: string, passphrase: string): Promise<RecoveryKitContents> {
  const malformed = () => new RecoveryKitError('MALFORMED_KIT', 'This is not a complete p2p-clinic recovery kit: check that it was copied whole.');
  const [prefix, headerText, sealedText, ...rest] = text.replace(/\s+/g, '').split('.');
  const headerBytes = decodeBase64url(headerText ?? '');
  const sealed = decodeBase64url(sealedText ?? '');
  if (prefix !== KIT_PREFIX || rest.length > 0 || !headerBytes?.byteLength || !sealed?.byteLength) throw malformed();
  let header: KitHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as KitHeader;
  } catch {
    throw malformed();
  }
  const salt = decodeBase64url(typeof header?.salt === 'string' ? header.salt : '');
  if (typeof header.orgId !== 'string' || !Number.isSafeInteger(header.number) || salt?.byteLength !== SALT_BYTES) throw malformed();
  let plaintext: Uint8Array;
  try {
    plaintext = await (await kitCipher(passphrase, header, salt)).open(sealed);
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    throw new RecoveryKitError('WRONG_PASSPHRASE', 'The passphrase does not open this recovery kit.');
  }
  const payload = JSON.parse(new TextDecoder().decode(plaintext)) as {
    org: RecoveryKitContents['org'];
    orgKey: string;
    epoch: { id: string; number: number; key: string };
  };
  const orgKey = decodeBase64url(payload.orgKey)!;
  const contents: RecoveryKitContents = {
    org: payload.org,
    orgKey,
    epoch: { id: payload.epoch.id, number: payload.epoch.number, key: decodeBase64url(payload.epoch.key)! },
  };
  // Sealed by whoever knew the passphrase, so checked like an invite's payload: the id must commit to the key.
  if (contents.org.id !== header.orgId || !(await orgIdMatchesKey(contents.org.id, orgKey))) throw malformed();
  return contents;
}

/**
 * Puts what a kit holds on this device: the org in the registry under its first key (refused like an invite if the
 * device has the org under another key), and the kit's epoch key. Then open the org and its member list, and sync:
 * the relay brings the org back, and `assertKitCurrent` says whether the kit was still current.
 */
export async function restoreRecoveryKit(registry: OrgRegistry, kit: RecoveryKitContents): Promise<Org> {
  const org = await registry.adopt(kit.org, kit.orgKey);
  if (kit.epoch.number > 0) await saveEpochKey({ orgId: org.id, epoch: kit.epoch.id, number: kit.epoch.number, key: kit.epoch.key });
  return org;
}

/** Throws KIT_REPLACED when the org, as this restored device now sees it, has moved past the kit's epoch without it. */
export function assertKitCurrent(membership: Membership, kit: RecoveryKitContents, deviceId: string): void {
  if (membership.current.id === kit.epoch.id || membership.current.members.has(deviceId)) return;
  throw new RecoveryKitError(
    'KIT_REPLACED',
    'This recovery kit was made before the org moved to a new key (someone was removed), so it no longer opens the org. Ask a member for a new kit or an invite.',
  );
}
