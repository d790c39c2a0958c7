import { messages } from '@parley/db';
import type { Ack, Message, MessageSent, SystemEvent, VisitorConversation } from '@parley/protocol';
import { asc, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  nextEvent,
  ok,
  openConsole,
  request,
  useServerWithClaude,
} from './helpers/server.js';

// The visitor always knows what is happening: every handoff, queue place, takeover, resolution and reopening is a
// system message in the transcript, written with the transition and broadcast like any message.
const { server, anthropic } = useServerWithClaude({});

const consoles: Socket[] = [];
afterEach(() => {
  for (const socket of consoles.splice(0)) socket.close();
});

/** A widget whose bot answers first, and its agent online (so that the queue gives places, not "nobody is there"). */
async function botTenant() {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  consoles.push(await openConsole(server, tenant));
  return tenant;
}

/** Every system message the socket receives, in order. */
function watchSystem(socket: Socket): Message[] {
  const seen: Message[] = [];
  socket.on('message:created', (message: Message) => {
    if (message.author.kind === 'system') seen.push(message);
  });
  return seen;
}

function nextSystem(socket: Socket, type: SystemEvent['type']): Promise<Message> {
  return nextEvent<Message>(socket, 'message:created', (message) => message.event?.type === type);
}

async function storedSeqs(conversationId: string): Promise<number[]> {
  const rows = await server.db.db
    .select({ seq: messages.seq })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq));
  return rows.map((row) => row.seq);
}

function patch(conversationId: string, token: string, body: Record<string, unknown>) {
  return fetch(`${server.url}/api/conversations/${conversationId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('system messages tell the visitor what is happening', () => {
  it('shows "a person was asked" and the queue position when the visitor presses the button', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchSystem(visitor);
    const queuedLine = nextSystem(visitor, 'queued');
    const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    await queuedLine;
    expect(seen.map((message) => message.event)).toEqual([
      { type: 'handoff_requested', by: 'visitor' },
      { type: 'queued', position: 1 },
    ]);
    expect(seen.map((message) => message.body)).toEqual(['A person from our team was asked to join.', "You're number 1 in the queue."]);
    expect(conversation).toMatchObject({ status: 'queued', lastSeq: 2 });
    expect(await storedSeqs(conversation.id)).toEqual([1, 2]);
    // What a reconnecting visitor syncs is what was broadcast.
    const synced = ok(await request<Ack<{ messages: Message[] }>>(visitor, 'messages:sync', { afterSeq: 0, limit: 50 }));
    expect(synced.messages).toEqual(seen);
    visitor.close();
  });

  it("writes the lines in the widget's language: a German widget's visitor reads German", async () => {
    const tenant = await createTenant(server, { bot: { enabled: true }, settings: { locale: 'de' } });
    consoles.push(await openConsole(server, tenant));
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchSystem(visitor);
    const queuedLine = nextSystem(visitor, 'queued');
    const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    await queuedLine;
    expect(seen.map((message) => message.event)).toEqual([
      { type: 'handoff_requested', by: 'visitor' },
      { type: 'queued', position: 1 },
    ]);
    expect(seen.map((message) => message.body)).toEqual([
      'Jemand aus unserem Team wurde hinzugebeten.',
      'Sie sind auf Platz 1 der Warteschlange.',
    ]);
    // Stored as sent: a reconnecting visitor syncs the German lines too.
    const synced = ok(await request<Ack<{ messages: Message[] }>>(visitor, 'messages:sync', { afterSeq: 0, limit: 50 }));
    expect(synced.messages).toEqual(seen);
    expect(await storedSeqs(conversation.id)).toEqual([1, 2]);
    visitor.close();
  });

  it('shows the same system messages when the visitor asks for a person in words', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchSystem(visitor);
    const queuedLine = nextSystem(visitor, 'queued');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'w', body: 'Can I talk to a person please?' }));
    await queuedLine;
    await server.app.bot.idle();
    expect(anthropic.requests).toHaveLength(0);
    expect(seen.map((message) => message.event?.type)).toEqual(['handoff_requested', 'queued']);
    expect(seen.map((message) => message.body)).toEqual(['A person from our team was asked to join.', "You're number 1 in the queue."]);
    // The visitor's words, the bot's reply, then the two status lines: gapless.
    expect(await storedSeqs(sent.conversationId)).toEqual([1, 2, 3, 4]);
    visitor.close();
  });

  it('numbers two queued conversations of an organization 1 and 2, oldest first', async () => {
    const tenant = await botTenant();
    const first = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const second = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const firstPlace = nextSystem(first, 'queued');
    ok(await request<Ack<VisitorConversation>>(first, 'handoff:request', {}));
    const secondPlace = nextSystem(second, 'queued');
    ok(await request<Ack<VisitorConversation>>(second, 'handoff:request', {}));
    expect((await firstPlace).event).toEqual({ type: 'queued', position: 1 });
    expect((await secondPlace).event).toEqual({ type: 'queued', position: 2 });
    // Another organization's queue is its own.
    const other = await botTenant();
    const third = await connectVisitor(server, { widgetKey: other.widget.publicKey });
    const thirdPlace = nextSystem(third, 'queued');
    ok(await request<Ack<VisitorConversation>>(third, 'handoff:request', {}));
    expect((await thirdPlace).event).toEqual({ type: 'queued', position: 1 });
    for (const socket of [first, second, third]) socket.close();
  });

  it('gives conversations queued at the same moment different places', async () => {
    const tenant = await botTenant();
    const visitors = await Promise.all(Array.from({ length: 4 }, () => connectVisitor(server, { widgetKey: tenant.widget.publicKey })));
    const places = visitors.map((visitor) => nextSystem(visitor, 'queued'));
    await Promise.all(visitors.map(async (visitor) => ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}))));
    const positions = (await Promise.all(places)).map((message) => (message.event as { position: number }).position);
    expect(positions.toSorted()).toEqual([1, 2, 3, 4]);
    for (const visitor of visitors) visitor.close();
  });

  it('tells the visitor who joined, that it was resolved, and that it reopened; seq stays gapless', async () => {
    // Reopened conversations go back to the bot on this widget (by default they would go back to the online agent).
    const tenant = await createTenant(server, { bot: { enabled: true }, routing: { reopen: 'bot' } });
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchSystem(visitor);
    const agentSeen = watchSystem(agent);
    const arrived: number[] = [];
    visitor.on('message:created', (message: Message) => arrived.push(message.seq));
    const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));

    // The agent takes over by replying: the visitor reads who joined before the reply.
    const joined = nextSystem(visitor, 'agent_joined');
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    ok(
      await request<Ack<MessageSent>>(agent, 'message:send', { conversationId: conversation.id, clientId: 'r1', body: 'Hi, Robin here.' }),
    );
    expect((await joined).event).toEqual({ type: 'agent_joined', agentName: tenant.user.name });
    expect((await joined).body).toBe(`${tenant.user.name} joined the conversation.`);
    const agentReply = await reply;
    expect((await joined).seq).toBe(agentReply.seq - 1);

    const resolved = nextSystem(visitor, 'resolved');
    const response = await patch(conversation.id, token, { status: 'resolved' });
    expect(response.status).toBe(200);
    expect((await resolved).body).toBe('The conversation was resolved.');
    const resolvedSeq = (await resolved).seq;
    expect(agentReply.seq).toBeLessThan(resolvedSeq);
    expect((await jsonOf(response)).lastSeq).toBe(resolvedSeq);

    anthropic.reply({ text: ['Welcome back.'] });
    const reopened = nextSystem(visitor, 'reopened');
    const agentReopened = nextSystem(agent, 'reopened');
    const answered = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'again', body: 'One more question about my order.' }));
    expect((await reopened).body).toBe('The conversation was reopened.');
    await agentReopened;
    // The bot answers the new question, and the status lines are not part of what the model reads.
    expect((await answered).body).toBe('Welcome back.');
    await server.app.bot.idle();
    expect(JSON.stringify(anthropic.requests)).not.toContain('joined the conversation');

    expect(seen.map((message) => message.event?.type)).toEqual(['handoff_requested', 'queued', 'agent_joined', 'resolved', 'reopened']);
    expect(agentSeen.map((message) => message.event?.type)).toEqual(seen.map((message) => message.event?.type));
    const seqs = await storedSeqs(conversation.id);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    // Every message reached the visitor once, in seq order: no gap for the client to re-sync.
    expect(arrived).toEqual(seqs);
    visitor.close();
    agent.close();
  });

  it('tells the visitor when an agent takes the conversation from the console and hands it back to the bot', async () => {
    const tenant = await botTenant();
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchSystem(visitor);
    const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    const joined = nextSystem(visitor, 'agent_joined');
    expect((await patch(conversation.id, token, { assignToMe: true })).status).toBe(200);
    expect((await joined).event).toEqual({ type: 'agent_joined', agentName: tenant.user.name });
    const back = nextSystem(visitor, 'handed_back_to_bot');
    expect((await patch(conversation.id, token, { status: 'bot' })).status).toBe(200);
    await back;
    expect(seen.map((message) => message.event?.type)).toEqual(['handoff_requested', 'queued', 'agent_joined', 'handed_back_to_bot']);
    expect(await storedSeqs(conversation.id)).toEqual([1, 2, 3, 4]);
    visitor.close();
  });
});
