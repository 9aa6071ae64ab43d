import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { emailAccount } from '../src/email-account.ts';
import { hashPassword, verifyPassword } from '../src/passwords.ts';
import { decodeBase64url } from '../src/protocol/index.ts';
import { newAccount } from './api-client.ts';

describe('password hashing', () => {
  it('stores PBKDF2-SHA256 of exactly 100,000 iterations (the Workers production cap) with a 16-byte random salt, never the password', async () => {
    const account = await newAccount();
    const record = (await emailAccount(env, account.email).account())!;
    expect(JSON.stringify(record)).not.toContain(account.password);
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
