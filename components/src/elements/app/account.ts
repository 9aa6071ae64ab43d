/**
 * The person's account on the team's deployment, which turns the relay on: signed in, every synced org also syncs
 * through the encrypted relay. Kept in this origin's localStorage (a token, never the password). Signing out
 * forgets the token only: orgs, their data and keys stay on the device, and so does the Worker's device token for
 * the email, which lets this device sign in again while someone else fails logins for the same email.
 */
import { RelayApi, RelayApiError } from '../../core/sync/relay-api.ts';
import type { RelayAccount } from '../../core/sync/relay-workspace.ts';
import { message } from '../shared/messages.ts';

const STORAGE_KEY = 'p2p-clinic-account';
/** Email → the device token its last sign-up or login here answered with; kept across sign-outs. */
export const DEVICE_TOKENS_KEY = 'p2p-clinic-device-tokens';

export interface SignedIn {
  email: string;
  token: string;
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
    default:
      return message(locale, 'account.error.other', { reason: error.message });
  }
}

/** A wait in whole seconds, or in minutes from a minute and a half, as `locale` says "42 seconds". */
export function formatWait(seconds: number, locale: string): string {
  const [value, unit] = seconds < 90 ? [seconds, 'second'] : [Math.ceil(seconds / 60), 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

export class Account {
  #signedIn: SignedIn | null;
  readonly api: RelayApi;

  constructor(workerUrl: string) {
    this.api = new RelayApi(workerUrl);
    this.#signedIn = Account.#read();
  }

  get signedIn(): SignedIn | null {
    return this.#signedIn;
  }

  /** The account as the sync layer takes it, or null when signed out. */
  relayAccount(): RelayAccount | null {
    const signedIn = this.#signedIn;
    return signedIn ? { api: this.api, getToken: async () => signedIn.token } : null;
  }

  async signUp(email: string, password: string): Promise<void> {
    const created = await this.api.createAccount(email, password);
    this.#save({ email: email.trim().toLowerCase(), token: created.token, deviceToken: created.deviceToken });
  }

  async signIn(email: string, password: string): Promise<void> {
    const normalised = email.trim().toLowerCase();
    const login = await this.api.login(email, password, Account.#deviceTokens()[normalised]);
    this.#save({ email: normalised, token: login.token, deviceToken: login.deviceToken });
  }

  signOut(): void {
    this.#signedIn = null;
    localStorage.removeItem(STORAGE_KEY);
  }

  #save(signedIn: SignedIn): void {
    this.#signedIn = signedIn;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(signedIn));
    localStorage.setItem(DEVICE_TOKENS_KEY, JSON.stringify({ ...Account.#deviceTokens(), [signedIn.email]: signedIn.deviceToken }));
  }

  static #deviceTokens(): Record<string, string> {
    try {
      const stored = JSON.parse(localStorage.getItem(DEVICE_TOKENS_KEY) ?? '{}') as unknown;
      return stored && typeof stored === 'object' ? (stored as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  static #read(): SignedIn | null {
    try {
      const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as SignedIn | null;
      return stored && typeof stored.token === 'string' && typeof stored.email === 'string' ? stored : null;
    } catch {
      return null;
    }
  }
}
