import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  SHARE_CODE_ALPHABET,
  SHARE_CODE_TTL_MS,
  type RedeemShareCodeResponse,
  type ShareCodeResponse,
} from '../src/protocol/index.ts';
import { RATE_LIMIT_RULES } from '../src/rate-limiter.ts';
import { randomShareCode, shareCodeShard } from '../src/share-codes.ts';
import { call, expectError } from './api-client.ts';

let ipCounter = 0;
/** A fresh client address per call unless given, so rate limits only bite where a test means them to. */
const freshIp = () => `10.${Math.floor(++ipCounter / 250) % 250}.${ipCounter % 250}.${Math.floor(ipCounter / 62_500) + 1}`;

async function issue(roomId = `invite-room-${crypto.randomUUID()}`, ip = freshIp()): Promise<ShareCodeResponse> {
  const response = await call('/api/share-codes', { body: { roomId }, headers: { 'cf-connecting-ip': ip } });
  expect(response.status).toBe(201);
  return (await response.json()) as ShareCodeResponse;
}

const redeem = (code: string, ip = freshIp()) =>
  call(`/api/share-codes/${code}/redeem`, { method: 'POST', headers: { 'cf-connecting-ip': ip } });

afterEach(() => {
  vi.useRealTimers();
});

describe('share codes', () => {
  it('are XXXX-XXXX from an alphabet without look-alikes, expiring in five minutes', async () => {
    const before = Date.now();
    const { code, expiresAt } = await issue();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(expiresAt).toBeGreaterThanOrEqual(before + SHARE_CODE_TTL_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SHARE_CODE_TTL_MS);
  });

  it('draw every symbol of the alphabet and none other', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) for (const symbol of randomShareCode()) seen.add(symbol);
    expect([...seen].sort().join('')).toBe(SHARE_CODE_ALPHABET);
    for (const lookAlike of '01ILO') expect(seen.has(lookAlike)).toBe(false);
  });

  it('redeem once to the room they were issued for', async () => {
    const roomId = `invite-room-${crypto.randomUUID()}`;
    const { code } = await issue(roomId);
    const first = await redeem(code);
    expect(first.status).toBe(200);
    expect((await first.json()) as RedeemShareCodeResponse).toEqual({ roomId });
    await expectError(await redeem(code), 404, 'NOT_FOUND');
  });

  it('redeem in lower case and without the hyphen', async () => {
    const { code } = await issue();
    const response = await redeem(code.replace('-', '').toLowerCase());
    expect(response.status).toBe(200);
  });

  it('give the same 404 for a spent code as for one that was never issued', async () => {
    const { code } = await issue();
    expect((await redeem(code)).status).toBe(200);
    const spent = await expectError(await redeem(code), 404, 'NOT_FOUND');
    const neverIssued = await expectError(await redeem('ZZZZ-ZZZZ'), 404, 'NOT_FOUND');
    expect(spent).toEqual(neverIssued);
  });

  it('refuse malformed codes with the same 404', async () => {
    for (const malformed of ['ABCD-EFG', 'ABCD-EFGHJ', 'ABCD-EFG0', 'IIII-LLLL', 'AB-CDEFGH', '%E0%A4%A']) {
      await expectError(await redeem(malformed), 404, 'NOT_FOUND');
    }
  });

  it('are redeemed exactly once by a hundred simultaneous redeems', async () => {
    const roomId = `invite-room-${crypto.randomUUID()}`;
    const { code } = await issue(roomId);
    // Ten addresses, ten redeems each: within every per-address allowance, so each redeem reaches the shard. (A fresh
    // address per redeem would cost two new rate-limit objects per request and test the runtime, not the code.)
    const addresses = Array.from({ length: 10 }, () => freshIp());
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => redeem(code, addresses[i % addresses.length])));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 404)).toHaveLength(99);
    const winner = responses[statuses.indexOf(200)]!;
    expect(await winner.json()).toEqual({ roomId });
  });

  it('expire after five minutes, with the clock moved rather than waited for', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { code } = await issue();
    vi.setSystemTime(Date.now() + SHARE_CODE_TTL_MS + 1);
    await expectError(await redeem(code), 404, 'NOT_FOUND');
  });

  it('are still good just before they expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { code } = await issue();
    vi.setSystemTime(Date.now() + SHARE_CODE_TTL_MS - 1000);
    expect((await redeem(code)).status).toBe(200);
  });

  it('leave storage when their shard’s alarm runs after expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { code } = await issue();
    const compact = code.replace('-', '');
    const shard = shareCodeShard(env, compact);
    const stored = () =>
      runInDurableObject(shard, (_, state) => state.storage.sql.exec('SELECT 1 FROM codes WHERE code = ?', compact).toArray().length);
    expect(await stored()).toBe(1);
    expect(await runInDurableObject(shard, (_, state) => state.storage.getAlarm())).not.toBeNull();
    vi.setSystemTime(Date.now() + SHARE_CODE_TTL_MS + 1);
    await runDurableObjectAlarm(shard);
    expect(await stored()).toBe(0);
  });

  it('spread over several shards', async () => {
    const shards = new Set<string>();
    for (let i = 0; i < 40; i++) shards.add(shareCodeShard(env, randomShareCode()).id.toString());
    expect(shards.size).toBeGreaterThan(4);
  });
});

describe('share code rate limits', () => {
  // Buckets refill with time: the clock stands still (a day ahead, so that clean-up alarms set by it stay in the
  // future) and a slow loop earns no extra attempt.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000);
  });

  it('answer 429 with Retry-After once one address has issued too many codes', async () => {
    const ip = freshIp();
    for (let i = 0; i < RATE_LIMIT_RULES.shareCodeCreationPerIp.capacity; i++) await issue(undefined, ip);
    const limited = await call('/api/share-codes', { body: { roomId: 'invite-room-over-limit' }, headers: { 'cf-connecting-ip': ip } });
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answer 429 once one address has failed too many redeems, even for a live code', async () => {
    const ip = freshIp();
    for (let i = 0; i < RATE_LIMIT_RULES.shareCodeRedeemFailuresPerIp.capacity; i++) {
      await expectError(await redeem(randomShareCode(), ip), 404, 'NOT_FOUND');
    }
    const { code } = await issue();
    const limited = await redeem(code, ip);
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The refused redeem did not spend the code: its rightful holder still can.
    expect((await redeem(code)).status).toBe(200);
  });

  it('answer 429 once one address has redeemed too often, successfully or not', async () => {
    const ip = freshIp();
    // Issued from two addresses (each within its issuing allowance), all at once: the redeems are what is counted.
    const issuers = [freshIp(), freshIp()];
    const capacity = RATE_LIMIT_RULES.shareCodeRedeemsPerIp.capacity;
    const codes = await Promise.all(Array.from({ length: capacity }, (_, i) => issue(undefined, issuers[i % 2])));
    const statuses = await Promise.all(codes.map(async ({ code }) => (await redeem(code, ip)).status));
    expect(statuses).toEqual(codes.map(() => 200));
    await expectError(await redeem(randomShareCode(), ip), 429, 'RATE_LIMITED');
  });
});
