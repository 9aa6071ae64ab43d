import { describe, expect, it, vi } from 'vitest';
import {
  MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS,
  MAX_SIGNING_IN_SIGNAL_SOCKETS_PER_ADDRESS,
  MAX_SOCKETS_PER_SIGNAL_ROOM,
  type LoginResponse,
} from '../src/protocol/index.ts';
import { TOKEN_LIFETIME_SECONDS } from '../src/tokens.ts';
import { call, expectError, freshClientIp, newAccount, openSocket, type TestAccount, type TestSocket } from './api-client.ts';

const newRoomId = () => `room-${crypto.randomUUID()}`;

/** Messages on one socket are handled in order: once the pong is back, everything before it was. */
async function roundTrip(socket: TestSocket): Promise<void> {
  socket.send({ type: 'ping' });
  expect(await socket.next('pong')).toEqual({ type: 'pong' });
}

/** `count` sockets in `roomId`, each open and answering once this resolves. */
async function joined(roomId: string, count: number, headers: () => Record<string, string>, query = ''): Promise<TestSocket[]> {
  const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(`/signal/${roomId}${query}`, headers())));
  await Promise.all(sockets.map(roundTrip));
  return sockets;
}

const fromAddress = (ip: string) => () => ({ 'cf-connecting-ip': ip });
const fromFreshAddresses = () => ({ 'cf-connecting-ip': freshClientIp() });

/** A socket from `ip` is let into `roomId`, then leaves it, and the room has let it go. */
async function admittedAndGone(roomId: string, ip: string): Promise<void> {
  const socket = await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip });
  await roundTrip(socket);
  socket.ws.close(1000);
  // The room echoes the close frame once it has let the socket go.
  await socket.closed();
}

/** Signs `socket` in with `token` and waits for the room to say so. */
async function signedIn(socket: TestSocket, token: string): Promise<TestSocket> {
  socket.send({ type: 'auth', token });
  expect(await socket.next('auth-ok')).toMatchObject({ type: 'auth-ok' });
  return socket;
}

/** A new token for the account, issued at the (possibly moved) current time. */
async function freshToken({ email, password }: TestAccount): Promise<string> {
  const response = await call('/api/login', { body: { email, password } });
  return ((await response.json()) as LoginResponse).token;
}

/** A token of a new account, issued a lifetime and a second ago. */
async function expiredToken(): Promise<string> {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.now() - TOKEN_LIFETIME_SECONDS * 1000 - 1000);
    return (await newAccount()).token;
  } finally {
    vi.useRealTimers();
  }
}

/** A socket let in beyond its address's share that does not sign in first is refused at its first message. */
async function expectRefusedUnsigned(socket: TestSocket): Promise<void> {
  socket.send({ type: 'subscribe', topics: ['a-topic'] });
  expect(await socket.next('RATE_LIMITED')).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
  expect((await socket.closed()).code).toBe(1008);
}

async function expectRefused(socket: TestSocket, code: string): Promise<void> {
  expect(await socket.next(code)).toMatchObject({ type: 'error', code });
  expect((await socket.closed()).code).toBe(1013);
}

describe('a full signalling room', () => {
  it('refuses a newcomer with ROOM_FULL and closes its socket with 1013', async () => {
    const roomId = newRoomId();
    await joined(roomId, MAX_SOCKETS_PER_SIGNAL_ROOM, fromFreshAddresses);
    await expectRefused(await openSocket(`/signal/${roomId}`, fromFreshAddresses()), 'ROOM_FULL');
  });

  it('keeps no place for a refused socket: once a member leaves, the next newcomer is let in', async () => {
    const roomId = newRoomId();
    const [leaving] = await joined(roomId, MAX_SOCKETS_PER_SIGNAL_ROOM, fromFreshAddresses);
    const refused = await openSocket(`/signal/${roomId}`, fromFreshAddresses());
    expect(await refused.next('ROOM_FULL')).toMatchObject({ code: 'ROOM_FULL' });
    leaving!.ws.close(1000);
    // The room echoes the close frame once it has let the socket go.
    await leaving!.closed();
    await roundTrip(await openSocket(`/signal/${roomId}`, fromFreshAddresses()));
  });
});

describe('signalling sockets per client address', () => {
  it('refuses an address more sockets in a room without a token than its share, while other addresses still get in', async () => {
    const roomId = newRoomId();
    const ip = freshClientIp();
    await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, fromAddress(ip));
    await expectRefusedUnsigned(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }));
    await roundTrip(await openSocket(`/signal/${roomId}`, fromFreshAddresses()));
    // The share is per room: the same address is welcome in another.
    await roundTrip(await openSocket(`/signal/${newRoomId()}`, { 'cf-connecting-ip': ip }));
  });

  it('counts sockets signed in with an auth message only towards the room’s limit', async () => {
    const { token } = await newAccount();
    const ip = freshClientIp();
    const roomId = newRoomId();
    // One at a time, as an office's devices arrive: each signs in before the next opens.
    for (let device = 0; device < MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS + 4; device++) {
      await signedIn(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }), token);
    }
    // Signed-in sockets took none of the address's share of sockets not signed in.
    await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, fromAddress(ip));
  });

  it('counts a socket whose token has expired towards its address’s share again, until it signs in afresh', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const account = await newAccount();
      const ip = freshClientIp();
      const roomId = newRoomId();
      const early = await signedIn(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }), account.token);
      await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS - 1, fromAddress(ip));
      // One place is left in the address's share while the early socket is signed in…
      await admittedAndGone(roomId, ip);
      vi.setSystemTime(Date.now() + TOKEN_LIFETIME_SECONDS * 1000 + 1);
      // …and none once its token has expired.
      await expectRefusedUnsigned(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }));
      await signedIn(early, await freshToken(account));
      await admittedAndGone(roomId, ip);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a socket in beyond the share if it signs in first, and only a few at once that have not yet', async () => {
    const { token } = await newAccount();
    const ip = freshClientIp();
    const roomId = newRoomId();
    await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, fromAddress(ip));
    await roundTrip(await signedIn(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }), token));
    const opening = await Promise.all(
      Array.from({ length: MAX_SIGNING_IN_SIGNAL_SOCKETS_PER_ADDRESS }, () => openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip })),
    );
    await expectRefused(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }), 'RATE_LIMITED');
    await Promise.all(opening.map(async (socket) => roundTrip(await signedIn(socket, token))));
  });

  it('refuses an auth message with an invalid or expired token with UNAUTHORIZED, and closes the socket', async () => {
    for (const token of ['not.a.token', await expiredToken()]) {
      const socket = await openSocket(`/signal/${newRoomId()}`, fromFreshAddresses());
      socket.send({ type: 'auth', token });
      expect(await socket.next('the refusal of a bad token')).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      expect((await socket.closed()).code).toBe(1008);
    }
  });

  it('refuses a token in the URL, where it would end up in logs, before upgrading the socket', async () => {
    const { token } = await newAccount();
    await expectError(await call(`/signal/${newRoomId()}?token=${token}`, { headers: { upgrade: 'websocket' } }), 400, 'INVALID_INPUT');
  });
});
