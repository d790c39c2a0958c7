import { ParleyError, VISITOR_NAMESPACE, type Message } from '@parley/protocol';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from './__fixtures__/fake-visitor-server.js';
import { createClient, createClientWithSocket, type ClientOptions, type ConnectionStatus, type ParleyClient } from './create-client.js';
import { createMemoryStorage, type StorageLike } from './storage.js';

const clients: ParleyClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  vi.useRealTimers();
});

function start(server: FakeServer, options: Partial<ClientOptions> = {}) {
  const client = createClientWithSocket(
    { serverUrl: 'http://localhost:3000', widgetKey: 'pk_test', ackTimeoutMs: 50, ...options },
    server.createSocket,
  );
  clients.push(client);
  return client;
}

/** Records every event of `client`, for asserting on what a UI would have seen. */
function record(client: ParleyClient) {
  const seen = { messages: [] as Message[], statuses: [] as Array<[ConnectionStatus, string | undefined]> };
  client.on('message', (message) => seen.messages.push(message));
  client.on('status', (status, error) => seen.statuses.push([status, error?.code]));
  return seen;
}

function until(client: ParleyClient, status: ConnectionStatus) {
  return vi.waitFor(() => expect(client.status).toBe(status), { timeout: 2000, interval: 5 });
}

const bodies = (messages: readonly Message[]) => messages.map((message) => message.body);

/** What every handshake carries besides the key and token: in Node, no page, referrer or language, but a time zone. */
const where = { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };

/** Lets every event the fake server broadcast arrive. */
const delivered = () => new Promise((resolve) => setTimeout(resolve, 0));

async function connected(server = new FakeServer()) {
  const client = start(server);
  await until(client, 'connected');
  const visitor = [...server.visitors.values()][0]!;
  return { server, client, visitor };
}

/** Every `draft` event's texts, and a check that no reply is ever in `messages` and `drafts` at once. */
function watchDrafts(client: ParleyClient) {
  const texts: string[][] = [];
  const shownTwice: string[] = [];
  const check = () => {
    for (const draft of client.drafts) {
      if (client.messages.some((message) => message.id === draft.messageId)) shownTwice.push(draft.messageId);
    }
  };
  client.on('draft', (drafts) => {
    texts.push(drafts.map((draft) => draft.text));
    check();
  });
  client.on('message', check);
  return { texts, shownTwice };
}

describe('createClient (against an in-memory visitor server)', () => {
  it('loads the session, keeps its token under a key with the widget key, and reports connected', async () => {
    const server = new FakeServer();
    const storage = createMemoryStorage();
    const client = start(server, { storage });
    const seen = record(client);
    const sessions: string[] = [];
    client.on('session', (session) => sessions.push(session.visitorId));

    await until(client, 'connected');
    expect(seen.statuses).toEqual([['connected', undefined]]);
    expect(sessions).toEqual(['visitor-1']);
    expect(client.session?.widget.title).toBe('Support');
    expect(storage.getItem('parley:pk_test:session')).toBe('token-1');
    expect(server.sockets[0]!.handshakes).toEqual([{ widgetKey: 'pk_test', ...where }]);
  });

  it('resumes the same visitor and history after a reload', async () => {
    const server = new FakeServer();
    const storage = createMemoryStorage();
    const first = start(server, { storage });
    await until(first, 'connected');
    await first.send('Hello');
    server.agentSays([...server.visitors.values()][0]!, 'Hi, how can I help?');
    await vi.waitFor(() => expect(first.messages).toHaveLength(2));
    first.close();

    const second = start(server, { storage });
    const seen = record(second);
    await until(second, 'connected');
    expect(server.sockets[1]!.handshakes).toEqual([{ widgetKey: 'pk_test', sessionToken: 'token-1', ...where }]);
    expect(bodies(second.messages)).toEqual(['Hello', 'Hi, how can I help?']);
    expect(bodies(seen.messages)).toEqual(['Hello', 'Hi, how can I help?']);
    expect(second.session?.conversation?.lastSeq).toBe(2);
  });

  it("resolves send with the server's ack and shows the message once although the server echoes it", async () => {
    const server = new FakeServer();
    const client = start(server);
    const seen = record(client);
    await until(client, 'connected');

    const sent = await client.send('Where is my order?');
    expect(sent).toMatchObject({ seq: 1, conversationId: 'conversation-2' });
    expect(server.sends).toHaveLength(1);
    expect(server.sends[0]!.clientId).toMatch(/^[0-9a-f-]{36}$/);
    // Let the echo arrive.
    await vi.waitFor(() => expect(server.sockets[0]!.connected).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bodies(seen.messages)).toEqual(['Where is my order?']);
    expect(client.messages).toHaveLength(1);
    expect(client.messages[0]).toMatchObject({ id: sent.id, seq: 1, author: { kind: 'visitor', id: 'visitor-1' } });
    expect(client.pending).toEqual([]);
  });

  it('queues sends while offline, persists them, and flushes them in order on reconnect', async () => {
    const server = new FakeServer();
    server.up = false;
    const storage = createMemoryStorage();
    const client = start(server, { storage });
    const seen = record(client);
    await until(client, 'offline');

    const first = client.send('one');
    const second = client.send('two');
    expect(client.pending.map((item) => item.body)).toEqual(['one', 'two']);
    expect(JSON.parse(storage.getItem('parley:pk_test:outbox')!)).toHaveLength(2);
    expect(server.sends).toEqual([]);

    server.comeUp();
    expect((await first).seq).toBe(1);
    expect((await second).seq).toBe(2);
    expect(server.sends.map((send) => send.body)).toEqual(['one', 'two']);
    expect(client.pending).toEqual([]);
    expect(storage.getItem('parley:pk_test:outbox')).toBeNull();
    expect(seen.statuses.map(([status]) => status)).toEqual(['offline', 'connected']);
  });

  it('sends a message queued before a reload with its original clientId', async () => {
    const server = new FakeServer();
    server.up = false;
    const storage = createMemoryStorage();
    const before = start(server, { storage });
    await until(before, 'offline');
    const lost = before.send('written offline');
    const clientId = before.pending[0]!.clientId;
    before.close();
    await expect(lost).rejects.toMatchObject({ code: 'unavailable' });
    expect(JSON.parse(storage.getItem('parley:pk_test:outbox')!)).toHaveLength(1);

    server.up = true;
    const after = start(server, { storage });
    expect(after.pending.map((item) => item.clientId)).toEqual([clientId]);
    await vi.waitFor(() => expect(bodies(after.messages)).toEqual(['written offline']));
    expect(server.sends).toEqual([{ clientId, body: 'written offline' }]);
    expect(after.pending).toEqual([]);
  });

  it('retries a send whose ack was lost with the same clientId, and the server stores it once', async () => {
    const server = new FakeServer();
    server.loseAcks = 1;
    const client = start(server);
    const seen = record(client);
    await until(client, 'connected');

    const sent = await client.send('hello?');
    expect(server.sends).toHaveLength(2);
    expect(server.sends[0]!.clientId).toBe(server.sends[1]!.clientId);
    expect([...server.visitors.values()][0]!.messages).toHaveLength(1);
    expect(sent.seq).toBe(1);
    expect(bodies(seen.messages)).toEqual(['hello?']);
  });

  it('keeps a message queued when rate limited and sends it later', async () => {
    const server = new FakeServer();
    server.sendErrors.push({ code: 'rate_limited', message: 'Slow down.' });
    const client = start(server);
    await until(client, 'connected');
    const sent = client.send('again');
    await vi.waitFor(() => expect(server.sends).toHaveLength(1));
    expect(client.pending).toHaveLength(1);
    expect((await sent).seq).toBe(1);
    expect(server.sends).toHaveLength(2);
  });

  it('rejects a message the server refuses for good, drops it, and goes on with the next', async () => {
    const server = new FakeServer();
    const client = start(server);
    await until(client, 'connected');

    const tooLong = client.send('x'.repeat(101));
    const next = client.send('short');
    const error = await tooLong.catch((caught: unknown) => caught);
    expect(ParleyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'message_too_long', message: 'Messages can be at most 100 characters.' });
    expect((await next).seq).toBe(1);
    expect(client.pending).toEqual([]);
  });

  it('rejects an empty message without queuing it', async () => {
    const client = start(new FakeServer());
    await expect(client.send('  \n ')).rejects.toMatchObject({ code: 'invalid_payload' });
    expect(client.pending).toEqual([]);
  });

  it('re-syncs from the last seq seen after a reconnect, showing missed messages once and in order', async () => {
    const server = new FakeServer();
    const client = start(server);
    const seen = record(client);
    await until(client, 'connected');
    await client.send('before');
    const visitor = [...server.visitors.values()][0]!;

    server.goDown();
    await until(client, 'offline');
    server.agentSays(visitor, 'missed 1', false);
    server.agentSays(visitor, 'missed 2', false);
    server.comeUp();
    await until(client, 'connected');

    expect(bodies(client.messages)).toEqual(['before', 'missed 1', 'missed 2']);
    expect(bodies(seen.messages)).toEqual(['before', 'missed 1', 'missed 2']);
    const syncs = server.received.filter((entry) => entry.event === 'messages:sync').map((entry) => entry.payload);
    expect(syncs).toEqual([{ afterSeq: 1, limit: 200 }]);
  });

  it('pages through a long history until hasMore is false', async () => {
    const server = new FakeServer();
    const visitor = server.createVisitor();
    for (let index = 1; index <= 450; index++) server.agentSays(visitor, `m${index}`);
    const storage = createMemoryStorage();
    storage.setItem('parley:pk_test:session', visitor.token);

    const client = start(server, { storage });
    await until(client, 'connected');
    expect(client.messages).toHaveLength(450);
    expect(client.messages.every((message, index) => message.seq === index + 1)).toBe(true);
    const syncs = server.received.filter((entry) => entry.event === 'messages:sync').map((entry) => entry.payload);
    expect(syncs).toEqual([
      { afterSeq: 0, limit: 200 },
      { afterSeq: 200, limit: 200 },
      { afterSeq: 400, limit: 200 },
    ]);
  });

  it('fills a gap before reporting a message that arrived ahead of it', async () => {
    const server = new FakeServer();
    const client = start(server);
    const seen = record(client);
    await until(client, 'connected');
    const visitor = [...server.visitors.values()][0]!;
    server.agentSays(visitor, 'one');
    server.agentSays(visitor, 'two (lost)', false);
    server.agentSays(visitor, 'three');

    await vi.waitFor(() => expect(bodies(seen.messages)).toEqual(['one', 'two (lost)', 'three']));
    expect(client.messages.map((message) => message.seq)).toEqual([1, 2, 3]);
  });

  it('tries a failed catch-up sync again after a pause, and fills the gap then', async () => {
    const server = new FakeServer();
    const client = start(server);
    const seen = record(client);
    await until(client, 'connected');
    const visitor = [...server.visitors.values()][0]!;
    server.syncErrors.push({ code: 'rate_limited', message: 'Too many requests; try again in 1 s.' });
    server.agentSays(visitor, 'one', false);
    server.agentSays(visitor, 'two');

    await vi.waitFor(() => expect(bodies(seen.messages)).toEqual(['one', 'two']), { timeout: 5000 });
    expect(server.received.filter((event) => event.event === 'messages:sync')).toHaveLength(2);
  });

  it('drops a refused session token and starts fresh once', async () => {
    const server = new FakeServer();
    const storage = createMemoryStorage();
    storage.setItem('parley:pk_test:session', 'expired');
    const client = start(server, { storage });
    await until(client, 'connected');

    expect(server.sockets[0]!.handshakes).toEqual([
      { widgetKey: 'pk_test', sessionToken: 'expired', ...where },
      { widgetKey: 'pk_test', ...where },
    ]);
    expect(storage.getItem('parley:pk_test:session')).toBe('token-1');
  });

  it('reports a refused connection as an error and does not retry it', async () => {
    const server = new FakeServer();
    server.refuseWith = { code: 'origin_not_allowed', message: 'This website is not allowed to use this widget.' };
    const client = start(server);
    const seen = record(client);
    await until(client, 'error');

    expect(client.error?.code).toBe('origin_not_allowed');
    expect(client.error?.message).toBe('This website is not allowed to use this widget.');
    expect(seen.statuses).toEqual([['error', 'origin_not_allowed']]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.sockets[0]!.handshakes).toHaveLength(1);

    server.refuseWith = null;
    client.connect();
    await until(client, 'connected');
    expect(client.error).toBeUndefined();
  });

  it('reports unauthorized as an error when even a fresh session is refused', async () => {
    const server = new FakeServer();
    server.refuseWith = { code: 'unauthorized', message: 'No.' };
    const storage = createMemoryStorage();
    storage.setItem('parley:pk_test:session', 'expired');
    const client = start(server, { storage });
    await until(client, 'error');
    expect(client.error?.code).toBe('unauthorized');
    expect(server.sockets[0]!.handshakes).toHaveLength(2);
  });

  it('follows the visitor to a new conversation after the old one was closed', async () => {
    const server = new FakeServer();
    const client = start(server);
    await until(client, 'connected');
    await client.send('old conversation');
    const visitor = [...server.visitors.values()][0]!;

    visitor.conversation = null;
    visitor.messages = [];
    const sent = await client.send('new conversation');
    expect(sent.seq).toBe(1);
    expect(bodies(client.messages)).toEqual(['new conversation']);
  });

  it('forwards typing and conversation updates', async () => {
    const server = new FakeServer();
    const client = start(server);
    await until(client, 'connected');
    const typing = vi.fn();
    const conversation = vi.fn();
    const stopTyping = client.on('typing', typing);
    client.on('conversation', conversation);
    const visitor = [...server.visitors.values()][0]!;

    const change = { conversationId: 'c', author: { kind: 'agent' as const, name: 'Ada' }, typing: true };
    server.broadcast(visitor, 'typing:changed', change);
    server.broadcast(visitor, 'conversation:updated', { id: 'c', status: 'agent', lastSeq: 0 });
    await vi.waitFor(() => expect(conversation).toHaveBeenCalledWith({ id: 'c', status: 'agent', lastSeq: 0 }));
    expect(typing).toHaveBeenCalledWith(change);

    stopTyping();
    server.broadcast(visitor, 'typing:changed', { ...change, typing: false });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(typing).toHaveBeenCalledTimes(1);
    expect(client.session?.conversation).toEqual({ id: 'c', status: 'agent', lastSeq: 0 });
  });

  it("keeps the conversation's place in the queue while it waits, and forgets it once it leaves the queue", async () => {
    const server = new FakeServer();
    const client = start(server);
    await until(client, 'connected');
    const places = vi.fn();
    client.on('queue', places);
    const visitor = [...server.visitors.values()][0]!;
    const sent = await client.send('Anyone?');
    const queued = { id: sent.conversationId, status: 'queued' as const, lastSeq: 1 };

    server.broadcast(visitor, 'conversation:updated', queued);
    // A place for another conversation (a stale event) changes nothing.
    server.broadcast(visitor, 'queue:updated', { conversationId: 'other', position: 9, expectedWaitSeconds: null });
    server.broadcast(visitor, 'queue:updated', { conversationId: sent.conversationId, position: 2, expectedWaitSeconds: 90 });
    await vi.waitFor(() => expect(client.queue).toEqual({ conversationId: sent.conversationId, position: 2, expectedWaitSeconds: 90 }));
    server.broadcast(visitor, 'conversation:updated', { ...queued, status: 'agent' });
    await vi.waitFor(() => expect(client.queue).toBeNull());
    expect(places.mock.calls).toEqual([[{ conversationId: sent.conversationId, position: 2, expectedWaitSeconds: 90 }], [null]]);
  });

  it('throttles typing notices and stops typing after a pause or a send', async () => {
    const server = new FakeServer();
    const client = start(server);
    await until(client, 'connected');
    const socket = server.sockets[0]!;
    vi.useFakeTimers();

    for (let key = 0; key < 10; key++) client.setTyping(true);
    expect(socket.typing).toEqual([true]);
    vi.advanceTimersByTime(3000);
    client.setTyping(true);
    expect(socket.typing).toEqual([true, true]);
    vi.advanceTimersByTime(5000);
    expect(socket.typing).toEqual([true, true, false]);
    client.setTyping(false);
    expect(socket.typing).toEqual([true, true, false]);

    client.setTyping(true);
    void client.send('done typing');
    expect(socket.typing).toEqual([true, true, false, true, false]);
  });

  it('keeps working when a listener throws', async () => {
    const server = new FakeServer();
    const client = start(server);
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      const stopFaulty = client.on('status', () => {
        throw new Error('listener bug');
      });
      const statuses: string[] = [];
      client.on('status', (status) => statuses.push(status));
      await until(client, 'connected');
      expect(statuses).toEqual(['connected']);
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      stopFaulty();
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});

describe('createClient (with socket.io-client)', () => {
  it('goes offline when the server cannot be reached and keeps sends in the outbox', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const storage: StorageLike = createMemoryStorage();
    const client = createClient({
      serverUrl: `http://127.0.0.1:${port}/ignored/path`,
      widgetKey: 'pk_test',
      storage,
      io: { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 50 },
    });
    clients.push(client);
    expect(client.status).toBe('connecting');
    await until(client, 'offline');

    const pending = client.send('hello from nowhere');
    pending.catch(() => {});
    expect(client.pending.map((item) => item.body)).toEqual(['hello from nowhere']);
    expect(JSON.parse(storage.getItem('parley:pk_test:outbox')!)[0].body).toBe('hello from nowhere');
  });
});

/** A real Socket.IO server on an ephemeral port, and the transport of each connection its visitor namespace gets. */
async function socketServer(transports: Array<'polling' | 'websocket'>) {
  const http = createHttpServer();
  const io = new SocketServer(http, { transports });
  const opened: string[] = [];
  io.of(VISITOR_NAMESPACE).on('connection', (socket) => opened.push(socket.conn.transport.name));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, opened, close: () => io.close() };
}

describe('createClient: transports', () => {
  it('connects with a WebSocket at once', async () => {
    const server = await socketServer(['polling', 'websocket']);
    try {
      clients.push(createClient({ serverUrl: server.url, widgetKey: 'pk_test', storage: createMemoryStorage() }));
      await vi.waitFor(() => expect(server.opened).toEqual(['websocket']), { timeout: 5000 });
    } finally {
      await server.close();
    }
  });

  it('falls back to long-polling where a WebSocket cannot connect', async () => {
    // A server that refuses WebSocket upgrades, as a proxy that blocks them does.
    const server = await socketServer(['polling']);
    try {
      clients.push(
        createClient({
          serverUrl: server.url,
          widgetKey: 'pk_test',
          storage: createMemoryStorage(),
          io: { reconnectionDelay: 20, reconnectionDelayMax: 50 },
        }),
      );
      await vi.waitFor(() => expect(server.opened).toEqual(['polling']), { timeout: 5000 });
    } finally {
      await server.close();
    }
  });
});

describe('createClient: bot replies and handoff', () => {
  it("builds the bot's draft from its deltas, in order, under the bot's name", async () => {
    const { server, client, visitor } = await connected();
    const watched = watchDrafts(client);

    const reply = server.botReply(visitor);
    reply.delta('Hel');
    reply.delta('lo');
    reply.delta(', how can I help?');
    await delivered();

    expect(watched.texts).toEqual([[''], ['Hel'], ['Hello'], ['Hello, how can I help?']]);
    expect(client.drafts).toEqual([
      {
        messageId: reply.messageId,
        conversationId: visitor.conversation!.id,
        author: { kind: 'bot', id: null, name: 'Assistant' },
        text: 'Hello, how can I help?',
        createdAt: '2025-01-01T00:01:00.000Z',
        streaming: true,
      },
    ]);
    expect(client.messages).toEqual([]);
  });

  it.each([
    ['bot:reply-end before message:created', ['end', 'store'] as const],
    ['message:created before bot:reply-end', ['store', 'end'] as const],
  ])('replaces a complete draft with the stored message exactly once (%s)', async (_order, steps) => {
    const { server, client, visitor } = await connected();
    const watched = watchDrafts(client);
    const seen = record(client);

    const reply = server.botReply(visitor);
    reply.delta('Our opening hours ');
    reply.delta('are 9 to 5.');
    await delivered();
    for (const step of steps) {
      if (step === 'end') reply.end('complete');
      else reply.store();
      await delivered();
      // Ended but not stored yet: the final text stays, no longer streaming.
      if (step === 'end' && steps[0] === 'end') {
        expect(client.drafts).toMatchObject([{ text: 'Our opening hours are 9 to 5.', streaming: false }]);
      }
    }

    expect(client.drafts).toEqual([]);
    expect(seen.messages.map((message) => [message.id, message.author.kind, message.body])).toEqual([
      [reply.messageId, 'bot', 'Our opening hours are 9 to 5.'],
    ]);
    expect(client.messages).toHaveLength(1);
    expect(watched.shownTwice).toEqual([]);
    expect(watched.texts.at(-1)).toEqual([]);
  });

  it.each(['cancelled', 'failed'] as const)('drops the partial text of a %s reply', async (status) => {
    const { server, client, visitor } = await connected();
    const watched = watchDrafts(client);
    const seen = record(client);

    const reply = server.botReply(visitor);
    reply.delta('Let me check');
    reply.end(status);
    reply.delta(' (too late)');
    await delivered();

    expect(client.drafts).toEqual([]);
    expect(watched.texts).toEqual([[''], ['Let me check'], []]);
    expect(seen.messages).toEqual([]);
  });

  it('keeps concurrent drafts apart and ignores deltas of a reply it never saw start', async () => {
    const { server, client, visitor } = await connected();
    const first = server.botReply(visitor);
    const second = server.botReply(visitor);
    first.delta('one');
    second.delta('two');
    server.broadcast(visitor, 'bot:reply-delta', { conversationId: 'x', messageId: 'unknown', delta: 'stray' });
    await delivered();

    expect(client.drafts.map((draft) => [draft.messageId, draft.text])).toEqual([
      [first.messageId, 'one'],
      [second.messageId, 'two'],
    ]);
  });

  it('drops a draft cut off by a disconnect and shows the stored reply after the re-sync', async () => {
    const { server, client, visitor } = await connected();
    const reply = server.botReply(visitor);
    reply.delta('Half a');
    await delivered();
    expect(client.drafts).toHaveLength(1);

    server.goDown();
    await until(client, 'offline');
    expect(client.drafts).toEqual([]);
    reply.delta(' sentence.');
    reply.store(false);
    server.comeUp();
    await until(client, 'connected');

    expect(client.drafts).toEqual([]);
    expect(bodies(client.messages)).toEqual(['Half a sentence.']);
  });

  it('hands off when the visitor asks for a human', async () => {
    const { server, client, visitor } = await connected();
    await client.send('I want a refund');
    const conversations: string[] = [];
    client.on('conversation', (conversation) => conversations.push(conversation.status));

    const conversation = await client.requestHuman('Refund');
    expect(conversation).toEqual({ id: visitor.conversation!.id, status: 'queued', lastSeq: 1 });
    expect(client.session?.conversation?.status).toBe('queued');
    expect(conversations[0]).toBe('queued');
    expect(server.received.filter((entry) => entry.event === 'handoff:request')).toEqual([
      { event: 'handoff:request', payload: { reason: 'Refund' } },
    ]);
  });

  it('rejects a request for a human the conversation cannot take', async () => {
    const { client, visitor } = await connected();
    await client.send('Hello');
    visitor.conversation!.status = 'agent';

    const error = await client.requestHuman().catch((caught: unknown) => caught);
    expect(ParleyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'transition_rejected' });
  });

  it('rejects a request for a human at once while offline instead of queueing it', async () => {
    const server = new FakeServer();
    server.up = false;
    const client = start(server);
    await until(client, 'offline');

    await expect(client.requestHuman()).rejects.toMatchObject({ name: 'ParleyError', code: 'unavailable' });
    server.comeUp();
    await until(client, 'connected');
    expect(server.received.some((entry) => entry.event === 'handoff:request')).toBe(false);
  });
});

/** A connected client whose conversation holds `count` agent messages (seq 1 to `count`). */
async function withMessages(count: number, server = new FakeServer()) {
  const { client, visitor } = await connected(server);
  for (let index = 1; index <= count; index++) server.agentSays(visitor, `m${index}`);
  await vi.waitFor(() => expect(client.messages).toHaveLength(count));
  return { server, client, visitor };
}

describe('createClient: what the visitor has seen, and the transcript by e-mail', () => {
  it('sends only a seq higher than any sent, one at a time, and the highest asked for meanwhile once acknowledged', async () => {
    const { server, client, visitor } = await withMessages(5);
    server.holdSeen = 1;
    client.markSeen(1);
    client.markSeen(1);
    client.markSeen(3);
    client.markSeen(2);
    expect(server.seen).toEqual([1]);

    server.answerSeen();
    await delivered();
    expect(server.seen).toEqual([1, 3]);
    client.markSeen(3);
    client.markSeen(2);
    client.markSeen(0);
    client.markSeen(Number.NaN);
    await delivered();
    expect(server.seen).toEqual([1, 3]);
    client.markSeen(5);
    await delivered();
    expect(server.seen).toEqual([1, 3, 5]);
    expect(visitor.seenSeq).toBe(5);
  });

  it("counts the server's higher seq (read in another tab) as sent", async () => {
    const { server, client, visitor } = await withMessages(6);
    visitor.seenSeq = 5;
    client.markSeen(2);
    await delivered();
    client.markSeen(4);
    client.markSeen(5);
    await delivered();
    expect(server.seen).toEqual([2]);
    client.markSeen(6);
    await delivered();
    expect(server.seen).toEqual([2, 6]);
  });

  it('ignores a refused or unanswered report silently, and sends a higher seq later', async () => {
    const { server, client } = await withMessages(4);
    const logged = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')];
    const stray = vi.fn();
    process.on('unhandledRejection', stray);
    try {
      server.seenErrors.push({ code: 'rate_limited', message: 'Slow down.' });
      client.markSeen(1);
      await delivered();
      client.markSeen(1);
      client.markSeen(2);
      await delivered();
      expect(server.seen).toEqual([1, 2]);

      // No answer at all: the next one waits for the ack timeout (50 ms here), then goes.
      server.holdSeen = 1;
      client.markSeen(3);
      client.markSeen(4);
      expect(server.seen).toEqual([1, 2, 3]);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(server.seen).toEqual([1, 2, 3]);
      client.markSeen(4);
      expect(server.seen).toEqual([1, 2, 3, 4]);
      await delivered();
      expect(stray).not.toHaveBeenCalled();
      for (const spy of logged) expect(spy).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', stray);
      for (const spy of logged) spy.mockRestore();
    }
  });

  it('sends nothing while disconnected, and sends again after a reconnect', async () => {
    const { server, client } = await withMessages(3);
    client.markSeen(2);
    await delivered();

    server.goDown();
    await until(client, 'offline');
    client.markSeen(3);
    expect(server.seen).toEqual([2]);
    server.comeUp();
    await until(client, 'connected');
    await delivered();
    expect(server.seen).toEqual([2]);

    client.markSeen(2);
    await delivered();
    client.markSeen(3);
    await delivered();
    expect(server.seen).toEqual([2, 2, 3]);
  });

  it('sends again what a disconnect cut off', async () => {
    const { server, client } = await withMessages(2);
    server.holdSeen = 1;
    client.markSeen(2);
    server.goDown();
    await until(client, 'offline');
    server.comeUp();
    await until(client, 'connected');

    client.markSeen(2);
    expect(server.seen).toEqual([2, 2]);
  });

  it('starts over in a new conversation, whose seq restarts at 1', async () => {
    const { server, client, visitor } = await withMessages(3);
    client.markSeen(3);
    await delivered();

    visitor.conversation = null;
    visitor.messages = [];
    visitor.seenSeq = 0;
    await client.send('A new question');
    client.markSeen(1);
    await delivered();
    expect(server.seen).toEqual([3, 1]);
    expect(visitor.seenSeq).toBe(1);
  });

  it("says whether the server sends e-mail in the session, false or missing when it doesn't", async () => {
    const server = new FakeServer();
    const { client } = await connected(server);
    expect(client.session?.email).toBeUndefined();

    server.email = true;
    const sessions: Array<boolean | undefined> = [];
    client.on('session', (session) => sessions.push(session.email));
    server.goDown();
    server.comeUp();
    await until(client, 'connected');
    expect(client.session?.email).toBe(true);
    expect(sessions).toEqual([true]);
  });

  it('e-mails the transcript to the address given, or without one to the address left before', async () => {
    const server = new FakeServer();
    server.email = true;
    const { client } = await connected(server);
    await client.send('Hello');

    const noAddress = await client.requestTranscript().catch((caught: unknown) => caught);
    expect(ParleyError.isInstance(noAddress)).toBe(true);
    expect(noAddress).toMatchObject({ code: 'invalid_payload', message: 'Give an e-mail address to send it to.' });
    await expect(client.requestTranscript('not an address')).rejects.toMatchObject({
      code: 'invalid_payload',
      issues: [{ path: 'email', message: 'That is not an e-mail address.' }],
    });

    await expect(client.requestTranscript('ada@example.com')).resolves.toEqual({ email: 'ada@example.com' });
    await expect(client.requestTranscript('')).resolves.toEqual({ email: 'ada@example.com' });
    expect(server.received.filter((entry) => entry.event === 'transcript:request').map((entry) => entry.payload)).toEqual([
      {},
      { email: 'not an address' },
      { email: 'ada@example.com' },
      {},
    ]);
  });

  it('rejects a transcript request when the server sends no e-mail, before there is a conversation, and while offline', async () => {
    const server = new FakeServer();
    const { client } = await connected(server);
    await expect(client.requestTranscript('ada@example.com')).rejects.toMatchObject({ name: 'ParleyError', code: 'unavailable' });

    server.email = true;
    await expect(client.requestTranscript('ada@example.com')).rejects.toMatchObject({ name: 'ParleyError', code: 'not_found' });

    server.goDown();
    await until(client, 'offline');
    const requests = server.received.length;
    await expect(client.requestTranscript('ada@example.com')).rejects.toMatchObject({ name: 'ParleyError', code: 'unavailable' });
    expect(server.received).toHaveLength(requests);
  });
});

describe('createClient: pre-chat topics', () => {
  const topics = [
    { id: 'billing', label: 'Billing' },
    { id: 'tech', label: 'Technical help' },
  ];

  /** A connected client of a widget offering `topics`, whose visitor has no conversation yet. */
  async function offering(server = new FakeServer()) {
    server.topics = topics;
    return connected(server);
  }

  it('sends the chosen topic with the message that starts the conversation, and never once there is one', async () => {
    const { server, client, visitor } = await offering();
    expect(client.session?.topics).toEqual(topics);
    expect(client.topic).toBeNull();

    client.chooseTopic('billing');
    expect(client.topic).toBe('billing');
    await client.send('My invoice is wrong');
    expect(server.sends[0]).toMatchObject({ body: 'My invoice is wrong', topic: 'billing' });
    expect(visitor.topic).toBe('billing');
    expect(client.session?.conversation).toMatchObject({ id: visitor.conversation!.id, status: 'bot' });

    // The choice stays (for a later conversation), but this one exists now.
    client.chooseTopic('tech');
    await client.send('It was charged twice');
    await client.requestHuman();
    expect(server.sends[1]).not.toHaveProperty('topic');
    expect(server.received.find((entry) => entry.event === 'handoff:request')?.payload).toEqual({});
    expect(visitor.topic).toBe('billing');
  });

  it('sends no topic without a choice, or after the choice was cleared', async () => {
    const { server, client, visitor } = await offering();
    client.chooseTopic('tech');
    client.chooseTopic(null);
    expect(client.topic).toBeNull();

    await client.send('Hello');
    expect(server.sends[0]).toEqual({ clientId: expect.any(String), body: 'Hello' });
    expect(server.sends[0]).not.toHaveProperty('topic');
    expect(visitor.topic).toBeNull();
  });

  it('sends the topic with a request for a person that starts the conversation', async () => {
    const { server, client, visitor } = await offering();
    client.chooseTopic('tech');

    const conversation = await client.requestHuman('The app crashes');
    expect(conversation.status).toBe('queued');
    expect(server.received.filter((entry) => entry.event === 'handoff:request').map((entry) => entry.payload)).toEqual([
      { reason: 'The app crashes', topic: 'tech' },
    ]);
    expect(visitor.topic).toBe('tech');
  });

  it('keeps the topic with messages queued offline, across a reload, and sends it with the first only', async () => {
    const server = new FakeServer();
    server.topics = topics;
    server.up = false;
    const storage = createMemoryStorage();
    const before = start(server, { storage });
    await until(before, 'offline');
    before.chooseTopic('billing');
    const first = before.send('one');
    const second = before.send('two');
    expect(before.pending.map((item) => item.topic)).toEqual(['billing', 'billing']);
    const queued = (JSON.parse(storage.getItem('parley:pk_test:outbox')!) as Array<{ clientId: string; topic?: string }>).map(
      (item) => item.topic,
    );
    expect(queued).toEqual(['billing', 'billing']);
    const clientIds = before.pending.map((item) => item.clientId);
    before.close();
    await expect(first).rejects.toMatchObject({ code: 'unavailable' });
    await expect(second).rejects.toMatchObject({ code: 'unavailable' });

    // A reload: the choice made in memory is gone, the queued messages still carry it.
    server.up = true;
    const after = start(server, { storage });
    expect(after.topic).toBeNull();
    await vi.waitFor(() => expect(bodies(after.messages)).toEqual(['one', 'two']));
    // The first starts the conversation with its topic; by the time the second goes, the conversation exists.
    expect(server.sends).toEqual([
      { clientId: clientIds[0], body: 'one', topic: 'billing' },
      { clientId: clientIds[1], body: 'two' },
    ]);
    expect(server.sends[1]).not.toHaveProperty('topic');
    expect([...server.visitors.values()][0]!.topic).toBe('billing');
  });

  it('drops the topic of a message queued offline when a conversation started meanwhile', async () => {
    const { server, client, visitor } = await offering();
    server.goDown();
    await until(client, 'offline');
    client.chooseTopic('billing');
    const sent = client.send('Still there?');
    expect(client.pending[0]?.topic).toBe('billing');

    // Another tab, or an agent, started the conversation while this page was offline.
    server.agentSays(visitor, 'Hi, how can we help?');
    server.comeUp();
    await sent;
    expect(server.sends).toHaveLength(1);
    expect(server.sends[0]).not.toHaveProperty('topic');
    expect(visitor.topic).toBeNull();
  });

  it('sends the proactive message answered with the message or request that starts the conversation, beside the topic', async () => {
    const { server, client } = await offering();
    client.answerProactive('sizing-help');
    client.chooseTopic('billing');
    await client.send('Which size for 180 cm?');
    expect(server.sends[0]).toMatchObject({ body: 'Which size for 180 cm?', topic: 'billing', proactive: 'sizing-help' });
    await client.send('And the colour?');
    expect(server.sends[1]).not.toHaveProperty('proactive');

    const other = await offering();
    other.client.answerProactive('sizing-help');
    other.client.answerProactive(null);
    await other.client.requestHuman();
    expect(other.server.received.find((entry) => entry.event === 'handoff:request')?.payload).toEqual({});

    const asking = await offering();
    asking.client.answerProactive('cart');
    await asking.client.requestHuman();
    expect(asking.server.received.find((entry) => entry.event === 'handoff:request')?.payload).toEqual({ proactive: 'cart' });
  });

  it('opens only the next conversation with the proactive message answered, and ignores a late close of an older one', async () => {
    const { server, client, visitor } = await offering();
    client.answerProactive('sizing-help');
    await client.send('Which size?');
    expect(server.sends[0]).toMatchObject({ proactive: 'sizing-help' });
    await vi.waitFor(() => expect(bodies(client.messages)).toEqual(['Which size?']));

    // News of a conversation that isn't the current one (an older one closing late) leaves this one alone.
    server.broadcast(visitor, 'conversation:updated', { id: 'an-older-conversation', status: 'closed', lastSeq: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.session?.conversation?.id).toBe(visitor.conversation!.id);
    expect(bodies(client.messages)).toEqual(['Which size?']);

    // The current one closes: the next conversation starts without the bubble answered before.
    server.broadcast(visitor, 'conversation:updated', { ...visitor.conversation!, status: 'closed' });
    await vi.waitFor(() => expect(client.session?.conversation).toBeNull());
    visitor.conversation = null;
    await client.send('Another question');
    expect(server.sends.at(-1)).not.toHaveProperty('proactive');
  });

  it('keeps the files of a message queued offline, across a reload, and sends them with it', async () => {
    const server = new FakeServer();
    server.up = false;
    const storage = createMemoryStorage();
    const before = start(server, { storage });
    await until(before, 'offline');
    const queued = before.send('receipt.pdf', { attachments: ['5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14'] });
    expect(before.pending.map((item) => item.attachments)).toEqual([['5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14']]);
    before.close();
    await expect(queued).rejects.toMatchObject({ code: 'unavailable' });

    server.up = true;
    const after = start(server, { storage });
    await vi.waitFor(() => expect(bodies(after.messages)).toEqual(['receipt.pdf']));
    expect(server.sends[0]).toMatchObject({ body: 'receipt.pdf', attachments: ['5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14'] });
  });

  it('keeps the proactive message answered with a message queued offline, across a reload', async () => {
    const server = new FakeServer();
    server.up = false;
    const storage = createMemoryStorage();
    const before = start(server, { storage });
    await until(before, 'offline');
    before.answerProactive('sizing-help');
    const first = before.send('one');
    expect(before.pending.map((item) => item.proactive)).toEqual(['sizing-help']);
    before.close();
    await expect(first).rejects.toMatchObject({ code: 'unavailable' });

    server.up = true;
    const after = start(server, { storage });
    await vi.waitFor(() => expect(bodies(after.messages)).toEqual(['one']));
    expect(server.sends[0]).toMatchObject({ body: 'one', proactive: 'sizing-help' });
  });

  it('forgets a conversation pushed as closed (the visitor started over in another tab): it is a past one now', async () => {
    const { server, client, visitor } = await offering();
    await client.send('Hello');
    await vi.waitFor(() => expect(bodies(client.messages)).toEqual(['Hello']));
    expect(client.session?.conversation).not.toBeNull();
    const conversationEvents: string[] = [];
    client.on('conversation', (conversation) => conversationEvents.push(conversation.status));
    server.broadcast(visitor, 'conversation:updated', { ...visitor.conversation!, status: 'closed' });
    await vi.waitFor(() => expect(client.session?.conversation).toBeNull());
    expect(client.messages).toEqual([]);
    expect(client.session?.pastConversations).toBe(1);
    expect(conversationEvents).toEqual(['closed']);
    // The next message's opening goes out again: there is no conversation.
    client.chooseTopic('billing');
    visitor.conversation = null;
    await client.send('A new question');
    expect(server.sends.at(-1)).toMatchObject({ body: 'A new question', topic: 'billing' });
  });

  it('ignores a topic the widget no longer offers, as the server does', async () => {
    const { server, client, visitor } = await offering();
    client.chooseTopic('returns');
    await client.send('Can I return this?');
    expect(server.sends[0]?.topic).toBe('returns');
    expect(visitor.topic).toBeNull();
    expect(bodies(client.messages)).toEqual(['Can I return this?']);
  });
});

const identities = (server: FakeServer) => server.sockets.flatMap((socket) => socket.handshakes.map((handshake) => handshake.identity));
const identifies = (server: FakeServer) =>
  server.received.filter((entry) => entry.event === 'contact:identify').map((entry) => entry.payload);

const storedKeys = (storage: StorageLike & { keys: () => string[] }) => storage.keys().toSorted();

/** A memory storage that can list its keys. */
function listableStorage() {
  const values = new Map<string, string>();
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
    keys: () => [...values.keys()],
  };
}

describe('a socket the server closes on purpose', () => {
  it('connects again by itself after about a second (a restart, a session that continues as another contact)', async () => {
    const { server, client } = await connected();
    const socket = server.sockets[0]!;
    const before = socket.handshakes.length;
    socket.kick();
    expect(client.status).toBe('offline');
    await until(client, 'connected');
    expect(socket.handshakes.length).toBe(before + 1);
  });

  it('stays closed when the client was closed meanwhile', async () => {
    const { server, client } = await connected();
    const socket = server.sockets[0]!;
    const before = socket.handshakes.length;
    socket.kick();
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(socket.handshakes.length).toBe(before);
    expect(client.status).toBe('offline');
  });
});

describe('identify', () => {
  it('does not connect, and presents the details in the handshake of the next connect', async () => {
    const server = new FakeServer();
    const client = start(server, { autoConnect: false, storage: createMemoryStorage() });
    client.identify({ name: 'Ada Lovelace', email: 'ada@example.com' });
    await delivered();
    expect(client.status).toBe('offline');
    expect(server.sockets[0]!.handshakes).toEqual([]);
    client.connect();
    await until(client, 'connected');
    expect(server.sockets[0]!.handshakes).toEqual([
      { widgetKey: 'pk_test', ...where, identity: { name: 'Ada Lovelace', email: 'ada@example.com' } },
    ]);
    const visitor = [...server.visitors.values()][0]!;
    expect(visitor.identity).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', phone: null });
    // The handshake carried them: no event besides.
    expect(identifies(server)).toEqual([]);
  });

  it('sends contact:identify at once while connected, with only the fields given', async () => {
    const { server, client, visitor } = await connected();
    expect(identities(server)).toEqual([undefined]);
    client.identify({ name: 'Ada' });
    client.identify({ phone: '+44 20 7946 0958', email: undefined });
    await vi.waitFor(() => expect(identifies(server)).toHaveLength(2), { timeout: 2000, interval: 5 });
    expect(identifies(server)).toEqual([{ name: 'Ada' }, { phone: '+44 20 7946 0958' }]);
    expect(visitor.identity).toEqual({ name: 'Ada', email: null, phone: '+44 20 7946 0958' });
  });

  it('presents a token in every handshake, and sends it at once while connected', async () => {
    const { server, client } = await connected();
    client.identify({ token: 'eyJ.signed.token' });
    await vi.waitFor(() => expect(identifies(server)).toEqual([{ token: 'eyJ.signed.token' }]), { timeout: 2000, interval: 5 });
    server.goDown();
    await until(client, 'offline');
    server.comeUp();
    await until(client, 'connected');
    expect(identities(server).at(-1)).toEqual({ token: 'eyJ.signed.token' });
  });

  it('ignores a call without any detail', async () => {
    const { server, client } = await connected();
    client.identify({});
    client.identify({ name: undefined });
    await delivered();
    expect(identifies(server)).toEqual([]);
  });

  it('presents the latest details, merged, on every reconnect', async () => {
    const { server, client } = await connected();
    client.identify({ name: 'Ada', email: 'ada@example.com' });
    client.identify({ email: 'ada@lovelace.example' });
    await vi.waitFor(() => expect(identifies(server)).toHaveLength(2), { timeout: 2000, interval: 5 });
    server.goDown();
    await until(client, 'offline');
    // Given while offline: not sent now, but presented when the connection is back.
    client.identify({ phone: '+1 415 555 2671' });
    server.comeUp();
    await until(client, 'connected');
    expect(identities(server)).toEqual([undefined, { name: 'Ada', email: 'ada@lovelace.example', phone: '+1 415 555 2671' }]);
    expect(identifies(server)).toHaveLength(2);
    client.close();
    client.connect();
    await until(client, 'connected');
    expect(identities(server).at(-1)).toEqual({ name: 'Ada', email: 'ada@lovelace.example', phone: '+1 415 555 2671' });
  });
});

const languageSets = (server: FakeServer) =>
  server.received.filter((entry) => entry.event === 'language:set').map((entry) => entry.payload);

describe('setLocale', () => {
  it('does not connect, and presents the language in the handshake of the next connect instead of the browser’s', async () => {
    const server = new FakeServer();
    const client = start(server, { autoConnect: false, storage: createMemoryStorage() });
    client.setLocale('es');
    await delivered();
    expect(client.status).toBe('offline');
    client.connect();
    await until(client, 'connected');
    expect(server.sockets[0]!.handshakes).toEqual([{ widgetKey: 'pk_test', ...where, language: 'es' }]);
    // The handshake carried it: no event besides.
    expect(languageSets(server)).toEqual([]);
  });

  it('sends language:set at once while connected, and presents the latest language on every reconnect', async () => {
    const { server, client, visitor } = await connected();
    expect(server.sockets[0]!.handshakes[0]!.language).toBeUndefined();
    client.setLocale('de');
    await vi.waitFor(() => expect(languageSets(server)).toEqual([{ language: 'de' }]), { timeout: 2000, interval: 5 });
    expect(visitor.language).toBe('de');
    server.goDown();
    await until(client, 'offline');
    // Given while offline: not sent now, but presented when the connection is back.
    client.setLocale('fr-CA');
    server.comeUp();
    await until(client, 'connected');
    expect(server.sockets.flatMap((socket) => socket.handshakes).at(-1)!.language).toBe('fr-CA');
    expect(languageSets(server)).toEqual([{ language: 'de' }]);
  });
});

describe('submitContact', () => {
  it('sends contact:identify, resolves with the stored details, and presents them in every later handshake', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    const client = start(server, { storage });
    await until(client, 'connected');
    await expect(client.submitContact({ name: 'Ada', email: 'ada@example.com' })).resolves.toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      phone: null,
    });
    expect(identifies(server)).toEqual([{ name: 'Ada', email: 'ada@example.com' }]);
    expect(storedKeys(storage)).toContain('parley:pk_test:identity');
    server.goDown();
    await until(client, 'offline');
    server.comeUp();
    await until(client, 'connected');
    expect(identities(server).at(-1)).toEqual({ name: 'Ada', email: 'ada@example.com' });
    // The next client on this browser (the next page) presents them too, merged with what its page says.
    client.close();
    const next = start(server, { storage, autoConnect: false });
    next.identify({ phone: '+44 20 7946 0958' });
    next.connect();
    await until(next, 'connected');
    expect(identities(server).at(-1)).toEqual({ name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0958' });
  });

  it('stops presenting the answer once a conversation exists (the contact holds it), but not what the page says', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    const client = start(server, { storage });
    await until(client, 'connected');
    await client.submitContact({ name: 'Ada', email: 'ada@exmaple.com' });
    client.identify({ phone: '+44 20 7946 0958' });
    await client.send('Hello');
    expect(storedKeys(storage)).not.toContain('parley:pk_test:identity');
    // A reconnect would otherwise undo an agent's fix of the address the visitor mistyped.
    server.goDown();
    await until(client, 'offline');
    server.comeUp();
    await until(client, 'connected');
    expect(identities(server).at(-1)).toEqual({ phone: '+44 20 7946 0958' });
  });

  it("rejects with the server's invalid_payload issues", async () => {
    const { client } = await connected();
    const error = await client.submitContact({ name: 'Ada', phone: '12' }).catch((caught: unknown) => caught);
    expect(ParleyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'phone', message: 'That is not a phone number.' }] });
  });

  it('rejects with unavailable when the server does not answer in time', async () => {
    const { server, client } = await connected();
    server.goDown();
    await until(client, 'offline');
    await expect(client.submitContact({ name: 'Ada' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('ignores an unreadable stored answer', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    storage.setItem('parley:pk_test:identity', '{not json');
    const client = start(server, { storage });
    await until(client, 'connected');
    expect(identities(server)).toEqual([undefined]);
  });

  it('is forgotten by close({ forget: true })', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    const client = start(server, { storage });
    await until(client, 'connected');
    await client.submitContact({ name: 'Ada' });
    client.close({ forget: true });
    expect(storedKeys(storage)).not.toContain('parley:pk_test:identity');
    client.connect();
    await until(client, 'connected');
    expect(identities(server).at(-1)).toBeUndefined();
  });
});

describe('close', () => {
  it('keeps the session, the conversation and the outbox in storage, so the next client resumes', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    const first = start(server, { storage });
    await until(first, 'connected');
    await first.send('Hello');
    server.goDown();
    await until(first, 'offline');
    void first.send('Still there?').catch(() => {});
    first.close();
    expect(storedKeys(storage)).toEqual(['parley:pk_test:conversation', 'parley:pk_test:outbox', 'parley:pk_test:session']);
    server.comeUp();
    const second = start(server, { storage });
    await until(second, 'connected');
    await vi.waitFor(() => expect(bodies(second.messages)).toEqual(['Hello', 'Still there?']), { timeout: 2000, interval: 5 });
    expect(server.visitors.size).toBe(1);
  });

  it('with forget: true removes everything stored for the widget key, and the next client is a new visitor', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    storage.setItem('parley:pk_other:session', 'another widget');
    storage.setItem('site:cart', '3 items');
    const first = start(server, { storage });
    await until(first, 'connected');
    first.identify({ name: 'Ada' });
    await first.send('Hello');
    server.goDown();
    await until(first, 'offline');
    const unsent = first.send('Never sent');
    first.close({ forget: true });
    await expect(unsent).rejects.toMatchObject({ code: 'unavailable' });
    expect(storedKeys(storage)).toEqual(['parley:pk_other:session', 'site:cart']);
    expect(first.messages).toEqual([]);
    expect(first.pending).toEqual([]);
    expect(first.session).toBeNull();
    server.comeUp();

    const second = start(server, { storage });
    await until(second, 'connected');
    expect(server.visitors.size).toBe(2);
    expect(second.messages).toEqual([]);
    expect(server.sends.map((sent) => sent.body)).toEqual(['Hello']);
    // The same client connecting again is a new visitor too, without the forgotten details.
    second.close({ forget: true });
    first.connect();
    await until(first, 'connected');
    expect(server.visitors.size).toBe(3);
    expect(server.sockets[0]!.handshakes.at(-1)).toEqual({ widgetKey: 'pk_test', ...where });
  });

  it('with forget: true after a plain close still forgets', async () => {
    const server = new FakeServer();
    const storage = listableStorage();
    const client = start(server, { storage });
    await until(client, 'connected');
    client.close();
    expect(storedKeys(storage)).toEqual(['parley:pk_test:session']);
    client.close({ forget: true });
    expect(storedKeys(storage)).toEqual([]);
  });
});
