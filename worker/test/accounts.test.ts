import { describe, expect, it } from 'vitest';
import { call, expectError, newAccount } from './api-client.ts';

describe('accounts', () => {
  it('creates an account and answers with its id and a token', async () => {
    const response = await call('/api/accounts', { body: { email: '  Front.Desk@Clinic.Example ', password: 'a long enough pw' } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { accountId: string; token: string };
    expect(body.accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.token.split('.')).toHaveLength(3);
  });

  it('normalises the email, so a differently cased address is taken', async () => {
    await call('/api/accounts', { body: { email: 'doctor@clinic.example', password: 'a long enough pw' } });
    const again = await call('/api/accounts', { body: { email: ' DOCTOR@clinic.example', password: 'another long pw' } });
    await expectError(again, 409, 'EMAIL_TAKEN');
  });

  it('logs in with the right password', async () => {
    const account = await newAccount();
    const response = await call('/api/login', { body: { email: account.email.toUpperCase(), password: account.password } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; expiresAt: number };
    expect(body.expiresAt).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000 + 1000);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const account = await newAccount();
    const wrong = await expectError(await call('/api/login', { body: { email: account.email, password: 'not the password' } }), 401, 'INVALID_CREDENTIALS');
    const unknown = await expectError(await call('/api/login', { body: { email: 'nobody@clinic.example', password: 'not the password' } }), 401, 'INVALID_CREDENTIALS');
    expect(unknown).toEqual(wrong);
  });
});
