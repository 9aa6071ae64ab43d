/**
 * A signed-in session on the Worker that stays signed in: its hour-long access token is renewed with the refresh
 * token before it expires, and once more when the Worker refuses it anyway (a clock ahead of the Worker's, a token
 * issued before a restart of the secret), one renewal at a time for every caller. When the Worker refuses the renewal
 * itself, the session has ended: the person must sign in again (docs/security.md, "Staying signed in").
 */
import type { Session } from '#protocol';
import { RelayApiError, type RelayApi } from './relay-api.ts';

/** Renewed this long before it expires: a request started just before the hour is up must not arrive just after. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

export interface RelaySessionOptions {
  /** Where the renewals are asked for; a RelayApi using `renewingFetch` of this session is fine. */
  api: RelayApi;
  session: Session;
  /** The clock the expiries are compared with. */
  now?: () => number;
  /** Keep the renewed session: its refresh token replaces the one used. */
  onRenewed(session: Session): void;
  /** The Worker refused the refresh token: the person must sign in again. Called once. */
  onEnded(reason: RelayApiError): void;
}

export class RelaySession {
  #session: Session;
  #renewal: Promise<string> | null = null;
  #ended: RelayApiError | null = null;
  readonly #options: RelaySessionOptions;

  constructor(options: RelaySessionOptions) {
    this.#options = options;
    this.#session = options.session;
  }

  get session(): Session {
    return this.#session;
  }

  get ended(): boolean {
    return this.#ended !== null;
  }

  /** A token the Worker should accept, renewed first when it is about to expire. */
  async accessToken(): Promise<string> {
    const now = this.#options.now?.() ?? Date.now();
    if (now < this.#session.expiresAt - RENEW_BEFORE_EXPIRY_MS) return this.#session.token;
    return this.renew(this.#session.token);
  }

  /**
   * A renewed token, unless `refusedToken` has been replaced already (then the current one): concurrent callers whose
   * token was refused share one renewal. Throws the refusal when the session has ended, and a passing failure (no
   * network, rate-limited) as it is, keeping the session for the next try.
   */
  renew(refusedToken: string): Promise<string> {
    if (this.#ended) return Promise.reject(this.#ended);
    if (refusedToken !== this.#session.token) return Promise.resolve(this.#session.token);
    this.#renewal ??= this.#refresh().finally(() => {
      this.#renewal = null;
    });
    return this.#renewal;
  }

  async #refresh(): Promise<string> {
    try {
      this.#session = await this.#options.api.refreshSession(this.#session.refreshToken);
    } catch (error) {
      if (error instanceof RelayApiError && isRefusal(error)) {
        this.#ended = error;
        this.#options.onEnded(error);
      }
      throw error;
    }
    this.#options.onRenewed(this.#session);
    return this.#session.token;
  }
}

/** The Worker refused the refresh token itself (expired, forged, its account gone), not the moment (429, 5xx). */
function isRefusal(error: RelayApiError): boolean {
  return error.status === 400 || error.status === 401;
}

/**
 * A fetch for RelayApi that, when the Worker answers 401 to a request sent with the session's token, renews the
 * session once and sends the request again with the new token. Requests without a token pass through as they are.
 */
export function renewingFetch(session: () => RelaySession | null, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const current = session();
    const headers = new Headers(init?.headers);
    const sent = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    if (response.status !== 401 || !current || sent === undefined) return response;
    let renewed: string;
    try {
      renewed = await current.renew(sent);
    } catch {
      return response;
    }
    headers.set('authorization', `Bearer ${renewed}`);
    return fetchImpl(input, { ...init, headers });
  };
}
