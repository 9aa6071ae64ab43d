import { DurableObject } from 'cloudflare:workers';
import { ProtocolError } from './protocol/index.ts';
import type { Env } from './env.ts';
import { RATE_LIMIT_RULES, type RateLimitName, type RateLimitRule } from './rate-limit-rules.ts';

export { RATE_LIMIT_RULES, type RateLimitName } from './rate-limit-rules.ts';

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until one attempt is available again; 0 when allowed. */
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const bucketKey = (name: RateLimitName) => `bucket:${name}`;

/**
 * One object per limited key (an address, an email, a device token), holding that key's bucket for every rule of
 * its scope: Durable Objects make the counts exact, where KV's eventual consistency and one-write-per-second limit
 * would let bursts through, and one object per key rather than per (rule, key) keeps a request to a single call and
 * a busy address to a single object (a local runtime holds every object in one process; see docs/api.md).
 */
export class RateLimiter extends DurableObject<Env> {
  /** Whether an attempt under `name` would be allowed now, without spending one. */
  peek(name: RateLimitName): RateLimitVerdict {
    return verdict(this.refilled(name), RATE_LIMIT_RULES[name]);
  }

  /**
   * Spends one attempt under `name` if one is available and none of `unlessExhausted` is empty; a refusal by one
   * of those spends nothing, so that checking a second limit costs no second call.
   */
  async consume(name: RateLimitName, unlessExhausted: RateLimitName[] = []): Promise<RateLimitVerdict> {
    for (const other of unlessExhausted) {
      const refused = this.peek(other);
      if (!refused.allowed) return refused;
    }
    const bucket = this.refilled(name);
    const result = verdict(bucket, RATE_LIMIT_RULES[name]);
    if (result.allowed) bucket.tokens -= 1;
    await this.save(name, bucket);
    return result;
  }

  /** Forgets the key's history under `name` (e.g. a device's failures after its successful login). */
  reset(name: RateLimitName): void {
    this.ctx.storage.kv.delete(bucketKey(name));
  }

  /** Drops every bucket that is full again, so that a key nobody uses leaves nothing in storage. */
  override async alarm(): Promise<void> {
    // An object of the former layout (one per rule and key) kept its one bucket here and set its alarm for when that
    // bucket is full: now.
    this.ctx.storage.kv.delete('bucket');
    let latestRefill = 0;
    for (const name of this.storedNames()) {
      const refill = untilFull(this.refilled(name), RATE_LIMIT_RULES[name]);
      if (refill <= 0) this.ctx.storage.kv.delete(bucketKey(name));
      else latestRefill = Math.max(latestRefill, refill);
    }
    if (latestRefill > 0) await this.ctx.storage.setAlarm(Date.now() + latestRefill + 1000);
  }

  private storedNames(): RateLimitName[] {
    return [...this.ctx.storage.kv.list<Bucket>({ prefix: 'bucket:' })].map(([key]) => key.slice('bucket:'.length) as RateLimitName);
  }

  private refilled(name: RateLimitName): Bucket {
    const rule = RATE_LIMIT_RULES[name];
    const now = Date.now();
    const stored = this.ctx.storage.kv.get<Bucket>(bucketKey(name));
    if (!stored) return { tokens: rule.capacity, updatedAt: now };
    const refill = (now - stored.updatedAt) / (rule.refillSeconds * 1000);
    return { tokens: Math.min(rule.capacity, stored.tokens + refill), updatedAt: now };
  }

  private async save(name: RateLimitName, bucket: Bucket): Promise<void> {
    this.ctx.storage.kv.put(bucketKey(name), bucket);
    // One alarm while any bucket refills, not one moved with every attempt: each move is a write of its own, and the
    // alarm re-arms itself until every bucket is full.
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(bucket.updatedAt + untilFull(bucket, RATE_LIMIT_RULES[name]) + 1000);
    }
  }
}

function verdict(bucket: Bucket, rule: RateLimitRule): RateLimitVerdict {
  if (bucket.tokens >= 1) return { allowed: true, retryAfter: 0 };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) * rule.refillSeconds)) };
}

function untilFull(bucket: Bucket, rule: RateLimitRule): number {
  return (rule.capacity - bucket.tokens) * rule.refillSeconds * 1000;
}

function limiter(env: Env, name: RateLimitName, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(rateLimiterName(name, key)));
}

/** The name of the object that holds `key`'s buckets for the rules of `name`'s scope. */
export function rateLimiterName(name: RateLimitName, key: string): string {
  return `${RATE_LIMIT_RULES[name].scope}:${key}`;
}

/** Throws RATE_LIMITED when no attempt is left for `key` under `name`; otherwise spends nothing. */
export async function assertNotLimited(env: Env, name: RateLimitName, key: string): Promise<void> {
  const result = await limiter(env, name, key).peek(name);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

/**
 * Spends one attempt for `key` under `name`, throwing RATE_LIMITED when none is left or when a rule of
 * `unlessExhausted` (of the same scope) has none left either.
 */
export async function consumeAttempt(env: Env, name: RateLimitName, key: string, unlessExhausted: RateLimitName[] = []): Promise<void> {
  const result = await limiter(env, name, key).consume(name, unlessExhausted);
  if (!result.allowed) throw rateLimited(result.retryAfter);
}

/** Records an attempt (such as a failure) without refusing this one. */
export async function recordAttempt(env: Env, name: RateLimitName, key: string): Promise<void> {
  await limiter(env, name, key).consume(name);
}

export async function resetAttempts(env: Env, name: RateLimitName, key: string): Promise<void> {
  await limiter(env, name, key).reset(name);
}

/** The client's address as Cloudflare reports it; requests without one share a single bucket. */
export function clientIp(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'unknown';
}

function rateLimited(retryAfter: number): ProtocolError {
  return new ProtocolError('RATE_LIMITED', `too many attempts; try again in ${retryAfter} s`, retryAfter);
}
