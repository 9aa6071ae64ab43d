/**
 * Mutual authentication for y-webrtc's peer connections, without changing y-webrtc.
 *
 * y-webrtc (through simple-peer) sends its first Yjs sync message the moment its data channel opens. To make
 * sure nothing flows before both peers have proven that they hold the org key, we hand simple-peer, through
 * y-webrtc's `peerOpts.wrtc`, an RTCPeerConnection whose data channels are *gated*: each connection also opens a
 * negotiated side channel on which the peers exchange 32-byte challenges and HMAC proofs, and simple-peer's
 * channel reports itself open only once both proofs have been checked. A peer that fails is disconnected having
 * received nothing but our challenge and our proof of its challenge. Why this design rather than a provider of
 * our own: y-webrtc's signalling, awareness, room and reconnection logic stay exactly as upstream, and the gate
 * sits at the one place every byte must pass.
 *
 * The gate also frames messages so that no data-channel message exceeds 16 KiB (y-webrtc issue #20: browsers
 * disagree on the maximum message size) and reassembles them on the other side.
 *
 * A handshake can be bound to the connection (`BoundHandshake`): the gate then hands it both ends' DTLS fingerprints
 * (channel-binding.ts) and sends its opening in place of a random challenge. The invite's PAKE runs that way.
 */
import { channelBindingOf, type ChannelBinding } from './channel-binding.ts';


export interface PeerHandshake {
  /** Our proof that we hold the key, answering `theirs` and bound to `ours`. */
  prove(ours: Uint8Array, theirs: Uint8Array): Promise<Uint8Array>;
  /** Whether `proof` is the peer's valid answer to `ours`, bound to `theirs`. */
  verify(ours: Uint8Array, theirs: Uint8Array, proof: Uint8Array): Promise<boolean>;
  /**
   * Who proves first. `together` suits a high-entropy key (org members). With a password, the side that
   * already belongs (the inviter) must `verify-first`: otherwise anyone could collect its proof and guess
   * the password offline. The other side then proves first (`prove-first`).
   */
  order: 'together' | 'prove-first' | 'verify-first';
  /** Which device the peer is (peer-identity.ts): statements exchanged once both proofs have been checked. */
  identify?: PeerIdentification;
}

/** Statements naming each side's device, bound to the connection's two challenges. */
export interface PeerIdentification {
  /** Ours, for the connection where we sent `ours` and received `theirs`. */
  statement(ours: Uint8Array, theirs: Uint8Array): Promise<Uint8Array>;
  /** The device the peer's statement names, if it holds for this connection; null if not. */
  check(ours: Uint8Array, theirs: Uint8Array, statement: Uint8Array): Promise<string | null>;
}

/** An identified peer's connection, as the gate reports it: each message it delivers, and its end. */
export interface IdentifiedConnection {
  received(): void;
  closed(): void;
}

/** The proving and verifying steps of one connection, whatever opening they answer. */
export type HandshakeSteps = Pick<PeerHandshake, 'prove' | 'verify'>;

/**
 * A handshake made per connection from its channel binding: `opening` is sent instead of a random challenge (a
 * PAKE's share; CHALLENGE_BYTES long, the only size the gate accepts, as a ristretto255 element is), and the steps
 * that follow keep whatever state the opening needs. `bind` throwing fails the connection's handshake
 * (PROTOCOL_ERROR).
 */
export interface BoundHandshake {
  order: PeerHandshake['order'];
  bind(binding: ChannelBinding): Promise<HandshakeSteps & { opening: Uint8Array }>;
}

/** Why a handshake failed; `REJECTED_BY_PEER` is what a wrong password looks like from the prover's side. */
export type HandshakeFailure = 'REJECTED_BY_PEER' | 'PEER_NOT_AUTHENTIC' | 'PROTOCOL_ERROR' | 'TIMEOUT' | 'CLOSED';

export class HandshakeError extends Error {
  constructor(
    readonly code: HandshakeFailure,
    message: string,
  ) {
    super(message);
    this.name = 'HandshakeError';
  }
}

export interface GateObserver {
  onAuthenticated?(): void;
  onRejected?(error: HandshakeError): void;
  /** Bytes of application data (Yjs sync and awareness) that crossed a gate, either way. */
  onData?(direction: 'sent' | 'received', bytes: number): void;
  /** An authenticated peer's statement named its device (`PeerHandshake.identify`); told of the connection from then on. */
  onIdentified?(deviceId: string): IdentifiedConnection;
}

export const AUTH_CHANNEL_ID = 0;
const AUTH_CHANNEL_LABEL = 'p2p-clinic-auth';
/**
 * simple-peer's `channelConfig` for gated connections: y-webrtc's channel negotiated on a fixed id, like the auth
 * channel, rather than announced in-band by the initiator. When two peers connect to each other at once (as they do
 * right after a rejected handshake closed both ends), y-webrtc lets one side's initiator answer the other's offer;
 * with in-band channels each side would then send on the channel it made and never listen to the other's, and the
 * two would stay "connected" without syncing. A negotiated channel is the same channel on both sides.
 */
export const PEER_CHANNEL_CONFIG: RTCDataChannelInit = { negotiated: true, id: AUTH_CHANNEL_ID + 1 };
export const CHALLENGE_BYTES = 32;
/** Every data-channel message is at most this big, header included. */
export const MAX_FRAME_BYTES = 16 * 1024;
const HANDSHAKE_TIMEOUT_MS = 15_000;
/**
 * What a peer whose gate opened before ours may send meanwhile, held undelivered until ours opens: y-webrtc's sync
 * step 1, awareness and the odd update fit many times over; a peer sending more before we know who it is gets the
 * connection closed.
 */
const MAX_HELD_BYTES = 1024 * 1024;

const enum AuthMessage {
  Challenge = 1,
  Proof = 2,
  /** Sent by a verifier to a peer whose proof failed, just before closing. */
  Rejected = 3,
  /** After both proofs: which device the sender is (`PeerIdentification`). */
  Identity = 4,
}
const enum Frame {
  More = 0,
  Last = 1,
}

/** The `wrtc` option for simple-peer (y-webrtc's `peerOpts.wrtc`). */
export function gatedWrtc(handshake: PeerHandshake | BoundHandshake, observer: GateObserver = {}) {
  class GatedPeerConnection extends RTCPeerConnection {
    private readonly gates = new Set<GatedChannel>();
    private authenticated = false;
    /** The peer's statement, held until the handshake has passed; checked once. */
    private statement: Uint8Array | null = null;
    /** What checks it, once the handshake has passed. */
    private checker: ((statement: Uint8Array) => Promise<string | null>) | null = null;
    private onIdentified: ((deviceId: string) => IdentifiedConnection) | null = null;
    private identified: IdentifiedConnection | null = null;
    private ended = false;

    constructor(config?: RTCConfiguration) {
      super(config);
      // Created before any other channel on both sides, so the negotiated id is reserved on both.
      const auth = super.createDataChannel(AUTH_CHANNEL_LABEL, { negotiated: true, id: AUTH_CHANNEL_ID });
      const identify = 'identify' in handshake ? handshake.identify : undefined;
      // The peer's side may pass first and send its statement while ours still checks its proof.
      const onStatement = (statement: Uint8Array) => {
        this.statement ??= statement;
        void this.checkStatement();
      };
      runHandshake(auth, handshake, () => channelBindingOf(this), identify ? onStatement : undefined).then(
        (challenges) => {
          this.authenticated = true;
          observer.onAuthenticated?.();
          for (const gate of this.gates) gate.release();
          if (identify && observer.onIdentified) void this.identify(auth, identify, challenges, observer.onIdentified);
        },
        (err: HandshakeError) => {
          observer.onRejected?.(err);
          this.close();
          // close() fires no event, and simple-peer learns that its connection ended only from one (a channel's
          // `close` does not come if the handshake timed out before the channels opened). Without this, y-webrtc
          // would keep the dead connection in its room and never connect to that peer again.
          this.dispatchEvent(new Event('iceconnectionstatechange'));
        },
      );
    }

    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      return this.gate(super.createDataChannel(label, init));
    }

    /** Closing the connection ourselves fires no event on its channels: the identified peer is told here. */
    override close(): void {
      this.end();
      super.close();
    }

    /** Sends our statement, then checks the peer's when it has come; the auth channel closing ends the connection. */
    private async identify(
      auth: RTCDataChannel,
      identify: PeerIdentification,
      { ours, theirs }: Challenges,
      onIdentified: (deviceId: string) => IdentifiedConnection,
    ): Promise<void> {
      auth.addEventListener('close', () => this.end());
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'closed' || this.connectionState === 'failed') this.end();
      });
      let checked = false;
      this.checker = async (statement) => {
        if (checked) return null;
        checked = true;
        return identify.check(ours, theirs, statement).catch(() => null);
      };
      this.onIdentified = onIdentified;
      void this.checkStatement();
      try {
        if (auth.readyState === 'open') auth.send(withType(AuthMessage.Identity, await identify.statement(ours, theirs)));
      } catch {
        // Closed meanwhile: there is no one left to tell.
      }
    }

    /** Checks the peer's statement once both it and the passed handshake are there; the first statement counts. */
    private async checkStatement(): Promise<void> {
      if (!this.statement || !this.checker) return;
      const deviceId = await this.checker(this.statement);
      if (deviceId && !this.ended) this.identified = this.onIdentified!(deviceId);
    }

    private end(): void {
      if (this.ended) return;
      this.ended = true;
      this.identified?.closed();
    }

    /** An identified peer's message, delivered past the gate. */
    received(): void {
      this.identified?.received();
    }

    override set ondatachannel(handler: ((event: RTCDataChannelEvent) => void) | null) {
      super.ondatachannel = handler && ((event) => handler({ channel: this.gate(event.channel) } as RTCDataChannelEvent));
    }

    override get ondatachannel() {
      return super.ondatachannel;
    }

    private gate(channel: RTCDataChannel): RTCDataChannel {
      const onData = (direction: 'sent' | 'received', bytes: number) => {
        observer.onData?.(direction, bytes);
        if (direction === 'received') this.received();
      };
      const gate = new GatedChannel(channel, { ...observer, onData });
      this.gates.add(gate);
      if (this.authenticated) gate.release();
      return gate as unknown as RTCDataChannel;
    }
  }

  return {
    RTCPeerConnection: GatedPeerConnection,
    RTCSessionDescription: globalThis.RTCSessionDescription,
    RTCIceCandidate: globalThis.RTCIceCandidate,
  };
}

/** simple-peer's options (y-webrtc's `peerOpts`) for a gated connection: the gate, the ICE servers, the negotiated channel. */
export function gatedPeerOpts(handshake: PeerHandshake | BoundHandshake, observer: GateObserver, iceServers: RTCIceServer[] = []) {
  return { wrtc: gatedWrtc(handshake, observer), config: { iceServers }, channelConfig: PEER_CHANNEL_CONFIG };
}

/** A random challenge for a plain handshake; for a bound one, its opening, once the channel is known. */
async function openingAndSteps(
  handshake: PeerHandshake | BoundHandshake,
  binding: () => ChannelBinding | null,
): Promise<HandshakeSteps & { opening: Uint8Array }> {
  if (!('bind' in handshake)) return { opening: crypto.getRandomValues(new Uint8Array(CHALLENGE_BYTES)), prove: handshake.prove, verify: handshake.verify };
  // The auth channel opens after DTLS did, so both descriptions (and their fingerprints) are set by then.
  const channel = binding();
  if (!channel) throw new Error('the connection has no DTLS fingerprints to bind to');
  return handshake.bind(channel);
}

/** The two challenges (or openings) of a connection, as one side sees them. */
interface Challenges {
  ours: Uint8Array;
  theirs: Uint8Array;
}

/**
 * Sends our challenge (or a bound handshake's opening), then proves and verifies in the handshake's order, one
 * message at a time. Rejects with a HandshakeError on any failure or timeout, after which nothing more is sent.
 * A peer's identity statement that comes meanwhile goes to `onStatement` (unchecked: the caller checks it only
 * once the handshake has passed), or, without one, is a protocol error like any unexpected message.
 */
function runHandshake(
  channel: RTCDataChannel,
  handshake: PeerHandshake | BoundHandshake,
  binding: () => ChannelBinding | null,
  onStatement?: (statement: Uint8Array) => void,
): Promise<Challenges> {
  channel.binaryType = 'arraybuffer';
  let steps: Promise<HandshakeSteps & { opening: Uint8Array }> | null = null;
  let theirs: Uint8Array | null = null;
  let proofSent = false;
  let verified = false;
  let settled = false;
  return new Promise<Challenges>((resolve, reject) => {
    const fail = (code: HandshakeFailure, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      channel.close();
      reject(new HandshakeError(code, reason));
    };
    const timer = setTimeout(() => fail('TIMEOUT', 'the peer did not authenticate in time'), HANDSHAKE_TIMEOUT_MS);
    // Nothing goes out on a channel that is closing; its close, queued behind what came before it, then says why.
    const send = (message: Uint8Array<ArrayBuffer>) => {
      if (channel.readyState !== 'open') return false;
      channel.send(message);
      return true;
    };
    const started = () => (steps ??= openingAndSteps(handshake, binding));
    const sendProof = async () => {
      const { opening, prove } = await started();
      const proof = await prove(opening, theirs!);
      if (settled) return;
      proofSent = send(withType(AuthMessage.Proof, proof));
    };
    const maybeDone = async () => {
      if (!settled && proofSent && verified) {
        settled = true;
        clearTimeout(timer);
        resolve({ ours: (await started()).opening, theirs: theirs! });
      }
    };
    // One message at a time, in arrival order: a step that awaits (a PAKE's hashing, a verification) must not let
    // the next message overtake it.
    let queue: Promise<unknown> = Promise.resolve();
    const serially = (step: () => Promise<unknown>) => {
      queue = queue.then(step).catch((err: unknown) => fail('PROTOCOL_ERROR', (err as Error).message));
    };
    channel.onopen = () =>
      serially(async () => {
        const { opening } = await started();
        if (!settled) send(withType(AuthMessage.Challenge, opening));
      });
    // In turn too: a peer that refuses our proof closes right after saying so, and a step still awaiting (our own
    // check of its proof, on a busy device) must not let the close overtake the refusal or the proof before it.
    channel.onclose = () => serially(async () => fail('CLOSED', 'the authentication channel closed'));
    const receive = async (message: Uint8Array) => {
      const body = message.subarray(1);
      // After the handshake too: only statements come then.
      if (message[0] === AuthMessage.Identity && onStatement) return onStatement(body.slice());
      if (settled) return;
      const { opening: ours, verify } = await started();
      if (message[0] === AuthMessage.Challenge && theirs === null) {
        if (body.byteLength !== CHALLENGE_BYTES) return fail('PROTOCOL_ERROR', 'malformed challenge');
        // A peer echoing our own challenge is trying to make us answer for it.
        if (equalBytes(body, ours)) return fail('PROTOCOL_ERROR', 'reflected challenge');
        theirs = body.slice();
        if (handshake.order !== 'verify-first') await sendProof();
      } else if (message[0] === AuthMessage.Proof && theirs !== null && !verified) {
        if (handshake.order === 'prove-first' && !proofSent) return fail('PROTOCOL_ERROR', 'proof before ours');
        if (!(await verify(ours, theirs, body))) {
          send(Uint8Array.of(AuthMessage.Rejected));
          return fail('PEER_NOT_AUTHENTIC', 'the peer could not prove it holds the key');
        }
        verified = true;
        if (!proofSent) await sendProof();
      } else if (message[0] === AuthMessage.Rejected) {
        return fail('REJECTED_BY_PEER', 'the peer refused our proof');
      } else {
        return fail('PROTOCOL_ERROR', 'unexpected authentication message');
      }
      await maybeDone();
    };
    channel.onmessage = (event: MessageEvent<ArrayBuffer>) => serially(() => receive(new Uint8Array(event.data)));
  });
}

/**
 * Stands in for simple-peer's RTCDataChannel: reports `connecting` until released, refuses to send before, and
 * frames what it carries into messages of at most MAX_FRAME_BYTES.
 */
class GatedChannel {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  private released = false;
  private underlyingOpen = false;
  private announced = false;
  private incoming: Uint8Array[] = [];
  private held: Uint8Array[] = [];
  private heldBytes = 0;

  constructor(
    private readonly channel: RTCDataChannel,
    private readonly observer: GateObserver,
  ) {
    channel.binaryType = 'arraybuffer';
    this.underlyingOpen = channel.readyState === 'open';
    channel.addEventListener('open', () => {
      this.underlyingOpen = true;
      this.announce();
    });
    channel.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => this.receive(new Uint8Array(event.data)));
  }

  get label() {
    return this.channel.label;
  }
  get readyState(): RTCDataChannelState {
    return this.channel.readyState === 'open' && !this.announced ? 'connecting' : this.channel.readyState;
  }
  get bufferedAmount() {
    return this.channel.bufferedAmount;
  }
  get bufferedAmountLowThreshold() {
    return this.channel.bufferedAmountLowThreshold;
  }
  set bufferedAmountLowThreshold(value: number) {
    this.channel.bufferedAmountLowThreshold = value;
  }
  get binaryType() {
    return 'arraybuffer' as const;
  }
  set binaryType(_value: BinaryType) {
    // Frames are always binary; reassembled messages are handed on as ArrayBuffers.
  }
  set onclose(handler: ((event: Event) => void) | null) {
    this.channel.onclose = handler;
  }
  set onerror(handler: ((event: Event) => void) | null) {
    this.channel.onerror = handler;
  }
  set onbufferedamountlow(handler: ((event: Event) => void) | null) {
    this.channel.onbufferedamountlow = handler;
  }

  release(): void {
    this.released = true;
    this.announce();
  }

  send(data: ArrayBuffer | ArrayBufferView | string): void {
    if (!this.announced) throw new Error('the peer is not authenticated');
    const bytes =
      typeof data === 'string'
        ? new TextEncoder().encode(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.observer.onData?.('sent', bytes.byteLength);
    const room = MAX_FRAME_BYTES - 1;
    for (let offset = 0; offset < bytes.byteLength || offset === 0; offset += room) {
      const chunk = bytes.subarray(offset, offset + room);
      const last = offset + room >= bytes.byteLength;
      const frame = new Uint8Array(chunk.byteLength + 1);
      frame[0] = last ? Frame.Last : Frame.More;
      frame.set(chunk, 1);
      this.channel.send(frame);
    }
  }

  close(): void {
    this.channel.close();
  }

  private announce(): void {
    if (this.announced || !this.released || !this.underlyingOpen) return;
    this.announced = true;
    this.onopen?.(new Event('open'));
    const held = this.held;
    this.held = [];
    for (const frame of held) this.accept(frame);
  }

  private receive(frame: Uint8Array): void {
    // Nothing is accepted from a peer before it is authenticated. But the peer's gate may open first (it had our
    // proof checked before we had its, as a slower browser or a busy machine makes likely), and it then starts
    // syncing at once: that waits here, undelivered, until ours opens; a failed handshake closes the connection.
    if (!this.announced) {
      this.heldBytes += frame.byteLength;
      if (this.heldBytes > MAX_HELD_BYTES) return this.channel.close();
      this.held.push(frame);
      return;
    }
    this.accept(frame);
  }

  private accept(frame: Uint8Array): void {
    this.incoming.push(frame.subarray(1));
    if (frame[0] !== Frame.Last) return;
    const size = this.incoming.reduce((sum, part) => sum + part.byteLength, 0);
    const message = new Uint8Array(size);
    let offset = 0;
    for (const part of this.incoming) {
      message.set(part, offset);
      offset += part.byteLength;
    }
    this.incoming = [];
    this.observer.onData?.('received', size);
    this.onmessage?.({ data: message.buffer });
  }
}

function withType(type: AuthMessage, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const message = new Uint8Array(body.byteLength + 1);
  message[0] = type;
  message.set(body, 1);
  return message;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}
