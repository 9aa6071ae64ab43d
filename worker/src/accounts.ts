import { json } from 'itty-router';
import {
  MAX_SMALL_BODY_BYTES,
  ProtocolError,
  parseLoginCredentials,
  parseNewCredentials,
  parseRefreshRequest,
  type CreateAccountResponse,
  type LoginResponse,
  type Session,
} from './protocol/index.ts';
import { emailAccount, type AccountRecord } from './email-account.ts';
import type { Env } from './env.ts';
import { readJsonBody } from './json-body.ts';
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords.ts';
import { assertNotLimited, clientIp, consumeAttempt, recordAttempt, resetAttempts, type RateLimitName } from './rate-limiter.ts';
import { unwrap } from './room-result.ts';
import { issueDeviceToken, issueSession, verifyDeviceToken, verifyRefreshToken } from './tokens.ts';

/**
 * Where accounts lived before each email got its own Durable Object (`EmailAccount`). Such accounts are still
 * found here, read only: nothing is moved, and no account is written to KV any more (docs/security.md).
 */
const legacyAccountKey = (email: string) => `account:${email}`;

/** The account of `email`, wherever it is kept, or null. */
async function findAccount(env: Env, email: string): Promise<AccountRecord | null> {
  return (await emailAccount(env, email).account()) ?? (await env.ACCOUNTS.get<AccountRecord>(legacyAccountKey(email), 'json'));
}

/** `POST /api/accounts`: exactly one account per email, however many sign-ups for it arrive together. */
export async function createAccount(request: Request, env: Env): Promise<Response> {
  const { email, password } = parseNewCredentials(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  await consumeAttempt(env, 'accountCreationPerIp', clientIp(request));
  const slot = emailAccount(env, email);
  // Claimed first, so that the losers of a race are refused by one call; an abandoned claim expires harmlessly.
  const { claimId } = unwrap(await slot.claim());
  if (await env.ACCOUNTS.get(legacyAccountKey(email))) {
    throw new ProtocolError('EMAIL_TAKEN', 'an account with this email already exists');
  }
  const record: AccountRecord = {
    accountId: crypto.randomUUID(),
    email,
    password: await hashPassword(password),
    createdAt: Date.now(),
  };
  unwrap(await slot.complete(claimId, record));
  const [session, deviceToken] = await Promise.all([
    issueSession(record.accountId, email, env.JWT_SECRET),
    issueDeviceToken(record.accountId, env.JWT_SECRET),
  ]);
  return json({ accountId: record.accountId, ...session, deviceToken } satisfies CreateAccountResponse, { status: 201 });
}

/**
 * `POST /api/login`: unknown email and wrong password are indistinguishable, in answer and in work.
 * Failures are limited per client address, and per email for clients that have never logged in to the account;
 * a client with the account's device token is limited per device instead, so that failures by anyone else never
 * lock it out (docs/api.md, "Rate limits").
 */
export async function login(request: Request, env: Env): Promise<Response> {
  const { email, password, deviceToken } = parseLoginCredentials(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  const [record, device] = await Promise.all([
    findAccount(env, email),
    deviceToken === undefined ? null : verifyDeviceToken(deviceToken, env.JWT_SECRET),
  ]);
  const knownDevice = record && device?.accountId === record.accountId ? device.deviceId : null;
  const limits: [RateLimitName, string][] = [
    ['loginFailuresPerIp', clientIp(request)],
    knownDevice ? ['loginFailuresPerDevice', knownDevice] : ['loginFailuresPerEmail', email],
  ];
  await Promise.all(limits.map(([name, key]) => assertNotLimited(env, name, key)));

  const matches = await verifyPassword(password, record?.password ?? DECOY_PASSWORD_HASH);
  if (!record || !matches) {
    await Promise.all(limits.map(([name, key]) => recordAttempt(env, name, key)));
    throw new ProtocolError('INVALID_CREDENTIALS', 'email or password is wrong');
  }
  // The email's own failures only refill with time: its owner logging in must not hand a guesser fresh attempts.
  if (knownDevice) await resetAttempts(env, 'loginFailuresPerDevice', knownDevice);
  const [session, freshDeviceToken] = await Promise.all([
    issueSession(record.accountId, email, env.JWT_SECRET),
    issueDeviceToken(record.accountId, env.JWT_SECRET),
  ]);
  return json({ ...session, deviceToken: freshDeviceToken } satisfies LoginResponse);
}

/**
 * `POST /api/sessions/refresh`: a new access token and a new refresh token for a valid refresh token whose account
 * still exists under its email. Stateless: the refresh token sent stays valid until it expires (docs/security.md).
 */
export async function refreshSession(request: Request, env: Env): Promise<Response> {
  const { refreshToken } = parseRefreshRequest(await readJsonBody(request, MAX_SMALL_BODY_BYTES));
  await consumeAttempt(env, 'sessionRefreshesPerIp', clientIp(request));
  const { accountId, email } = await verifyRefreshToken(refreshToken, env.JWT_SECRET);
  const record = await findAccount(env, email);
  if (record?.accountId !== accountId) throw new ProtocolError('UNAUTHORIZED', 'this account no longer exists: sign in again');
  return json((await issueSession(accountId, email, env.JWT_SECRET)) satisfies Session);
}
