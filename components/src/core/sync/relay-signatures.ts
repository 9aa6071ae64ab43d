/**
 * Relay envelopes signed by the device that made them (docs/security.md, "Signed changes"). AES-GCM under the relay
 * key keeps the relay's operator from forging or altering a blob, but not anyone who holds the key: a member, a
 * former member until the rotation that removed it, or a stolen device could seal a batch in any device's name, with
 * any sequence number, or a compaction snapshot claiming anything. So each envelope (relay-envelope.ts) is wrapped,
 * inside the seal, in a signed one (format version 2):
 *
 *   version 2 ‖ signer's device id ‖ its Ed25519 and X25519 public keys ‖ its enrolment proof for the workspace's
 *   epoch ‖ the envelope ‖ Ed25519 signature over (org, workspace, signer, envelope)
 *
 * A reader applies it only if the keys hash to the signer's id (device-identity.ts), the enrolment proof checks out
 * under the epoch's key (the proof a device enrols in the member list with: only a holder of that key can make it, so
 * the signer is a member of the epoch), the signature verifies, the envelope's sequence is the signer's own (its
 * relay device id is derived from the signer's id, so no one can write into another device's sequence), and the
 * member list does not say the signer was removed. The keys and the proof travel in every envelope, not only in the
 * list, because a device's own entry in the list reaches the others in its first batch.
 *
 * Unsigned envelopes (version 1, from before) open as unreadable: reported, skipped and given up on like a blob from
 * another version of the app, never applied; a device that upgrades offers its whole document again, signed.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeBase64url, encodeBase64url } from '#protocol';
import { PUBLIC_KEY_BYTES, signTranscript, verifyTranscript } from '../crypto/device-keys.ts';
import { encodeTranscript } from '../crypto/transcript.ts';
import { deviceIdFor, type DeviceIdentity } from '../org/device-identity.ts';
import { enrolmentProof } from '../org/key-epochs.ts';
import { EnvelopeError, decodeEnvelope, encodeEnvelope, type RelayEnvelope } from './relay-envelope.ts';

export const SIGNED_ENVELOPE_VERSION = 2;
const SIGNATURE_LABEL = 'p2p-clinic/v1/relay-envelope';
const RELAY_DEVICE_LABEL = 'p2p-clinic/v1/relay-device';
/** 72 bits, as the random relay device ids before them: names a sequence within one workspace, never guessed. */
const RELAY_DEVICE_ID_BYTES = 9;

/** Why a signed envelope was refused: it opened, but was not made by a member that may write it. */
export type EnvelopeRefusal =
  /** Its keys do not hash to the device id it names. */
  | 'keys-not-signer'
  /** Its enrolment proof does not check out under the epoch's key: not made by a member of the epoch. */
  | 'not-a-member'
  /** The signature does not verify: altered after signing, or forged. */
  | 'bad-signature'
  /** It writes into the sequence of another device than its signer. */
  | 'not-its-sequence'
  /** The member list says its signer was removed from the org. */
  | 'removed';

/** Thrown for an envelope that opened but must not be applied; the reason is for the integrity report. */
export class EnvelopeRefused extends Error {
  override readonly name = 'EnvelopeRefused';
  constructor(
    readonly refusal: EnvelopeRefusal,
    readonly signer: string,
  ) {
    super(`refused a relay change signed by device ${signer}: ${refusal}`);
  }
}

export interface RelaySigningOptions {
  identity: DeviceIdentity;
  orgId: string;
  workspaceId: string;
  /** The epoch the workspace belongs to, and its key: signers prove they hold it. */
  epoch: { id: string; key: Uint8Array };
  /** True for a device the member list says was removed: what it signs is refused. */
  isRemoved?(deviceId: string): boolean;
}

/** The relay device id of `signer` in a workspace: its batches' sequence there is named by it. */
export async function relayDeviceIdFor(signer: string, workspaceId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encodeTranscript(RELAY_DEVICE_LABEL, [signer, workspaceId])));
  return encodeBase64url(digest.slice(0, RELAY_DEVICE_ID_BYTES));
}

/** A signed envelope as it is encoded inside the seal. */
export interface SignedEnvelope {
  signer: string;
  signingKey: Uint8Array;
  sealingKey: Uint8Array;
  keyProof: string;
  envelope: Uint8Array;
  signature: Uint8Array;
}

/** Signs this device's envelopes for one workspace, and checks everyone's. */
export class RelayEnvelopeSigning {
  /** Signers whose keys and enrolment proof checked out, by `signer|keyProof`: each is checked once. */
  readonly #members = new Set<string>();
  /** Each signer's relay device id in this workspace, computed once. */
  readonly #relayDeviceIds = new Map<string, Promise<string>>();

  private constructor(
    private readonly options: RelaySigningOptions,
    /** This device's relay device id in the workspace: the `deviceId` of every envelope it seals. */
    readonly relayDeviceId: string,
    private readonly keyProof: string,
  ) {}

  static async create(options: RelaySigningOptions): Promise<RelayEnvelopeSigning> {
    const { identity, orgId, workspaceId, epoch } = options;
    const [relayDeviceId, keyProof] = await Promise.all([
      relayDeviceIdFor(identity.deviceId, workspaceId),
      enrolmentProof(epoch.key, orgId, epoch.id, identity),
    ]);
    return new RelayEnvelopeSigning(options, relayDeviceId, keyProof);
  }

  /** This device's id in the member list: what readers name as the signer. */
  get signer(): string {
    return this.options.identity.deviceId;
  }

  /** The plaintext to seal: `envelope` signed by this device. */
  async sign(envelope: RelayEnvelope): Promise<Uint8Array> {
    const { identity } = this.options;
    const encoded = encodeEnvelope(envelope);
    return encodeSignedEnvelope({
      signer: identity.deviceId,
      signingKey: decodeBase64url(identity.signingKey)!,
      sealingKey: decodeBase64url(identity.sealingKey)!,
      keyProof: this.keyProof,
      envelope: encoded,
      signature: await signTranscript(identity.keys.signing.privateKey, SIGNATURE_LABEL, this.signedFields(identity.deviceId, encoded)),
    });
  }

  /**
   * The envelope in an opened blob, once its signer is shown to be a member of the epoch who may write it. Throws
   * EnvelopeRefused when it is not, EnvelopeError when the blob is no signed envelope at all.
   */
  async open(plaintext: Uint8Array): Promise<RelayEnvelope> {
    return (await this.openSigned(plaintext)).envelope;
  }

  /** As `open`, naming the device that signed it. */
  async openSigned(plaintext: Uint8Array): Promise<{ signer: string; envelope: RelayEnvelope }> {
    const signed = decodeSignedEnvelope(plaintext);
    const { signer } = signed;
    await this.checkMember(signed);
    if (!(await verifyTranscript(signed.signingKey, signed.signature, SIGNATURE_LABEL, this.signedFields(signer, signed.envelope)))) {
      throw new EnvelopeRefused('bad-signature', signer);
    }
    const envelope = decodeEnvelope(signed.envelope);
    if (envelope.deviceId !== (await this.relayDeviceIdOf(signer))) throw new EnvelopeRefused('not-its-sequence', signer);
    if (this.options.isRemoved?.(signer)) throw new EnvelopeRefused('removed', signer);
    return { signer, envelope };
  }

  private relayDeviceIdOf(signer: string): Promise<string> {
    let id = this.#relayDeviceIds.get(signer);
    if (!id) {
      id = relayDeviceIdFor(signer, this.options.workspaceId);
      this.#relayDeviceIds.set(signer, id);
    }
    return id;
  }

  private signedFields(signer: string, envelope: Uint8Array): (string | Uint8Array)[] {
    return [this.options.orgId, this.options.workspaceId, signer, envelope];
  }

  private async checkMember({ signer, signingKey, sealingKey, keyProof }: SignedEnvelope): Promise<void> {
    const checked = `${signer}|${keyProof}|${encodeBase64url(signingKey)}|${encodeBase64url(sealingKey)}`;
    if (this.#members.has(checked)) return;
    const keysFit = signingKey.byteLength === PUBLIC_KEY_BYTES && sealingKey.byteLength === PUBLIC_KEY_BYTES;
    if (!keysFit || (await deviceIdFor(signingKey, sealingKey)) !== signer) throw new EnvelopeRefused('keys-not-signer', signer);
    const { orgId, epoch } = this.options;
    const device = { deviceId: signer, signingKey: encodeBase64url(signingKey), sealingKey: encodeBase64url(sealingKey) };
    if ((await enrolmentProof(epoch.key, orgId, epoch.id, device)) !== keyProof) throw new EnvelopeRefused('not-a-member', signer);
    this.#members.add(checked);
  }
}

export function encodeSignedEnvelope(signed: SignedEnvelope): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, SIGNED_ENVELOPE_VERSION);
  encoding.writeVarString(encoder, signed.signer);
  encoding.writeVarUint8Array(encoder, signed.signingKey);
  encoding.writeVarUint8Array(encoder, signed.sealingKey);
  encoding.writeVarString(encoder, signed.keyProof);
  encoding.writeVarUint8Array(encoder, signed.envelope);
  encoding.writeVarUint8Array(encoder, signed.signature);
  return encoding.toUint8Array(encoder);
}

export function decodeSignedEnvelope(plaintext: Uint8Array): SignedEnvelope {
  try {
    const decoder = decoding.createDecoder(plaintext);
    const version = decoding.readVarUint(decoder);
    if (version !== SIGNED_ENVELOPE_VERSION) {
      throw new EnvelopeError(
        version === 1
          ? 'an unsigned relay envelope (from an older version of the app): anyone with the relay key could have made it'
          : `relay envelope version ${version} is not supported`,
      );
    }
    const signed: SignedEnvelope = {
      signer: decoding.readVarString(decoder),
      signingKey: decoding.readVarUint8Array(decoder),
      sealingKey: decoding.readVarUint8Array(decoder),
      keyProof: decoding.readVarString(decoder),
      envelope: decoding.readVarUint8Array(decoder),
      signature: decoding.readVarUint8Array(decoder),
    };
    if (decoding.hasContent(decoder)) throw new EnvelopeError('the signed relay envelope has trailing bytes');
    return signed;
  } catch (err) {
    if (err instanceof EnvelopeError) throw err;
    throw new EnvelopeError('the blob opened but is not a signed relay envelope');
  }
}
