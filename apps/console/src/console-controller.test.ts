import type { AgentMessageSend, AgentServerEvents, Message, MessageSent, PresenceStatus } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { agent, CONVERSATION_ID, message, summary, ticket } from './__fixtures__/factories.js';
import type { ConsoleApi } from './api.js';
import { createConsoleController } from './console-controller.js';
import type { AgentConnection, ConnectionEvent } from './socket.js';

/** A server in memory behind the console's own `ConsoleApi` and `AgentConnection` interfaces. */
function fakeServer() {
  const stored: Message[] = [message(1), message(2)];
  const messageQueries: number[] = [];
  const listCalls: number[] = [];
  const listQueries: { status?: string; limit?: number }[] = [];
  const sends: AgentMessageSend[] = [];
  const handlers = new Map<string, (payload: never) => void>();
  const connectionListeners: ((event: ConnectionEvent) => void)[] = [];
  let refuseWith: ParleyError | null = null;
  const presence = [
    { userId: agent.id, name: agent.name, status: 'online' as PresenceStatus },
    { userId: 'user-2', name: 'Zoe', status: 'offline' as PresenceStatus },
  ];
  const presenceSets: PresenceStatus[] = [];

  const api: ConsoleApi = {
    login: () => Promise.reject(new ParleyError('forbidden')),
    me: () => Promise.resolve({ agent, email: true }),
    async listConversations(query = {}) {
      listCalls.push(Date.now());
      listQueries.push(query);
      if (refuseWith) throw refuseWith;
      const last = stored.at(-1)!;
      return {
        conversations: [summary({ lastSeq: last.seq, lastMessage: { body: last.body, authorKind: last.author.kind } })],
      };
    },
    async listMessages(_conversationId, query = {}) {
      const afterSeq = query.afterSeq ?? 0;
      messageQueries.push(afterSeq);
      return { messages: stored.filter((held) => held.seq > afterSeq), hasMore: false };
    },
    sendReply: () => Promise.reject(new ParleyError('unavailable')),
    updateConversation: (_conversationId, update) =>
      Promise.resolve(summary({ status: update.status ?? 'agent', updatedAt: '2025-01-02T00:00:00.000Z' })),
    // The controller never touches the knowledge base.
    listKnowledgeDocuments: () => Promise.reject(new ParleyError('forbidden')),
    importKnowledgeDocument: () => Promise.reject(new ParleyError('forbidden')),
    deleteKnowledgeDocument: () => Promise.reject(new ParleyError('forbidden')),
    searchKnowledge: () => Promise.reject(new ParleyError('forbidden')),
    // Nor saved replies: the reply box and their page ask for them.
    listSavedReplies: () => Promise.reject(new ParleyError('forbidden')),
    createSavedReply: () => Promise.reject(new ParleyError('forbidden')),
    updateSavedReply: () => Promise.reject(new ParleyError('forbidden')),
    deleteSavedReply: () => Promise.reject(new ParleyError('forbidden')),
    listPresence: async () => ({ agents: presence }),
    transferConversation: (_conversationId, request) =>
      Promise.resolve(
        summary({
          status: request.target.to === 'agent' ? 'agent' : 'queued',
          transferNote: request.note ? { note: request.note, fromName: agent.name, at: '2025-01-02T00:00:00.000Z' } : null,
        }),
      ),
    listTeams: async () => ({ teams: [{ id: 'team-1', name: 'Billing', memberIds: ['user-2'] }] }),
    openTicket: (_conversationId, request) => Promise.resolve(summary({ status: 'agent', ticket: ticket({ priority: request.priority }) })),
    updateTicket: (_conversationId, update) =>
      Promise.resolve(summary({ status: 'agent', ticket: ticket({ status: update.pending ? 'pending' : 'open' }) })),
  };

  const connection = {
    connected: false as boolean,
    onConnection(listener: (event: ConnectionEvent) => void) {
      connectionListeners.push(listener);
    },
    on(event: string, listener: (payload: never) => void) {
      handlers.set(event, listener);
    },
    async send(payload: AgentMessageSend): Promise<MessageSent> {
      sends.push(payload);
      const seq = stored.length + 1;
      const created = message(seq, {
        id: `message-${seq}`,
        clientId: payload.clientId,
        author: { kind: 'agent', id: agent.id, name: agent.name },
        body: payload.body,
      });
      stored.push(created);
      return { id: created.id, conversationId: created.conversationId, seq, createdAt: created.createdAt };
    },
    async setPresence(payload: { status: 'online' | 'away' }): Promise<PresenceStatus> {
      presenceSets.push(payload.status);
      return payload.status;
    },
    setTyping() {},
    close() {},
  } satisfies AgentConnection;

  return {
    api,
    connection,
    stored,
    messageQueries,
    listCalls,
    listQueries,
    sends,
    presenceSets,
    refuse(error: ParleyError) {
      refuseWith = error;
    },
    setConnected(connected: boolean) {
      connection.connected = connected;
      for (const listener of connectionListeners) {
        listener(connected ? { type: 'connected' } : { type: 'disconnected', reason: 'transport close' });
      }
    },
    emit<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) {
      (handlers.get(event) as ((...values: Parameters<AgentServerEvents[E]>) => void) | undefined)?.(...args);
    },
  };
}

const session = { token: 'token-1', expiresAt: '2999-01-01T00:00:00.000Z', agent };

function start(server: ReturnType<typeof fakeServer>, onSessionEnded = (_message: string) => {}) {
  const controller = createConsoleController({
    api: server.api,
    session,
    connect: () => server.connection,
    onSessionEnded,
    openId: CONVERSATION_ID,
  });
  controller.start();
  return controller;
}

const seqsOf = (controller: ReturnType<typeof start>) =>
  controller.getState().threads[CONVERSATION_ID]?.messages.map((held) => held.seq) ?? [];

describe('createConsoleController', () => {
  it('after a reconnection, fetches what was missed after the last seq seen, and shows each message once', async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2]));

    server.setConnected(false);
    expect(controller.getState().connection).toBe('offline');
    // While the socket is down the visitor writes twice; the second message's event arrives right after reconnecting.
    server.stored.push(message(3), message(4));
    const listCallsBefore = server.listCalls.length;
    const queriesBefore = server.messageQueries.length;
    server.setConnected(true);
    server.emit('message:created', message(4));

    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2, 3, 4]));
    expect(server.messageQueries[queriesBefore]).toBe(2);
    expect(server.listCalls.length).toBeGreaterThan(listCallsBefore);
    await vi.waitFor(() => expect(controller.getState().conversations[0]!.lastSeq).toBe(4));
    controller.stop();
  });

  it('shows a sent reply once, whether the ack or message:created comes first', async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2]));

    controller.send(CONVERSATION_ID, 'Happy to help!');
    expect(controller.getState().threads[CONVERSATION_ID]!.pending).toHaveLength(1);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2, 3]));
    server.emit('message:created', server.stored[2]!);

    const thread = controller.getState().threads[CONVERSATION_ID]!;
    expect(thread.pending).toEqual([]);
    expect(thread.messages.map((held) => held.body)).toEqual(['Message 1', 'Message 2', 'Happy to help!']);
    expect(server.sends).toEqual([{ conversationId: CONVERSATION_ID, clientId: server.sends[0]!.clientId, body: 'Happy to help!' }]);
    controller.stop();
  });

  it('ends the session when the server no longer accepts the token', async () => {
    const server = fakeServer();
    server.refuse(new ParleyError('unauthorized', 'Token expired.'));
    const ended: string[] = [];
    start(server, (reason) => ended.push(reason));
    await vi.waitFor(() => expect(ended).toEqual(['Your session has ended. Sign in again.']));
  });

  it('streams the bot reply into the open conversation and drops it when the turn is cancelled', async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2]));

    const author = { kind: 'bot' as const, id: null, name: 'Assistant' };
    server.emit('bot:reply-start', {
      conversationId: CONVERSATION_ID,
      messageId: 'message-3',
      author,
      createdAt: '2025-01-01T12:00:03.000Z',
    });
    server.emit('bot:reply-delta', { conversationId: CONVERSATION_ID, messageId: 'message-3', delta: 'Let me ' });
    server.emit('bot:reply-delta', { conversationId: CONVERSATION_ID, messageId: 'message-3', delta: 'check.' });
    expect(controller.getState().threads[CONVERSATION_ID]!.botReplies).toMatchObject([{ text: 'Let me check.' }]);

    server.emit('bot:reply-end', { conversationId: CONVERSATION_ID, messageId: 'message-3', status: 'cancelled' });
    expect(controller.getState().threads[CONVERSATION_ID]!.botReplies).toEqual([]);
    expect(seqsOf(controller)).toEqual([1, 2]);
    controller.stop();
  });

  it("shows the server's message when it rejects a status change", async () => {
    const server = fakeServer();
    server.api.updateConversation = () =>
      Promise.reject(new ParleyError('transition_rejected', 'A resolved conversation cannot go back to the bot.'));
    const controller = start(server);

    await controller.update(CONVERSATION_ID, { status: 'bot' });
    expect(controller.getState().notice).toBe('A resolved conversation cannot go back to the bot.');
    controller.stop();
  });

  it('transfers a conversation and shows its new summary, or the reason it was refused', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    expect(await controller.listTeams()).toEqual([{ id: 'team-1', name: 'Billing', memberIds: ['user-2'] }]);

    const done = await controller.transfer(CONVERSATION_ID, { target: { to: 'team', teamId: 'team-1' }, note: 'VIP' });
    expect(done).toBe(true);
    const transferred = controller.getState().conversations.find((conversation) => conversation.id === CONVERSATION_ID);
    expect(transferred).toMatchObject({ status: 'queued', transferNote: { note: 'VIP' } });

    server.api.transferConversation = () => Promise.reject(new ParleyError('not_found', 'Your organization has no team with this id.'));
    expect(await controller.transfer(CONVERSATION_ID, { target: { to: 'team', teamId: 'gone' } })).toBe(false);
    expect(controller.getState().notice).toBe('Your organization has no team with this id.');
    server.api.listTeams = () => Promise.reject(new ParleyError('unavailable', 'The server is restarting.'));
    expect(await controller.listTeams()).toEqual([]);
    expect(controller.getState().notice).toBe('The server is restarting.');
    controller.stop();
  });

  it('makes a conversation a follow-up and changes it, reloading the inbox when a refusal shows it missed an update', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    const ticketShown = () => controller.getState().conversations.find((conversation) => conversation.id === CONVERSATION_ID)?.ticket;

    await controller.openTicket(CONVERSATION_ID, 'high');
    expect(ticketShown()).toMatchObject({ status: 'open', priority: 'high' });
    await controller.updateTicket(CONVERSATION_ID, { pending: true });
    expect(ticketShown()).toMatchObject({ status: 'pending' });

    // Another agent made it a follow-up while the socket was down: the inbox reloads to show it.
    server.api.openTicket = () => Promise.reject(new ParleyError('conflict', 'This conversation is a follow-up already.'));
    let listed = server.listCalls.length;
    await controller.openTicket(CONVERSATION_ID, 'normal');
    expect(controller.getState().notice).toBe('This conversation is a follow-up already.');
    await vi.waitFor(() => expect(server.listCalls.length).toBe(listed + 1));

    // A refusal about the follow-up's state says nothing of a stale inbox: no reload.
    server.api.updateTicket = () =>
      Promise.reject(new ParleyError('transition_rejected', 'A resolved follow-up cannot wait on the customer; reopen it first.'));
    listed = server.listCalls.length;
    await controller.updateTicket(CONVERSATION_ID, { pending: true });
    expect(controller.getState().notice).toBe('A resolved follow-up cannot wait on the customer; reopen it first.');
    expect(server.listCalls.length).toBe(listed);
    controller.stop();
  });

  it('also lists the queued conversations while the inbox is filtered on them, on every reload', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    expect(server.listQueries).toEqual([{ limit: 200 }]);

    controller.listStatus('queued');
    await vi.waitFor(() => expect(server.listQueries).toHaveLength(3));
    expect(server.listQueries.slice(1)).toEqual([{ limit: 200 }, { status: 'queued', limit: 200 }]);

    server.setConnected(true);
    await vi.waitFor(() => expect(server.listQueries).toHaveLength(5));
    expect(server.listQueries.slice(3)).toEqual([{ limit: 200 }, { status: 'queued', limit: 200 }]);
    controller.stop();
  });

  it('keeps whether the server sends e-mail from GET /api/me, and asks again after a reconnection', async () => {
    const server = fakeServer();
    const controller = start(server);
    expect(controller.getState().email).toBeNull();
    await vi.waitFor(() => expect(controller.getState().email).toBe(true));

    // Restarted without PARLEY_SMTP_URL: the reconnection that follows brings the new answer.
    server.api.me = () => Promise.resolve({ agent, email: false });
    server.setConnected(true);
    await vi.waitFor(() => expect(controller.getState().email).toBe(false));

    // A failed answer leaves the last one.
    let refused = 0;
    server.api.me = async () => {
      refused++;
      throw new ParleyError('unavailable');
    };
    server.setConnected(false);
    server.setConnected(true);
    await vi.waitFor(() => expect(refused).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(controller.getState().email).toBe(false);
    expect(controller.getState().notice).toBeNull();
    controller.stop();
  });

  it("loads the team's presence, follows presence:changed, and sets the agent away", async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(controller.getState().presence['user-2']?.status).toBe('offline'));

    server.emit('presence:changed', { userId: 'user-2', status: 'online' });
    expect(controller.getState().presence['user-2']?.status).toBe('online');

    await controller.setPresence('away');
    expect(server.presenceSets).toEqual(['away']);
    expect(controller.getState().presence[agent.id]?.status).toBe('away');
    controller.stop();
  });
});
