/**
 * Signs y-webrtc's signalling sockets in to the Worker with the account's token, so that a room counts them only
 * towards its own limit and not towards their address's share of sockets not signed in (docs/api.md, "WebSocket
 * GET /signal/:roomId"): an office with more than 16 devices behind one address still meets over WebRTC.
 *
 * The token goes in an `auth` message, never in the URL (which logs keep), and y-webrtc's socket cannot carry a
 * header. y-webrtc sends through its connection's `send` only, so that is where the `auth` goes in: every new socket
 * (y-webrtc reconnects with a new one) sends it before anything else, and what y-webrtc sends meanwhile is held
 * back, in order, until it has gone. Before the token expires a fresh one is sent on the same socket. A socket with
 * no usable token (signed out, or only an expired one) stays unsigned: still served, within its address's share.
 */
import type { SignalingConn } from 'y-webrtc';
import { decodeBase64url } from '#protocol';

/** How long before its token expires a socket signs in again: well above a round trip on a slow link. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

interface SocketSignIn {
  /** y-webrtc's messages sent before the `auth` went, in order. */
  held: unknown[];
  sent: boolean;
}

interface ServerMessage {
  type?: unknown;
  code?: unknown;
  expiresAt?: unknown;
}

/**
 * One signalling connection's sign-in. y-webrtc keeps one connection per URL for the page's life, so a room opened
 * again (an org closed and reopened) finds the same connection, already wrapped: it only takes the new token source.
 */
class SignallingSignIn {
  getToken: (() => Promise<string>) | null = null;
  readonly #conn: SignalingConn;
  readonly #sockets = new WeakMap<WebSocket, SocketSignIn>();
  /** Tokens the room refused: never sent again, or every reconnection would be refused in turn. */
  readonly #refused = new Set<string>();
  #lastSent: { ws: WebSocket; token: string } | null = null;
  #renewal: ReturnType<typeof setTimeout> | null = null;

  constructor(conn: SignalingConn) {
    this.#conn = conn;
    conn.send = (message: unknown) => this.#send(message);
    conn.on('message', (message: ServerMessage) => this.#onMessage(message));
  }

  stop(): void {
    this.getToken = null;
    if (this.#renewal) clearTimeout(this.#renewal);
    this.#renewal = null;
  }

  #send(message: unknown): void {
    const ws = this.#conn.ws;
    if (!ws) return;
    let state = this.#sockets.get(ws);
    if (!state) {
      state = { held: [], sent: false };
      this.#sockets.set(ws, state);
      void this.#signIn(ws, state);
    }
    if (state.sent) ws.send(JSON.stringify(message));
    else state.held.push(message);
  }

  async #signIn(ws: WebSocket, state: SocketSignIn): Promise<void> {
    const token = await this.#usableToken();
    if (this.#conn.ws !== ws || ws.readyState !== ws.OPEN) return;
    if (token) this.#sendAuth(ws, token);
    state.sent = true;
    for (const message of state.held.splice(0)) ws.send(JSON.stringify(message));
  }

  #onMessage(message: ServerMessage): void {
    const ws = this.#conn.ws;
    if (!ws || this.#lastSent?.ws !== ws) return;
    // The room closes the socket; y-webrtc opens another, which must not send the same token again.
    if (message.type === 'error' && message.code === 'UNAUTHORIZED') this.#refused.add(this.#lastSent.token);
    if (message.type === 'auth-ok' && typeof message.expiresAt === 'number') {
      const expiresAt = message.expiresAt;
      const renewIn = Math.max(expiresAt - RENEW_BEFORE_EXPIRY_MS, Date.now() + (expiresAt - Date.now()) / 2) - Date.now();
      if (this.#renewal) clearTimeout(this.#renewal);
      this.#renewal = setTimeout(() => void this.#renew(ws, expiresAt), renewIn);
    }
  }

  /** A fresh token on the same socket; if the account has none newer, the socket counts as unsigned once it expires. */
  async #renew(ws: WebSocket, expiring: number): Promise<void> {
    this.#renewal = null;
    const token = await this.#usableToken();
    if (this.#conn.ws !== ws || ws.readyState !== ws.OPEN || !token || (tokenExpiry(token) ?? 0) <= expiring) return;
    this.#sendAuth(ws, token);
  }

  #sendAuth(ws: WebSocket, token: string): void {
    ws.send(JSON.stringify({ type: 'auth', token }));
    this.#lastSent = { ws, token };
  }

  async #usableToken(): Promise<string | null> {
    const token = this.getToken ? await this.getToken().catch(() => null) : null;
    if (!token || this.#refused.has(token)) return null;
    return (tokenExpiry(token) ?? 0) > Date.now() ? token : null;
  }
}

const signIns = new WeakMap<SignalingConn, SignallingSignIn>();

/** Makes every socket of `conn` sign in with a token from `getToken` first; returns a function that stops it. */
export function signInSignalling(conn: SignalingConn, getToken: () => Promise<string>): () => void {
  let signIn = signIns.get(conn);
  if (!signIn) {
    signIn = new SignallingSignIn(conn);
    signIns.set(conn, signIn);
  }
  signIn.getToken = getToken;
  const started = signIn;
  return () => {
    if (started.getToken === getToken) started.stop();
  };
}

/**
 * The `exp` of a JWT in ms, read without verifying it (the Worker verifies it): only to avoid sending a token that
 * has expired, which the room would refuse, closing the socket.
 */
export function tokenExpiry(token: string): number | null {
  const payload = decodeBase64url(token.split('.')[1] ?? '');
  if (!payload) return null;
  try {
    const { exp } = JSON.parse(new TextDecoder().decode(payload)) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
