/**
 * The two kinds of failure a handler can meet (CONVENTIONS "Errors and retries"): bad input,
 * which is permanent, reported to the user and acknowledged; and transient trouble, which makes
 * the message come back.
 */

/**
 * Bad input: permanent. Reported to the user (HTTP 4xx, CLI non-zero exit, a batch marked
 * `rejected`) and acknowledged, never retried.
 * @example throw new ValidationError('events.csv: missing required column "user_id"', 422)
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  /**
   * @param message - the whole explanation, naming the file and the problem
   * @param httpStatus - the status an HTTP caller receives (400, 404, 413, 415, 422...)
   * @param location - the line and column at fault, when there is one
   * @param details - more for an HTTP caller, sent beside `error` (a field's path, the states an
   *   experiment may move to)
   */
  constructor(
    message: string,
    readonly httpStatus: number = 422,
    readonly location: ErrorLocation = {},
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** Where in a file a problem is: a 1-based line and a column name. */
export interface ErrorLocation {
  readonly line?: number;
  readonly column?: string;
}

/**
 * A failure worth retrying (a database or storage hiccup). A Pub/Sub handler that throws it
 * makes the message be redelivered with backoff; an HTTP caller gets its status (503 by
 * default, 507 when storage is full) with `Retry-After`.
 * @example throw new TransientError('storage unavailable', { cause: err })
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  /** The status an HTTP caller receives. */
  readonly httpStatus: number;

  /**
   * @param message - what failed, for a person (no host, address or local path)
   * @param options - the cause, and the HTTP status (503 unless given)
   */
  constructor(
    message: string,
    options: { readonly cause?: unknown; readonly httpStatus?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.httpStatus = options.httpStatus ?? 503;
  }
}

/**
 * Tells whether an error is worth retrying.
 * @param error - anything thrown
 * @returns true for a {@link TransientError}
 * @example isTransientError(new TransientError('database unavailable')) // true
 */
export function isTransientError(error: unknown): error is TransientError {
  return error instanceof TransientError;
}

/**
 * Tells whether an error is permanent bad input.
 * @param error - anything thrown
 * @returns true for a {@link ValidationError}
 * @example isValidationError(new ValidationError('x')) // true
 */
export function isValidationError(error: unknown): error is ValidationError {
  return error instanceof ValidationError;
}
