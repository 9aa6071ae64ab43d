import type { EmailAccount } from './email-account.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { ShareCodeShard } from './share-codes.ts';
import type { SignalRoom } from './signal-room.ts';
import type { SyncRoom } from './sync-room.ts';

/** The Worker's bindings. Their names come from worker/manifest.ts; infra/ declares the same for production. */
export interface Env {
  /** Membership index; accounts created before EMAIL_ACCOUNTS existed (read only). */
  ACCOUNTS: KVNamespace;
  SYNC_ROOM: DurableObjectNamespace<SyncRoom>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  SIGNAL_ROOM: DurableObjectNamespace<SignalRoom>;
  SHARE_CODES: DurableObjectNamespace<ShareCodeShard>;
  /** One object per email, owning that email's account. */
  EMAIL_ACCOUNTS: DurableObjectNamespace<EmailAccount>;
  /** HS256 signing key of the API's tokens. */
  JWT_SECRET: string;
  /** Comma-separated origins allowed to call the API from a browser (the app and the sites embedding the components). */
  ALLOWED_ORIGINS: string;
}
