import { ParleyError, parsePayload, type Ack, type ErrorBody } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Socket } from 'socket.io';
import type { z } from 'zod';

/** Turns any thrown value into the body of an error ack; unexpected errors are logged and hidden. */
export function toErrorBody(error: unknown, log: FastifyBaseLogger): ErrorBody {
  if (ParleyError.isInstance(error)) return error.toBody();
  log.error({ err: error }, 'socket handler failed');
  return new ParleyError('internal_error').toBody();
}

/**
 * Registers a socket event handler that parses its payload with `schema`, runs `run`, and answers the ack with
 * `{ ok: true, data }` or `{ ok: false, error }`. It never throws: bad input cannot crash the server.
 * A missing ack callback is fine (fire-and-forget events).
 */
export function onEvent<S extends z.ZodType, T>(
  socket: Socket,
  event: string,
  schema: S | null,
  log: FastifyBaseLogger,
  run: (payload: z.output<S>) => Promise<T>,
): void {
  socket.on(event, async function handleSocketEvent(...args: unknown[]) {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (args.pop() as (answer: Ack<T>) => void) : undefined;
    let answer: Ack<T>;
    try {
      const payload = schema ? parsePayload(schema, args[0]) : (undefined as z.output<S>);
      answer = { ok: true, data: await run(payload) };
    } catch (error) {
      answer = { ok: false, error: toErrorBody(error, log) };
    }
    ack?.(answer);
  });
}
