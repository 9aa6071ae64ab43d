/**
 * Invites: the inviter waits in an ephemeral room bound to a one-time share code; the invitee redeems the code,
 * both connect over WebRTC through that room and run the invite's PAKE (crypto/invite-exchange.ts: CPace on the org
 * password, bound to the room and both DTLS fingerprints) on the peer gate's auth channel. The invitee confirms
 * first; the inviter checks that confirmation under its guess limit (guess-limit.ts) and only then answers with its
 * own confirmation and the org and its key, sealed under the PAKE's session key. Nothing that crosses the Worker or
 * the connection can be tested against a password offline, and each connection is at most one online guess.
 *
 * The signalling and the connection are y-webrtc's, with a throwaway Y.Doc: once the gate opens, the invitee's
 * receipt reaches the inviter through it.
 */
import * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import { WebrtcProvider } from 'y-webrtc';
import { decodeBase64url, encodeBase64url, isRoomId } from '#protocol';
import { bindCipher, type BoundCipher } from '../crypto/aead.ts';
import { InviteExchange, joinInviterProof, splitInviterProof, type InviteSessionKeys } from '../crypto/invite-exchange.ts';
import { ORG_KEY_BYTES, orgIdMatchesKey } from '../crypto/org-key.ts';
import { assessOrgPassword, deriveInviteKeys, ORG_PASSWORD_MIN_LENGTH } from '../crypto/org-password.ts';
import type { Org } from '../records/records.ts';
import type { OrgMembership } from '../org/org-membership.ts';
import type { SignedRecord } from '../org/membership-records.ts';
import type { ChannelBinding } from './channel-binding.ts';
import { gatedPeerOpts, type BoundHandshake, type HandshakeSteps } from './gated-peer-connection.ts';
import { GuessLimit } from './guess-limit.ts';
import { signallingUrl } from './peer-sync.ts';
import { RelayApiError, type RelayApi } from './relay-api.ts';

/**
 * Password guesses an invite allows before it closes. The inviter enforces it over all connections together
 * (guess-limit.ts); the invitee counts its own tries to tell its user.
 */
export const MAX_PASSWORD_TRIES = 3;
/** How long the invitee waits for the inviter to answer before giving up on a try. */
const INVITER_ANSWER_MS = 30_000;
/** The inviter keeps waiting this long after the code expires, for an invitee who redeemed it just in time. */
const AFTER_EXPIRY_GRACE_MS = 60_000;
const PAYLOAD_FORMAT = 1;
/**
 * The invite protocol this app speaks, named at the end of the invite's room id (`<orgId>.<random>.v2`), which the
 * invitee learns from the share code before anything else: an invitee meeting an inviter of another version says so
 * (INVITE_VERSION) instead of failing the exchange as if the password were wrong. Version 2 is the CPace exchange
 * bound to the channel; version 1, the challenge-response before it, named no version in its room ids.
 */
export const INVITE_PROTOCOL_VERSION = 2;
/**
 * How long the invitee keeps the connection open for the inviter to acknowledge its receipt. It already holds the
 * org; the wait only keeps the receipt from being lost with a connection closed too early, which on a busy machine
 * (or in a slower browser) a fixed delay did. Reached only when the acknowledgement is lost.
 */
const RECEIPT_ACKNOWLEDGEMENT_MS = 10_000;

export type InviteErrorCode =
  /** The code was never issued, is spent, or expired: all look the same. */
  | 'CODE_INVALID'
  | 'WRONG_PASSWORD'
  | 'TOO_MANY_TRIES'
  | 'INVITER_UNREACHABLE'
  | 'INVALID_INVITE'
  | 'RATE_LIMITED'
  | 'NETWORK'
  /** The invite was made by an app that speaks another invite protocol (older or newer): the message says which. */
  | 'INVITE_VERSION'
  /** The inviter chose an org password shorter than ORG_PASSWORD_MIN_LENGTH characters. */
  | 'PASSWORD_TOO_SHORT';

/** What the app needs to word an invite error for the person: the code says which of these is set. */
export interface InviteErrorDetails {
  /** Password tries left, for WRONG_PASSWORD and TOO_MANY_TRIES. */
  triesLeft?: number;
  /** Seconds to wait before trying again, for RATE_LIMITED. */
  retryAfter?: number;
  /** The invite protocol the inviter's app speaks, for INVITE_VERSION. */
  inviterVersion?: number;
}

export class InviteError extends Error {
  readonly triesLeft: number | undefined;
  readonly retryAfter: number | undefined;
  readonly inviterVersion: number | undefined;

  constructor(
    readonly code: InviteErrorCode,
    message: string,
    details: InviteErrorDetails = {},
  ) {
    super(message);
    this.name = 'InviteError';
    this.triesLeft = details.triesLeft;
    this.retryAfter = details.retryAfter;
    this.inviterVersion = details.inviterVersion;
  }
}

/** What the invitee receives: enough to list the org, store its key and open its room. */
export interface InvitedOrg {
  org: Pick<Org, 'id' | 'name' | 'color'> & { roomId: string };
  /** The org's first key, which its id commits to. */
  orgKey: Uint8Array;
  /** The org's current epoch and its key, once the org has been through a rotation (keep it with `saveEpochKey`). */
  epoch?: { id: string; number: number; key: Uint8Array };
  /** The inviter's ticket: the invitee's entry in the member list names the inviter with it (DeviceProfile.ticket). */
  ticket?: SignedRecord;
}

export type InvitationState = 'waiting' | 'completed' | 'locked' | 'expired' | 'cancelled';

export interface InvitationEvents {
  state: (state: InvitationState) => void;
  /** A guess was refused (wrong, or sent while another was being checked); `triesLeft` before the invite closes. */
  'wrong-password': (triesLeft: number) => void;
}

interface InvitationOptions {
  api: RelayApi;
  /** A synced org (it has a room) and its key. */
  org: Org & { roomId: string };
  orgKey: Uint8Array;
  /**
   * The org password, as the inviter will tell it to the invitee by call or text: at least ORG_PASSWORD_MIN_LENGTH
   * characters (`generateOrgPassword` offers one).
   */
  password: string;
  iceServers?: RTCIceServer[];
  /**
   * The org's member list on the inviter's device: the invitee then gets the key of the epoch current when the
   * invite completes (a rotation while the invite is open does not leave it with an old key), and a ticket naming
   * the inviter.
   */
  membership?: OrgMembership;
}

/** The inviter's side: a code to show, a countdown, and the outcome. */
export class Invitation extends ObservableV2<InvitationEvents> {
  state: InvitationState = 'waiting';
  private readonly guesses = new GuessLimit({
    budget: MAX_PASSWORD_TRIES,
    isOpen: () => this.state === 'waiting',
    onRefused: (left) => this.emit('wrong-password', [left]),
    onExhausted: () => this.finish('locked'),
  });
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
    if (assessOrgPassword(options.password).problems.includes('TOO_SHORT')) {
      throw new InviteError('PASSWORD_TOO_SHORT', `The org password must have at least ${ORG_PASSWORD_MIN_LENGTH} characters.`);
    }
    const roomId = `${org.id}.${encodeBase64url(crypto.getRandomValues(new Uint8Array(16)))}.v${INVITE_PROTOCOL_VERSION}`;
    // Derived before the code exists, so the 5 minutes are not spent on PBKDF2.
    const { pakeSecret } = await deriveInviteKeys(options.password, org.id);
    const ticket = await options.membership?.issueTicket();
    // Made when the invitee has proven the password, not now: the epoch may change while the invite is open.
    const plaintext = async () => {
      const view = options.membership?.view;
      const payload: InvitePayload = {
        format: PAYLOAD_FORMAT,
        org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId },
        orgKey: encodeBase64url(orgKey),
        ...(view && view.epoch.number > 0 ? { epoch: { id: view.epoch.id, number: view.epoch.number, key: encodeBase64url(view.epochKey) } } : {}),
        ...(ticket ? { ticket } : {}),
      };
      return new TextEncoder().encode(JSON.stringify(payload));
    };
    const { code, expiresAt } = await inviteCall(() => api.createShareCode(roomId));
    const invitation = new Invitation(code, expiresAt, roomId);
    invitation.listen(api.workerUrl, invitation.inviterHandshake(pakeSecret, org.id, plaintext), options.iceServers);
    return invitation;
  }

  cancel(): void {
    this.finish('cancelled');
  }

  /**
   * Each connection's run of the exchange. The invitee's confirmation is checked only through the guess limit;
   * the payload is sealed, and our confirmation sent, only for a connection whose check passed.
   */
  private inviterHandshake(pakeSecret: Uint8Array, orgId: string, plaintext: () => Promise<Uint8Array>): BoundHandshake {
    return {
      order: 'verify-first',
      bind: async (binding) => {
        const run = await ExchangeRun.start('inviter', pakeSecret, this.roomId, binding);
        let confirmed = false;
        return {
          opening: run.share,
          verify: async (_ours, theirs, proof) => {
            confirmed = await this.guesses.judge(async () => (await run.keys(theirs)).confirms(proof));
            return confirmed;
          },
          prove: async (_ours, theirs) => {
            if (!confirmed) throw new Error('the invitee has not confirmed');
            const keys = await run.keys(theirs);
            const sealed = await payloadCipher(keys, orgId, this.roomId).seal(await plaintext());
            return joinInviterProof(keys.confirmation, sealed);
          },
        };
      },
    };
  }

  private listen(workerUrl: string, handshake: BoundHandshake, iceServers: RTCIceServer[] = []): void {
    const invite = this.doc.getMap<unknown>('invite');
    invite.observe(() => {
      if (invite.get('received') !== true || invite.get('acknowledged') === true) return;
      // Tells the invitee it may close: its receipt arrived.
      invite.set('acknowledged', true);
      this.finish('completed');
    });
    this.provider = new WebrtcProvider(this.roomId, this.doc, {
      signaling: [signallingUrl(workerUrl, this.roomId)],
      peerOpts: gatedPeerOpts(handshake, {}, iceServers),
    });
  }

  private finish(state: Exclude<InvitationState, 'waiting'>): void {
    if (this.state !== 'waiting') return;
    this.state = state;
    clearTimeout(this.timer);
    // Let the acknowledgement reach the invitee before the connection goes; should it not, the invitee stops
    // waiting for it after RECEIPT_ACKNOWLEDGEMENT_MS, org in hand.
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
    const room = parseInviteRoom(roomId);
    if (!room) throw new InviteError('INVALID_INVITE', 'This code does not lead to an invite.');
    if (room.version < INVITE_PROTOCOL_VERSION) {
      throw new InviteError('INVITE_VERSION', 'This invite was made by an older version of the app. Ask the person who invited you to update it, then to invite you again.', {
        inviterVersion: room.version,
      });
    }
    if (room.version > INVITE_PROTOCOL_VERSION) {
      throw new InviteError('INVITE_VERSION', 'This invite was made by a newer version of the app. Update this app, then ask for a new code.', { inviterVersion: room.version });
    }
    return new InviteRedemption(api, roomId, room.orgId, iceServers);
  }

  get triesLeft(): number {
    return MAX_PASSWORD_TRIES - this.tries;
  }

  /** Runs the exchange with `password` against the inviter and, once both confirmed, receives the org and its key. */
  async tryPassword(password: string): Promise<InvitedOrg> {
    if (this.triesLeft <= 0) throw new InviteError('TOO_MANY_TRIES', 'Too many wrong passwords: ask for a new invite.');
    const { pakeSecret } = await deriveInviteKeys(password, this.orgId);
    const doc = new Y.Doc();
    const invite = doc.getMap<unknown>('invite');

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
      let confirmed = false;
      const handshake: BoundHandshake = {
        order: 'prove-first',
        bind: async (binding) => {
          const run = await ExchangeRun.start('invitee', pakeSecret, this.roomId, binding);
          const steps: HandshakeSteps = {
            // One confirmation per try: should y-webrtc connect again after a refusal, no second guess goes out.
            prove: async (_ours, theirs) => {
              if (confirmed) throw new Error('this try has already confirmed once');
              confirmed = true;
              return (await run.keys(theirs)).confirmation;
            },
            verify: async (_ours, theirs, proof) => {
              const { confirmation, sealed } = splitInviterProof(proof);
              const keys = await run.keys(theirs);
              if (!(await keys.confirms(confirmation))) return false;
              try {
                const invited = await parsePayload(await payloadCipher(keys, this.orgId, this.roomId).open(sealed), this.orgId);
                settle(() => resolve(invited));
              } catch (err) {
                settle(() => reject(err instanceof InviteError ? err : new InviteError('INVALID_INVITE', 'The invite could not be opened.')));
              }
              return true;
            },
          };
          return { opening: run.share, ...steps };
        },
      };
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
      // The gate opens right after the inviter's confirmation checked out; the receipt crosses it then.
      invite.set('received', true);
      await acknowledgement(invite);
      return invited;
    } finally {
      // Synchronously: y-webrtc allows one provider per room name in a page, and the next try opens another.
      (provider as WebrtcProvider | null)?.destroy();
      doc.destroy();
    }
  }

  private wrongPassword(): InviteError {
    return this.triesLeft > 0
      ? new InviteError('WRONG_PASSWORD', `Wrong password: ${this.triesLeft} ${this.triesLeft === 1 ? 'try' : 'tries'} left.`, { triesLeft: this.triesLeft })
      : new InviteError('TOO_MANY_TRIES', 'Too many wrong passwords: ask for a new invite.', { triesLeft: 0 });
  }
}

/** Resolves once the inviter has acknowledged the invitee's receipt, or after RECEIPT_ACKNOWLEDGEMENT_MS. */
function acknowledgement(invite: Y.Map<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      invite.unobserve(check);
      clearTimeout(timer);
      resolve();
    };
    const check = () => {
      if (invite.get('acknowledged') === true) done();
    };
    const timer = setTimeout(done, RECEIPT_ACKNOWLEDGEMENT_MS);
    invite.observe(check);
    check();
  });
}

/** One connection's exchange, with its session keys computed once, whichever step needs them first. */
class ExchangeRun {
  #keys: Promise<InviteSessionKeys> | null = null;

  private constructor(private readonly exchange: InviteExchange) {}

  static async start(role: 'invitee' | 'inviter', pakeSecret: Uint8Array, roomId: string, binding: ChannelBinding): Promise<ExchangeRun> {
    const [inviteeFingerprint, inviterFingerprint] = role === 'invitee' ? [binding.local, binding.remote] : [binding.remote, binding.local];
    return new ExchangeRun(await InviteExchange.start(role, pakeSecret, { roomId, inviteeFingerprint, inviterFingerprint }));
  }

  get share(): Uint8Array {
    return this.exchange.share;
  }

  keys(theirShare: Uint8Array): Promise<InviteSessionKeys> {
    return (this.#keys ??= this.exchange.complete(theirShare));
  }
}

function payloadCipher(keys: InviteSessionKeys, orgId: string, roomId: string): BoundCipher {
  return bindCipher(keys.payloadKey, { orgId, purpose: 'invite-org', scope: roomId });
}

interface InvitePayload {
  format: number;
  org: InvitedOrg['org'];
  orgKey: string;
  epoch?: { id: string; number: number; key: string };
  ticket?: SignedRecord;
}

/** The payload, checked: well formed, for the org the room names, with a key that org's id commits to (if it does). */
async function parsePayload(plaintext: Uint8Array, orgId: string): Promise<InvitedOrg> {
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
    orgKey?.byteLength !== ORG_KEY_BYTES ||
    !(await orgIdMatchesKey(org.id, orgKey))
  ) {
    throw invalid();
  }
  const epochKey = typeof payload.epoch?.key === 'string' ? decodeBase64url(payload.epoch.key) : null;
  const { epoch, ticket } = payload;
  if (epoch !== undefined && (typeof epoch.id !== 'string' || !Number.isSafeInteger(epoch.number) || epoch.number < 1 || epochKey?.byteLength !== ORG_KEY_BYTES)) {
    throw invalid();
  }
  if (ticket !== undefined && !['body', 'signer', 'signature'].every((field) => typeof (ticket as unknown as Record<string, unknown>)?.[field] === 'string')) {
    throw invalid();
  }
  return {
    org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId },
    orgKey,
    ...(epoch && epochKey ? { epoch: { id: epoch.id, number: epoch.number, key: epochKey } } : {}),
    ...(ticket ? { ticket: { body: ticket.body, signer: ticket.signer, signature: ticket.signature } } : {}),
  };
}

/** Maps the Worker's refusals to what the invite UI says. */
async function inviteCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof RelayApiError)) throw err;
    if (err.code === 'NOT_FOUND') throw new InviteError('CODE_INVALID', 'This code is not valid: it may have been used already or have expired.');
    if (err.code === 'RATE_LIMITED') throw new InviteError('RATE_LIMITED', `Too many attempts: try again in ${err.retryAfter ?? 60} s.`, { retryAfter: err.retryAfter ?? 60 });
    if (err.code === 'NETWORK') throw new InviteError('NETWORK', err.message);
    throw err;
  }
}

/** The org and the invite protocol an invite's room id names: `<orgId>.<random>.v<n>`, or `<orgId>.<random>` for version 1. */
export function parseInviteRoom(roomId: string): { orgId: string; version: number } | null {
  if (!isRoomId(roomId)) return null;
  const parts = roomId.split('.');
  const marked = /^v([1-9][0-9]{0,5})$/.exec(parts.at(-1)!);
  const orgId = parts.slice(0, marked ? -2 : -1).join('.');
  return orgId.length === 0 ? null : { orgId, version: marked ? Number(marked[1]) : 1 };
}
