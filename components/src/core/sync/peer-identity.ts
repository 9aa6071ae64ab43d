/**
 * Which device a peer is. The members' handshake (gated-peer-connection.ts) proves only that a peer holds the
 * epoch's peer-auth key, which every member shares. Once it has passed both ways, each side also sends a
 * statement naming its device: its id, its two public keys (which hash to the id, device-identity.ts) and an
 * Ed25519 signature over the org and both challenges of this connection. The challenges are fresh on both sides
 * for every connection, so a statement cannot be replayed into another one; a member sitting between two others
 * could pass one on, as it could the handshake itself (docs/security.md, "Known limits" of the peer path).
 *
 * What it is used for: knowing which devices are connected and when each was last seen (org/last-seen.ts).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeBase64url } from '#protocol';
import { PUBLIC_KEY_BYTES, signTranscript, verifyTranscript } from '../crypto/device-keys.ts';
import { deviceIdFor, type DeviceIdentity } from '../org/device-identity.ts';
import type { PeerIdentification } from './gated-peer-connection.ts';

const LABEL = 'p2p-clinic/v1/peer-device';

/** This device's statements for `orgId`'s peer connections, and the check of its peers'. */
export function peerIdentification(identity: DeviceIdentity, orgId: string): PeerIdentification {
  const signedFields = (signer: Uint8Array, verifier: Uint8Array) => [orgId, 'signer', signer, 'verifier', verifier];
  return {
    async statement(ours, theirs) {
      const encoder = encoding.createEncoder();
      encoding.writeVarString(encoder, identity.deviceId);
      encoding.writeVarUint8Array(encoder, decodeBase64url(identity.signingKey)!);
      encoding.writeVarUint8Array(encoder, decodeBase64url(identity.sealingKey)!);
      encoding.writeVarUint8Array(encoder, await signTranscript(identity.keys.signing.privateKey, LABEL, signedFields(ours, theirs)));
      return encoding.toUint8Array(encoder);
    },
    async check(ours, theirs, statement) {
      let deviceId: string, signingKey: Uint8Array, sealingKey: Uint8Array, signature: Uint8Array;
      try {
        const decoder = decoding.createDecoder(statement);
        deviceId = decoding.readVarString(decoder);
        signingKey = decoding.readVarUint8Array(decoder);
        sealingKey = decoding.readVarUint8Array(decoder);
        signature = decoding.readVarUint8Array(decoder);
        if (decoding.hasContent(decoder)) return null;
      } catch {
        return null;
      }
      if (signingKey.byteLength !== PUBLIC_KEY_BYTES || sealingKey.byteLength !== PUBLIC_KEY_BYTES) return null;
      if ((await deviceIdFor(signingKey, sealingKey)) !== deviceId) return null;
      return (await verifyTranscript(signingKey, signature, LABEL, signedFields(theirs, ours))) ? deviceId : null;
    },
  };
}
