import { EventEmitter } from 'node:events';
import { ParleyError, type Ack, type AckCallback } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSocketEvents } from './socket-handler.js';

/** Just enough of a Socket.IO socket: `on` handlers and `onAny` listeners, called as Socket.IO calls them. */
function fakeSocket() {
  const emitter = new EventEmitter();
  const anyListeners: Array<(...args: unknown[]) => void> = [];
  const socket = {
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    onAny: (listener: (...args: unknown[]) => void) => anyListeners.push(listener),
  };
  function receive(event: string, ...args: unknown[]): Promise<Ack<unknown>> {
    return new Promise((resolve) => {
      const withAck = [...args, resolve];
      for (const listener of anyListeners) listener(event, ...withAck);
      emitter.emit(event, ...withAck);
    });
  }
  return { socket: socket as unknown as Socket, receive };
}

const log = { error: () => undefined } as unknown as FastifyBaseLogger;

/** The events of these tests, as a namespace's map in the protocol declares them, and their payload schemas. */
interface TestEvents {
  slow: (index: number, ack: AckCallback<number>) => void;
  echo: (payload: { text: string }, ack: AckCallback<string>) => void;
}
const schemas = { slow: z.number(), echo: z.object({ text: z.string() }) } as const;

describe('createSocketEvents', () => {
  it('runs at most maxInFlight requests at once, queues maxQueued more in order, and refuses the rest at once', async () => {
    const { socket, receive } = fakeSocket();
    const events = createSocketEvents<TestEvents, typeof schemas>(socket, schemas, log, { maxInFlight: 2, maxQueued: 1 });
    const started: number[] = [];
    const gates: Array<() => void> = [];
    events.on('slow', (index) => {
      started.push(index);
      return new Promise<number>((resolve) => gates.push(() => resolve(index)));
    });
    const answers = [0, 1, 2, 3].map((index) => receive('slow', index));
    expect(await answers[3]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(started).toEqual([0, 1]);
    gates[0]!();
    expect(await answers[0]).toEqual({ ok: true, data: 0 });
    // The freed slot goes to the waiting request.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const open of gates.slice(1)) open();
    expect(await Promise.all(answers.slice(1, 3))).toEqual([
      { ok: true, data: 1 },
      { ok: true, data: 2 },
    ]);
  });

  it('parses payloads, answers unknown events, and runs authorize before every handler', async () => {
    const { socket, receive } = fakeSocket();
    let allowed = true;
    const events = createSocketEvents<TestEvents, typeof schemas>(socket, schemas, log, {
      maxInFlight: 4,
      maxQueued: 4,
      authorize: async () => {
        if (!allowed) throw new ParleyError('unauthorized');
      },
    });
    events.on('echo', async (payload) => payload.text);
    expect(await receive('echo', { text: 'hi' })).toEqual({ ok: true, data: 'hi' });
    expect(await receive('echo', { text: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await receive('nope')).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
    allowed = false;
    expect(await receive('echo', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});
