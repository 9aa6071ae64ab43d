import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CreateAccountResponse, LoginResponse } from '../src/protocol/index.ts';
import { RATE_LIMIT_RULES, rateLimiterName } from '../src/rate-limiter.ts';
import { call, expectError, freshClientIp, newAccount } from './api-client.ts';

const login = (body: { email: string; password: string; deviceToken?: string }, ip = freshClientIp()) =>
  call('/api/login', { body, headers: { 'cf-connecting-ip': ip } });
const failLogin = (email: string, ip?: string, deviceToken?: string) =>
  login({ email, password: 'definitely wrong', ...(deviceToken ? { deviceToken } : {}) }, ip);

/**
 * Buckets refill with time; the clock stands still so that a slow loop earns no extra attempt. It stands a day
 * ahead of the real one: a bucket's clean-up alarm is set by the stood-still clock and fires by the real one, so
 * behind it, the alarm would fire at once and empty the bucket.
 */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000);
});

afterEach(() => {
  vi.useRealTimers();
});

/** `count` failed logins at once (the clock stands still, so their order does not matter), each answered 401. */
async function failMany(count: number, fail: (i: number) => Promise<Response>): Promise<void> {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => fail(i)));
  for (const response of responses) await expectError(response, 401, 'INVALID_CREDENTIALS');
}

const exhaustEmail = (email: string) => failMany(RATE_LIMIT_RULES.loginFailuresPerEmail.capacity, () => failLogin(email));

describe('login throttling', () => {
  it('answers 429 with Retry-After to a new device once one email has failed too often, even from many addresses', async () => {
    const account = await newAccount();
    await exhaustEmail(account.email);
    const limited = await login({ email: account.email, password: account.password });
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBe(RATE_LIMIT_RULES.loginFailuresPerEmail.refillSeconds);
  });

  it('lets the owner in from a device that logged in before, however often others failed for the email', async () => {
    const account = await newAccount();
    await exhaustEmail(account.email);
    for (let i = 0; i < 3; i++) await expectError(await failLogin(account.email), 429, 'RATE_LIMITED');
    const response = await login({ email: account.email, password: account.password, deviceToken: account.deviceToken });
    expect(response.status).toBe(200);
    // The fresh device token it gets keeps working too.
    const { deviceToken } = (await response.json()) as LoginResponse;
    expect((await login({ email: account.email, password: account.password, deviceToken })).status).toBe(200);
  });

  it('limits guesses made with a device token per device, so a stolen one buys no more than the email allows', async () => {
    const account = await newAccount();
    const ip = freshClientIp();
    await failMany(RATE_LIMIT_RULES.loginFailuresPerDevice.capacity, () => failLogin(account.email, freshClientIp(), account.deviceToken));
    await expectError(await login({ email: account.email, password: account.password, deviceToken: account.deviceToken }, ip), 429, 'RATE_LIMITED');
  });

  it('gives a device token no privilege for another account', async () => {
    const [owner, other] = [await newAccount(), await newAccount()];
    await exhaustEmail(owner.email);
    await expectError(await login({ email: owner.email, password: owner.password, deviceToken: other.deviceToken }), 429, 'RATE_LIMITED');
  });

  it('refuses a device token as an API token', async () => {
    const account = await newAccount();
    await expectError(await call('/api/workspaces', { token: account.deviceToken }), 401, 'UNAUTHORIZED');
  });

  it('clears a device’s failures when it logs in successfully', async () => {
    const account = await newAccount();
    const capacity = RATE_LIMIT_RULES.loginFailuresPerDevice.capacity;
    await failMany(capacity - 1, () => failLogin(account.email, freshClientIp(), account.deviceToken));
    const success = await login({ email: account.email, password: account.password, deviceToken: account.deviceToken });
    expect(success.status).toBe(200);
    // Without the reset, the second of these would be refused.
    await failMany(capacity, () => failLogin(account.email, freshClientIp(), account.deviceToken));
  });

  it('forgets a bucket once it is full again: the clean-up alarm empties its storage', async () => {
    const email = `someone-${crypto.randomUUID()}@clinic.example`;
    await failLogin(email);
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(rateLimiterName('loginFailuresPerEmail', email)));
    const stored = () => runInDurableObject(limiter, (_, state) => state.storage.kv.get('bucket:loginFailuresPerEmail'));
    expect(await stored()).toBeDefined();
    vi.setSystemTime(Date.now() + RATE_LIMIT_RULES.loginFailuresPerEmail.refillSeconds * 1000);
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await stored()).toBeUndefined();
  });

  it('keeps a bucket that is not full yet when the clean-up alarm fires, and the alarm comes again for it', async () => {
    const email = `someone-${crypto.randomUUID()}@clinic.example`;
    await failMany(3, () => failLogin(email));
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(rateLimiterName('loginFailuresPerEmail', email)));
    const stored = () => runInDurableObject(limiter, (_, state) => state.storage.kv.get<{ tokens: number }>('bucket:loginFailuresPerEmail'));
    // One of the three attempts refilled: the bucket is not full, and its count must survive the alarm.
    vi.setSystemTime(Date.now() + RATE_LIMIT_RULES.loginFailuresPerEmail.refillSeconds * 1000);
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect((await stored())?.tokens).toBe(RATE_LIMIT_RULES.loginFailuresPerEmail.capacity - 3);
    vi.setSystemTime(Date.now() + 2 * RATE_LIMIT_RULES.loginFailuresPerEmail.refillSeconds * 1000);
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await stored()).toBeUndefined();
  });

  it('drops a bucket kept by the former layout, one object per rule and key, when its alarm fires', async () => {
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`loginFailuresPerEmail:someone-${crypto.randomUUID()}@clinic.example`));
    await runInDurableObject(limiter, async (_, state) => {
      state.storage.kv.put('bucket', { tokens: 3, updatedAt: Date.now() });
      await state.storage.setAlarm(Date.now() + 1000);
    });
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await runInDurableObject(limiter, (_, state) => [...state.storage.kv.list()])).toEqual([]);
  });

  it('answers 429 once one address has failed too often, across many emails', async () => {
    const ip = freshClientIp();
    await failMany(RATE_LIMIT_RULES.loginFailuresPerIp.capacity, (i) => failLogin(`guess${i}-${crypto.randomUUID()}@clinic.example`, ip));
    const limited = await failLogin(`another-${crypto.randomUUID()}@clinic.example`, ip);
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBe(RATE_LIMIT_RULES.loginFailuresPerIp.refillSeconds);
  });

  it('does not count successful logins as failures', async () => {
    const account = await newAccount();
    const ip = freshClientIp();
    for (let i = 0; i < RATE_LIMIT_RULES.loginFailuresPerEmail.capacity + 2; i++) {
      expect((await login({ email: account.email, password: account.password }, ip)).status).toBe(200);
    }
  });

  it('limits account creation per address', async () => {
    const ip = freshClientIp();
    for (let i = 0; i < RATE_LIMIT_RULES.accountCreationPerIp.capacity; i++) {
      const response = await call('/api/accounts', {
        body: { email: `new${i}-${crypto.randomUUID()}@clinic.example`, password: 'a long enough pw' },
        headers: { 'cf-connecting-ip': ip },
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as CreateAccountResponse).deviceToken).toBeTruthy();
    }
    const limited = await call('/api/accounts', {
      body: { email: `one-too-many-${crypto.randomUUID()}@clinic.example`, password: 'a long enough pw' },
      headers: { 'cf-connecting-ip': ip },
    });
    await expectError(limited, 429, 'RATE_LIMITED');
  });
});
