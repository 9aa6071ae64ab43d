import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_PRESENCE_DATA_BYTES, MAX_PRESENCE_PEERS, PRESENCE_TTL_MS, type PresencePeer, type PresencePeersResponse } from '../src/protocol/index.ts';
import { RATE_LIMIT_RULES } from '../src/rate-limiter.ts';
import { call, expectError } from './api-client.ts';

const newRoomId = () => `room-${crypto.randomUUID()}`;
let ipCounter = 0;
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250) % 250}.${ipCounter % 250}`;

const announce = (roomId: string, body: unknown, ip = freshIp()) =>
  call(`/room/${roomId}/announce`, { body, headers: { 'cf-connecting-ip': ip } });

async function peers(roomId: string): Promise<PresencePeer[]> {
  const response = await call(`/room/${roomId}/peers`);
  expect(response.status).toBe(200);
  return ((await response.json()) as PresencePeersResponse).peers;
}

/** Lists MAX_PRESENCE_PEERS peers `p0`, `p1`, … at once, from one address (within its allowance). */
async function fillBoard(roomId: string, data: string): Promise<void> {
  const ip = freshIp();
  const responses = await Promise.all(Array.from({ length: MAX_PRESENCE_PEERS }, (_, i) => announce(roomId, { peerId: `p${i}`, data }, ip)));
  expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the presence board', () => {
  it('lists a peer as soon as it has announced', async () => {
    const roomId = newRoomId();
    const response = await announce(roomId, { peerId: 'peer-a', data: 'c2VhbGVk' });
    expect(response.status).toBe(200);
    const listed = await peers(roomId);
    expect(listed).toEqual([{ peerId: 'peer-a', data: 'c2VhbGVk', expiresAt: expect.any(Number) }]);
    expect(listed[0]!.expiresAt).toBeGreaterThan(Date.now() + PRESENCE_TTL_MS - 5000);
  });

  it('keeps one entry per peer, refreshed by each announcement', async () => {
    const roomId = newRoomId();
    await announce(roomId, { peerId: 'peer-a', data: 'first' });
    await announce(roomId, { peerId: 'peer-b', data: 'b' });
    await announce(roomId, { peerId: 'peer-a', data: 'second' });
    const listed = await peers(roomId);
    expect(listed.map((peer) => [peer.peerId, peer.data])).toEqual([
      ['peer-b', 'b'],
      ['peer-a', 'second'],
    ]);
  });

  it('drops a peer two minutes after its last announcement', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const roomId = newRoomId();
    await announce(roomId, { peerId: 'leaves', data: '' });
    vi.setSystemTime(Date.now() + PRESENCE_TTL_MS / 2);
    await announce(roomId, { peerId: 'stays', data: '' });
    vi.setSystemTime(Date.now() + PRESENCE_TTL_MS / 2 + 1);
    expect((await peers(roomId)).map((peer) => peer.peerId)).toEqual(['stays']);
    vi.setSystemTime(Date.now() + PRESENCE_TTL_MS / 2);
    expect(await peers(roomId)).toEqual([]);
  });

  it('keeps boards of different rooms apart', async () => {
    const roomA = newRoomId();
    await announce(roomA, { peerId: 'only-in-a', data: '' });
    expect(await peers(newRoomId())).toEqual([]);
  });

  it('takes data of exactly 1 KiB of UTF-8, refuses one byte more and lists nothing for it', async () => {
    const roomId = newRoomId();
    expect((await announce(roomId, { peerId: 'at', data: 'é'.repeat(MAX_PRESENCE_DATA_BYTES / 2) })).status).toBe(200);
    await expectError(await announce(roomId, { peerId: 'over', data: `${'é'.repeat(MAX_PRESENCE_DATA_BYTES / 2)}x` }), 400, 'INVALID_INPUT');
    expect((await peers(roomId)).map((peer) => peer.peerId)).toEqual(['at']);
  });

  it.each([
    ['a missing peerId', { data: '' }],
    ['a peerId with spaces', { peerId: 'a b', data: '' }],
    ['data that is not a string', { peerId: 'p', data: { any: 'thing' } }],
    ['a body that is not an object', ['p']],
  ])('refuses %s', async (_name, body) => {
    const roomId = newRoomId();
    await expectError(await announce(roomId, body), 400, 'INVALID_INPUT');
    expect(await peers(roomId)).toEqual([]);
  });

  it('refuses a malformed room id', async () => {
    await expectError(await call('/room/short/peers'), 404, 'NOT_FOUND');
    await expectError(await announce('bad!room!id!', { peerId: 'p', data: '' }), 404, 'NOT_FOUND');
  });

  it('refuses newcomers to a full board but lets listed peers refresh', async () => {
    const roomId = newRoomId();
    await fillBoard(roomId, '');
    await expectError(await announce(roomId, { peerId: 'newcomer', data: '' }), 409, 'ROOM_FULL');
    expect((await announce(roomId, { peerId: 'p0', data: 'again' })).status).toBe(200);
    expect(await peers(roomId)).toHaveLength(MAX_PRESENCE_PEERS);
  });

  it('answers a read of a full board with at most 64 KiB of data', async () => {
    const roomId = newRoomId();
    const data = 'é'.repeat(MAX_PRESENCE_DATA_BYTES / 2);
    await fillBoard(roomId, data);
    const listed = await peers(roomId);
    expect(listed).toHaveLength(MAX_PRESENCE_PEERS);
    expect(new TextEncoder().encode(listed.map((peer) => peer.data).join('')).byteLength).toBeLessThanOrEqual(64 * 1024);
  });

  it('answers 429 with Retry-After once one address reads boards too often', async () => {
    // A standing clock a day ahead: no refill during the loop, and the bucket's clean-up alarm stays in the future.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000);
    const [ip, roomId] = [freshIp(), newRoomId()];
    const read = () => call(`/room/${roomId}/peers`, { headers: { 'cf-connecting-ip': ip } });
    const reads = await Promise.all(Array.from({ length: RATE_LIMIT_RULES.presenceReadsPerIp.capacity }, read));
    expect(reads.map((response) => response.status)).toEqual(reads.map(() => 200));
    const limited = await read();
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBe(RATE_LIMIT_RULES.presenceReadsPerIp.refillSeconds);
  });

  it('answers 429 with Retry-After once one address announces too often', async () => {
    const roomId = newRoomId();
    const ip = freshIp();
    // A standing clock a day ahead: no refill during the loop, and the bucket's clean-up alarm stays in the future.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000);
    const announced = await Promise.all(
      Array.from({ length: RATE_LIMIT_RULES.presenceAnnouncesPerIp.capacity }, () => announce(roomId, { peerId: 'chatty', data: '' }, ip)),
    );
    expect(announced.map((response) => response.status)).toEqual(announced.map(() => 200));
    const limited = await announce(roomId, { peerId: 'chatty', data: '' }, ip);
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
