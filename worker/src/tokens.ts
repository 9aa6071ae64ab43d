import { SignJWT, jwtVerify } from 'jose';
import { ProtocolError, type Session } from './protocol/index.ts';

export const TOKEN_ISSUER = 'p2p-clinic';
export const TOKEN_AUDIENCE = 'p2p-clinic-api';
export const TOKEN_LIFETIME_SECONDS = 60 * 60;
/** A device token proves only "this client has logged in to this account before", for the login limits. */
export const DEVICE_TOKEN_AUDIENCE = 'p2p-clinic-device';
/** A device that has not logged in for a year is a new device again. */
export const DEVICE_TOKEN_LIFETIME_SECONDS = 365 * 24 * 60 * 60;
/**
 * A refresh token buys a fresh access token and nothing else (`POST /api/sessions/refresh`): its own audience keeps
 * it out of every API route, and an access token is refused at the refresh route.
 */
export const REFRESH_TOKEN_AUDIENCE = 'p2p-clinic-refresh';
/** Staying signed in on a device: renewed at every refresh, so only thirty days without use sign a device out. */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
/** Pinned: anything else, including `none`, is refused whatever the token's header says. */
const TOKEN_ALGORITHM = 'HS256';

export interface IssuedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export async function issueToken(accountId: string, secret: string, now = Date.now()): Promise<IssuedToken> {
  return signToken({ audience: TOKEN_AUDIENCE, accountId, lifetimeSeconds: TOKEN_LIFETIME_SECONDS }, secret, now);
}

/**
 * A device token for `accountId`: its own audience, so it opens no API route, and its own id, so that failed logins
 * made with it are counted for that device alone.
 */
export async function issueDeviceToken(accountId: string, secret: string, now = Date.now()): Promise<string> {
  const options = { audience: DEVICE_TOKEN_AUDIENCE, accountId, lifetimeSeconds: DEVICE_TOKEN_LIFETIME_SECONDS, unique: true };
  return (await signToken(options, secret, now)).token;
}

/**
 * A refresh token for the account of `email`: the email lets the refresh route find the account and refuse a token
 * whose account is gone or is another one now. Unique, so that a rotated token differs from the one it replaces even
 * within the same second.
 */
export function issueRefreshToken(accountId: string, email: string, secret: string, now = Date.now()): Promise<IssuedToken> {
  const options = { audience: REFRESH_TOKEN_AUDIENCE, accountId, lifetimeSeconds: REFRESH_TOKEN_LIFETIME_SECONDS, unique: true, claims: { email } };
  return signToken(options, secret, now);
}

interface TokenOptions {
  audience: string;
  accountId: string;
  lifetimeSeconds: number;
  /** With a random `jti`. */
  unique?: boolean;
  claims?: Record<string, string>;
}

async function signToken(options: TokenOptions, secret: string, now: number): Promise<IssuedToken> {
  const issuedAt = Math.floor(now / 1000);
  const expiresAtSeconds = issuedAt + options.lifetimeSeconds;
  let jwt = new SignJWT(options.claims ?? {})
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(options.audience)
    .setSubject(options.accountId);
  if (options.unique) jwt = jwt.setJti(crypto.randomUUID());
  const token = await jwt.setIssuedAt(issuedAt).setExpirationTime(expiresAtSeconds).sign(signingKey(secret));
  return { token, expiresAt: expiresAtSeconds * 1000 };
}

/** A signed-in session's pair of tokens, as sign-up, login and refresh answer with it. */
export async function issueSession(accountId: string, email: string, secret: string, now = Date.now()): Promise<Session> {
  const [access, refresh] = await Promise.all([issueToken(accountId, secret, now), issueRefreshToken(accountId, email, secret, now)]);
  return { token: access.token, expiresAt: access.expiresAt, refreshToken: refresh.token, refreshExpiresAt: refresh.expiresAt };
}

export interface VerifiedRefreshToken {
  accountId: string;
  email: string;
}

/** The account a refresh token names; every failure is the same 401, so a client knows to sign in again. */
export async function verifyRefreshToken(token: string, secret: string): Promise<VerifiedRefreshToken> {
  try {
    const { payload } = await jwtVerify(token, signingKey(secret), {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: REFRESH_TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'iat', 'exp', 'email'],
    });
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.email !== 'string') throw new Error('no subject');
    return { accountId: payload.sub, email: payload.email };
  } catch {
    throw new ProtocolError('UNAUTHORIZED', 'refresh token is invalid or expired: sign in again');
  }
}

export interface VerifiedDeviceToken {
  accountId: string;
  deviceId: string;
}

/** The account and device a device token names, or null for anything else: a bad one only loses its privilege. */
export async function verifyDeviceToken(token: string, secret: string): Promise<VerifiedDeviceToken | null> {
  try {
    const { payload } = await jwtVerify(token, signingKey(secret), {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: DEVICE_TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
    });
    if (!payload.sub || !payload.jti) return null;
    return { accountId: payload.sub, deviceId: payload.jti };
  } catch {
    return null;
  }
}

export interface VerifiedToken {
  accountId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Returns the account id of a valid token; every failure is the same 401. */
export async function verifyToken(token: string, secret: string): Promise<string> {
  return (await verifyTokenClaims(token, secret)).accountId;
}

/** The account id and expiry of a valid token, for a socket that must stop acting on it once it expires. */
export async function verifyTokenClaims(token: string, secret: string): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, signingKey(secret), {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject');
    return { accountId: payload.sub, expiresAt: payload.exp! * 1000 };
  } catch {
    throw new ProtocolError('UNAUTHORIZED', 'token is missing, invalid or expired');
  }
}

/** Reads `Authorization: Bearer <token>` and returns the caller's account id. */
export async function authenticate(request: Request, secret: string): Promise<string> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._-]{1,4096})$/.exec(header);
  if (!match?.[1]) throw new ProtocolError('UNAUTHORIZED', 'Authorization: Bearer <token> is required');
  return verifyToken(match[1], secret);
}

function signingKey(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
  return new TextEncoder().encode(secret);
}
