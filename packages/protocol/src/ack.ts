/**
 * The shape of every socket acknowledgement.
 * @module
 */
import { z } from 'zod';
import { errorCodes, type ErrorBody } from './errors.js';

/** The error part of a failed ack or REST response. */
export const errorBodySchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** An acknowledgement: `{ ok: true, data }` or `{ ok: false, error }`. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** The callback a socket event handler is given to answer with. */
export type AckCallback<T> = (ack: Ack<T>) => void;

/** Builds the zod schema of an ack whose data is `data`. */
export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: errorBodySchema })]);
}
