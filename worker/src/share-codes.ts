import { DurableObject } from 'cloudflare:workers';
import { json, type IRequest } from 'itty-router';
import {
  MAX_SMALL_BODY_BYTES,
  ProtocolError,
  SHARE_CODE_ALPHABET,
  SHARE_CODE_LENGTH,
  SHARE_CODE_SHARDS,
  SHARE_CODE_TTL_MS,
  formatShareCode,
  normalizeShareCode,
  parseCreateShareCode,
  type RedeemShareCodeResponse,
  type ShareCodeResponse,
} from './protocol/index.ts';
import type { Env } from './env.ts';
import { readJsonBody } from './json-body.ts';
import { clientIp, consumeAttempt, recordAttempt } from './rate-limiter.ts';
import { asRoomResult, unwrap, type RoomResult } from './room-result.ts';

/** Every failed redeem looks the same: spent, expired and never issued are indistinguishable. */
const codeNotFound = () => new ProtocolError('NOT_FOUND', 'share code not found, already used or expired');
const ISSUE_ATTEMPTS = 4;

/**
 * One shard of the share codes. A Durable Object runs one request at a time and a synchronous SQL
 * read-then-delete cannot interleave with another, so a code is redeemed exactly once however many
 * redeems arrive together (Workers KV, eventually consistent and caching misses, cannot promise that).
 */
export class ShareCodeShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec('CREATE TABLE IF NOT EXISTS codes (code TEXT PRIMARY KEY, room_id TEXT NOT NULL, expires_at INTEGER NOT NULL)');
  }

  async issue(code: string, roomId: string): Promise<RoomResult<ShareCodeResponse>> {
    const now = Date.now();
    const result = await asRoomResult(() => {
      this.sql.exec('DELETE FROM codes WHERE code = ? AND expires_at <= ?', code, now);
      if (this.sql.exec('SELECT 1 FROM codes WHERE code = ?', code).toArray().length > 0) {
        throw new ProtocolError('CONFLICT', 'share code already in use');
      }
      const expiresAt = now + SHARE_CODE_TTL_MS;
      this.sql.exec('INSERT INTO codes VALUES (?, ?, ?)', code, roomId, expiresAt);
      return { code: formatShareCode(code), expiresAt };
    });
    if (result.ok) await this.scheduleCleanup();
    return result;
  }

  async redeem(code: string): Promise<RoomResult<RedeemShareCodeResponse>> {
    return asRoomResult(() => {
      const row = this.sql
        .exec<{ room_id: string; expires_at: number }>('DELETE FROM codes WHERE code = ? RETURNING room_id, expires_at', code)
        .toArray()[0];
      if (!row || row.expires_at <= Date.now()) throw codeNotFound();
      return { roomId: row.room_id };
    });
  }

  override async alarm(): Promise<void> {
    this.sql.exec('DELETE FROM codes WHERE expires_at <= ?', Date.now());
    await this.scheduleCleanup();
  }

  /** Keeps one alarm at the earliest expiry, so expired codes leave storage without anyone asking. */
  private async scheduleCleanup(): Promise<void> {
    const next = this.sql.exec<{ next: number | null }>('SELECT MIN(expires_at) AS next FROM codes').one().next;
    if (next === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }
}

/** A uniformly random code: bytes at or above the largest multiple of the alphabet's size are drawn again. */
export function randomShareCode(): string {
  const limit = 256 - (256 % SHARE_CODE_ALPHABET.length);
  let code = '';
  while (code.length < SHARE_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(SHARE_CODE_LENGTH * 2))) {
      if (byte < limit && code.length < SHARE_CODE_LENGTH) code += SHARE_CODE_ALPHABET[byte % SHARE_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** The shard that holds `code`, from its first symbol: a code's shard is known without any lookup. */
export function shareCodeShard(env: Env, code: string) {
  const shard = SHARE_CODE_ALPHABET.indexOf(code[0] ?? '') % SHARE_CODE_SHARDS;
  return env.SHARE_CODES.get(env.SHARE_CODES.idFromName(`shard-${shard}`));
}

/** `POST /api/share-codes {roomId}` */
export async function createShareCode(request: Request, env: Env): Promise<Response> {
  const { roomId } = parseCreateShareCode(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  await consumeAttempt(env, 'shareCodeCreationPerIp', clientIp(request));
  for (let attempt = 1; ; attempt++) {
    const code = randomShareCode();
    const result = await shareCodeShard(env, code).issue(code, roomId);
    // A collision with a live code is rare (tens of live codes among 31^8); draw another.
    if (!result.ok && result.code === 'CONFLICT' && attempt < ISSUE_ATTEMPTS) continue;
    return json(unwrap(result), { status: 201 });
  }
}

/** `POST /api/share-codes/:code/redeem` */
export async function redeemShareCode(request: IRequest, env: Env): Promise<Response> {
  const code = normalizeShareCode(request.params.code ?? '');
  if (code === null) throw codeNotFound();
  const ip = clientIp(request);
  // One call for both limits: while the address's failures are exhausted, every redeem is refused.
  await consumeAttempt(env, 'shareCodeRedeemsPerIp', ip, ['shareCodeRedeemFailuresPerIp']);
  const result = await shareCodeShard(env, code).redeem(code);
  if (!result.ok) await recordAttempt(env, 'shareCodeRedeemFailuresPerIp', ip);
  return json(unwrap(result));
}
