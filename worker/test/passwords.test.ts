import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../src/accounts.ts';
import { PBKDF2_ITERATIONS_WORKER, hashPassword, verifyPassword } from '../src/passwords.ts';
import { decodeBase64url } from '../src/protocol/index.ts';
import { newAccount } from './api-client.ts';

describe('password hashing', () => {
  it('uses exactly 100,000 PBKDF2 iterations, the Workers production cap', () => {
    expect(PBKDF2_ITERATIONS_WORKER).toBe(100_000);
  });

  it('stores PBKDF2-SHA256 with a 16-byte random salt and never the password', async () => {
    const account = await newAccount();
    const raw = await env.ACCOUNTS.get(`account:${account.email}`);
    expect(raw).not.toContain(account.password);
    const record = JSON.parse(raw!) as AccountRecord;
    expect(record.password.iterations).toBe(100_000);
    expect(decodeBase64url(record.password.salt)).toHaveLength(16);

    const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(account.password), 'PBKDF2', false, ['deriveBits']);
    const expected = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: decodeBase64url(record.password.salt)!, iterations: 100_000 },
      material,
      256,
    );
    expect(decodeBase64url(record.password.hash)).toEqual(new Uint8Array(expected));
  });

  it('gives two accounts with the same password different salts and hashes', async () => {
    const first = await hashPassword('same password for both');
    const second = await hashPassword('same password for both');
    expect(first.salt).not.toBe(second.salt);
    expect(first.hash).not.toBe(second.hash);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('the right password');
    expect(await verifyPassword('the right password', stored)).toBe(true);
    expect(await verifyPassword('the wrong password', stored)).toBe(false);
  });
});
