import type { AgentServerEvents, AssistRequest } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { agent, CONVERSATION_ID } from './__fixtures__/factories.js';
import type { ConsoleApi } from './api.js';
import { createConsoleController } from './console-controller.js';
import type { AgentConnection, ConnectionEvent } from './socket.js';

// How the controller carries AI help: requests over the live connection, `assist:*` events into its store, and a
// lost connection failing the answers that were streaming. The rest of the controller has its own tests.

/** An API with nothing in it: the inbox, messages, notes and presence are empty; anything else is refused. */
const emptyApi = new Proxy({} as ConsoleApi, {
  get(_target, name) {
    const empty: Record<string, unknown> = {
      listConversations: { conversations: [], nextCursor: null },
      listMessages: { messages: [], hasMore: false },
      listNotes: { notes: [] },
      listPresence: { agents: [] },
      me: { agent, email: true },
    };
    return () => (String(name) in empty ? Promise.resolve(empty[String(name)]) : Promise.reject(new ParleyError('forbidden')));
  },
});

function fakeConnection() {
  const handlers = new Map<string, (payload: never) => void>();
  const listeners: Array<(event: ConnectionEvent) => void> = [];
  const requests: AssistRequest[] = [];
  let refuse: ParleyError | null = null;
  const connection = {
    connected: true,
    onConnection: (listener: (event: ConnectionEvent) => void) => void listeners.push(listener),
    on: (event: string, listener: (payload: never) => void) => void handlers.set(event, listener),
    send: () => new Promise<never>(() => {}),
    setPresence: () => new Promise<never>(() => {}),
    setTyping() {},
    prepareAttachment: () => new Promise<never>(() => {}),
    attachmentUrl: () => new Promise<never>(() => {}),
    async requestAssist(payload: AssistRequest) {
      requests.push(payload);
      if (refuse) throw refuse;
      return { requestId: `request-${requests.length}` };
    },
    close() {},
  } satisfies AgentConnection;
  return {
    connection,
    requests,
    refuseWith(error: ParleyError) {
      refuse = error;
    },
    emit<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) {
      (handlers.get(event) as ((...values: Parameters<AgentServerEvents[E]>) => void) | undefined)?.(...args);
    },
    disconnect() {
      for (const listener of listeners) listener({ type: 'disconnected', reason: 'transport close' });
    },
  };
}

function start(fake: ReturnType<typeof fakeConnection>, onSessionEnded = (_message: string) => {}) {
  const controller = createConsoleController({
    api: emptyApi,
    session: { token: 'token-1', expiresAt: '2999-01-01T00:00:00.000Z', agent },
    connect: () => fake.connection,
    onSessionEnded,
    openId: CONVERSATION_ID,
  });
  controller.start();
  return controller;
}

describe('the console controller and AI help', () => {
  it('sends assist:request and feeds assist:delta and assist:end into its store', async () => {
    const fake = fakeConnection();
    const controller = start(fake);
    const changes = vi.fn();
    controller.assist.subscribe(changes);

    controller.assist.request(CONVERSATION_ID, 'summary');
    expect(fake.requests).toEqual([{ conversationId: CONVERSATION_ID, kind: 'summary' }]);
    await vi.waitFor(() => expect(changes).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    fake.emit('assist:delta', { requestId: 'request-1', text: 'The visitor ' });
    fake.emit('assist:delta', { requestId: 'request-1', text: 'wants a refund.' });
    expect(controller.assist.get(CONVERSATION_ID, 'summary')).toMatchObject({ status: 'streaming', text: 'The visitor wants a refund.' });
    fake.emit('assist:end', { requestId: 'request-1', text: 'The visitor wants a refund.', sources: [] });
    expect(controller.assist.get(CONVERSATION_ID, 'summary')).toMatchObject({ status: 'done', text: 'The visitor wants a refund.' });
    controller.stop();
  });

  it('fails the answers streaming when the connection drops', async () => {
    const fake = fakeConnection();
    const controller = start(fake);
    controller.assist.request(CONVERSATION_ID, 'reply');
    await new Promise((resolve) => setTimeout(resolve, 0));
    fake.emit('assist:delta', { requestId: 'request-1', text: 'Hi' });
    fake.disconnect();
    expect(controller.assist.get(CONVERSATION_ID, 'reply')).toMatchObject({ status: 'error', text: 'Hi' });
    expect(controller.getState().connection).toBe('offline');
    controller.stop();
  });

  it('ends the session when the server no longer accepts it', async () => {
    const fake = fakeConnection();
    const ended = vi.fn();
    const controller = start(fake, ended);
    fake.refuseWith(new ParleyError('unauthorized', 'Your session has expired; sign in again.'));
    controller.assist.request(CONVERSATION_ID, 'summary');
    await vi.waitFor(() => expect(ended).toHaveBeenCalledWith('Your session has ended. Sign in again.'));
  });
});
