import { describe, expect, it } from 'vitest';
import { MAX_SOCKETS_PER_SIGNAL_ROOM } from '../src/protocol/index.ts';
import { openSocket, type TestSocket } from './api-client.ts';

const newRoomId = () => `room-${crypto.randomUUID()}`;

/** Messages on one socket are handled in order: once the pong is back, everything before it was. */
async function roundTrip(socket: TestSocket): Promise<void> {
  socket.send({ type: 'ping' });
  expect(await socket.next('pong')).toEqual({ type: 'pong' });
}

async function fullRoom(roomId: string): Promise<TestSocket[]> {
  const sockets = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_SIGNAL_ROOM }, () => openSocket(`/signal/${roomId}`)));
  await Promise.all(sockets.map(roundTrip));
  return sockets;
}

describe('a full signalling room', () => {
  it('refuses a newcomer with ROOM_FULL and closes its socket with 1013', async () => {
    const roomId = newRoomId();
    await fullRoom(roomId);
    const extra = await openSocket(`/signal/${roomId}`);
    expect(await extra.next('ROOM_FULL')).toMatchObject({ type: 'error', code: 'ROOM_FULL' });
    expect((await extra.closed()).code).toBe(1013);
  });

  it('keeps no place for a refused socket: once a member leaves, the next newcomer is let in', async () => {
    const roomId = newRoomId();
    const [leaving] = await fullRoom(roomId);
    const refused = await openSocket(`/signal/${roomId}`);
    expect(await refused.next('ROOM_FULL')).toMatchObject({ code: 'ROOM_FULL' });
    leaving!.ws.close(1000);
    // The room echoes the close frame once it has let the socket go.
    await leaving!.closed();
    const newcomer = await openSocket(`/signal/${roomId}`);
    await roundTrip(newcomer);
  });
});
