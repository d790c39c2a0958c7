/**
 * The error table: every error a Parley client can receive, with its HTTP status and a default message.
 * REST responses and socket acks carry the same `code`.
 * @module
 */

/** Every error code, with the HTTP status used on REST and the default message shown to people. */
export const errorTable = {
  invalid_payload: { status: 400, message: 'The request payload is not valid.' },
  message_too_long: { status: 413, message: 'The message is longer than the allowed limit.' },
  unauthorized: { status: 401, message: 'Authentication is required or has failed.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  origin_not_allowed: { status: 403, message: 'This website is not allowed to use this widget.' },
  unknown_widget: { status: 401, message: 'No widget has this key.' },
  identity_invalid: { status: 401, message: 'The identity token is invalid.' },
  identity_expired: { status: 401, message: 'The identity token expired.' },
  identity_replayed: { status: 401, message: 'The identity token was used already.' },
  not_found: { status: 404, message: 'Not found.' },
  unknown_event: { status: 400, message: 'This connection has no such event.' },
  invalid_document: { status: 422, message: 'The document could not be imported.' },
  transition_rejected: { status: 409, message: 'The conversation cannot do this in its current state.' },
  conflict: { status: 409, message: 'This conflicts with something that exists already.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down and try again.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code from {@link errorTable}. */
export type ErrorCode = keyof typeof errorTable;

/** The list of error codes, for `z.enum` and exhaustive checks. */
export const errorCodes = Object.keys(errorTable) as [ErrorCode, ...ErrorCode[]];

/** The error body sent to clients, in acks and REST responses alike. Never contains a stack trace. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Which fields were wrong, for `invalid_payload`. */
  issues?: Array<{ path: string; message: string }>;
}

const marker = Symbol.for('parley.error');

/**
 * The error type of every Parley package. `ParleyError.isInstance` works across duplicate copies of the
 * package, since it checks a `Symbol.for` marker rather than the prototype chain.
 *
 * @example
 * ```ts
 * try { await client.send('hi') } catch (error) {
 *   if (ParleyError.isInstance(error) && error.code === 'rate_limited') wait()
 * }
 * ```
 */
export class ParleyError extends Error {
  private readonly [marker] = true;
  override readonly name = 'ParleyError';
  readonly code: ErrorCode;
  readonly issues: ErrorBody['issues'];

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; issues?: ErrorBody['issues'] }) {
    super(message ?? errorTable[code].message, { cause: options?.cause });
    this.code = code;
    this.issues = options?.issues;
  }

  /** The HTTP status for this error's code. */
  get status(): number {
    return errorTable[this.code].status;
  }

  /** The body sent to clients. */
  toBody(): ErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }

  /** Rebuilds an error received from the server. Unknown codes become `internal_error`. */
  static fromBody(body: { code: string; message?: string; issues?: ErrorBody['issues'] }): ParleyError {
    const code = (body.code in errorTable ? body.code : 'internal_error') as ErrorCode;
    return new ParleyError(code, body.message, { issues: body.issues });
  }

  /** True for any `ParleyError`, even one made by another copy of this package. */
  static isInstance(value: unknown): value is ParleyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
