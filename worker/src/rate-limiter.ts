import { DurableObject } from 'cloudflare:workers';
import { ProtocolError } from './protocol/index.ts';
import type { Env } from './env.ts';

/**
 * A token bucket: `capacity` attempts at once, refilled at one per `refillSeconds`.
 * Each limit is documented in docs/api.md ("Rate limits").
 */
export interface RateLimitRule {
  capacity: number;
  refillSeconds: number;
}

export const RATE_LIMIT_RULES = {
  /**
   * Failed logins for one email by clients without the account's device token: slows guessing one account's
   * password from many addresses, without refusing the account's own devices.
   */
  loginFailuresPerEmail: { capacity: 10, refillSeconds: 60 },
  /** Failed logins with one device token: a stolen device token buys no more guesses than an email does. */
  loginFailuresPerDevice: { capacity: 10, refillSeconds: 60 },
  /** Failed logins from one client IP: slows guessing many accounts' passwords from one address. */
  loginFailuresPerIp: { capacity: 30, refillSeconds: 20 },
  /** Accounts created from one client IP. */
  accountCreationPerIp: { capacity: 10, refillSeconds: 360 },
  /** Share codes issued to one client IP: an inviter needs a handful, not a stream. */
  shareCodeCreationPerIp: { capacity: 20, refillSeconds: 30 },
  /** Redeems from one client IP, successful or not. */
  shareCodeRedeemsPerIp: { capacity: 30, refillSeconds: 10 },
  /** Failed redeems from one client IP: guessing live codes gets slow long before it gets likely. */
  shareCodeRedeemFailuresPerIp: { capacity: 10, refillSeconds: 60 },
  /** Presence announcements from one client IP: a whole office behind one address re-announcing every minute. */
  presenceAnnouncesPerIp: { capacity: 120, refillSeconds: 1 },
  /** Reads of presence boards from one client IP: as many as announcements, so reading costs no more than writing. */
  presenceReadsPerIp: { capacity: 120, refillSeconds: 1 },
} satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMIT_RULES;

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until one attempt is available again; 0 when allowed. */
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One object per limited key (an email, an IP): Durable Objects make the count exact, where KV's
 * eventual consistency and one-write-per-second limit would let bursts through.
 */
export class RateLimiter extends DurableObject<Env> {
  /** Whether an attempt would be allowed now, without spending one. */
  peek(rule: RateLimitRule): RateLimitVerdict {
    return verdict(this.refilled(rule), rule, 1);
  }

  /** Spends one attempt if one is available. */
  consume(rule: RateLimitRule): RateLimitVerdict {
    const bucket = this.refilled(rule);
    const result = verdict(bucket, rule, 1);
    if (result.allowed) bucket.tokens -= 1;
    this.save(bucket, rule);
    return result;
  }

  /** Forgets the key's history (e.g. after a successful login). */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    // The bucket is full again by now: nothing worth keeping.
    await this.ctx.storage.deleteAll();
  }

  private refilled(rule: RateLimitRule): Bucket {
    const now = Date.now();
    const stored = this.ctx.storage.kv.get<Bucket>('bucket');
    if (!stored) return { tokens: rule.capacity, updatedAt: now };
    const refill = (now - stored.updatedAt) / (rule.refillSeconds * 1000);
    return { tokens: Math.min(rule.capacity, stored.tokens + refill), updatedAt: now };
  }

  private save(bucket: Bucket, rule: RateLimitRule): void {
    this.ctx.storage.kv.put('bucket', bucket);
    const untilFull = (rule.capacity - bucket.tokens) * rule.refillSeconds * 1000;
    void this.ctx.storage.setAlarm(bucket.updatedAt + untilFull + 1000);
  }
}

function verdict(bucket: Bucket, rule: RateLimitRule, cost: number): RateLimitVerdict {
  if (bucket.tokens >= cost) return { allowed: true, retryAfter: 0 };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((cost - bucket.tokens) * rule.refillSeconds)) };
}

function limiter(env: Env, name: RateLimitName, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${name}:${key}`));
}

/** Throws RATE_LIMITED when no attempt is left for `key` under `name`; otherwise spends nothing. */
export async function assertNotLimited(env: Env, name: RateLimitName, key: string): Promise<void> {
  const result = await limiter(env, name, key).peek(RATE_LIMIT_RULES[name]);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

/** Spends one attempt for `key` under `name`, throwing RATE_LIMITED when none is left. */
export async function consumeAttempt(env: Env, name: RateLimitName, key: string): Promise<void> {
  const result = await limiter(env, name, key).consume(RATE_LIMIT_RULES[name]);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

/** Records an attempt (such as a failure) without refusing this one. */
export async function recordAttempt(env: Env, name: RateLimitName, key: string): Promise<void> {
  await limiter(env, name, key).consume(RATE_LIMIT_RULES[name]);
}

export async function resetAttempts(env: Env, name: RateLimitName, key: string): Promise<void> {
  await limiter(env, name, key).reset();
}

/** The client's address as Cloudflare reports it; requests without one share a single bucket. */
export function clientIp(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'unknown';
}

function rateLimited(retryAfter: number): ProtocolError {
  return new ProtocolError('RATE_LIMITED', `too many attempts; try again in ${retryAfter} s`, retryAfter);
}
