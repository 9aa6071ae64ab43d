/** The Worker's rate limits, apart from the objects that keep their counts so that node-side tests can read them. */

/** What a limit counts by: one client address, one email, one device token. */
export type RateLimitScope = 'ip' | 'email' | 'device';

/**
 * A token bucket: `capacity` attempts at once, refilled at one per `refillSeconds`.
 * Each limit is documented in docs/api.md ("Rate limits").
 */
export interface RateLimitRule {
  scope: RateLimitScope;
  capacity: number;
  refillSeconds: number;
}

export const RATE_LIMIT_RULES = {
  /**
   * Failed logins for one email by clients without the account's device token: slows guessing one account's
   * password from many addresses, without refusing the account's own devices.
   */
  loginFailuresPerEmail: { scope: 'email', capacity: 10, refillSeconds: 60 },
  /** Failed logins with one device token: a stolen device token buys no more guesses than an email does. */
  loginFailuresPerDevice: { scope: 'device', capacity: 10, refillSeconds: 60 },
  /** Failed logins from one client IP: slows guessing many accounts' passwords from one address. */
  loginFailuresPerIp: { scope: 'ip', capacity: 30, refillSeconds: 20 },
  /** Accounts created from one client IP. */
  accountCreationPerIp: { scope: 'ip', capacity: 10, refillSeconds: 360 },
  /** Session refreshes from one client IP: each device renews about once an hour; a whole office fits many times. */
  sessionRefreshesPerIp: { scope: 'ip', capacity: 60, refillSeconds: 5 },
  /** Share codes issued to one client IP: an inviter needs a handful, not a stream. */
  shareCodeCreationPerIp: { scope: 'ip', capacity: 20, refillSeconds: 30 },
  /** Redeems from one client IP, successful or not. */
  shareCodeRedeemsPerIp: { scope: 'ip', capacity: 30, refillSeconds: 10 },
  /** Failed redeems from one client IP: guessing live codes gets slow long before it gets likely. */
  shareCodeRedeemFailuresPerIp: { scope: 'ip', capacity: 10, refillSeconds: 60 },
  /** Presence announcements from one client IP: a whole office behind one address re-announcing every minute. */
  presenceAnnouncesPerIp: { scope: 'ip', capacity: 120, refillSeconds: 1 },
  /** Reads of presence boards from one client IP: as many as announcements, so reading costs no more than writing. */
  presenceReadsPerIp: { scope: 'ip', capacity: 120, refillSeconds: 1 },
} satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMIT_RULES;
