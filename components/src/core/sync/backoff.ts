/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): spreads
 * the reconnections of many clients after an outage instead of synchronising them.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
