import { botReplies, contacts, conversations, messages, toolCalls, usageDaily } from '@parley/db';
import type { Ack, BotReplyDelta, BotReplyEnd, BotReplyStart, Message, MessageSent, VisitorConversation } from '@parley/protocol';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { findStrandedTurns } from '../src/bot/turn-claim.js';
import { listMessages, sendVisitorMessage } from '../src/conversations/service.js';
import { gate } from './helpers/anthropic.js';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  login,
  nextEvent,
  ok,
  request,
  startSecondApp,
  useServerWithClaude,
} from './helpers/server.js';

// The Claude path end to end: the real server and a real socket.io-client visitor, with Anthropic's HTTP API mocked
// by msw (server-sent events, as the API streams them).
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '2', PARLEY_BOT_TIMEOUT_MS: '5000' });

async function botTenant(settings: Record<string, unknown> = {}) {
  return createTenant(server, { bot: { enabled: true }, settings });
}

/** The newest visitor turn as Claude gets it: the knowledge-base block (here: nothing matched), then the words. */
const noPassages = { type: 'text', text: '<knowledge_base>\nNo passage of the knowledge base matches this message.\n</knowledge_base>' };
const newestVisitorTurn = (text: string) => ({ role: 'user', content: [noPassages, { type: 'text', text }] });

/** Collects what the visitor sees of bot replies. */
function watchBot(visitor: Socket) {
  const seen = { starts: [] as BotReplyStart[], deltas: [] as BotReplyDelta[], ends: [] as BotReplyEnd[], messages: [] as Message[] };
  visitor.on('bot:reply-start', (event: BotReplyStart) => seen.starts.push(event));
  visitor.on('bot:reply-delta', (event: BotReplyDelta) => seen.deltas.push(event));
  visitor.on('bot:reply-end', (event: BotReplyEnd) => seen.ends.push(event));
  visitor.on('message:created', (message: Message) => {
    if (message.author.kind === 'bot') seen.messages.push(message);
  });
  return seen;
}

async function storedMessages(conversationId: string) {
  return server.db.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq));
}

describe('the bot answers with Claude', () => {
  it('streams deltas in order and stores their concatenation once, with tokens, latency and cost', async () => {
    const tenant = await botTenant({ botName: 'Sam' });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchBot(visitor);
    anthropic.reply({ text: ['Our ', 'tents ', 'ship in ', '2 days.'], usage: { input: 200, output: 12, cacheRead: 150, cacheWrite: 40 } });

    const done = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'q1', body: 'How fast do you ship tents?' }));
    const final = await done;
    await server.app.bot.idle();

    expect(seen.starts).toHaveLength(1);
    expect(seen.starts[0]!.author).toEqual({ kind: 'bot', id: null, name: 'Sam' });
    expect(seen.deltas.map((delta) => delta.delta)).toEqual(['Our ', 'tents ', 'ship in ', '2 days.']);
    expect(new Set(seen.deltas.map((delta) => delta.messageId))).toEqual(new Set([final.id]));
    expect(final).toMatchObject({ body: 'Our tents ship in 2 days.', seq: 2, author: { kind: 'bot', name: 'Sam' } });
    expect(seen.ends).toEqual([{ conversationId: sent.conversationId, messageId: final.id, status: 'complete' }]);
    // Read back later (a reload, the console), the bot message keeps its author's name.
    const page = await listMessages(server.db.db, sent.conversationId, { afterSeq: 1, limit: 10 });
    expect(page.messages.map((message) => message.author)).toEqual([{ kind: 'bot', id: null, name: 'Sam' }]);

    const stored = await storedMessages(sent.conversationId);
    expect(stored.map((row) => [row.authorKind, row.body])).toEqual([
      ['visitor', 'How fast do you ship tents?'],
      ['bot', 'Our tents ship in 2 days.'],
    ]);
    const [reply] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, final.id));
    expect(reply).toMatchObject({
      model: 'claude-haiku-5-5',
      inputTokens: 200,
      outputTokens: 12,
      cacheReadTokens: 150,
      cacheWriteTokens: 40,
      stopReason: 'end_turn',
      rounds: 1,
    });
    expect(reply!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(reply!.latencyMs).toBeGreaterThanOrEqual(reply!.timeToFirstTokenMs!);
    const [usage] = await server.db.db.select().from(usageDaily).where(eq(usageDaily.organizationId, tenant.organization.id));
    // 200 × $1 + 12 × $5 + 150 × $0.10 + 40 × $1.25 per million tokens.
    expect(usage).toMatchObject({ model: 'claude-haiku-5-5', replies: 1, inputTokens: 200, outputTokens: 12 });
    expect(Number(usage!.costUsd)).toBeCloseTo(0.000325, 6);

    // Prompt caching on the system prompt and the tool definitions; the visitor's text only in messages.
    const body = anthropic.requests[0]!;
    expect(body).toMatchObject({
      model: 'claude-haiku-5-5',
      stream: true,
      system: [{ type: 'text', cache_control: { type: 'ephemeral' } }],
    });
    const tools = body.tools as Array<{ name: string; cache_control?: unknown; input_schema: unknown }>;
    expect(tools.map((tool) => tool.name)).toEqual(['handoff_to_human', 'collect_contact', 'search_knowledge_base', 'offer_quick_replies']);
    expect(tools.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    expect(tools[0]!.input_schema).toMatchObject({ type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] });
    // The visitor's words stay as written, after the (here empty) knowledge-base block.
    expect(body.messages).toEqual([newestVisitorTurn('How fast do you ship tents?')]);
    visitor.close();
  });

  it("names the visitor's language as the prompt's hint: a Spanish browser on an English widget", async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, language: 'es' });
    anthropic.reply({ text: ['Claro.'] });
    const done = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'es', body: 'ok' }));
    await done;
    const [system] = anthropic.requests[0]!.system as Array<{ text: string }>;
    expect(system!.text).toContain(
      'When their message doesn\'t show a language (a short "ok", an order number, a product name), answer in the ' +
        'language the visitor reads, as their widget or browser reports it: Spanish (es).',
    );
    expect(system!.text).not.toContain("the widget's language");
    visitor.close();
  });

  it('runs a tool_use round trip and stores the phone number in E.164', async () => {
    const tenant = await botTenant({ defaultCountry: 'US' });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    anthropic.reply(
      { text: ['Let me save that.'], toolUse: { id: 'toolu_bad', name: 'collect_contact', input: { name: 'Ada', phone: '555-12' } } },
      { toolUse: { id: 'toolu_good', name: 'collect_contact', input: { name: 'Ada', phone: '(415) 555-2671' } } },
      { text: [' Saved, Ada.'] },
    );
    const done = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c', body: 'I am Ada, call me at (415) 555-2671' }),
    );
    const final = await done;
    await server.app.bot.idle();

    expect(final.body).toBe('Let me save that. Saved, Ada.');
    const [contact] = await server.db.db
      .select()
      .from(contacts)
      .where(
        eq(
          contacts.id,
          final.conversationId
            ? (await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId)))[0]!.contactId
            : '',
        ),
      );
    expect(contact).toMatchObject({ name: 'Ada', phone: '+14155552671' });

    // The invalid number went back to the model as a tool error it could correct.
    const second = anthropic.requests[1]!.messages as Array<{ role: string; content: unknown }>;
    expect(second.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_bad', content: 'The phone number is not valid.', is_error: true }],
    });
    expect(second.at(-2)).toMatchObject({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me save that.' },
        { type: 'tool_use', id: 'toolu_bad' },
      ],
    });

    const calls = await server.db.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.conversationId, sent.conversationId))
      .orderBy(asc(toolCalls.id));
    expect(calls.map((call) => [call.tool, call.success, call.error, call.messageId])).toEqual([
      ['collect_contact', false, 'The phone number is not valid.', final.id],
      ['collect_contact', true, null, final.id],
    ]);
    // The log keeps what was saved, and nothing of what was refused.
    expect(calls.map((call) => call.input)).toEqual([
      { name: '[withheld]', phone: '[withheld]' },
      { name: 'Ada', phone: '+14155552671' },
    ]);
    expect(calls[1]!.output).toEqual({ saved: { name: 'Ada', phone: '+14155552671' } });
    const [reply] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, final.id));
    expect(reply!.rounds).toBe(3);
    visitor.close();
  });

  it('hands the conversation to a human through the handoff tool', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    anthropic.reply({
      text: ['I will get a colleague.'],
      toolUse: { id: 'toolu_h', name: 'handoff_to_human', input: { reason: 'refund dispute' } },
    });
    const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'r', body: 'I want my money back, this is the third time!' }),
    );
    await queued;
    await server.app.bot.idle();

    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation).toMatchObject({ status: 'queued', botTurnId: null, botAnsweredSeq: 1 });
    const stored = await storedMessages(sent.conversationId);
    expect(stored.map((row) => [row.authorKind, row.body])).toEqual([
      ['visitor', 'I want my money back, this is the third time!'],
      ['bot', 'I will get a colleague.'],
      ['system', 'A person from our team was asked to join.'],
      // No agent of this organization is online: the visitor is told so, and asked for a way to be answered.
      ['system', "Nobody from our team is available right now. Leave your e-mail address or phone number and we'll get back to you."],
    ]);
    // The model was asked once: a handoff ends the turn.
    expect(anthropic.requests).toHaveLength(1);
    visitor.close();
  });

  it('retries an overloaded (529) answer and then replies', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    anthropic.reply({ httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }, { text: ['Back again.'] });
    const done = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'o', body: 'Hello?' }));
    expect((await done).body).toBe('Back again.');
    expect(anthropic.requests).toHaveLength(2);
    visitor.close();
  });

  it('gives up cleanly when the model stays overloaded, and tells the visitor', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchBot(visitor);
    const overloaded = { httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' } };
    anthropic.reply(overloaded, overloaded, overloaded);
    const done = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'o', body: 'Hello?' }));
    const apology = await done;
    await server.app.bot.idle();

    // By default a failing provider hands the conversation to a person, and the apology says so.
    expect(apology.body).toMatch(/can't answer right now.*connecting you with a person/);
    // Three attempts: the first and two retries (PARLEY_BOT_MAX_RETRIES=2).
    expect(anthropic.requests).toHaveLength(3);
    expect(seen.starts).toEqual([]);
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation).toMatchObject({ status: 'queued', botTurnId: null, botAnsweredSeq: 1 });
    visitor.close();
  });

  it('still records the tokens of a turn that failed after a tool round', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const overloaded = { httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' } };
    anthropic.reply(
      { toolUse: { id: 'toolu_n', name: 'collect_contact', input: { name: 'Grace' } }, usage: { input: 300, output: 20 } },
      overloaded,
      overloaded,
      overloaded,
    );
    const apology = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'u', body: 'I am Grace' }));
    expect((await apology).body).toMatch(/can't answer right now/);
    await server.app.bot.idle();
    const [usage] = await server.db.db.select().from(usageDaily).where(eq(usageDaily.organizationId, tenant.organization.id));
    expect(usage).toMatchObject({ model: 'claude-haiku-5-5', replies: 0, inputTokens: 300, outputTokens: 20 });
    expect(Number(usage!.costUsd)).toBeCloseTo(0.0004, 6);
    visitor.close();
  });

  it('drops the partial text of a stream cut mid-way and stores the apology instead', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchBot(visitor);
    anthropic.reply({ text: ['Half a', ' sentence'], cutAfterFirstDelta: true });
    const done = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'x', body: 'Tell me everything' }));
    const apology = await done;
    await server.app.bot.idle();

    expect(seen.deltas.map((delta) => delta.delta)).toEqual(['Half a']);
    expect(seen.ends).toEqual([{ conversationId: sent.conversationId, messageId: seen.starts[0]!.messageId, status: 'failed' }]);
    expect(apology.id).not.toBe(seen.starts[0]!.messageId);
    const stored = await storedMessages(sent.conversationId);
    expect(stored.filter((row) => row.authorKind !== 'system').map((row) => row.body)).toEqual(['Tell me everything', apology.body]);
    visitor.close();
  });

  it('cancels the running turn when an agent takes over mid-stream', async () => {
    const tenant = await botTenant();
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const seen = watchBot(visitor);
    const pause = gate();
    anthropic.reply({ text: ['Let me think', ' about that.'], pauseAfterFirstDelta: pause.promise });

    const started = nextEvent<BotReplyDelta>(visitor, 'bot:reply-delta');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'm', body: 'Is the tent waterproof?' }));
    await started;
    const cancelled = nextEvent<BotReplyEnd>(visitor, 'bot:reply-end');
    ok(
      await request<Ack<MessageSent>>(agent, 'message:send', {
        conversationId: sent.conversationId,
        clientId: 'take',
        body: 'Hi, Robin here — yes, fully.',
      }),
    );
    expect(await cancelled).toMatchObject({ status: 'cancelled', messageId: seen.starts[0]!.messageId });
    pause.open();
    await server.app.bot.idle();

    const stored = await storedMessages(sent.conversationId);
    expect(stored.map((row) => [row.authorKind, row.body])).toEqual([
      ['visitor', 'Is the tent waterproof?'],
      ['system', `${tenant.user.name} joined the conversation.`],
      ['agent', 'Hi, Robin here — yes, fully.'],
    ]);
    expect(seen.messages).toEqual([]);
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation).toMatchObject({ status: 'agent', botTurnId: null });
    visitor.close();
    agent.close();
  });

  it('hands off when the visitor asks for a person, without asking the model, even when it is down', async () => {
    const tenant = await botTenant({ locale: 'de' });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    anthropic.reply({ httpError: { status: 500, type: 'api_error', message: 'down' } });
    const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'h', body: 'Kann ich bitte mit einem Mitarbeiter sprechen?' }));
    await queued;
    // In the widget's language (the visitor's is not known here), as the bot's other fixed replies.
    expect((await reply).body).toBe('Ich verbinde Sie mit jemandem aus unserem Team. Sie erhalten die Antwort direkt hier.');
    expect(anthropic.requests).toHaveLength(0);
    visitor.close();
  });

  it('hands off through the widget button, and refuses a second request with transition_rejected', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const first = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    expect(first.status).toBe('queued');
    const second = await request<Ack<VisitorConversation>>(visitor, 'handoff:request', { reason: 'again' });
    expect(second).toMatchObject({ ok: false, error: { code: 'transition_rejected' } });
    visitor.close();
  });

  it('runs one turn at a time and answers messages that arrive during a turn together in the next', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const pause = gate();
    anthropic.reply({ text: ['First', ' answer.'], pauseAfterFirstDelta: pause.promise }, { text: ['Second answer.'] });
    const firstDelta = nextEvent<BotReplyDelta>(visitor, 'bot:reply-delta');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'Question one' }));
    await firstDelta;
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'Question two' }));
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c', body: 'Question three' }));
    // A second process on the same database tries too: the claim in the database refuses it.
    server.app.bot.schedule(sent.conversationId);
    const second = nextEvent<Message>(visitor, 'message:created', (message) => message.body === 'Second answer.');
    pause.open();
    await second;
    await server.app.bot.idle();

    expect(anthropic.requests).toHaveLength(2);
    expect(anthropic.maxInFlight).toBe(1);
    expect((anthropic.requests[1]!.messages as unknown[]).at(-1)).toEqual(newestVisitorTurn('Question two\n\nQuestion three'));
    const stored = await storedMessages(sent.conversationId);
    expect(stored.map((row) => [row.seq, row.authorKind, row.body])).toEqual([
      [1, 'visitor', 'Question one'],
      [2, 'visitor', 'Question two'],
      [3, 'visitor', 'Question three'],
      [4, 'bot', 'First answer.'],
      [5, 'bot', 'Second answer.'],
    ]);
    visitor.close();
  });
});

describe('two server processes on one database', () => {
  it('never run two turns for one conversation', async () => {
    const other = await startSecondApp(server);
    try {
      const tenant = await botTenant();
      const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
      const pause = gate();
      anthropic.reply({ text: ['Only once.'], pauseAfterFirstDelta: pause.promise });
      const delta = nextEvent<BotReplyDelta>(visitor, 'bot:reply-delta');
      const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'p', body: 'Ping' }));
      await delta;
      other.app.bot.schedule(sent.conversationId);
      server.app.bot.schedule(sent.conversationId);
      pause.open();
      await Promise.all([other.app.bot.idle(), server.app.bot.idle()]);
      expect(anthropic.requests).toHaveLength(1);
      const stored = await server.db.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, sent.conversationId), eq(messages.authorKind, 'bot')));
      expect(stored.map((row) => row.body)).toEqual(['Only once.']);
      visitor.close();
    } finally {
      await other.close();
    }
  });

  it('stops the stream in one process when an agent takes over through the other', async () => {
    const other = await startSecondApp(server);
    try {
      const tenant = await botTenant();
      const { token } = await login(other, tenant.email, tenant.password);
      const agent = await connectAgent(other, token);
      const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
      const pause = gate();
      anthropic.reply({ text: ['Thinking', ' hard.'], pauseAfterFirstDelta: pause.promise });
      const delta = nextEvent<BotReplyDelta>(visitor, 'bot:reply-delta');
      const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'q', body: 'Is it waterproof?' }));
      await delta;
      const cancelled = nextEvent<BotReplyEnd>(visitor, 'bot:reply-end');
      ok(await request<Ack<MessageSent>>(agent, 'message:send', { conversationId: sent.conversationId, clientId: 'take', body: 'Yes.' }));
      // The upstream stays paused: only the heartbeat can notice that the claim is gone.
      expect(await cancelled).toMatchObject({ status: 'cancelled' });
      pause.open();
      await server.app.bot.idle();
      const bodies = (await storedMessages(sent.conversationId)).map((row) => row.body);
      expect(bodies).toEqual(['Is it waterproof?', `${tenant.user.name} joined the conversation.`, 'Yes.']);
      visitor.close();
      agent.close();
    } finally {
      await other.close();
    }
  });
});

describe('a process that died mid-turn', () => {
  it('leaves a claim that the sweeper takes over once it is stale, and the visitor gets the answer', async () => {
    const tenant = await botTenant();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const session = ok(await request<Ack<{ visitorId: string }>>(visitor, 'session:get'));
    // The message is stored, but its run-bot-turn effect is never performed, and a dead turn holds the claim.
    const { conversation } = await sendVisitorMessage(
      server.db.db,
      {
        contactId: session.visitorId,
        widgetId: tenant.widget.id,
        organizationId: tenant.organization.id,
        botEnabled: true,
        presenceLeaseMs: 15_000,
      },
      { clientId: 'lost', body: 'Anyone there?' },
    );
    await server.db.db
      .update(conversations)
      .set({ botTurnId: randomUUID(), botTurnStartedAt: sql`now() - interval '10 minutes'`, updatedAt: sql`now() - interval '1 minute'` })
      .where(eq(conversations.id, conversation.id));

    anthropic.reply({ text: ['Yes, here!'] });
    const answer = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    // Counted by conversation: on a Postgres that other suites share, their stranded turns are found too.
    expect(await findStrandedTurns(server.db.db)).toContain(conversation.id);
    expect(await server.app.bot.resumeStranded()).toBeGreaterThanOrEqual(1);
    expect((await answer).body).toBe('Yes, here!');
    await server.app.bot.idle();
    expect(await findStrandedTurns(server.db.db)).not.toContain(conversation.id);
    visitor.close();
  });
});

describe('coming back to the bot', () => {
  it('answers only what is written after a hand-back, not the words said to the agent', async () => {
    const tenant = await botTenant();
    const { token } = await login(server, tenant.email, tenant.password);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const agent = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'I need an agent' }));
    await queued;
    await server.app.bot.idle();
    ok(
      await request<Ack<MessageSent>>(agent, 'message:send', {
        conversationId: sent.conversationId,
        clientId: 'r',
        body: 'Hi, how can I help?',
      }),
    );
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'Thanks agent, solved!' }));
    const handedBack = await fetch(`${server.url}/api/conversations/${sent.conversationId}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ status: 'bot' }),
    });
    expect(handedBack.status).toBe(200);

    anthropic.reply({ text: ['Our store opens at 9.'] });
    const answer = nextEvent<Message>(visitor, 'message:created', (message) => message.body === 'Our store opens at 9.');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c', body: 'When do you open?' }));
    await answer;
    await server.app.bot.idle();
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation!.status).toBe('bot');
    expect(anthropic.requests).toHaveLength(1);
    // Everything before the hand-back is context; the handoff rule did not fire again on "Thanks agent".
    expect(anthropic.requests[0]!.messages).toEqual([
      { role: 'user', content: 'I need an agent' },
      {
        role: 'assistant',
        content:
          "I'm connecting you with a person from our team. They'll reply right here.\n\n(Agent " +
          `${tenant.user.name.slice('Agent '.length)} from the team wrote) Hi, how can I help?`,
      },
      newestVisitorTurn('Thanks agent, solved!\n\nWhen do you open?'),
    ]);
    visitor.close();
    agent.close();
  });

  it('queues a resolved conversation when the visitor asks for a person', async () => {
    const tenant = await createTenant(server, { bot: { enabled: false } });
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'Hello' }));
    const resolve = await fetch(`${server.url}/api/conversations/${sent.conversationId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(resolve.status).toBe(200);
    const queued = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    expect(queued).toMatchObject({ id: sent.conversationId, status: 'queued' });
    visitor.close();
  });
});
