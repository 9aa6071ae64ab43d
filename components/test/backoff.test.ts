import { describe, expect, it } from 'vitest';
import { RECONNECT_BACKOFF, backoffDelay } from '../src/core/sync/backoff.ts';

const policy = { baseMs: 100, maxMs: 5_000 };
const justBelowOne = () => 0.999_999;

describe('reconnect back-off', () => {
  it('doubles the longest possible delay with each attempt', () => {
    const ceilings = [0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, justBelowOne));
    expect(ceilings).toEqual([99, 199, 399, 799, 1599]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    for (const attempt of [6, 10, 31, 1_000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(attempt, policy, justBelowOne)).toBeLessThan(policy.maxMs);
    }
    expect(backoffDelay(1_000, RECONNECT_BACKOFF, justBelowOne)).toBeLessThan(RECONNECT_BACKOFF.maxMs);
  });

  it('spreads delays over the whole range from zero to the ceiling (full jitter)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(3, policy));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(800);
    expect(new Set(delays).size).toBeGreaterThan(100);
    expect(delays.filter((delay) => delay < 400).length).toBeGreaterThan(800);
    expect(delays.filter((delay) => delay >= 400).length).toBeGreaterThan(800);
  });

  it('waits at most the base delay before the first retry', () => {
    expect(backoffDelay(0, RECONNECT_BACKOFF, justBelowOne)).toBeLessThan(RECONNECT_BACKOFF.baseMs);
  });
});
