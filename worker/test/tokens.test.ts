import { SignJWT, UnsecuredJWT } from 'jose';
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, issueToken } from '../src/tokens.ts';
import { call, expectError, newAccount } from './api-client.ts';

const secret = () => new TextEncoder().encode(env.JWT_SECRET);
const listWith = (token: string) => call('/api/workspaces', { token });

async function signed(claims: { sub?: string; iss?: string; aud?: string; exp?: number }, key: Uint8Array = secret(), alg = 'HS256') {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({}).setProtectedHeader({ alg }).setIssuedAt(now);
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  jwt = jwt.setIssuer(claims.iss ?? TOKEN_ISSUER).setAudience(claims.aud ?? TOKEN_AUDIENCE).setExpirationTime(claims.exp ?? now + 600);
  return jwt.sign(key);
}

describe('tokens', () => {
  it('carries iss, aud, sub, iat and an exp one hour after iat', async () => {
    const { token } = await issueToken('account-1', env.JWT_SECRET, Date.UTC(2026, 0, 1));
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(payload).toMatchObject({ iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub: 'account-1' });
    expect(payload.exp - payload.iat).toBe(3600);
    expect(JSON.parse(atob(token.split('.')[0]!))).toMatchObject({ alg: 'HS256' });
  });

  it('accepts a token the Worker issued', async () => {
    const account = await newAccount();
    expect((await listWith(account.token)).status).toBe(200);
  });

  it('refuses a request without a token', async () => {
    await expectError(await call('/api/workspaces'), 401, 'UNAUTHORIZED');
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({}).setSubject('someone').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setIssuedAt().setExpirationTime('10m').encode();
    await expectError(await listWith(token), 401, 'UNAUTHORIZED');
  });

  it('refuses another algorithm, even signed with the right secret', async () => {
    await expectError(await listWith(await signed({ sub: 'someone' }, secret(), 'HS512')), 401, 'UNAUTHORIZED');
  });

  it('refuses a token signed with a wrong key', async () => {
    const wrongKey = new TextEncoder().encode('a-different-secret-of-enough-length-0123456789');
    await expectError(await listWith(await signed({ sub: 'someone' }, wrongKey)), 401, 'UNAUTHORIZED');
  });

  it('refuses a wrong audience and a wrong issuer', async () => {
    await expectError(await listWith(await signed({ sub: 'someone', aud: 'another-api' })), 401, 'UNAUTHORIZED');
    await expectError(await listWith(await signed({ sub: 'someone', iss: 'someone-else' })), 401, 'UNAUTHORIZED');
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    await expectError(await listWith(await signed({ sub: 'someone', exp: past })), 401, 'UNAUTHORIZED');
  });

  it('refuses a tampered token', async () => {
    const account = await newAccount();
    const [header, payload, signature] = account.token.split('.') as [string, string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const forged = btoa(JSON.stringify({ ...claims, sub: 'someone-else' })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expectError(await listWith(`${header}.${forged}.${signature}`), 401, 'UNAUTHORIZED');
  });

  it('refuses a token without a subject', async () => {
    await expectError(await listWith(await signed({})), 401, 'UNAUTHORIZED');
  });
});
