import { DurableObject } from 'cloudflare:workers';
import { ProtocolError } from './protocol/index.ts';
import type { Env } from './env.ts';
import type { PasswordHash } from './passwords.ts';
import { asRoomResult, type RoomResult } from './room-result.ts';

/** An account as its email's object keeps it. */
export interface AccountRecord {
  accountId: string;
  email: string;
  password: PasswordHash;
  createdAt: number;
}

/** What a claim answers: the right to finish creating the account. */
export interface AccountClaim {
  claimId: string;
}

/**
 * A claim lasts long enough to hash a password and come back; a sign-up that dies in between frees the email
 * after this, instead of holding it forever.
 */
export const ACCOUNT_CLAIM_TTL_MS = 60_000;

interface PendingClaim {
  claimId: string;
  expiresAt: number;
}

const emailTaken = () => new ProtocolError('EMAIL_TAKEN', 'an account with this email already exists');

/**
 * One Durable Object per email, owning that email's account. A Durable Object handles one call at a time and
 * these calls only touch synchronous storage, so "is there an account? no: claim it" cannot interleave with another
 * sign-up for the same email: exactly one wins, however many arrive together (KV's get-then-put could not promise
 * that). The claim comes before the password is hashed, so losers are refused without paying for a hash.
 */
export class EmailAccount extends DurableObject<Env> {
  /** Claims the email for a new account, unless it has one or another sign-up holds a live claim. */
  async claim(): Promise<RoomResult<AccountClaim>> {
    return asRoomResult(() => {
      const pending = this.ctx.storage.kv.get<PendingClaim>('claim');
      if (this.ctx.storage.kv.get('account') || (pending && pending.expiresAt > Date.now())) throw emailTaken();
      const claim: PendingClaim = { claimId: crypto.randomUUID(), expiresAt: Date.now() + ACCOUNT_CLAIM_TTL_MS };
      this.ctx.storage.kv.put('claim', claim);
      return { claimId: claim.claimId };
    });
  }

  /** Stores the account of a claim still held; a claim that expired and was taken over is refused. */
  async complete(claimId: string, record: AccountRecord): Promise<RoomResult<AccountRecord>> {
    return asRoomResult(() => {
      const pending = this.ctx.storage.kv.get<PendingClaim>('claim');
      if (this.ctx.storage.kv.get('account') || pending?.claimId !== claimId) throw emailTaken();
      this.ctx.storage.kv.put('account', record);
      this.ctx.storage.kv.delete('claim');
      return record;
    });
  }

  async account(): Promise<AccountRecord | null> {
    return this.ctx.storage.kv.get<AccountRecord>('account') ?? null;
  }
}

export function emailAccount(env: Env, email: string) {
  return env.EMAIL_ACCOUNTS.get(env.EMAIL_ACCOUNTS.idFromName(email));
}
