import { ParleyError, parsePayload, type Ack, type AckDataOf, type ErrorBody, type EventSchemas } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Socket } from 'socket.io';
import type { z } from 'zod';

/** Turns any thrown value into the body of an error ack; unexpected errors are logged and hidden. */
export function toErrorBody(error: unknown, log: FastifyBaseLogger): ErrorBody {
  if (ParleyError.isInstance(error)) return error.toBody();
  log.error({ err: error }, 'socket handler failed');
  return new ParleyError('internal_error').toBody();
}

/** Options of {@link createSocketEvents}. */
export interface SocketEventsOptions {
  /**
   * Requests of one socket that run at once; more wait their turn, in order. A burst from one client (twenty sends, or a
   * flood of syncs) then cannot take more than its share of the database from everyone else.
   */
  maxInFlight: number;
  /** Requests of one socket that may wait for a turn; more are refused with `rate_limited` at once. */
  maxQueued: number;
  /** Runs before every event's handler, in its turn: e.g. re-checking an agent's token and membership. */
  authorize?: () => Promise<void>;
}

/** The payload a handler of an event with schema `S` receives. */
type PayloadOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Registers handlers on one socket; see {@link createSocketEvents}. */
export interface SocketEvents<Events, Schemas extends EventSchemas<Events>> {
  /**
   * Registers `run` for `event`: the payload is parsed with the event's schema, and the ack answers `{ ok: true, data }`
   * or `{ ok: false, error }`. It never throws: bad input cannot crash the server. A missing ack callback is fine
   * (fire-and-forget events). Only the namespace's own events compile, and `run` returns what the event's ack carries.
   */
  on<E extends keyof Events & string>(event: E, run: (payload: PayloadOf<Schemas[E]>) => Promise<AckDataOf<Events, E>>): void;
}

function takeAck(args: unknown[]): ((answer: Ack<unknown>) => void) | undefined {
  return typeof args.at(-1) === 'function' ? (args.pop() as (answer: Ack<unknown>) => void) : undefined;
}

/**
 * The event handlers of one socket. Every event gets an answer: an event this namespace doesn't have gets
 * `unknown_event` (a visitor-only event sent on the agent namespace too), instead of silence the client would wait on
 * until its timeout.
 */
export function createSocketEvents<Events, Schemas extends EventSchemas<Events>>(
  socket: Socket,
  schemas: Schemas,
  log: FastifyBaseLogger,
  options: SocketEventsOptions,
): SocketEvents<Events, Schemas> {
  const known = new Set<string>();
  let running = 0;
  const waiting: Array<() => void> = [];

  socket.onAny(function answerUnknownEvent(event: unknown, ...args: unknown[]) {
    if (typeof event === 'string' && known.has(event)) return;
    const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
    takeAck(args)?.({ ok: false, error: new ParleyError('unknown_event', `This connection has no "${name}" event.`).toBody() });
  });

  /** Resolves when the request may run, false when it may not even wait. */
  function takeTurn(): Promise<boolean> | boolean {
    if (running < options.maxInFlight) {
      running++;
      return true;
    }
    if (waiting.length >= options.maxQueued) return false;
    // The finished request hands its slot over: `running` stays as it is.
    return new Promise((resolve) => waiting.push(() => resolve(true)));
  }

  function releaseTurn() {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  return {
    on(event, run) {
      known.add(event);
      const schema: z.ZodType | null = schemas[event];
      socket.on(event as string, async function handleSocketEvent(...args: unknown[]) {
        const ack = takeAck(args);
        if (!(await takeTurn())) {
          ack?.({
            ok: false,
            error: new ParleyError('rate_limited', 'Too many requests at once on this connection; wait for the answers.').toBody(),
          });
          return;
        }
        let answer: Ack<unknown>;
        try {
          await options.authorize?.();
          const payload = (schema ? parsePayload(schema, args[0]) : undefined) as PayloadOf<Schemas[typeof event]>;
          answer = { ok: true, data: await run(payload) };
        } catch (error) {
          answer = { ok: false, error: toErrorBody(error, log) };
        } finally {
          releaseTurn();
        }
        ack?.(answer);
      });
    },
  };
}
