import { describe, expect, it } from 'vitest';
import { MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, MAX_SOCKETS_PER_SIGNAL_ROOM } from '../src/protocol/index.ts';
import { call, expectError, freshClientIp, newAccount, openSocket, type TestSocket } from './api-client.ts';

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
    await expectRefused(await openSocket(`/signal/${roomId}`, { 'cf-connecting-ip': ip }), 'RATE_LIMITED');
    await roundTrip(await openSocket(`/signal/${roomId}`, fromFreshAddresses()));
    // The share is per room: the same address is welcome in another.
    await roundTrip(await openSocket(`/signal/${newRoomId()}`, { 'cf-connecting-ip': ip }));
  });

  it('counts sockets opened with an account token only towards the room’s limit', async () => {
    const { token } = await newAccount();
    const ip = freshClientIp();
    const roomId = newRoomId();
    await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS + 4, fromAddress(ip), `?token=${token}`);
    // Signed-in sockets took none of the address's anonymous share.
    await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, fromAddress(ip));
  });

  it('refuses a socket with an invalid token before upgrading it', async () => {
    await expectError(await call(`/signal/${newRoomId()}?token=not.a.token`, { headers: { upgrade: 'websocket' } }), 401, 'UNAUTHORIZED');
  });

  it('ignores the header by which the Worker tells the room a socket is signed in, when a client sends it', async () => {
    const roomId = newRoomId();
    const ip = freshClientIp();
    const forged = () => ({ 'cf-connecting-ip': ip, 'x-p2p-signal-account': 'someone' });
    await joined(roomId, MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS, forged);
    await expectRefused(await openSocket(`/signal/${roomId}`, forged()), 'RATE_LIMITED');
  });
});
