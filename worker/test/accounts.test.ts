import { env, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_CLAIM_TTL_MS, emailAccount } from '../src/email-account.ts';
import { DECOY_PASSWORD_HASH } from '../src/passwords.ts';
import { decodeBase64url, type CreateAccountResponse, type LoginResponse } from '../src/protocol/index.ts';
import { call, expectError, freshClientIp, newAccount } from './api-client.ts';

const newEmail = () => `someone-${crypto.randomUUID()}@clinic.example`;
const signUp = (email: string, password = 'a long enough pw') => call('/api/accounts', { body: { email, password } });

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('accounts', () => {
  it('creates an account and answers with its id, a token and a device token', async () => {
    const response = await call('/api/accounts', { body: { email: `  Front.Desk-${crypto.randomUUID()}@Clinic.Example `, password: 'a long enough pw' } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as CreateAccountResponse;
    expect(body.accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.token.split('.')).toHaveLength(3);
    expect(body.deviceToken.split('.')).toHaveLength(3);
  });

  it('normalises the email, so a differently cased address is taken', async () => {
    const email = newEmail();
    expect((await signUp(email)).status).toBe(201);
    await expectError(await signUp(` ${email.toUpperCase()}`, 'another long pw'), 409, 'EMAIL_TAKEN');
  });

  it('creates exactly one account for fifty simultaneous sign-ups with one email, twenty times over', async () => {
    // A round is 50 requests; through SELF each cost more than the last (api-client.ts), so rounds grew to 2–5 s and
    // twenty starved the other files. Called directly, a round is its Durable Object calls: about 1 s under load.
    for (let round = 0; round < 20; round++) {
      // Five addresses, ten sign-ups each: within the per-address allowance, so all fifty reach the race.
      const addresses = Array.from({ length: 5 }, freshClientIp);
      const email = newEmail();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call('/api/accounts', { body: { email, password: `password number ${i}` }, headers: { 'cf-connecting-ip': addresses[i % addresses.length]! } }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 201), `round ${round}: ${statuses.join(' ')}`).toHaveLength(1);
      expect(statuses.filter((status) => status === 409), `round ${round}`).toHaveLength(49);
      const winner = statuses.indexOf(201);
      const created = (await responses[winner]!.json()) as CreateAccountResponse;
      expect((await emailAccount(env, email).account())?.accountId, `round ${round}`).toBe(created.accountId);
      // The account created is the one that logs in, with the password of the sign-up that won.
      if (round === 0) expect((await call('/api/login', { body: { email, password: `password number ${winner}` } })).status).toBe(200);
    }
    // 1,000 sign-ups: more than the default limit allows on a loaded two-core machine.
  }, 90_000);

  it('frees an email whose sign-up died between claim and completion, once the claim has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const email = newEmail();
    const slot = emailAccount(env, email);
    expect((await slot.claim()).ok).toBe(true);
    await expectError(await signUp(email), 409, 'EMAIL_TAKEN');
    vi.setSystemTime(Date.now() + ACCOUNT_CLAIM_TTL_MS + 1);
    expect((await signUp(email)).status).toBe(201);
  });

  it('still finds an account kept in KV before accounts had their own object, and does not create it twice', async () => {
    const account = await newAccount();
    const record = await emailAccount(env, account.email).account();
    const legacyEmail = newEmail();
    await env.ACCOUNTS.put(`account:${legacyEmail}`, JSON.stringify({ ...record, email: legacyEmail }));
    await expectError(await signUp(legacyEmail), 409, 'EMAIL_TAKEN');
    expect((await call('/api/login', { body: { email: legacyEmail, password: account.password } })).status).toBe(200);
    await runInDurableObject(emailAccount(env, legacyEmail), async (_, state) => {
      expect(state.storage.kv.get('account')).toBeUndefined();
    });
  });

  it('logs in with the right password', async () => {
    const account = await newAccount();
    const response = await call('/api/login', { body: { email: account.email.toUpperCase(), password: account.password } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as LoginResponse;
    expect(body.expiresAt).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000 + 1000);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const account = await newAccount();
    const wrong = await expectError(await call('/api/login', { body: { email: account.email, password: 'not the password' } }), 401, 'INVALID_CREDENTIALS');
    const unknown = await expectError(await call('/api/login', { body: { email: newEmail(), password: 'not the password' } }), 401, 'INVALID_CREDENTIALS');
    expect(unknown).toEqual(wrong);
  });

  it('does the same hashing work for an unknown email as for a wrong password: the decoy hash is verified', async () => {
    const derivations: unknown[] = [];
    const deriveBits = crypto.subtle.deriveBits.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation((algorithm, key, length) => {
      const { name, salt, iterations } = algorithm as { name: string; salt: ArrayBufferView; iterations: number };
      if (name === 'PBKDF2') derivations.push({ salt: [...new Uint8Array(salt.buffer, salt.byteOffset, salt.byteLength)], iterations });
      return deriveBits(algorithm, key, length);
    });
    await expectError(await call('/api/login', { body: { email: newEmail(), password: 'not the password' } }), 401, 'INVALID_CREDENTIALS');
    expect(derivations).toEqual([{ salt: [...decodeBase64url(DECOY_PASSWORD_HASH.salt)!], iterations: 100_000 }]);
  });
});
