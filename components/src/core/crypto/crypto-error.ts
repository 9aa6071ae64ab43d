/**
 * Every failure of the client's cryptography is a `CryptoError` with a code the UI and the sync layer can act on;
 * no crypto function returns partial or unauthenticated data instead of throwing.
 */
export type CryptoErrorCode =
  /** A ciphertext was tampered with, truncated, bound to another context or sealed under another key. */
  | 'DECRYPT_FAILED'
  /** A sealed message names a format version this build does not know (a newer app wrote it). */
  | 'UNSUPPORTED_VERSION'
  /** Key material of the wrong size or encoding. */
  | 'INVALID_KEY'
  /** A challenge or response of the wrong size, or a handshake step out of order. */
  | 'INVALID_CHALLENGE';

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}
