import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_RULES } from '../src/rate-limiter.ts';
import { call, expectError, newAccount } from './api-client.ts';

const failLogin = (email: string, ip: string) =>
  call('/api/login', { body: { email, password: 'definitely wrong' }, headers: { 'cf-connecting-ip': ip } });

describe('login throttling', () => {
  it('answers 429 with Retry-After once one email has failed too often, even from many addresses', async () => {
    const account = await newAccount();
    for (let i = 0; i < RATE_LIMIT_RULES.loginFailuresPerEmail.capacity; i++) {
      await expectError(await failLogin(account.email, `192.0.2.${i}`), 401, 'INVALID_CREDENTIALS');
    }
    const limited = await call('/api/login', {
      body: { email: account.email, password: account.password },
      headers: { 'cf-connecting-ip': '192.0.2.200' },
    });
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 429 once one address has failed too often, across many emails', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < RATE_LIMIT_RULES.loginFailuresPerIp.capacity; i++) {
      await expectError(await failLogin(`guess${i}@clinic.example`, ip), 401, 'INVALID_CREDENTIALS');
    }
    const limited = await failLogin('another@clinic.example', ip);
    await expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('does not count successful logins as failures', async () => {
    const account = await newAccount();
    for (let i = 0; i < RATE_LIMIT_RULES.loginFailuresPerEmail.capacity + 2; i++) {
      const response = await call('/api/login', {
        body: { email: account.email, password: account.password },
        headers: { 'cf-connecting-ip': '203.0.113.9' },
      });
      expect(response.status).toBe(200);
    }
  });

  it('limits account creation per address', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < RATE_LIMIT_RULES.accountCreationPerIp.capacity; i++) {
      const response = await call('/api/accounts', {
        body: { email: `new${i}-${crypto.randomUUID().slice(0, 6)}@clinic.example`, password: 'a long enough pw' },
        headers: { 'cf-connecting-ip': ip },
      });
      expect(response.status).toBe(201);
    }
    const limited = await call('/api/accounts', {
      body: { email: 'one-too-many@clinic.example', password: 'a long enough pw' },
      headers: { 'cf-connecting-ip': ip },
    });
    await expectError(limited, 429, 'RATE_LIMITED');
  });
});
