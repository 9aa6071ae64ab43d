import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { MAX_SIGNAL_MESSAGE_BYTES, MAX_SIGNAL_TOPICS_PER_SOCKET } from '../src/protocol/index.ts';
import { call, expectError, openSocket, type TestSocket } from './api-client.ts';

const newRoomId = () => `room-${crypto.randomUUID()}`;

function socketsSubscribedTo(roomId: string, topics: string[]): Promise<number> {
  return runInDurableObject(env.SIGNAL_ROOM.get(env.SIGNAL_ROOM.idFromName(roomId)), (_, state) =>
    state.getWebSockets().filter((ws) => topics.every((topic) => (ws.deserializeAttachment() as { topics: string[] }).topics.includes(topic))).length,
  );
}

/**
 * Waits until `count` sockets of `roomId` are subscribed to every one of `topics`. The runtime may hand a socket's
 * messages to the room out of order under load (docs/api.md), so the room's state, not a later pong, says that a
 * subscribe or unsubscribe was handled.
 */
async function untilSubscribed(roomId: string, topics: string[], count: number): Promise<void> {
  await vi.waitFor(async () => expect(await socketsSubscribedTo(roomId, topics)).toBe(count), { timeout: 10_000, interval: 20 });
}

/** A socket in `roomId` whose subscription to `topics` the room has handled. */
async function subscribed(roomId: string, topics: string[]): Promise<TestSocket> {
  const socket = await openSocket(`/signal/${roomId}`);
  const before = await socketsSubscribedTo(roomId, topics);
  socket.send({ type: 'subscribe', topics });
  await untilSubscribed(roomId, topics, before + 1);
  return socket;
}

/** Messages on one socket are handled in order: once the pong is back, everything before it was. */
async function roundTrip(socket: TestSocket): Promise<void> {
  socket.send({ type: 'ping', nonce: 1 });
  expect(await socket.next()).toEqual({ type: 'pong' });
}

describe('signalling rooms', () => {
  it('forward a publish to the topic’s other subscribers, not back to the sender', async () => {
    const roomId = newRoomId();
    const alice = await subscribed(roomId, ['org-topic']);
    const bob = await subscribed(roomId, ['org-topic']);
    alice.send({ type: 'publish', topic: 'org-topic', data: 'c2VhbGVkIG9mZmVy' });
    expect(await bob.next()).toEqual({ type: 'publish', topic: 'org-topic', data: 'c2VhbGVkIG9mZmVy' });
    bob.send({ type: 'publish', topic: 'org-topic', data: { type: 'announce', from: 'bob' } });
    expect(await alice.next()).toEqual({ type: 'publish', topic: 'org-topic', data: { type: 'announce', from: 'bob' } });
    // Alice's own publish never came back to her: the next thing she sees is her pong.
    await roundTrip(alice);
  });

  it('do not forward to sockets of other topics or other rooms', async () => {
    const roomId = newRoomId();
    const alice = await subscribed(roomId, ['a']);
    const otherTopic = await subscribed(roomId, ['b']);
    const otherRoom = await subscribed(newRoomId(), ['a']);
    const bob = await subscribed(roomId, ['a']);
    alice.send({ type: 'publish', topic: 'a', data: 'x' });
    expect(await bob.next()).toMatchObject({ data: 'x' });
    await roundTrip(otherTopic);
    await roundTrip(otherRoom);
  });

  it('forward to the subscribers a woken room knows only from their sockets\' attachments', async () => {
    const roomId = newRoomId();
    const alice = await subscribed(roomId, ['org-topic']);
    const bob = await subscribed(roomId, ['org-topic', 'other']);
    alice.send({ type: 'publish', topic: 'org-topic', data: 'before' });
    expect(await bob.next()).toMatchObject({ data: 'before' });
    // What hibernation does to the room's memory: a new object, with nothing but the sockets and their attachments.
    await runInDurableObject(env.SIGNAL_ROOM.get(env.SIGNAL_ROOM.idFromName(roomId)), (room) => {
      const memory = room as unknown as { subscriptions: Map<unknown, unknown>; subscribers: unknown };
      memory.subscriptions.clear();
      memory.subscribers = null;
    });
    alice.send({ type: 'publish', topic: 'org-topic', data: 'after' });
    expect(await bob.next()).toMatchObject({ data: 'after' });
    bob.send({ type: 'unsubscribe', topics: ['org-topic'] });
    await untilSubscribed(roomId, ['org-topic'], 1);
    alice.send({ type: 'publish', topic: 'org-topic', data: 'unheard' });
    await roundTrip(alice);
    await roundTrip(bob);
  });

  it('stop forwarding after unsubscribe', async () => {
    const roomId = newRoomId();
    const alice = await subscribed(roomId, ['a']);
    const bob = await subscribed(roomId, ['a', 'b']);
    bob.send({ type: 'unsubscribe', topics: ['a'] });
    await untilSubscribed(roomId, ['a'], 1);
    alice.send({ type: 'publish', topic: 'a', data: 'not for bob' });
    alice.send({ type: 'subscribe', topics: ['b'] });
    alice.send({ type: 'publish', topic: 'b', data: 'for bob' });
    expect(await bob.next()).toMatchObject({ topic: 'b', data: 'for bob' });
  });

  it('answer y-webrtc’s keep-alive ping with pong', async () => {
    const socket = await openSocket(`/signal/${newRoomId()}`);
    socket.send('{"type":"ping"}');
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('refuse a message over 64 KiB with an error and close the socket', async () => {
    const roomId = newRoomId();
    const alice = await subscribed(roomId, ['a']);
    const bob = await subscribed(roomId, ['a']);
    alice.send({ type: 'publish', topic: 'a', data: 'x'.repeat(MAX_SIGNAL_MESSAGE_BYTES) });
    expect(await alice.next()).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect((await alice.closed()).code).toBe(1009);
    // Nothing reached Bob.
    await roundTrip(bob);
  });

  it('count the limit in UTF-8 bytes', async () => {
    const socket = await subscribed(newRoomId(), ['a']);
    socket.send({ type: 'publish', topic: 'a', data: 'é'.repeat(MAX_SIGNAL_MESSAGE_BYTES / 2) });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuse more topics per socket than the limit', async () => {
    const socket = await subscribed(newRoomId(), ['t0']);
    socket.send({ type: 'subscribe', topics: Array.from({ length: MAX_SIGNAL_TOPICS_PER_SOCKET }, (_, i) => `t${i + 1}`) });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'PAYLOAD_TOO_LARGE' });
    expect((await socket.closed()).code).toBe(1008);
  });

  it.each([
    ['malformed JSON', '{"type":', 'INVALID_JSON'],
    ['an unknown type', '{"type":"shout"}', 'INVALID_INPUT'],
    ['topics that are not an array', '{"type":"subscribe","topics":"a"}', 'INVALID_INPUT'],
    ['a topic that is not a string', '{"type":"subscribe","topics":[7]}', 'INVALID_INPUT'],
    ['a publish without data', '{"type":"publish","topic":"a"}', 'INVALID_INPUT'],
    ['a publish without a topic', '{"type":"publish","data":"x"}', 'INVALID_INPUT'],
    ['an array', '[]', 'INVALID_INPUT'],
  ])('answer %s with an error and close', async (_name, message, code) => {
    const socket = await openSocket(`/signal/${newRoomId()}`);
    socket.send(message);
    expect(await socket.next()).toMatchObject({ type: 'error', code });
    expect((await socket.closed()).code).toBe(1008);
  });

  it('refuse binary messages', async () => {
    const socket = await openSocket(`/signal/${newRoomId()}`);
    socket.ws.send(new Uint8Array([1, 2, 3]));
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
  });

  it('need a WebSocket upgrade', async () => {
    await expectError(await call(`/signal/${newRoomId()}`), 426, 'UPGRADE_REQUIRED');
  });

  it.each(['short', 'a'.repeat(129), 'room%20with%20spaces', 'room!id!with!bangs'])(
    'refuse the room id %s before touching any object',
    async (roomId) => {
      await expectError(await call(`/signal/${roomId}`, { headers: { upgrade: 'websocket' } }), 404, 'NOT_FOUND');
    },
  );
});
