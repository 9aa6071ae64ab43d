/**
 * How a signalling connection signs its sockets in (signalling-sign-in.ts), on a connection object shaped like
 * y-webrtc's (its `ws`, `send` and `message` events) whose sockets record what is sent: the order of the first
 * frames, tokens that must not be sent, and the renewal before a token expires.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Observable } from 'lib0/observable';
import type { SignalingConn } from 'y-webrtc';
import { encodeBase64url } from '#protocol';
import { signInSignalling, tokenExpiry } from '../src/core/sync/signalling-sign-in.ts';

const OPEN = 1;

/** A socket that records the frames sent on it. */
class RecordingSocket {
  readonly OPEN = OPEN;
  readyState = OPEN;
  readonly sent: Record<string, unknown>[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
}

/** What signInSignalling uses of y-webrtc's SignalingConn, as lib0's WebsocketClient provides it. */
class FakeConn extends Observable<string> {
  ws: RecordingSocket | null = new RecordingSocket();
  send(message: unknown): void {
    this.ws?.send(JSON.stringify(message));
  }
  /** The server's message, as lib0 hands it to listeners: parsed. */
  receive(message: Record<string, unknown>): void {
    this.emit('message', [message, this]);
  }
  /** y-webrtc reconnected: a new socket. */
  reconnect(): RecordingSocket {
    this.ws = new RecordingSocket();
    return this.ws;
  }
}

/** A JWT-shaped token expiring at `expiresAt` ms (the client reads `exp`, the Worker verifies the rest). */
function token(expiresAt: number, tag = 'a'): string {
  const encode = (value: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)));
  return `${encode({ alg: 'HS256' })}.${encode({ exp: Math.floor(expiresAt / 1000), tag })}.signature`;
}

const asConn = (conn: FakeConn) => conn as unknown as SignalingConn;
/** Lets the sign-in's awaited token arrive. */
const settle = () => vi.advanceTimersByTimeAsync(0);

afterEach(() => {
  vi.useRealTimers();
});

describe('signing in a signalling socket', () => {
  it("sends the token first on every socket, then y-webrtc's messages in the order it sent them", async () => {
    vi.useFakeTimers();
    const conn = new FakeConn();
    const valid = token(Date.now() + 3_600_000);
    signInSignalling(asConn(conn), async () => valid);
    conn.send({ type: 'subscribe', topics: ['room'] });
    conn.send({ type: 'publish', topic: 'room', data: 'announce' });
    await settle();
    expect(conn.ws!.sent).toEqual([
      { type: 'auth', token: valid },
      { type: 'subscribe', topics: ['room'] },
      { type: 'publish', topic: 'room', data: 'announce' },
    ]);
    const next = conn.reconnect();
    conn.send({ type: 'subscribe', topics: ['room'] });
    await settle();
    expect(next.sent).toEqual([
      { type: 'auth', token: valid },
      { type: 'subscribe', topics: ['room'] },
    ]);
  });

  it('sends no token that has expired, nor one the room refused, and lets the socket go on unsigned', async () => {
    vi.useFakeTimers();
    const conn = new FakeConn();
    let current = token(Date.now() - 1_000);
    signInSignalling(asConn(conn), async () => current);
    conn.send({ type: 'subscribe', topics: ['room'] });
    await settle();
    expect(conn.ws!.sent).toEqual([{ type: 'subscribe', topics: ['room'] }]);

    current = token(Date.now() + 3_600_000);
    const second = conn.reconnect();
    conn.send({ type: 'subscribe', topics: ['room'] });
    await settle();
    expect(second.sent[0]).toEqual({ type: 'auth', token: current });
    conn.receive({ type: 'error', code: 'UNAUTHORIZED', message: 'token is missing, invalid or expired' });
    const third = conn.reconnect();
    conn.send({ type: 'subscribe', topics: ['room'] });
    await settle();
    expect(third.sent).toEqual([{ type: 'subscribe', topics: ['room'] }]);
  });

  it('signs in again on the same socket with a fresh token before the one it sent expires', async () => {
    vi.useFakeTimers();
    const conn = new FakeConn();
    const expiresAt = Date.now() + 3_600_000;
    let current = token(expiresAt, 'first');
    signInSignalling(asConn(conn), async () => current);
    conn.send({ type: 'subscribe', topics: ['room'] });
    await settle();
    conn.receive({ type: 'auth-ok', expiresAt });
    current = token(expiresAt + 3_600_000, 'fresh');
    await vi.advanceTimersByTimeAsync(3_600_000 - 5 * 60_000);
    expect(conn.ws!.sent.filter((message) => message.type === 'auth')).toEqual([
      { type: 'auth', token: token(expiresAt, 'first') },
      { type: 'auth', token: current },
    ]);
  });

  it('stops renewing once stopped', async () => {
    vi.useFakeTimers();
    const conn = new FakeConn();
    const expiresAt = Date.now() + 3_600_000;
    const stop = signInSignalling(asConn(conn), async () => token(Date.now() + 3_600_000));
    conn.send({ type: 'subscribe', topics: ['room'] });
    await settle();
    conn.receive({ type: 'auth-ok', expiresAt });
    stop();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(conn.ws!.sent.filter((message) => message.type === 'auth')).toHaveLength(1);
  });
});

describe('a token’s expiry as the client reads it', () => {
  it('is the exp claim in milliseconds, or null for what is not a JWT', () => {
    expect(tokenExpiry(token(1_767_225_600_000))).toBe(1_767_225_600_000);
    expect(tokenExpiry('not-a-token')).toBeNull();
    expect(tokenExpiry('a.!!!.c')).toBeNull();
  });
});
