import { beforeAll, describe, expect, it } from 'vitest';
import { accountErrorMessage } from '../src/elements/app/account.ts';
import { RelayApiError } from '../src/core/sync/relay-api.ts';
import { loadMessages } from '../src/elements/shared/messages.ts';

describe('what the account dialog says when the Worker refuses', () => {
  beforeAll(() => Promise.all([loadMessages('de'), loadMessages('ar')]));

  it('gives the wait of a 429 in seconds or minutes', () => {
    expect(accountErrorMessage(new RelayApiError('RATE_LIMITED', 'slow down', 429, 42), 'en-GB')).toBe('Too many attempts. Please wait 42 seconds and try again.');
    expect(accountErrorMessage(new RelayApiError('RATE_LIMITED', 'slow down', 429, 900), 'en-GB')).toBe('Too many attempts. Please wait 15 minutes and try again.');
  });

  it('names wrong credentials, a taken email and a missing network in words', () => {
    expect(accountErrorMessage(new RelayApiError('INVALID_CREDENTIALS', 'x', 401), 'en-GB')).toBe('Wrong email or password.');
    expect(accountErrorMessage(new RelayApiError('EMAIL_TAKEN', 'x', 409), 'en-GB')).toBe('An account with this email exists already: sign in instead.');
    expect(accountErrorMessage(new RelayApiError('NETWORK', 'x', 0), 'en-GB')).toMatch(/^No connection/);
  });

  it('speaks the person’s language, the wait included', () => {
    expect(accountErrorMessage(new RelayApiError('RATE_LIMITED', 'slow down', 429, 900), 'de-DE')).toBe(
      'Zu viele Versuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann noch einmal.',
    );
    expect(accountErrorMessage(new RelayApiError('INVALID_CREDENTIALS', 'x', 401), 'ar-EG')).toBe('البريد الإلكتروني أو كلمة المرور غير صحيحة.');
  });
});
