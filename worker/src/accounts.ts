import { json } from 'itty-router';
import {
  MAX_SMALL_BODY_BYTES,
  ProtocolError,
  parseLoginCredentials,
  parseNewCredentials,
  type CreateAccountResponse,
  type LoginResponse,
} from './protocol/index.ts';
import type { Env } from './env.ts';
import { readJsonBody } from './json-body.ts';
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword, type PasswordHash } from './passwords.ts';
import { assertNotLimited, clientIp, consumeAttempt, recordAttempt, resetAttempts } from './rate-limiter.ts';
import { issueToken } from './tokens.ts';

/** What ACCOUNTS holds under `account:<email>`. */
export interface AccountRecord {
  accountId: string;
  email: string;
  password: PasswordHash;
  createdAt: number;
}

const accountKey = (email: string) => `account:${email}`;

/** `POST /api/accounts` */
export async function createAccount(request: Request, env: Env): Promise<Response> {
  const { email, password } = parseNewCredentials(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  await consumeAttempt(env, 'accountCreationPerIp', clientIp(request));
  if (await env.ACCOUNTS.get(accountKey(email))) {
    throw new ProtocolError('EMAIL_TAKEN', 'an account with this email already exists');
  }
  const record: AccountRecord = {
    accountId: crypto.randomUUID(),
    email,
    password: await hashPassword(password),
    createdAt: Date.now(),
  };
  await env.ACCOUNTS.put(accountKey(email), JSON.stringify(record));
  const { token } = await issueToken(record.accountId, env.JWT_SECRET);
  return json({ accountId: record.accountId, token } satisfies CreateAccountResponse, { status: 201 });
}

/** `POST /api/login`: unknown email and wrong password are indistinguishable, in answer and in timing. */
export async function login(request: Request, env: Env): Promise<Response> {
  const { email, password } = parseLoginCredentials(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  const ip = clientIp(request);
  await Promise.all([assertNotLimited(env, 'loginFailuresPerIp', ip), assertNotLimited(env, 'loginFailuresPerEmail', email)]);

  const record = await env.ACCOUNTS.get<AccountRecord>(accountKey(email), 'json');
  const matches = await verifyPassword(password, record?.password ?? DECOY_PASSWORD_HASH);
  if (!record || !matches) {
    await Promise.all([recordAttempt(env, 'loginFailuresPerIp', ip), recordAttempt(env, 'loginFailuresPerEmail', email)]);
    throw new ProtocolError('INVALID_CREDENTIALS', 'email or password is wrong');
  }
  await resetAttempts(env, 'loginFailuresPerEmail', email);
  const issued = await issueToken(record.accountId, env.JWT_SECRET);
  return json(issued satisfies LoginResponse);
}
