import type {
  AgentPreferencesUpdate,
  AgentMessageSend,
  AgentServerEvents,
  ConversationList,
  ConversationListQuery,
  Message,
  MessageSent,
  Note,
  NoteCreate,
  PresenceStatus,
  ToolCall,
  WebhookSubscription,
} from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { agent, CONVERSATION_ID, message, note, summary, ticket } from './__fixtures__/factories.js';
import { pendingAction } from './__fixtures__/pending-actions.js';
import { toolCall } from './__fixtures__/tool-calls.js';
import type { ConsoleApi } from './api.js';
import { COUNTS_DEBOUNCE_MS, createConsoleController, type LiveEvent } from './console-controller.js';
import type { AgentConnection, ConnectionEvent } from './socket.js';

/** A server in memory behind the console's own `ConsoleApi` and `AgentConnection` interfaces. */
function fakeServer() {
  const stored: Message[] = [message(1), message(2)];
  const messageQueries: number[] = [];
  const listCalls: number[] = [];
  const listQueries: ConversationListQuery[] = [];
  const reads: Array<{ conversationId: string; seq: number }> = [];
  const countCalls: number[] = [];
  const sends: AgentMessageSend[] = [];
  const notes: Note[] = [];
  const noteQueries: string[] = [];
  const noteWrites: NoteCreate[] = [];
  const toolCalls: ToolCall[] = [];
  const toolCallQueries: string[] = [];
  const replies: unknown[] = [];
  const handlers = new Map<string, (payload: never) => void>();
  const connectionListeners: ((event: ConnectionEvent) => void)[] = [];
  let refuseWith: ParleyError | null = null;
  const presence = [
    { userId: agent.id, name: agent.name, status: 'online' as PresenceStatus },
    { userId: 'user-2', name: 'Zoe', status: 'offline' as PresenceStatus },
  ];
  const presenceSets: PresenceStatus[] = [];
  const preferenceUpdates: AgentPreferencesUpdate[] = [];
  let preferences = { sound: true, desktopNotifications: false };
  let refusePreferences: ParleyError | null = null;

  const api: ConsoleApi = {
    login: () => Promise.reject(new ParleyError('forbidden')),
    me: () => Promise.resolve({ agent, email: true, preferences }),
    async updatePreferences(update) {
      preferenceUpdates.push(update);
      if (refusePreferences) throw refusePreferences;
      preferences = {
        sound: update.sound ?? preferences.sound,
        desktopNotifications: update.desktopNotifications ?? preferences.desktopNotifications,
      };
      return preferences;
    },
    async listConversations(query = {}) {
      listCalls.push(Date.now());
      listQueries.push(query);
      if (refuseWith) throw refuseWith;
      const last = stored.at(-1)!;
      return {
        conversations: [summary({ lastSeq: last.seq, lastMessage: { body: last.body, authorKind: last.author.kind } })],
        nextCursor: null,
      };
    },
    async inboxCounts() {
      countCalls.push(Date.now());
      return { mine: 1, unassigned: 2, open: 3, followUps: 0, resolved: 4 };
    },
    async markRead(conversationId, request) {
      reads.push({ conversationId, seq: request.seq });
      return { conversationId, lastReadSeq: request.seq, unreadCount: 0 };
    },
    async listMessages(_conversationId, query = {}) {
      const afterSeq = query.afterSeq ?? 0;
      messageQueries.push(afterSeq);
      return { messages: stored.filter((held) => held.seq > afterSeq), hasMore: false };
    },
    sendReply: async (_conversationId, request) => {
      replies.push(request);
      throw new ParleyError('unavailable');
    },
    async listNotes(conversationId) {
      noteQueries.push(conversationId);
      return { notes: notes.filter((held) => held.conversationId === conversationId) };
    },
    // Like the server: placed after the last message, and a retry with the same clientId gives the same note.
    async writeNote(conversationId, request) {
      noteWrites.push(request);
      const id = `note-${request.clientId}`;
      const held = notes.find((candidate) => candidate.id === id);
      if (held) return held;
      const created = note(notes.length + 1, { id, conversationId, afterSeq: stored.at(-1)!.seq, body: request.body });
      notes.push(created);
      return created;
    },
    async listToolCalls(conversationId) {
      toolCallQueries.push(conversationId);
      return { toolCalls: [...toolCalls] };
    },
    updateConversation: (_conversationId, update) =>
      Promise.resolve(summary({ status: update.status ?? 'agent', updatedAt: '2025-01-02T00:00:00.000Z' })),
    // The controller never touches the knowledge base.
    getContact: () => Promise.reject(new ParleyError('not_found')),
    updateContact: () => Promise.reject(new ParleyError('not_found')),
    listKnowledgeDocuments: () => Promise.reject(new ParleyError('forbidden')),
    importKnowledgeDocument: () => Promise.reject(new ParleyError('forbidden')),
    uploadKnowledgeDocument: () => Promise.reject(new ParleyError('forbidden')),
    getKnowledgeDocumentChunks: () => Promise.reject(new ParleyError('forbidden')),
    deleteKnowledgeDocument: () => Promise.reject(new ParleyError('forbidden')),
    searchKnowledge: () => Promise.reject(new ParleyError('forbidden')),
    listKnowledgeSources: () => Promise.reject(new ParleyError('forbidden')),
    createKnowledgeSource: () => Promise.reject(new ParleyError('forbidden')),
    syncKnowledgeSource: () => Promise.reject(new ParleyError('forbidden')),
    updateKnowledgeSource: () => Promise.reject(new ParleyError('forbidden')),
    deleteKnowledgeSource: () => Promise.reject(new ParleyError('forbidden')),
    getKnowledgeSettings: () => Promise.reject(new ParleyError('forbidden')),
    updateKnowledgeSettings: () => Promise.reject(new ParleyError('forbidden')),
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
    listTeams: async () => ({ teams: [{ id: 'team-1', name: 'Billing', memberIds: ['user-2'], botProfileId: null }] }),
    // Nor the widgets' settings, which are a page of their own.
    listWidgets: () => Promise.reject(new ParleyError('forbidden')),
    // Nor the routes of the pages in chunks of their own (webhooks).
    request: () => Promise.reject(new ParleyError('forbidden')),
    updateWidget: () => Promise.reject(new ParleyError('forbidden')),
    updateWidgetRouting: () => Promise.reject(new ParleyError('forbidden')),
    // Nor people, teams, capacities and invitations: the People page and the invitation screen ask for them.
    getRouting: () => Promise.reject(new ParleyError('forbidden')),
    updateDefaultCapacity: () => Promise.reject(new ParleyError('forbidden')),
    updateAgentCapacity: () => Promise.reject(new ParleyError('forbidden')),
    createTeam: () => Promise.reject(new ParleyError('forbidden')),
    updateTeam: () => Promise.reject(new ParleyError('forbidden')),
    deleteTeam: () => Promise.reject(new ParleyError('forbidden')),
    listPeople: () => Promise.reject(new ParleyError('forbidden')),
    updatePerson: () => Promise.reject(new ParleyError('forbidden')),
    createInvitation: () => Promise.reject(new ParleyError('forbidden')),
    resendInvitation: () => Promise.reject(new ParleyError('forbidden')),
    revokeInvitation: () => Promise.reject(new ParleyError('forbidden')),
    lookupInvitation: () => Promise.reject(new ParleyError('forbidden')),
    acceptInvitation: () => Promise.reject(new ParleyError('forbidden')),
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
    // AI help has its own tests (console-controller-assist.test.ts).
    requestAssist: () => new Promise<never>(() => {}),
    prepareAttachment: () => new Promise<never>(() => {}),
    attachmentUrl: () => new Promise<never>(() => {}),
    close() {},
  } satisfies AgentConnection;

  return {
    api,
    connection,
    stored,
    notes,
    noteQueries,
    noteWrites,
    toolCalls,
    toolCallQueries,
    replies,
    messageQueries,
    listCalls,
    listQueries,
    reads,
    countCalls,
    sends,
    presenceSets,
    preferenceUpdates,
    refuse(error: ParleyError) {
      refuseWith = error;
    },
    refusePreferences(error: ParleyError | null) {
      refusePreferences = error;
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

function start(server: ReturnType<typeof fakeServer>, onSessionEnded = (_message: string) => {}, onLiveEvent?: (event: LiveEvent) => void) {
  const controller = createConsoleController({
    api: server.api,
    session,
    connect: () => server.connection,
    onSessionEnded,
    openId: CONVERSATION_ID,
    onLiveEvent,
  });
  controller.start();
  return controller;
}

const seqsOf = (controller: ReturnType<typeof start>) =>
  controller.getState().threads[CONVERSATION_ID]?.messages.map((held) => held.seq) ?? [];

const notesOf = (controller: ReturnType<typeof start>) => controller.getState().notes[CONVERSATION_ID]?.map((held) => held.body) ?? [];

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
    expect(await controller.listTeams()).toEqual([{ id: 'team-1', name: 'Billing', memberIds: ['user-2'], botProfileId: null }]);

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

  it('lists the inbox page after page for its query, and starts over, once, when the query changes', async () => {
    const server = fakeServer();
    const pages: Record<string, ConversationList> = {
      first: { conversations: [summary({ id: 'c1' }), summary({ id: 'c2' })], nextCursor: 'cursor-1' },
      'cursor-1': { conversations: [summary({ id: 'c3' })], nextCursor: null },
      mine: { conversations: [summary({ id: 'c9', status: 'agent', assignee: { id: agent.id, name: agent.name } })], nextCursor: null },
    };
    server.api.listConversations = async (query = {}) => {
      server.listQueries.push(query);
      return query.cursor ? pages[query.cursor]! : query.view === 'mine' ? pages.mine! : pages.first!;
    };
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    expect(server.listQueries).toEqual([{ view: 'open', sort: 'recent', limit: 50 }]);
    expect([...controller.getState().inbox.listed]).toEqual(['c1', 'c2']);
    expect(controller.getState().inbox.nextCursor).toBe('cursor-1');

    controller.loadMore();
    await vi.waitFor(() => expect(controller.getState().inbox.nextCursor).toBeNull());
    expect(server.listQueries[1]).toEqual({ view: 'open', sort: 'recent', limit: 50, cursor: 'cursor-1' });
    expect([...controller.getState().inbox.listed]).toEqual(['c1', 'c2', 'c3']);
    controller.loadMore();
    expect(server.listQueries).toHaveLength(2);

    controller.setInbox({ view: 'mine', q: '  refund ', sort: 'waiting', teamId: 'team-1' });
    expect(controller.getState().listStatus).toBe('loading');
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    expect(server.listQueries[2]).toEqual({ view: 'mine', sort: 'waiting', limit: 50, q: 'refund', teamId: 'team-1' });
    expect([...controller.getState().inbox.listed]).toEqual(['c9']);
    // The same query (the search only padded with spaces): no new request.
    controller.setInbox({ q: 'refund  ' });
    expect(server.listQueries).toHaveLength(3);
    controller.stop();
  });

  it('drops the answer to a query the agent has left, and lists the new one after it', async () => {
    const server = fakeServer();
    const slow: Array<(list: ConversationList) => void> = [];
    server.api.listConversations = (query = {}) =>
      query.view === 'open'
        ? new Promise((resolve) => slow.push(resolve))
        : Promise.resolve({ conversations: [summary({ id: 'resolved-1', status: 'resolved' })], nextCursor: null });
    const controller = start(server);
    await vi.waitFor(() => expect(slow).toHaveLength(1));
    controller.setInbox({ view: 'resolved' });
    slow[0]!({ conversations: [summary({ id: 'open-1' })], nextCursor: 'more' });
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    expect([...controller.getState().inbox.listed]).toEqual(['resolved-1']);
    expect(controller.getState().inbox.nextCursor).toBeNull();
    expect(controller.getState().conversations.some((conversation) => conversation.id === 'open-1')).toBe(false);
    controller.stop();
  });

  it('loads the counts at start and once more after a burst of conversation updates', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().counts).toEqual({ mine: 1, unassigned: 2, open: 3, followUps: 0, resolved: 4 }));
    const before = server.countCalls.length;
    for (let index = 0; index < 5; index++)
      server.emit('conversation:updated', summary({ updatedAt: `2025-01-0${index + 2}T00:00:00.000Z` }));
    expect(server.countCalls).toHaveLength(before);
    await vi.waitFor(() => expect(server.countCalls).toHaveLength(before + 1), { timeout: COUNTS_DEBOUNCE_MS * 4 });
    await new Promise((resolve) => setTimeout(resolve, COUNTS_DEBOUNCE_MS + 100));
    expect(server.countCalls).toHaveLength(before + 1);
    controller.stop();
  });

  it('marks the open conversation read as it loads and as messages arrive, and counts the others’ unread', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(server.reads).toEqual([{ conversationId: CONVERSATION_ID, seq: 2 }]));

    server.emit('message:created', message(3));
    await vi.waitFor(() => expect(server.reads.at(-1)).toEqual({ conversationId: CONVERSATION_ID, seq: 3 }));
    expect(controller.getState().unread[CONVERSATION_ID] ?? 0).toBe(0);

    // Another conversation: its visitor's messages count up until it is opened.
    const other = 'other-conversation';
    server.api.listConversations = async () => ({
      conversations: [summary({ id: other, lastSeq: 1, unreadCount: 1 }), summary({ lastSeq: 3 })],
      nextCursor: null,
    });
    server.emit('message:created', message(1, { conversationId: other }));
    await vi.waitFor(() => expect(controller.getState().conversations.some((conversation) => conversation.id === other)).toBe(true));
    expect(controller.getState().unread[other]).toBe(1);
    server.emit('message:created', message(2, { conversationId: other }));
    server.emit('message:created', message(2, { conversationId: other }));
    expect(controller.getState().unread[other]).toBe(2);
    const readsBefore = server.reads.length;
    controller.open(other);
    expect(controller.getState().unread[other]).toBe(0);
    await vi.waitFor(() => expect(server.reads.slice(readsBefore)).toContainEqual({ conversationId: other, seq: 2 }));
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

  it('loads the notes with the thread the first time, and again after a reconnection', async () => {
    const server = fakeServer();
    server.notes.push(note(1, { afterSeq: 1 }));
    const controller = start(server);
    await vi.waitFor(() => expect(notesOf(controller)).toEqual(['Note 1']));
    expect(server.noteQueries).toEqual([CONVERSATION_ID]);

    // Opened again: the messages are brought up to date, the notes need not be (note:created keeps them current).
    const messageQueries = server.messageQueries.length;
    controller.open(null);
    controller.open(CONVERSATION_ID);
    await vi.waitFor(() => expect(server.messageQueries.length).toBe(messageQueries + 1));
    expect(server.noteQueries).toHaveLength(1);

    // A note written while the socket was down shows once it is back, like the messages.
    server.notes.push(note(2, { afterSeq: 2 }));
    server.setConnected(true);
    await vi.waitFor(() => expect(notesOf(controller)).toEqual(['Note 1', 'Note 2']));

    // Another conversation was open during the outage: this one's notes are asked for again when it is opened.
    controller.open(null);
    server.setConnected(false);
    server.notes.push(note(3, { afterSeq: 2 }));
    server.setConnected(true);
    const noteQueries = server.noteQueries.length;
    controller.open(CONVERSATION_ID);
    await vi.waitFor(() => expect(notesOf(controller)).toEqual(['Note 1', 'Note 2', 'Note 3']));
    expect(server.noteQueries).toHaveLength(noteQueries + 1);
    controller.stop();
  });

  it('says when the notes could not be loaded, and tries again when the conversation is reloaded', async () => {
    const server = fakeServer();
    server.notes.push(note(1));
    const listNotes = server.api.listNotes;
    server.api.listNotes = () => Promise.reject(new ParleyError('unavailable', 'The server is restarting.'));
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().noteErrors[CONVERSATION_ID]).toBe('The server is restarting.'));
    expect(seqsOf(controller)).toEqual([1, 2]);

    server.api.listNotes = listNotes;
    controller.open(CONVERSATION_ID);
    await vi.waitFor(() => expect(notesOf(controller)).toEqual(['Note 1']));
    expect(controller.getState().noteErrors[CONVERSATION_ID]).toBeUndefined();
    controller.stop();
  });

  it('follows note:created, each note once and in createdAt order, leaving the inbox as it was', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    await vi.waitFor(() => expect(server.noteQueries).toHaveLength(1));
    const { conversations } = controller.getState();

    server.emit('note:created', note(2, { afterSeq: 2 }));
    server.emit('note:created', note(1, { afterSeq: 2 }));
    server.emit('note:created', note(2, { afterSeq: 2 }));
    expect(notesOf(controller)).toEqual(['Note 1', 'Note 2']);
    expect(controller.getState().conversations).toBe(conversations);
    controller.stop();
  });

  it('writes a note over REST with a fresh clientId and shows it once, never replying nor taking the conversation over', async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2]));
    await vi.waitFor(() => expect(controller.getState().listStatus).toBe('ready'));
    const updateConversation = vi.spyOn(server.api, 'updateConversation');

    expect(await controller.writeNote(CONVERSATION_ID, 'Refund approved by finance.')).toBe(true);
    expect(notesOf(controller)).toEqual(['Refund approved by finance.']);
    expect(controller.getState().notes[CONVERSATION_ID]![0]).toMatchObject({ afterSeq: 2, author: { id: agent.id } });
    // Its own event comes back to the writer: still one note.
    server.emit('note:created', server.notes[0]!);
    expect(await controller.writeNote(CONVERSATION_ID, 'Second thought.')).toBe(true);
    expect(notesOf(controller)).toEqual(['Refund approved by finance.', 'Second thought.']);

    const [first, second] = server.noteWrites;
    expect(first).toEqual({ clientId: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), body: 'Refund approved by finance.' });
    expect(second!.clientId).not.toBe(first!.clientId);
    expect(server.sends).toEqual([]);
    expect(server.replies).toEqual([]);
    expect(updateConversation).not.toHaveBeenCalled();
    expect(controller.getState().conversations[0]!.status).toBe('queued');
    expect(seqsOf(controller)).toEqual([1, 2]);

    // A blank note is not sent; a refusal becomes the notice.
    expect(await controller.writeNote(CONVERSATION_ID, '  ')).toBe(false);
    expect(server.noteWrites).toHaveLength(2);
    server.api.writeNote = () => Promise.reject(new ParleyError('message_too_long', 'This note is too long.'));
    expect(await controller.writeNote(CONVERSATION_ID, 'x')).toBe(false);
    expect(controller.getState().notice).toBe('This note is too long.');
    controller.stop();
  });
});

const toolsOf = (controller: ReturnType<typeof start>) => controller.getState().toolCalls[CONVERSATION_ID]?.map((held) => held.tool) ?? [];

describe('createConsoleController tool calls', () => {
  it('loads the tool calls on opening, and again when a bot message arrives in the open conversation only', async () => {
    const server = fakeServer();
    server.toolCalls.push(toolCall(1, { messageId: 'message-2', tool: 'lookup_order' }));
    const controller = start(server);
    await vi.waitFor(() => expect(toolsOf(controller)).toEqual(['lookup_order']));
    expect(server.toolCallQueries.every((conversationId) => conversationId === CONVERSATION_ID)).toBe(true);

    // The bot calls a tool and replies: its reply's event brings the new call.
    server.toolCalls.push(toolCall(2, { messageId: 'message-3', tool: 'track_parcel' }));
    server.stored.push(message(3, { author: { kind: 'bot', id: null, name: 'Sam' } }));
    server.emit('message:created', server.stored[2]!);
    await vi.waitFor(() => expect(toolsOf(controller)).toEqual(['lookup_order', 'track_parcel']));

    // A visitor's message, or a bot message elsewhere, brings none: no request.
    const queries = server.toolCallQueries.length;
    server.emit('message:created', message(4));
    server.emit('message:created', message(1, { id: 'elsewhere', conversationId: 'other', author: { kind: 'bot', id: null, name: null } }));
    expect(server.toolCallQueries).toHaveLength(queries);

    // Opened again later: asked for again (no event announces them), and the answer replaces what was held.
    controller.open(null);
    server.toolCalls.splice(0, 1);
    controller.open(CONVERSATION_ID);
    await vi.waitFor(() => expect(toolsOf(controller)).toEqual(['track_parcel']));
    expect(server.toolCallQueries).toHaveLength(queries + 1);
    controller.stop();
  });

  it('says when the tool calls could not be loaded, and tries again when the conversation is reloaded', async () => {
    const server = fakeServer();
    server.toolCalls.push(toolCall(1));
    const listToolCalls = server.api.listToolCalls;
    server.api.listToolCalls = () => Promise.reject(new ParleyError('unavailable', 'The server is restarting.'));
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().toolCallErrors[CONVERSATION_ID]).toBe('The server is restarting.'));
    expect(seqsOf(controller)).toEqual([1, 2]);

    server.api.listToolCalls = listToolCalls;
    controller.open(CONVERSATION_ID);
    await vi.waitFor(() => expect(toolsOf(controller)).toEqual(['search_knowledge_base']));
    expect(controller.getState().toolCallErrors[CONVERSATION_ID]).toBeUndefined();
    controller.stop();
  });
});

/** A server whose `GET /api/pending-actions` answers from `held`, recording each query. */
function withPendingActions(server: ReturnType<typeof fakeServer>, held: ReturnType<typeof pendingAction>[]) {
  const queries: string[] = [];
  server.api.request = (async (method: string, path: string) => {
    const [route, query = ''] = path.split('?');
    if (method !== 'GET' || route !== '/api/pending-actions') throw new ParleyError('not_found');
    queries.push(query);
    const params = new URLSearchParams(query);
    return {
      actions: held.filter(
        (action) =>
          (!params.has('status') || action.status === params.get('status')) &&
          (!params.has('conversationId') || action.conversationId === params.get('conversationId')),
      ),
    };
  }) as typeof server.api.request;
  return queries;
}
const statusOf = (controller: ReturnType<typeof start>, n: number) => controller.getState().pendingActions[pendingAction(n).id]?.status;

describe('createConsoleController pending actions', () => {
  it('loads those waiting and the open conversation’s, and applies pending-action:updated', async () => {
    const server = fakeServer();
    const elsewhere = pendingAction(1, { conversationId: 'other' });
    const queries = withPendingActions(server, [elsewhere, pendingAction(2, { status: 'approved' })]);
    const controller = start(server);
    await vi.waitFor(() => expect(statusOf(controller, 1)).toBe('pending'));
    await vi.waitFor(() => expect(statusOf(controller, 2)).toBe('approved'));
    expect(queries.toSorted()).toEqual([`conversationId=${CONVERSATION_ID}`, 'status=pending']);

    // One starts waiting, then another agent decides the first.
    server.emit('pending-action:updated', pendingAction(3));
    expect(statusOf(controller, 3)).toBe('pending');
    server.emit('pending-action:updated', { ...elsewhere, status: 'rejected', decidedBy: { kind: 'agent', name: 'Ana' } });
    expect(controller.getState().pendingActions[elsewhere.id]?.decidedBy?.name).toBe('Ana');
    expect(statusOf(controller, 1)).toBe('rejected');
    controller.stop();
  });

  it('never puts a decided call back to waiting, and drops those decided while disconnected', async () => {
    const server = fakeServer();
    const held = [pendingAction(1), pendingAction(2)];
    withPendingActions(server, held);
    const controller = start(server);
    await vi.waitFor(() => expect([statusOf(controller, 1), statusOf(controller, 2)]).toEqual(['pending', 'pending']));

    // Decided while the conversation's list was on its way: the list's "pending" is older than the event.
    server.emit('pending-action:updated', { ...held[0]!, status: 'approved' });
    controller.open(CONVERSATION_ID);
    await vi.waitFor(() => expect(statusOf(controller, 2)).toBe('pending'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(statusOf(controller, 1)).toBe('approved');

    // The second expired while no events could arrive, somewhere the console no longer looks: after the reconnection,
    // the list of those waiting no longer has it, and it stops counting as waiting.
    held[1] = { ...held[1]!, conversationId: 'other', status: 'expired' };
    controller.open(null);
    server.setConnected(true);
    await vi.waitFor(() => expect(statusOf(controller, 2)).toBeUndefined());
    expect(statusOf(controller, 1)).toBe('approved');
    controller.stop();
  });
});

describe('createConsoleController preferences and live events', () => {
  it('loads the preferences with /api/me, shows a change at once and puts it back when the server refuses', async () => {
    const server = fakeServer();
    const controller = start(server);
    await vi.waitFor(() => expect(controller.getState().preferences).toEqual({ sound: true, desktopNotifications: false }));

    const saving = controller.setPreferences({ sound: false });
    expect(controller.getState().preferences).toEqual({ sound: false, desktopNotifications: false });
    expect(await saving).toBeNull();
    expect(server.preferenceUpdates).toEqual([{ sound: false }]);

    server.refusePreferences(new ParleyError('unavailable', 'The server is away.'));
    const refused = controller.setPreferences({ desktopNotifications: true });
    expect(controller.getState().preferences).toEqual({ sound: false, desktopNotifications: true });
    expect(await refused).toBe('The server is away.');
    expect(controller.getState().preferences).toEqual({ sound: false, desktopNotifications: false });
    controller.stop();
  });

  it("tells the live events apart: the agent's own change of a conversation is marked own, the others' are not", async () => {
    const server = fakeServer();
    const events: LiveEvent[] = [];
    const controller = start(server, undefined, (event) => events.push(event));
    server.setConnected(true);
    await vi.waitFor(() => expect(controller.getState().conversations).toHaveLength(1));

    const mine = summary({ status: 'agent', assignee: { id: agent.id, name: agent.name }, updatedAt: '2025-01-03T00:00:00.000Z' });
    // Assigned by someone else (or routing): not own.
    server.emit('conversation:updated', mine);
    // The agent takes it over; the server's broadcast may come before the answer: own either way.
    const update = controller.update(CONVERSATION_ID, { status: 'agent' });
    server.emit('conversation:updated', mine);
    await update;
    server.emit('conversation:updated', mine);
    server.emit('message:created', message(3));
    expect(events.map((event) => (event.type === 'conversation:updated' ? event.own : event.type))).toEqual([
      false,
      true,
      true,
      'message:created',
    ]);
    const first = events[0]!;
    expect(first.type === 'conversation:updated' && first.previous?.status).toBe('queued');
    expect(events[3]!.previous?.lastSeq).toBe(2);
    controller.stop();
  });

  it('hands `webhook:paused` to onWebhookPaused, and nothing once stopped', async () => {
    const server = fakeServer();
    const paused: WebhookSubscription[] = [];
    const controller = createConsoleController({
      api: server.api,
      session,
      connect: () => server.connection,
      onSessionEnded: () => {},
      onWebhookPaused: (webhook) => paused.push(webhook),
    });
    controller.start();
    const webhook: WebhookSubscription = {
      id: 'webhook-1',
      url: 'https://hooks.example.com/parley',
      description: '',
      events: ['conversation.created'],
      status: 'paused',
      pausedReason: 'Paused after 20 failed deliveries in a row: HTTP 500.',
      consecutiveFailures: 20,
      previousSecretExpiresAt: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
    };
    server.emit('webhook:paused', webhook);
    expect(paused).toEqual([webhook]);
    // The state the inbox renders from is untouched.
    expect(controller.getState().notice).toBeNull();
    controller.stop();
    server.emit('webhook:paused', webhook);
    expect(paused).toHaveLength(1);
  });

  it('sends the quick replies the agent attached, over the socket or REST, and again on a retry', async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2]));

    controller.send(CONVERSATION_ID, 'Refund or replacement?', ['Refund', 'Replacement']);
    await vi.waitFor(() => expect(seqsOf(controller)).toEqual([1, 2, 3]));
    expect(server.sends[0]).toMatchObject({ body: 'Refund or replacement?', quickReplies: ['Refund', 'Replacement'] });

    // Offline: REST carries them (this fake refuses it), and the retry sends them again, over the socket once it is back.
    server.setConnected(false);
    controller.send(CONVERSATION_ID, 'Did it arrive?', ['Yes', 'No']);
    await vi.waitFor(() => expect(controller.getState().threads[CONVERSATION_ID]!.pending[0]?.status).toBe('failed'));
    expect(server.replies).toEqual([{ clientId: expect.any(String), body: 'Did it arrive?', quickReplies: ['Yes', 'No'] }]);
    const { clientId } = controller.getState().threads[CONVERSATION_ID]!.pending[0]!;
    server.setConnected(true);
    controller.retry(CONVERSATION_ID, clientId);
    await vi.waitFor(() => expect(server.sends).toHaveLength(2));
    expect(server.sends[1]).toEqual({ conversationId: CONVERSATION_ID, clientId, body: 'Did it arrive?', quickReplies: ['Yes', 'No'] });

    // A reply without them carries none.
    controller.send(CONVERSATION_ID, 'Thanks!');
    await vi.waitFor(() => expect(server.sends).toHaveLength(3));
    expect(server.sends[2]!.quickReplies).toBeUndefined();
    controller.stop();
  });

  it('keeps how far the visitor has read from `conversation:seen`, never lowering it', async () => {
    const server = fakeServer();
    const controller = start(server);
    server.setConnected(true);
    await vi.waitFor(() => expect(controller.getState().conversations).toHaveLength(1));
    const seenSeq = () => controller.getState().conversations[0]!.visitorSeenSeq;
    expect(seenSeq()).toBe(0);

    server.emit('conversation:seen', { conversationId: CONVERSATION_ID, visitorSeenSeq: 2 });
    expect(seenSeq()).toBe(2);
    // An older report, or a summary fetched before the event, does not take it back.
    server.emit('conversation:seen', { conversationId: CONVERSATION_ID, visitorSeenSeq: 1 });
    server.emit('conversation:updated', summary({ lastSeq: 2, updatedAt: '2025-01-05T00:00:00.000Z', visitorSeenSeq: 0 }));
    expect(seenSeq()).toBe(2);
    expect(controller.getState().conversations[0]!.updatedAt).toBe('2025-01-05T00:00:00.000Z');
    // Another conversation's is no business of this one.
    server.emit('conversation:seen', { conversationId: 'other', visitorSeenSeq: 9 });
    expect(controller.getState().conversations.map((conversation) => conversation.visitorSeenSeq)).toEqual([2]);
    controller.stop();
  });
});
