import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { LoginResponse, Session } from '../src/protocol/index.ts';
import { RATE_LIMIT_RULES } from '../src/rate-limit-rules.ts';
import { REFRESH_TOKEN_LIFETIME_SECONDS, TOKEN_LIFETIME_SECONDS, issueRefreshToken } from '../src/tokens.ts';
import { call, expectError, freshClientIp, newAccount } from './api-client.ts';

const refresh = (refreshToken: unknown, headers?: Record<string, string>) =>
  call('/api/sessions/refresh', { body: { refreshToken }, ...(headers ? { headers } : {}) });
const listWith = (token: string) => call('/api/workspaces', { token });

async function refreshed(refreshToken: string): Promise<Session> {
  const response = await refresh(refreshToken);
  if (response.status !== 200) throw new Error(`refresh failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Session;
}

describe('sessions', () => {
  it('answers a sign-up and a login with an access token and a refresh token, each with its expiry', async () => {
    const account = await newAccount();
    const login = (await (await call('/api/login', { body: { email: account.email, password: account.password } })).json()) as LoginResponse;
    for (const session of [account, login]) {
      expect(session.refreshToken.split('.')).toHaveLength(3);
      expect(session.refreshToken).not.toBe(session.token);
      expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(TOKEN_LIFETIME_SECONDS * 1000);
      expect(session.refreshExpiresAt - session.expiresAt).toBeGreaterThan((REFRESH_TOKEN_LIFETIME_SECONDS - TOKEN_LIFETIME_SECONDS - 5) * 1000);
    }
  });

  it('exchanges a refresh token for a working access token and a new refresh token', async () => {
    const account = await newAccount();
    const session = await refreshed(account.refreshToken);
    expect(session.refreshToken).not.toBe(account.refreshToken);
    expect((await listWith(session.token)).status).toBe(200);
    // The rotated one renews again, as a device does every hour.
    expect((await listWith((await refreshed(session.refreshToken)).token)).status).toBe(200);
  });

  it('refuses a refresh token as an access token', async () => {
    const account = await newAccount();
    await expectError(await listWith(account.refreshToken), 401, 'UNAUTHORIZED');
  });

  it('refuses an access token and a device token at the refresh route', async () => {
    const account = await newAccount();
    await expectError(await refresh(account.token), 401, 'UNAUTHORIZED');
    await expectError(await refresh(account.deviceToken), 401, 'UNAUTHORIZED');
  });

  it('refuses an expired refresh token', async () => {
    const account = await newAccount();
    const longAgo = Date.now() - (REFRESH_TOKEN_LIFETIME_SECONDS + 60) * 1000;
    const { token } = await issueRefreshToken(account.accountId, account.email, env.JWT_SECRET, longAgo);
    await expectError(await refresh(token), 401, 'UNAUTHORIZED');
  });

  it('refuses a refresh token signed with another key', async () => {
    const account = await newAccount();
    const { token } = await issueRefreshToken(account.accountId, account.email, 'a-different-secret-of-enough-length-0123456789');
    await expectError(await refresh(token), 401, 'UNAUTHORIZED');
  });

  it('refuses a refresh token for an account that does not exist, or not under its email', async () => {
    const account = await newAccount();
    const unknown = await issueRefreshToken(crypto.randomUUID(), `nobody-${crypto.randomUUID()}@clinic.example`, env.JWT_SECRET);
    await expectError(await refresh(unknown.token), 401, 'UNAUTHORIZED');
    const otherAccount = await issueRefreshToken(crypto.randomUUID(), account.email, env.JWT_SECRET);
    await expectError(await refresh(otherAccount.token), 401, 'UNAUTHORIZED');
  });

  it('answers 400 to a malformed body', async () => {
    await expectError(await call('/api/sessions/refresh', { body: '[]' }), 400, 'INVALID_INPUT');
    await expectError(await call('/api/sessions/refresh', { body: {} }), 400, 'INVALID_INPUT');
    await expectError(await refresh(42), 400, 'INVALID_INPUT');
    await expectError(await refresh('not a token'), 400, 'INVALID_INPUT');
    await expectError(await refresh(`a.b.${'c'.repeat(5000)}`), 400, 'INVALID_INPUT');
  });

  it('answers 429 with Retry-After once one address has refreshed too often', async () => {
    const account = await newAccount();
    const headers = { 'cf-connecting-ip': freshClientIp() };
    const { capacity } = RATE_LIMIT_RULES.sessionRefreshesPerIp;
    // Refusals count too: the allowance is spent by asking, so guessing buys nothing.
    const statuses = await Promise.all(Array.from({ length: capacity }, () => refresh(account.token, headers).then((r) => r.status)));
    expect(statuses.every((status) => status === 401)).toBe(true);
    const limited = await refresh(account.refreshToken, headers);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(limited, 429, 'RATE_LIMITED');
  });
});
