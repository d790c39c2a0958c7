/**
 * Parsing helpers that turn zod failures into `invalid_payload` errors.
 * @module
 */
import type { z } from 'zod';
import { ParleyError } from './errors.js';

/**
 * Parses `input` with `schema`, or throws a `ParleyError('invalid_payload')` listing the wrong fields.
 *
 * @example
 * ```ts
 * const send = parsePayload(visitorMessageSendSchema, payload)
 * ```
 */
export function parsePayload<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ParleyError('invalid_payload', undefined, {
    issues: result.error.issues.slice(0, 10).map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}
