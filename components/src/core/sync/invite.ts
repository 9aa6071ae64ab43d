/**
 * Invites, the seed's flow: the inviter waits in an ephemeral room bound to a one-time share code; the invitee
 * redeems the code, both connect over WebRTC through that room, the invitee proves the org password first, the
 * inviter verifies and proves it too, and only then does the inviter send the org and its key, sealed under the
 * password's encryption key.
 *
 * The transfer reuses the peer gate (gated-peer-connection.ts) with the password's auth key, in the order that
 * keeps the inviter from ever answering an unproven peer (`verify-first`), and a throwaway Y.Doc carried by
 * y-webrtc: nothing in it flows before the gate opens.
 */
import * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import { WebrtcProvider } from 'y-webrtc';
import { decodeBase64url, encodeBase64url, isRoomId } from '#protocol';
import { bindCipher } from '../crypto/aead.ts';
import { challengeProofs } from '../crypto/challenge-response.ts';
import { ORG_KEY_BYTES } from '../crypto/org-key.ts';
import { deriveInviteKeys } from '../crypto/org-password.ts';
import type { Org } from '../records/records.ts';
import { gatedPeerOpts, type GateObserver, type PeerHandshake } from './gated-peer-connection.ts';
import { signallingUrl } from './peer-sync.ts';
import { RelayApiError, type RelayApi } from './relay-api.ts';

/** Wrong passwords an invite tolerates before it closes; each side counts its own. */
export const MAX_PASSWORD_TRIES = 3;
/** How long the invitee waits for the inviter to answer before giving up on a try. */
const INVITER_ANSWER_MS = 30_000;
/** The inviter keeps waiting this long after the code expires, for an invitee who redeemed it just in time. */
const AFTER_EXPIRY_GRACE_MS = 60_000;
const PAYLOAD_FORMAT = 1;
/** Time for the invitee's receipt to cross the data channel before it closes. */
const RECEIPT_DELIVERY_MS = 300;

export type InviteErrorCode =
  /** The code was never issued, is spent, or expired: all look the same. */
  | 'CODE_INVALID'
  | 'WRONG_PASSWORD'
  | 'TOO_MANY_TRIES'
  | 'INVITER_UNREACHABLE'
  | 'INVALID_INVITE'
  | 'RATE_LIMITED'
  | 'NETWORK';

export class InviteError extends Error {
  constructor(
    readonly code: InviteErrorCode,
    message: string,
    /** Password tries left, for WRONG_PASSWORD. */
    readonly triesLeft?: number,
  ) {
    super(message);
    this.name = 'InviteError';
  }
}

/** What the invitee receives: enough to list the org, store its key and open its room. */
export interface InvitedOrg {
  org: Pick<Org, 'id' | 'name' | 'color'> & { roomId: string };
  orgKey: Uint8Array;
}

export type InvitationState = 'waiting' | 'completed' | 'locked' | 'expired' | 'cancelled';

export interface InvitationEvents {
  state: (state: InvitationState) => void;
  /** An invitee tried a wrong password; `triesLeft` before the invite closes. */
  'wrong-password': (triesLeft: number) => void;
}

interface InvitationOptions {
  api: RelayApi;
  /** A synced org (it has a room) and its key. */
  org: Org & { roomId: string };
  orgKey: Uint8Array;
  /** The org password, as the inviter will tell it to the invitee by call or text. */
  password: string;
  iceServers?: RTCIceServer[];
}

/** The inviter's side: a code to show, a countdown, and the outcome. */
export class Invitation extends ObservableV2<InvitationEvents> {
  state: InvitationState = 'waiting';
  private failures = 0;
  private readonly doc = new Y.Doc();
  private provider: WebrtcProvider | null = null;
  private readonly timer: ReturnType<typeof setTimeout>;

  private constructor(
    /** `XXXX-XXXX`, to show with the reminder to pass the password by call or text. */
    readonly code: string,
    /** When the code stops working (ms since the epoch). */
    readonly expiresAt: number,
    readonly roomId: string,
  ) {
    super();
    this.timer = setTimeout(() => this.finish('expired'), Math.max(0, expiresAt - Date.now()) + AFTER_EXPIRY_GRACE_MS);
  }

  static async create(options: InvitationOptions): Promise<Invitation> {
    const { org, orgKey, api } = options;
    const roomId = `${org.id}.${encodeBase64url(crypto.getRandomValues(new Uint8Array(16)))}`;
    // Derived before the code exists, so the 5 minutes are not spent on PBKDF2.
    const keys = await deriveInviteKeys(options.password, org.id);
    const payload: InvitePayload = {
      format: PAYLOAD_FORMAT,
      org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId },
      orgKey: encodeBase64url(orgKey),
    };
    const sealed = await bindCipher(keys.encryptionKey, { orgId: org.id, purpose: 'invite-org', scope: roomId }).seal(
      new TextEncoder().encode(JSON.stringify(payload)),
    );
    const { code, expiresAt } = await inviteCall(() => api.createShareCode(roomId));
    const invitation = new Invitation(code, expiresAt, roomId);
    invitation.listen(api.workerUrl, { ...challengeProofs(keys.authKey, 'invite-auth'), order: 'verify-first' }, sealed, options.iceServers);
    return invitation;
  }

  cancel(): void {
    this.finish('cancelled');
  }

  private listen(workerUrl: string, handshake: PeerHandshake, sealed: Uint8Array, iceServers: RTCIceServer[] = []): void {
    const invite = this.doc.getMap<unknown>('invite');
    invite.set('sealed', sealed);
    invite.observe(() => {
      if (invite.get('received') === true) this.finish('completed');
    });
    const observer: GateObserver = {
      onRejected: (error) => {
        // Only a proof that failed counts as a try; a dropped connection does not.
        if (error.code !== 'PEER_NOT_AUTHENTIC' || this.state !== 'waiting') return;
        this.failures += 1;
        this.emit('wrong-password', [MAX_PASSWORD_TRIES - this.failures]);
        if (this.failures >= MAX_PASSWORD_TRIES) this.finish('locked');
      },
    };
    this.provider = new WebrtcProvider(this.roomId, this.doc, {
      signaling: [signallingUrl(workerUrl, this.roomId)],
      peerOpts: gatedPeerOpts(handshake, observer, iceServers),
    });
  }

  private finish(state: Exclude<InvitationState, 'waiting'>): void {
    if (this.state !== 'waiting') return;
    this.state = state;
    clearTimeout(this.timer);
    // Let the invitee's "received" settle before the connection goes.
    setTimeout(() => {
      this.provider?.destroy();
      this.doc.destroy();
    }, state === 'completed' ? 1000 : 0);
    this.emit('state', [state]);
  }
}

/** The invitee's side after redeeming the code: up to three password tries against the inviter. */
export class InviteRedemption {
  private tries = 0;

  private constructor(
    private readonly api: RelayApi,
    readonly roomId: string,
    readonly orgId: string,
    private readonly iceServers: RTCIceServer[],
  ) {}

  /** Redeems the code (case-insensitive, hyphen optional). The code is spent from here on, whatever follows. */
  static async redeem(api: RelayApi, code: string, iceServers: RTCIceServer[] = []): Promise<InviteRedemption> {
    const { roomId } = await inviteCall(() => api.redeemShareCode(code));
    const orgId = roomId.slice(0, roomId.lastIndexOf('.'));
    if (!isRoomId(roomId) || orgId.length === 0) throw new InviteError('INVALID_INVITE', 'This code does not lead to an invite.');
    return new InviteRedemption(api, roomId, orgId, iceServers);
  }

  get triesLeft(): number {
    return MAX_PASSWORD_TRIES - this.tries;
  }

  /** Proves `password` to the inviter and, once both are proven, receives the org and its key. */
  async tryPassword(password: string): Promise<InvitedOrg> {
    if (this.triesLeft <= 0) throw new InviteError('TOO_MANY_TRIES', 'Too many wrong passwords: ask for a new invite.');
    const keys = await deriveInviteKeys(password, this.orgId);
    const cipher = bindCipher(keys.encryptionKey, { orgId: this.orgId, purpose: 'invite-org', scope: this.roomId });
    const doc = new Y.Doc();
    const invite = doc.getMap<unknown>('invite');
    const proofs = challengeProofs(keys.authKey, 'invite-auth');
    let proved = false;
    const handshake: PeerHandshake = {
      // One proof per try: should y-webrtc reconnect after a refusal, no second guess goes out on this try.
      prove: (ours, theirs) => {
        if (proved) return Promise.reject(new Error('this try has already proved once'));
        proved = true;
        return proofs.prove(ours, theirs);
      },
      verify: proofs.verify,
      order: 'prove-first',
    };

    let provider: WebrtcProvider | null = null;
    const outcome = new Promise<InvitedOrg>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new InviteError('INVITER_UNREACHABLE', 'The inviter did not answer. Is their invite still open?')),
        INVITER_ANSWER_MS,
      );
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        outcome();
      };
      invite.observe(() => {
        const sealed = invite.get('sealed');
        if (!(sealed instanceof Uint8Array) || invite.get('received') === true) return;
        cipher
          .open(sealed)
          .then((plaintext) => {
            const invited = parsePayload(plaintext, this.orgId);
            invite.set('received', true);
            settle(() => resolve(invited));
          })
          .catch((err: unknown) =>
            settle(() => reject(err instanceof InviteError ? err : new InviteError('INVALID_INVITE', 'The invite could not be opened.'))),
          );
      });
      provider = new WebrtcProvider(this.roomId, doc, {
        signaling: [signallingUrl(this.api.workerUrl, this.roomId)],
        peerOpts: gatedPeerOpts(
          handshake,
          {
            onRejected: (error) => {
              if (error.code !== 'REJECTED_BY_PEER' && error.code !== 'PEER_NOT_AUTHENTIC') return;
              this.tries += 1;
              settle(() => reject(this.wrongPassword()));
            },
          },
          this.iceServers,
        ),
      });
    });
    try {
      const invited = await outcome;
      // Let "received" reach the inviter before the connection goes.
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_DELIVERY_MS));
      return invited;
    } finally {
      // Synchronously: y-webrtc allows one provider per room name in a page, and the next try opens another.
      (provider as WebrtcProvider | null)?.destroy();
      doc.destroy();
    }
  }

  private wrongPassword(): InviteError {
    return this.triesLeft > 0
      ? new InviteError('WRONG_PASSWORD', `Wrong password: ${this.triesLeft} ${this.triesLeft === 1 ? 'try' : 'tries'} left.`, this.triesLeft)
      : new InviteError('TOO_MANY_TRIES', 'Too many wrong passwords: ask for a new invite.', 0);
  }
}

interface InvitePayload {
  format: number;
  org: InvitedOrg['org'];
  orgKey: string;
}

function parsePayload(plaintext: Uint8Array, orgId: string): InvitedOrg {
  const invalid = () => new InviteError('INVALID_INVITE', 'The invite is malformed.');
  let payload: InvitePayload;
  try {
    payload = JSON.parse(new TextDecoder().decode(plaintext)) as InvitePayload;
  } catch {
    throw invalid();
  }
  const { org } = payload ?? {};
  const orgKey = typeof payload?.orgKey === 'string' ? decodeBase64url(payload.orgKey) : null;
  if (
    payload?.format !== PAYLOAD_FORMAT ||
    typeof org !== 'object' ||
    org === null ||
    org.id !== orgId ||
    typeof org.name !== 'string' ||
    typeof org.color !== 'string' ||
    typeof org.roomId !== 'string' ||
    !isRoomId(org.roomId) ||
    orgKey?.byteLength !== ORG_KEY_BYTES
  ) {
    throw invalid();
  }
  return { org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId }, orgKey };
}

/** Maps the Worker's refusals to what the invite UI says. */
async function inviteCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof RelayApiError)) throw err;
    if (err.code === 'NOT_FOUND') throw new InviteError('CODE_INVALID', 'This code is not valid: it may have been used already or have expired.');
    if (err.code === 'RATE_LIMITED') throw new InviteError('RATE_LIMITED', `Too many attempts: try again in ${err.retryAfter ?? 60} s.`);
    if (err.code === 'NETWORK') throw new InviteError('NETWORK', err.message);
    throw err;
  }
}
