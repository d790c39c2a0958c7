/**
 * Type tests, checked by `tsc -p test` (pnpm typecheck): the socket events a namespace serves are the protocol's, with
 * their payload and ack types, so a misspelled event or a wrong answer does not compile.
 */
import {
  agentEventSchemas,
  visitorEventSchemas,
  type AgentClientEvents,
  type MessageSent,
  type Session,
  type VisitorClientEvents,
} from '@parley/protocol';
import type { Socket } from 'socket.io';
import { expectTypeOf } from 'vitest';
import { createSocketEvents } from './socket-handler.js';

declare const socket: Socket;
declare const log: Parameters<typeof createSocketEvents>[2];
const options = { maxInFlight: 1, maxQueued: 1 };

const visitor = createSocketEvents<VisitorClientEvents, typeof visitorEventSchemas>(socket, visitorEventSchemas, log, options);
visitor.on('message:send', async (payload) => {
  expectTypeOf(payload).toEqualTypeOf<{
    clientId: string;
    body: string;
    topic?: string | undefined;
    proactive?: string | undefined;
    attachments?: string[] | undefined;
  }>();
  return {} as MessageSent;
});
visitor.on('session:get', async (payload) => {
  expectTypeOf(payload).toEqualTypeOf<undefined>();
  return {} as Session;
});
visitor.on('typing:set', async () => null);
// @ts-expect-error: a misspelled event does not compile.
visitor.on('message:sned', async () => null);
// @ts-expect-error: nor does an agent-only answer shape: message:send acks with MessageSent.
visitor.on('message:send', async () => ({ wrong: true }));

const agent = createSocketEvents<AgentClientEvents, typeof agentEventSchemas>(socket, agentEventSchemas, log, options);
agent.on('message:send', async (payload) => {
  expectTypeOf(payload.conversationId).toEqualTypeOf<string>();
  return {} as MessageSent;
});
// @ts-expect-error: a visitor-only event is not the agent namespace's.
agent.on('session:get', async () => ({}) as Session);
agent.on('presence:set', async (payload) => {
  expectTypeOf(payload).toEqualTypeOf<{ status: 'online' | 'away' }>();
  return { status: payload.status };
});
// @ts-expect-error: presence:set acks with the status in force, which is never a bare string.
agent.on('presence:set', async () => 'away');
