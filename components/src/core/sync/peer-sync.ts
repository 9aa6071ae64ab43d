import type * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import { WebrtcProvider, type SignalingConn } from 'y-webrtc';
import { gatedPeerOpts, type GateObserver, type HandshakeError, type IdentifiedConnection, type PeerHandshake } from './gated-peer-connection.ts';
import { signInSignalling } from './signalling-sign-in.ts';

export interface PeerSyncOptions {
  /** The Worker's base URL (`https://…`); signalling goes to its `/signal/<roomId>`. */
  workerUrl: string;
  roomId: string;
  doc: Y.Doc;
  /** y-webrtc's `password`: seals signalling so that only key holders can meet in the room. */
  signallingPassword: string;
  /** Run on every new peer connection before a single Yjs message flows. */
  handshake: PeerHandshake;
  /** With `handshake.identify`: told of each peer whose device it names, and of that connection from then on. */
  onIdentified?(deviceId: string): IdentifiedConnection;
  /** ICE servers for peers on other networks; none are needed on one LAN. */
  iceServers?: RTCIceServer[];
  /**
   * The signed-in account's token, if any: signalling sockets sign in with it (signalling-sign-in.ts), so that more
   * than 16 devices behind one address all get into the room.
   */
  getToken?: () => Promise<string>;
}

export interface PeerSyncStatus {
  /** Authenticated peers with an open connection. */
  peers: number;
  /** Bytes of Yjs data sent and received over authenticated connections since start. */
  bytesSent: number;
  bytesReceived: number;
  lastError: string | null;
}

export interface PeerSyncEvents {
  status: (status: PeerSyncStatus) => void;
  /** A peer failed the mutual authentication and was disconnected. */
  'peer-rejected': (error: HandshakeError) => void;
}

/** The signalling URL of a room on this deployment's Worker. */
export function signallingUrl(workerUrl: string, roomId: string): string {
  const url = new URL(`signal/${encodeURIComponent(roomId)}`, workerUrl.endsWith('/') ? workerUrl : `${workerUrl}/`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * One org document synced directly with the org's other devices: y-webrtc's own provider, signalling through
 * the Worker, with every connection gated by the mutual challenge-response (see gated-peer-connection.ts).
 */
export class PeerSync extends ObservableV2<PeerSyncEvents> {
  readonly status: PeerSyncStatus = { peers: 0, bytesSent: 0, bytesReceived: 0, lastError: null };
  private readonly provider: WebrtcProvider;
  private readonly stopSigningIn: (() => void)[] = [];

  constructor(options: PeerSyncOptions) {
    super();
    const observer: GateObserver = {
      onAuthenticated: () => this.update({ lastError: null }),
      onRejected: (error) => {
        this.update({ lastError: error.message });
        this.emit('peer-rejected', [error]);
      },
      onData: (direction, bytes) => {
        if (direction === 'sent') this.status.bytesSent += bytes;
        else this.status.bytesReceived += bytes;
      },
      ...(options.onIdentified ? { onIdentified: options.onIdentified } : {}),
    };
    this.provider = new WebrtcProvider(options.roomId, options.doc, {
      signaling: [signallingUrl(options.workerUrl, options.roomId)],
      password: options.signallingPassword,
      peerOpts: gatedPeerOpts(options.handshake, observer, options.iceServers),
    });
    // The provider has made its connection, whose socket is still opening: its first message can still be the auth.
    const { getToken } = options;
    if (getToken) for (const conn of this.provider.signalingConns as SignalingConn[]) this.stopSigningIn.push(signInSignalling(conn, getToken));
    // y-webrtc emits `peers` when a peer appears (not yet connected) or a connection closes. Its `synced` fires only
    // when the whole room turns synced or unsynced, so a connection that opens in a room already synced (say, after
    // a rejected peer's connection closed) would go uncounted: count on each new connection's own `connect`, which
    // simple-peer emits after y-webrtc's handler has marked it connected.
    const recount = () => this.update({ peers: this.connectedPeers() });
    this.provider.on('peers', ({ added }) => {
      for (const peerId of added) this.provider.room?.webrtcConns.get(peerId)?.peer.once('connect', recount);
      recount();
    });
  }

  /** y-webrtc's awareness: what the connected peers tell each other besides the document (relay-peer-check.ts). */
  get awareness(): WebrtcProvider['awareness'] {
    return this.provider.awareness;
  }

  override destroy(): void {
    for (const stop of this.stopSigningIn) stop();
    this.provider.destroy();
    this.update({ peers: 0 });
    super.destroy();
  }

  private connectedPeers(): number {
    const room = this.provider.room;
    return room ? [...room.webrtcConns.values()].filter((conn) => conn.connected).length : 0;
  }

  private update(change: Partial<PeerSyncStatus>): void {
    Object.assign(this.status, change);
    this.emit('status', [{ ...this.status }]);
  }
}
