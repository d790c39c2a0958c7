/**
 * How errors are written to the log. Drizzle puts a failed query's parameters in the error message, and those are
 * message bodies, e-mail addresses and phone numbers: they are withheld, the SQL text is kept.
 * @module
 */

const PARAMS_LINE = /\nparams: [^\n]*/g;

/** What {@link serializeError} returns: pino's error shape. */
export interface SerializedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** A log-safe copy of an error: type, message, stack, code and cause, with query parameters withheld. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error), stack: '' };
  const serialized: SerializedError = {
    type: error.name,
    message: error.message.replace(PARAMS_LINE, '\nparams: [withheld]'),
    stack: (error.stack ?? '').replace(PARAMS_LINE, '\nparams: [withheld]'),
  };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) serialized.code = code;
  if (error.cause !== undefined && depth < 3) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}
