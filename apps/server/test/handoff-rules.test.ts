import { botReplies, conversationEvents, conversations, messages } from '@parley/db';
import type { Ack, Message, MessageSent, VisitorConversation } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import type { HandoffRules } from '../src/widgets/bot-config.js';
import { connectVisitor, createTenant, nextEvent, ok, openConsole, request, useServerWithClaude } from './helpers/server.js';

// The widget's handoff rules end to end: the real server and a socket.io-client visitor, Claude mocked by msw. No
// retries, so a failing provider fails at once.
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });

const defaults: HandoffRules = { afterRepliesWithoutSource: 3, afterNotHelpful: 2, onProviderFailure: true };
const ASKED_TO_JOIN = 'A person from our team was asked to join.';
const QUEUE_LINE = "You're number 1 in the queue.";

const consoles: Socket[] = [];
afterEach(() => {
  for (const socket of consoles.splice(0)) socket.close();
});

/**
 * A tenant with the bot on and these handoff rules (the defaults otherwise), and its agent online; `manual` routing
 * keeps a handed-off conversation queued, so the visitor is told their place.
 */
async function botTenant(handoff: Partial<HandoffRules> = {}) {
  const tenant = await createTenant(server, { bot: { enabled: true, handoff: { ...defaults, ...handoff } } });
  consoles.push(await openConsole(server, tenant));
  return tenant;
}

/** A visitor of the tenant, with everything it is sent kept in order. */
async function visitorOf(tenant: Awaited<ReturnType<typeof botTenant>>) {
  const socket = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  const seen: Message[] = [];
  socket.on('message:created', (message: Message) => seen.push(message));
  return { socket, seen };
}

let sent = 0;

/** Sends `body` and waits until the bot's turn is over: its reply (or apology) stored and sent. */
async function say(socket: Socket, body: string): Promise<{ conversationId: string; reply: Message }> {
  const reply = nextEvent<Message>(socket, 'message:created', (message) => message.author.kind === 'bot');
  const ack = ok(await request<Ack<MessageSent>>(socket, 'message:send', { clientId: `c${++sent}`, body }));
  const message = await reply;
  await server.app.bot.idle();
  return { conversationId: ack.conversationId, reply: message };
}

async function statusOf(conversationId: string) {
  const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
  return row!.status;
}

/** The audit rows of the conversation's handoffs: their `data` ({ event, trigger, reason }). */
async function handoffAudit(conversationId: string) {
  const rows = await server.db.db
    .select()
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.toStatus, 'queued')))
    .orderBy(asc(conversationEvents.id));
  return rows.map((row) => ({ actorKind: row.actorKind, fromStatus: row.fromStatus, data: row.data }));
}

/** What the visitor read after `reply`, in order: the bodies of the messages sent after it. */
function after(seen: readonly Message[], reply: Message) {
  return seen.slice(seen.findIndex((message) => message.id === reply.id)).map((message) => [message.author.kind, message.body]);
}

describe('handoff after replies without a knowledge-base source', () => {
  it('stores the third reply without a source and queues the conversation with it', async () => {
    const tenant = await botTenant();
    const { socket, seen } = await visitorOf(tenant);
    anthropic.reply({ text: ['We sell tents.'] }, { text: ['Yes, in green.'] }, { text: ['About 2 kg.'] });

    const first = await say(socket, 'Do you sell tents?');
    await say(socket, 'In green?');
    expect(await statusOf(first.conversationId)).toBe('bot');
    expect(await handoffAudit(first.conversationId)).toEqual([]);

    const queued = nextEvent<VisitorConversation>(socket, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const third = await say(socket, 'How heavy is it?');
    await queued;

    expect(third.reply.body).toBe('About 2 kg.');
    // The reply first, then the handoff's lines, as stored and as the visitor saw them.
    expect(after(seen, third.reply)).toEqual([
      ['bot', 'About 2 kg.'],
      ['system', ASKED_TO_JOIN],
      ['system', QUEUE_LINE],
    ]);
    const stored = await server.db.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, first.conversationId))
      .orderBy(asc(messages.seq));
    expect(stored.slice(-3).map((row) => row.body)).toEqual(['About 2 kg.', ASKED_TO_JOIN, QUEUE_LINE]);
    expect(await statusOf(first.conversationId)).toBe('queued');
    expect(await handoffAudit(first.conversationId)).toEqual([
      {
        actorKind: 'bot',
        fromStatus: 'bot',
        data: { event: 'handoff.requested', trigger: 'no_source_replies', reason: '3 replies in a row without a knowledge-base source' },
      },
    ]);
    // The reply's usage is recorded as for any reply.
    const [usage] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, third.reply.id));
    expect(usage).toMatchObject({ stopReason: 'end_turn', rounds: 1 });
    expect(anthropic.requests).toHaveLength(3);
    socket.close();
  });

  it('starts counting again after a reply with a source', async () => {
    const tenant = await botTenant({ afterRepliesWithoutSource: 2 });
    await importDocument(server.db.db, {
      organizationId: tenant.organization.id,
      sourceKey: 'returns.md',
      format: 'markdown',
      content: '# Returns\n\n## Return policy\n\nYou can return unused items within 30 days of delivery for a full refund.\n',
    });
    const { socket } = await visitorOf(tenant);
    anthropic.reply(
      { text: ['Hello there.'] },
      { text: ['Unused items within 30 days [1].'] },
      { text: ['We ship to Canada.'] },
      { text: ['It takes a week.'] },
    );

    const first = await say(socket, 'Hi');
    const cited = await say(socket, 'What is your return policy for unused items?');
    expect(cited.reply.citations).toHaveLength(1);
    await say(socket, 'Do you ship to Canada?');
    // One reply without a source since the cited one: under the threshold of 2.
    expect(await statusOf(first.conversationId)).toBe('bot');

    const queued = nextEvent<VisitorConversation>(socket, 'conversation:updated', (conversation) => conversation.status === 'queued');
    await say(socket, 'How long does that take?');
    await queued;
    expect((await handoffAudit(first.conversationId)).map((row) => row.data)).toEqual([
      { event: 'handoff.requested', trigger: 'no_source_replies', reason: '2 replies in a row without a knowledge-base source' },
    ]);
    socket.close();
  });

  it('never hands off with the rule off (0)', async () => {
    const tenant = await botTenant({ afterRepliesWithoutSource: 0 });
    const { socket } = await visitorOf(tenant);
    anthropic.reply({ text: ['One.'] }, { text: ['Two.'] }, { text: ['Three.'] }, { text: ['Four.'] });
    let conversationId = '';
    for (const question of ['First question', 'Second question', 'Third question', 'Fourth question']) {
      conversationId = (await say(socket, question)).conversationId;
    }
    expect(await statusOf(conversationId)).toBe('bot');
    expect(await handoffAudit(conversationId)).toEqual([]);
    socket.close();
  });
});

describe('handoff when the visitor says the answers did not help', () => {
  it('hands off at the second "didn\'t help", without asking the model for that turn', async () => {
    const tenant = await botTenant({ afterRepliesWithoutSource: 0 });
    const { socket, seen } = await visitorOf(tenant);
    anthropic.reply({ text: ['It is on its way.'] }, { text: ['Sorry, let me try again: it ships Monday.'] });

    const first = await say(socket, 'Where is my order?');
    // Once is under the threshold: the model answers.
    await say(socket, "That didn't help.");
    expect(anthropic.requests).toHaveLength(2);
    expect(await statusOf(first.conversationId)).toBe('bot');

    const queued = nextEvent<VisitorConversation>(socket, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const second = await say(socket, 'Still not helpful');
    await queued;

    expect(anthropic.requests).toHaveLength(2);
    expect(after(seen, second.reply)).toEqual([
      ['bot', "I'm connecting you with a person from our team. They'll reply right here."],
      ['system', ASKED_TO_JOIN],
      ['system', QUEUE_LINE],
    ]);
    expect(await handoffAudit(first.conversationId)).toEqual([
      {
        actorKind: 'bot',
        fromStatus: 'bot',
        data: { event: 'handoff.requested', trigger: 'not_helpful', reason: "The visitor said twice that the answers didn't help." },
      },
    ]);
    const [reply] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, second.reply.id));
    expect(reply).toMatchObject({ stopReason: 'handoff_rule', rounds: 0, inputTokens: 0 });
    socket.close();
  });

  it('never hands off with the rule off (0)', async () => {
    const tenant = await botTenant({ afterNotHelpful: 0, afterRepliesWithoutSource: 0 });
    const { socket } = await visitorOf(tenant);
    anthropic.reply({ text: ['Answer one.'] }, { text: ['Answer two.'] }, { text: ['Answer three.'] });
    let conversationId = '';
    for (const body of ["That didn't help.", 'Not helpful.', 'Useless.']) conversationId = (await say(socket, body)).conversationId;
    expect(anthropic.requests).toHaveLength(3);
    expect(await statusOf(conversationId)).toBe('bot');
    expect(await handoffAudit(conversationId)).toEqual([]);
    socket.close();
  });
});

describe('handoff when the model provider fails', () => {
  it('stores the apology, then queues the conversation, the reason naming the error but not the key', async () => {
    const tenant = await botTenant();
    const { socket, seen } = await visitorOf(tenant);
    anthropic.reply({ httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });

    const queued = nextEvent<VisitorConversation>(socket, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const { conversationId, reply } = await say(socket, 'Hello?');
    await queued;

    expect(anthropic.requests).toHaveLength(1);
    expect(after(seen, reply)).toEqual([
      ['bot', "Sorry, I can't answer right now. I'm connecting you with a person from our team; they'll reply right here."],
      ['system', ASKED_TO_JOIN],
      ['system', QUEUE_LINE],
    ]);
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conversation).toMatchObject({ status: 'queued', botTurnId: null, botAnsweredSeq: 1 });
    const audit = await handoffAudit(conversationId);
    expect(audit).toEqual([
      {
        actorKind: 'bot',
        fromStatus: 'bot',
        data: { event: 'handoff.requested', trigger: 'provider_failed', reason: 'The model provider failed (OverloadedError, HTTP 529).' },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('sk-ant');
    // An apology is no reply: no usage row for it.
    expect(await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, reply.id))).toEqual([]);
    socket.close();
  });

  it('only apologizes with the rule off (false)', async () => {
    const tenant = await botTenant({ onProviderFailure: false });
    const { socket, seen } = await visitorOf(tenant);
    anthropic.reply({ httpError: { status: 500, type: 'api_error', message: 'down' } });
    const { conversationId, reply } = await say(socket, 'Hello?');

    expect(reply.body).toMatch(/can't answer right now.*talk to a person/);
    expect(after(seen, reply)).toEqual([['bot', reply.body]]);
    expect(await statusOf(conversationId)).toBe('bot');
    expect(await handoffAudit(conversationId)).toEqual([]);
    socket.close();
  });
});

describe('the trigger of the other bot handoffs', () => {
  it('is visitor_words when the visitor asks for a person', async () => {
    const tenant = await botTenant();
    const { socket } = await visitorOf(tenant);
    const queued = nextEvent<VisitorConversation>(socket, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const { conversationId } = await say(socket, 'Can I talk to a real person?');
    await queued;
    expect(anthropic.requests).toHaveLength(0);
    expect((await handoffAudit(conversationId)).map((row) => row.data)).toEqual([
      { event: 'handoff.requested', trigger: 'visitor_words', reason: 'The visitor asked for a person.' },
    ]);
    socket.close();
  });

  it("is bot_tool when the model calls its handoff tool, with the model's reason", async () => {
    const tenant = await botTenant();
    const { socket } = await visitorOf(tenant);
    anthropic.reply({
      text: ['I will get a colleague.'],
      toolUse: { id: 'toolu_h', name: 'handoff_to_human', input: { reason: 'refund dispute' } },
    });
    const queued = nextEvent<VisitorConversation>(socket, 'conversation:updated', (conversation) => conversation.status === 'queued');
    const { conversationId } = await say(socket, 'I want my money back.');
    await queued;
    expect((await handoffAudit(conversationId)).map((row) => row.data)).toEqual([
      { event: 'handoff.requested', trigger: 'bot_tool', reason: 'refund dispute' },
    ]);
    socket.close();
  });
});
