import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_RULES } from '../src/rate-limiter.ts';
import { call, expectError, freshClientIp } from './api-client.ts';

// worker/wrangler.jsonc allows the local app's origins.
const allowed = 'http://localhost:5173';

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await call('/api/login', {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('allows an allowed origin to read responses, errors included', async () => {
    const response = await call('/api/nothing', { headers: { origin: allowed } });
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
  });

  it('lets an allowed origin read Retry-After on a 429', async () => {
    const ip = freshClientIp();
    const redeem = () => call(`/api/share-codes/ZZZZ-ZZZZ/redeem`, { method: 'POST', headers: { origin: allowed, 'cf-connecting-ip': ip } });
    for (let i = 0; i < RATE_LIMIT_RULES.shareCodeRedeemFailuresPerIp.capacity; i++) await expectError(await redeem(), 404, 'NOT_FOUND');
    const response = await redeem();
    await expectError(response.clone(), 429, 'RATE_LIMITED');
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toBe('retry-after');
  });

  it('gives another origin no CORS headers', async () => {
    const preflight = await call('/api/login', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const response = await call('/api/health', { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
