import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './limits.ts';
import { ProtocolError } from './errors.ts';
import { expectObject, expectString, optionalString } from './validation.ts';

/** `POST /api/accounts` and `POST /api/login` both take credentials. */
export interface Credentials {
  email: string;
  password: string;
}

/**
 * A login may add the device token its client got from an earlier sign-up or login for the same account: failed
 * logins by others then cannot lock this client out (docs/api.md, "Rate limits").
 */
export interface LoginCredentials extends Credentials {
  deviceToken?: string;
}

/**
 * A signed-in session: a short-lived access token for the API, and a refresh token that buys the next one
 * (`POST /api/sessions/refresh`) until the person signs out or leaves the device unused for thirty days.
 */
export interface Session {
  /** The access token, for `Authorization: Bearer`. */
  token: string;
  /** When `token` expires, in milliseconds since the epoch: renew before then. */
  expiresAt: number;
  /** Good only at the refresh route; each refresh answers with a new one that replaces it. */
  refreshToken: string;
  /** Milliseconds since the epoch. */
  refreshExpiresAt: number;
}

export interface CreateAccountResponse extends Session {
  accountId: string;
  /** Keep it and send it with later logins from this client. */
  deviceToken: string;
}

export interface LoginResponse extends Session {
  /** A fresh device token for this client; replaces the one sent. */
  deviceToken: string;
}

/** `POST /api/sessions/refresh` takes the refresh token of the session to renew and answers with a new `Session`. */
export interface RefreshRequest {
  refreshToken: string;
}

/** A JWT's three base64url parts; the length cap keeps a junk body from reaching signature checks. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 4096;

export function parseRefreshRequest(body: unknown): RefreshRequest {
  const refreshToken = expectString(expectObject(body), 'refreshToken', {
    minLength: 1,
    maxLength: MAX_TOKEN_LENGTH,
    pattern: TOKEN_PATTERN,
    patternHint: 'must be a JWT',
  });
  return { refreshToken };
}

// Deliberately permissive (RFC 5322 allows far more than any regex should judge): one @, no spaces, a dotted domain.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw new ProtocolError('INVALID_INPUT', `email must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!EMAIL_PATTERN.test(email)) throw new ProtocolError('INVALID_INPUT', 'email is not a valid address');
  return email;
}

/** Validates a new account's credentials, including the password policy. */
export function parseNewCredentials(body: unknown): Credentials {
  const obj = expectObject(body);
  const email = normalizeEmail(expectString(obj, 'email', { maxLength: MAX_EMAIL_LENGTH * 2 }));
  const password = expectString(obj, 'password', { minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });
  return { email, password };
}

/**
 * Validates login credentials. The password policy is not re-applied (a login never reveals it),
 * but the length cap is: PBKDF2's cost grows with the input.
 */
export function parseLoginCredentials(body: unknown): LoginCredentials {
  const obj = expectObject(body);
  const email = normalizeEmail(expectString(obj, 'email', { maxLength: MAX_EMAIL_LENGTH * 2 }));
  const password = expectString(obj, 'password', { minLength: 1, maxLength: MAX_PASSWORD_LENGTH });
  const deviceToken = optionalString(obj, 'deviceToken', { minLength: 1, maxLength: 4096 });
  return { email, password, ...(deviceToken === undefined ? {} : { deviceToken }) };
}
