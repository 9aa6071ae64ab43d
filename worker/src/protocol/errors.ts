/**
 * Every error the API can answer with, and the one place its HTTP status is decided.
 * Clients act on `code`; `message` is for people.
 */
export const ERROR_STATUS = {
  INVALID_JSON: 400,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  JOIN_REFUSED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  CONFLICT: 409,
  ROOM_FULL: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPGRADE_REQUIRED: 426,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** A refusal the client caused; carries everything needed to answer it. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds the client should wait before trying again (for RATE_LIMITED). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** WebSocket close codes the Worker uses (RFC 6455 §7.4.1). */
export const CLOSE_CODE = {
  /** A message broke the protocol: malformed, unauthorised, or not a member. */
  policyViolation: 1008,
  messageTooBig: 1009,
  /** The room is full; a client may come back later. */
  tryAgainLater: 1013,
} as const;
