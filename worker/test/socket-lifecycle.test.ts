import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SOCKET_HANDSHAKE_TIMEOUT_MS } from '../src/protocol/index.ts';
import { newAccount, newWorkspace, openSocket, openSyncSocket, withDeadline } from './api-client.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const syncRoomOf = (workspaceId: string) => env.SYNC_ROOM.get(env.SYNC_ROOM.idFromName(workspaceId));
const signalRoomOf = (roomId: string) => env.SIGNAL_ROOM.get(env.SIGNAL_ROOM.idFromName(roomId));

/**
 * The clock stands a day ahead of the real one, so that the rooms' deadline alarms fire only when a test runs them,
 * after moving the clock.
 */
function standClockAhead(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + DAY_MS);
}

function subscribedSockets(roomId: string): Promise<number> {
  return runInDurableObject(signalRoomOf(roomId), (_, state) =>
    state.getWebSockets().filter((ws) => (ws.deserializeAttachment() as { topics: string[] }).topics.length > 0).length,
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sockets that never finish their handshake', () => {
  it('closes a sync socket that has not joined in time, telling it why, and leaves a joined one open', async () => {
    standClockAhead();
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const idle = await openSyncSocket(workspace.id);
    const authenticatedOnly = await openSyncSocket(workspace.id);
    authenticatedOnly.request({ type: 'auth', token: owner.token });
    expect((await authenticatedOnly.next('auth-ok')).type).toBe('auth-ok');
    const joined = await openSyncSocket(workspace.id);
    joined.request({ type: 'auth', token: owner.token });
    joined.request({ type: 'join', workspaceId: workspace.id });
    await joined.next('auth-ok');
    expect((await joined.next('joined')).type).toBe('joined');

    vi.setSystemTime(Date.now() + SOCKET_HANDSHAKE_TIMEOUT_MS);
    expect(await runDurableObjectAlarm(syncRoomOf(workspace.id))).toBe(true);
    for (const socket of [idle, authenticatedOnly]) {
      expect(await socket.next('the refusal')).toEqual({ type: 'error', code: 'UNAUTHORIZED', message: 'send auth and join within 10 s of opening the socket' });
      expect((await socket.closed()).code).toBe(1008);
    }
    joined.request({ type: 'pull', sinceVersion: 0 });
    expect(await joined.next('changes')).toMatchObject({ type: 'changes', changes: [] });
  });

  it('does not close a sync socket before its time', async () => {
    standClockAhead();
    const owner = await newAccount();
    const workspace = await newWorkspace(owner.token);
    const socket = await openSyncSocket(workspace.id);
    vi.setSystemTime(Date.now() + SOCKET_HANDSHAKE_TIMEOUT_MS - 1000);
    await runDurableObjectAlarm(syncRoomOf(workspace.id));
    socket.request({ type: 'auth', token: owner.token });
    expect(await socket.next('auth-ok')).toMatchObject({ type: 'auth-ok' });
  });

  it('closes a signalling socket that has subscribed to nothing in time, and leaves a subscribed one open', async () => {
    standClockAhead();
    const roomId = `room-${crypto.randomUUID()}`;
    const idle = await openSocket(`/signal/${roomId}`);
    const subscribed = await openSocket(`/signal/${roomId}`);
    subscribed.send({ type: 'subscribe', topics: ['a'] });
    const publisher = await openSocket(`/signal/${roomId}`);
    publisher.send({ type: 'subscribe', topics: ['a'] });
    vi.setSystemTime(Date.now() + SOCKET_HANDSHAKE_TIMEOUT_MS);
    // The alarm runs once both subscriptions are in, so that what it spares is what it should.
    await vi.waitUntil(async () => (await subscribedSockets(roomId)) === 2, { timeout: 10_000, interval: 20 });
    expect(await runDurableObjectAlarm(signalRoomOf(roomId))).toBe(true);
    expect(await idle.next('the refusal')).toEqual({ type: 'error', code: 'INVALID_INPUT', message: 'subscribe within 10 s of opening the socket' });
    expect((await idle.closed()).code).toBe(1008);
    publisher.send({ type: 'publish', topic: 'a', data: 'still here' });
    expect(await subscribed.next('the publish')).toEqual({ type: 'publish', topic: 'a', data: 'still here' });
  });
});

describe('close frames from clients', () => {
  const unsendable = [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65_535];
  const sendable = [1000, 1001, 1003, 1008, 1011, 3000, 4999];

  /** Hands `code` to the room's close handler as the runtime would, and returns the code the room closed with. */
  async function echoedBy(stub: DurableObjectStub, code: number): Promise<number> {
    return runInDurableObject(stub, async (instance) => {
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      client.accept();
      server.accept();
      const closed = new Promise<number>((resolve) => client.addEventListener('close', (event) => resolve(event.code)));
      await instance.webSocketClose?.(server, code, '', true);
      return withDeadline(closed, `the room's close frame after a client's ${code}`);
    });
  }

  it.each(unsendable)('answers a sync socket’s close code %i, which may not be sent back, with 1000', async (code) => {
    expect(await echoedBy(syncRoomOf(crypto.randomUUID()), code)).toBe(1000);
  });

  it.each(unsendable)('answers a signalling socket’s close code %i, which may not be sent back, with 1000', async (code) => {
    expect(await echoedBy(signalRoomOf(`room-${crypto.randomUUID()}`), code)).toBe(1000);
  });

  it.each(sendable)('echoes a sync socket’s close code %i', async (code) => {
    expect(await echoedBy(syncRoomOf(crypto.randomUUID()), code)).toBe(code);
  });

  it.each(sendable)('echoes a signalling socket’s close code %i', async (code) => {
    expect(await echoedBy(signalRoomOf(`room-${crypto.randomUUID()}`), code)).toBe(code);
  });
});
