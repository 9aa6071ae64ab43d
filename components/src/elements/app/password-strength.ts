/**
 * How hard an org password is to guess, for the meter of the share dialog. The password protects the org key in
 * an invite against someone who overhears or guesses the share code, for the five minutes it lives (and its
 * three tries); 12 characters is the recommendation the dialog makes. A rough estimate of entropy from length and
 * character classes, with penalties for repeats and well-known patterns: enough to steer a person away from
 * "password123", not a cracking model.
 */
export type PasswordStrength = 'too-short' | 'weak' | 'fair' | 'strong';

export const RECOMMENDED_PASSWORD_LENGTH = 12;

const COMMON = /^(password|passwort|qwerty|azerty|letmein|welcome|admin|clinic|praxis|123456|abc123)/i;

/** Estimated bits of entropy. */
export function passwordBits(password: string): number {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((pattern) => pattern.test(password)).length;
  const alphabet = [0, 26, 52, 62, 94][classes]!;
  const distinct = new Set(password).size;
  // Repeated characters add little: count each distinct one fully and the repeats at a quarter.
  const effectiveLength = distinct + (password.length - distinct) / 4;
  const bits = effectiveLength * Math.log2(Math.max(alphabet, 2));
  return COMMON.test(password) ? bits / 3 : bits;
}

export function passwordStrength(password: string): PasswordStrength {
  if (password.length < 8) return 'too-short';
  const bits = passwordBits(password);
  if (password.length >= RECOMMENDED_PASSWORD_LENGTH && bits >= 60) return 'strong';
  return bits >= 40 ? 'fair' : 'weak';
}
