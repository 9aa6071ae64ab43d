/**
 * The person's account on the team's deployment, which turns the relay on: signed in, every synced org also syncs
 * through the encrypted relay. Kept in this origin's localStorage (the session's tokens, never the password), and
 * renewed as it is used (`RelaySession`), so the device stays signed in until the person signs out or leaves it
 * unused for thirty days. Signing out, or the Worker refusing a renewal, forgets the session only: orgs, their data
 * and keys stay on the device, and so does the Worker's device token for the email, which lets this device sign in
 * again while someone else fails logins for the same email.
 */
import { MIN_PASSWORD_LENGTH, type Session } from '#protocol';
import { RelayApi, RelayApiError } from '../../core/sync/relay-api.ts';
import { RelaySession, renewingFetch } from '../../core/sync/relay-session.ts';
import type { RelayAccount } from '../../core/sync/relay-workspace.ts';
import { message } from '../shared/messages.ts';

const STORAGE_KEY = 'p2p-clinic-account';
/** Email → the device token its last sign-up or login here answered with; kept across sign-outs. */
export const DEVICE_TOKENS_KEY = 'p2p-clinic-device-tokens';

export interface SignedIn extends Session {
  email: string;
  deviceToken: string;
}

/** What the account dialog says when the Worker refuses, in words a person can act on, in `locale`. */
export function accountErrorMessage(error: unknown, locale: string): string {
  if (!(error instanceof RelayApiError)) return message(locale, 'app.somethingWrong');
  switch (error.code) {
    case 'RATE_LIMITED':
      return message(locale, 'account.error.RATE_LIMITED', { wait: formatWait(error.retryAfter ?? 60, locale) });
    case 'NETWORK':
    case 'INVALID_CREDENTIALS':
    case 'EMAIL_TAKEN':
      return message(locale, `account.error.${error.code}`);
    case 'INVALID_INPUT':
      return message(locale, 'account.error.INVALID_INPUT', { count: MIN_PASSWORD_LENGTH });
    default:
      // The server's own words are English: its code and words are the details behind a sentence in the person's language.
      return message(locale, 'account.error.other', { reason: `${error.code}: ${error.message}` });
  }
}

/** A wait in whole seconds, or in minutes from a minute and a half, as `locale` says "42 seconds". */
export function formatWait(seconds: number, locale: string): string {
  const [value, unit] = seconds < 90 ? [seconds, 'second'] : [Math.ceil(seconds / 60), 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

type StoredSignIn = Pick<SignedIn, 'email' | 'token' | 'deviceToken'> & Partial<SignedIn>;

function isRenewable(stored: StoredSignIn): stored is SignedIn {
  return typeof stored.refreshToken === 'string' && typeof stored.expiresAt === 'number' && typeof stored.refreshExpiresAt === 'number';
}

export interface AccountOptions {
  /** The Worker refused to renew the session: the account is signed out on this device, and says so. */
  onSessionEnded?: () => void;
}

export class Account {
  #signedIn: SignedIn | null = null;
  #session: RelaySession | null = null;
  #sessionEndedFor: string | null = null;
  readonly api: RelayApi;
  readonly #options: AccountOptions;

  constructor(workerUrl: string, options: AccountOptions = {}) {
    this.#options = options;
    this.api = new RelayApi(workerUrl, renewingFetch(() => this.#session));
    const stored = Account.#read();
    // Saved before sessions could be renewed: its token has long expired and nothing can renew it.
    if (stored && !isRenewable(stored)) this.#end(stored.email);
    else if (stored) this.#start(stored);
  }

  get signedIn(): SignedIn | null {
    return this.#signedIn;
  }

  /** The email whose session the Worker refused to renew, until the person signs in again: "Signed out: sign in again". */
  get sessionEndedFor(): string | null {
    return this.#sessionEndedFor;
  }

  /** The account as the sync layer takes it, or null when signed out. */
  relayAccount(): RelayAccount | null {
    const session = this.#session;
    return session ? { api: this.api, getToken: () => session.accessToken() } : null;
  }

  async signUp(email: string, password: string): Promise<void> {
    const { token, expiresAt, refreshToken, refreshExpiresAt, deviceToken } = await this.api.createAccount(email, password);
    this.#save({ email: email.trim().toLowerCase(), token, expiresAt, refreshToken, refreshExpiresAt, deviceToken });
  }

  async signIn(email: string, password: string): Promise<void> {
    const normalised = email.trim().toLowerCase();
    const login = await this.api.login(email, password, Account.#deviceTokens()[normalised]);
    this.#save({ email: normalised, ...login });
  }

  signOut(): void {
    this.#signedIn = null;
    this.#session = null;
    this.#sessionEndedFor = null;
    localStorage.removeItem(STORAGE_KEY);
  }

  #start(signedIn: SignedIn): void {
    this.#signedIn = signedIn;
    // A renewal that ends after a sign-out, or after signing in again, concerns a session nobody uses any more.
    const session: RelaySession = new RelaySession({
      api: this.api,
      session: signedIn,
      onRenewed: (renewed) => {
        if (this.#session === session) this.#store({ ...signedIn, ...renewed });
      },
      onEnded: () => {
        if (this.#session !== session) return;
        this.#end(signedIn.email);
        this.#options.onSessionEnded?.();
      },
    });
    this.#session = session;
  }

  #end(email: string): void {
    this.signOut();
    this.#sessionEndedFor = email;
  }

  #save(signedIn: SignedIn): void {
    this.#sessionEndedFor = null;
    this.#start(signedIn);
    this.#store(signedIn);
    localStorage.setItem(DEVICE_TOKENS_KEY, JSON.stringify({ ...Account.#deviceTokens(), [signedIn.email]: signedIn.deviceToken }));
  }

  #store(signedIn: SignedIn): void {
    this.#signedIn = signedIn;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(signedIn));
  }

  static #deviceTokens(): Record<string, string> {
    try {
      const stored = JSON.parse(localStorage.getItem(DEVICE_TOKENS_KEY) ?? '{}') as unknown;
      return stored && typeof stored === 'object' ? (stored as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  /** The stored session; one saved by an older app lacks the refresh token and its expiries. */
  static #read(): StoredSignIn | null {
    try {
      const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as SignedIn | null;
      return stored && typeof stored.token === 'string' && typeof stored.email === 'string' ? stored : null;
    } catch {
      return null;
    }
  }
}
