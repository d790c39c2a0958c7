import { randomUUID } from 'node:crypto';
import { usageDaily } from '@parley/db';
import type { Ack, AssistAccepted, AssistDelta, AssistEnd, Message, MessageSent, VisitorConversation } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { describe, expect, it, vi } from 'vitest';
import { NO_PASSAGE_SUGGESTION } from '../src/bot/assist-prompt.js';
import { ASSIST_REQUESTS_PER_WINDOW } from '../src/bot/assist-socket.js';
import { importDocument } from '../src/knowledge/import-document.js';
import { gate } from './helpers/anthropic.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import {
  collect,
  connectAgent,
  connectVisitor,
  createTenant,
  login,
  nextEvent,
  ok,
  request,
  useServerWithClaude,
  useTestServer,
  waitUntil,
  type TestServer,
} from './helpers/server.js';

// AI help for agents end to end: real servers and socket.io-client sockets. One server with Claude mocked by msw (no
// retries, so a failing provider fails at once), one without a key (the extractive offline mode).
const { server: claude, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });
const offline = useTestServer();

const returnsArticle = '# Returns\n\n## Return policy\n\nYou can return unused items within 30 days of delivery for a full refund.\n';
const repairsArticle = '# Repairs\n\n## Zipper repairs\n\nA zipper replacement costs $25 and takes two weeks.\n';
const returnsCitation = { index: 1, title: 'Returns', section: 'Return policy', url: 'https://shop.example/help/returns' };

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** A tenant with two articles in its knowledge base; the bot on unless told. */
async function tenantWithKnowledge(target: TestServer, bot = true): Promise<Tenant> {
  const tenant = await createTenant(target, { bot: { enabled: bot } });
  const db = target.db.db;
  const organizationId = tenant.organization.id;
  await importDocument(db, {
    organizationId,
    sourceKey: 'returns.md',
    format: 'markdown',
    content: returnsArticle,
    url: returnsCitation.url,
  });
  await importDocument(db, { organizationId, sourceKey: 'repairs.md', format: 'markdown', content: repairsArticle });
  return tenant;
}

/**
 * The visitor asks about returns, the bot answers, then the visitor asks for a person: the conversation is handed off
 * (`visitor_words`) and waits in the queue. With Claude, `botAnswer` is the mocked reply.
 */
async function handedOff(target: TestServer, tenant: Tenant, botAnswer?: string[]): Promise<string> {
  const visitor = await connectVisitor(target, { widgetKey: tenant.widget.publicKey });
  if (botAnswer) anthropic.reply({ text: botAnswer });
  const answered = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'q1', body: 'What is your return policy?' }));
  await answered;
  await target.app.bot.idle();
  const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
  ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'q2', body: 'Thanks. Can I talk to a person please?' }));
  await queued;
  await target.app.bot.idle();
  visitor.close();
  return sent.conversationId;
}

/** A conversation the bot never saw (the bot is off): the visitor's one message waits in the queue. */
async function queuedConversation(target: TestServer, tenant: Tenant, body: string): Promise<string> {
  const visitor = await connectVisitor(target, { widgetKey: tenant.widget.publicKey });
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'k1', body }));
  visitor.close();
  return sent.conversationId;
}

async function agentOf(target: TestServer, tenant: Tenant): Promise<Socket> {
  const { token } = await login(target, tenant.email, tenant.password);
  return connectAgent(target, token);
}

/** Asks for AI help and collects its stream: the ack's id, the deltas in order, the end. */
async function assist(agent: Socket, conversationId: string, kind: 'summary' | 'reply') {
  const deltas: AssistDelta[] = [];
  const onDelta = (delta: AssistDelta) => deltas.push(delta);
  agent.on('assist:delta', onDelta);
  const ended = nextEvent<AssistEnd>(agent, 'assist:end');
  const { requestId } = ok(await request<Ack<AssistAccepted>>(agent, 'assist:request', { conversationId, kind }));
  const end = await ended;
  agent.off('assist:delta', onDelta);
  expect(end.requestId).toBe(requestId);
  expect(new Set(deltas.map((delta) => delta.requestId))).toEqual(new Set(deltas.length > 0 ? [requestId] : []));
  return { requestId, deltas: deltas.map((delta) => delta.text), end };
}

async function assistUsage(target: TestServer, organizationId: string) {
  return target.db.db
    .select()
    .from(usageDaily)
    .where(and(eq(usageDaily.organizationId, organizationId), eq(usageDaily.purpose, 'assist')));
}

type TextBlock = { type: string; text: string };
const userTextOf = (body: Record<string, unknown>) =>
  (body.messages as Array<{ role: string; content: TextBlock[] }>)
    .flatMap((message) => message.content.map((block) => block.text))
    .join('\n');
const systemOf = (body: Record<string, unknown>) => (body.system as TextBlock[])[0]!.text;

describe('AI help with Claude', () => {
  it('streams a summary from the transcript and the passages, to the requesting socket only, and records its usage apart', async () => {
    const tenant = await tenantWithKnowledge(claude);
    const conversationId = await handedOff(claude, tenant, ['You can return unused items within 30 days [1].']);
    const agent = await agentOf(claude, tenant);
    const colleague = await agentOf(claude, tenant);
    const overheard = [...collect(colleague, 'assist:delta'), ...collect(colleague, 'assist:end')];
    const botRequests = anthropic.requests.length;

    anthropic.reply({
      text: ['The visitor asked about returns; ', 'the bot quoted the 30-day policy [1]. ', 'They asked for a person.'],
      usage: { input: 321, output: 45, cacheRead: 100 },
    });
    const { deltas, end } = await assist(agent, conversationId, 'summary');

    expect(deltas).toEqual(['The visitor asked about returns; ', 'the bot quoted the 30-day policy [1]. ', 'They asked for a person.']);
    expect(end.text).toBe(deltas.join(''));
    expect(end.error).toBeUndefined();
    expect(end.sources).toEqual([expect.objectContaining(returnsCitation)]);

    // What Claude got: the transcript (system lines too) with the handoff's reason, and the passages, delimited.
    const body = anthropic.requests[botRequests]!;
    expect(body).toMatchObject({ model: 'claude-haiku-5-5', stream: true });
    expect(body.tools).toBeUndefined();
    expect(systemOf(body)).toMatch(/Summarize the chat so far/);
    const sent = userTextOf(body);
    expect(sent).toContain('<transcript>\nVisitor: What is your return policy?\nBot');
    expect(sent).toContain(': You can return unused items within 30 days [1].');
    expect(sent).toContain('Visitor: Thanks. Can I talk to a person please?');
    expect(sent).toMatch(/\nSystem: /);
    expect(sent).toContain("Handed to a person (the visitor's words): The visitor asked for a person.");
    expect(sent).toMatch(
      /<knowledge_base>\n<passage number="1" title="Returns" section="Return policy" url="https:\/\/shop\.example\/help\/returns">\nYou can return unused items/,
    );

    // Counted with the bot's usage, in a row of its own.
    const [usage] = await assistUsage(claude, tenant.organization.id);
    expect(usage).toMatchObject({
      model: 'claude-haiku-5-5',
      purpose: 'assist',
      replies: 1,
      inputTokens: 321,
      outputTokens: 45,
      cacheReadTokens: 100,
    });
    // 321 × $1 + 45 × $5 + 100 × $0.10 per million tokens.
    expect(Number(usage!.costUsd)).toBeCloseTo(0.000556, 6);
    const bot = await claude.db.db
      .select()
      .from(usageDaily)
      .where(and(eq(usageDaily.organizationId, tenant.organization.id), eq(usageDaily.purpose, 'bot')));
    // Claude's answer, and the handoff's canned reply (no model call).
    expect(bot.map((row) => [row.model, row.replies, row.inputTokens]).toSorted()).toEqual([
      ['claude-haiku-5-5', 1, 120],
      ['offline', 1, 0],
    ]);

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(overheard).toEqual([]);
    agent.close();
    colleague.close();
  });

  it('suggests a reply the agent can insert, with the passages for the question before "a person please"', async () => {
    const tenant = await tenantWithKnowledge(claude);
    const conversationId = await handedOff(claude, tenant, ['You can return unused items within 30 days [1].']);
    const agent = await agentOf(claude, tenant);
    const botRequests = anthropic.requests.length;

    anthropic.reply({ text: ['Hi! Unused items ', 'can be returned within 30 days [1].'] });
    const { deltas, end } = await assist(agent, conversationId, 'reply');
    expect(deltas).toEqual(['Hi! Unused items ', 'can be returned within 30 days [1].']);
    expect(end).toMatchObject({
      text: 'Hi! Unused items can be returned within 30 days [1].',
      sources: [expect.objectContaining(returnsCitation)],
    });
    const body = anthropic.requests[botRequests]!;
    expect(systemOf(body)).toMatch(/Write the next reply the agent could send/);
    expect(userTextOf(body)).toContain('<passage number="1" title="Returns"');
    agent.close();
  });

  it('ends with an error and records nothing when the provider fails', async () => {
    const tenant = await tenantWithKnowledge(claude, false);
    const conversationId = await queuedConversation(claude, tenant, 'What is your return policy?');
    const agent = await agentOf(claude, tenant);

    anthropic.reply({ httpError: { status: 500, type: 'api_error', message: 'Internal server error with a secret' } });
    const { deltas, end } = await assist(agent, conversationId, 'summary');
    expect(deltas).toEqual([]);
    expect(end).toMatchObject({ text: '', sources: [], error: { code: 'unavailable' } });
    expect(end.error!.message).toContain('HTTP 500');
    expect(end.error!.message).not.toContain('secret');
    expect(await assistUsage(claude, tenant.organization.id)).toEqual([]);
    agent.close();
  });

  it('stops the stream when the agent disconnects', async () => {
    const tenant = await tenantWithKnowledge(claude, false);
    const conversationId = await queuedConversation(claude, tenant, 'What is your return policy?');
    const agent = await agentOf(claude, tenant);
    const paused = gate();
    anthropic.reply({ text: ['Half ', 'of it'], pauseAfterFirstDelta: paused.promise });
    const first = nextEvent<AssistDelta>(agent, 'assist:delta');
    ok(await request<Ack<AssistAccepted>>(agent, 'assist:request', { conversationId, kind: 'reply' }));
    expect((await first).text).toBe('Half ');

    // The server runs in this process: its abort of the model stream is seen here.
    const aborts = vi.spyOn(AbortController.prototype, 'abort');
    try {
      agent.close();
      await vi.waitFor(() =>
        expect(aborts.mock.calls.some(([reason]) => reason instanceof Error && reason.message === 'The agent disconnected.')).toBe(true),
      );
    } finally {
      aborts.mockRestore();
      paused.open();
    }
    // No tokens were reported before the cut (they come with the end of a message), so nothing is recorded.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await assistUsage(claude, tenant.organization.id)).toEqual([]);
  });
});

describe('AI help without a key (offline)', () => {
  it("summarizes extractively: the visitor's questions, the bot's first sentences and the handoff's reason", async () => {
    const tenant = await tenantWithKnowledge(offline);
    const conversationId = await handedOff(offline, tenant);
    const agent = await agentOf(offline, tenant);

    const { deltas, end } = await assist(agent, conversationId, 'summary');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(end.text);
    expect(end.error).toBeUndefined();
    expect(end.text).toContain('The visitor asked:\n- What is your return policy?\n- Thanks. Can I talk to a person please?');
    // The offline bot answered with the passage; the summary keeps its first sentence.
    expect(end.text).toContain('The bot answered:\n- You can return unused items within 30 days of delivery for a full refund.');
    expect(end.text).toContain("Handed to a person (the visitor's words): The visitor asked for a person.");
    agent.close();
  });

  it('suggests the best passage for the latest question, with its citation; or says none matches', async () => {
    const tenant = await tenantWithKnowledge(offline);
    const conversationId = await handedOff(offline, tenant);
    const agent = await agentOf(offline, tenant);

    const suggestion = await assist(agent, conversationId, 'reply');
    expect(suggestion.end.text).toBe('You can return unused items within 30 days of delivery for a full refund.');
    expect(suggestion.end.sources).toEqual([expect.objectContaining(returnsCitation)]);
    expect(suggestion.deltas.join('')).toBe(suggestion.end.text);

    const repairs = await queuedConversation(offline, tenant, 'How much does a zipper repair cost?');
    expect((await assist(agent, repairs, 'reply')).end).toMatchObject({
      text: 'A zipper replacement costs $25 and takes two weeks.',
      sources: [expect.objectContaining({ index: 1, title: 'Repairs', section: 'Zipper repairs', url: null })],
    });

    const kayaks = await queuedConversation(offline, tenant, 'Do you sell kayaks?');
    // The note that nothing matched is for the agent, not a reply: the console offers no "Insert" for it.
    expect((await assist(agent, kayaks, 'reply')).end).toEqual(
      expect.objectContaining({ text: NO_PASSAGE_SUGGESTION, sources: [], insertable: false }),
    );
    expect(suggestion.end.insertable).toBe(true);

    // Offline help costs nothing, but is counted.
    const [usage] = await assistUsage(offline, tenant.organization.id);
    expect(usage).toMatchObject({ model: 'offline', purpose: 'assist', replies: 3, inputTokens: 0, outputTokens: 0 });
    expect(Number(usage!.costUsd)).toBe(0);
    agent.close();
  });

  it("refuses another organization's conversation and an unknown one with not_found", async () => {
    const tenant = await tenantWithKnowledge(offline, false);
    const other = await tenantWithKnowledge(offline, false);
    const theirs = await queuedConversation(offline, other, 'What is your return policy?');
    const agent = await agentOf(offline, tenant);
    const ends = collect<AssistEnd>(agent, 'assist:end');

    for (const conversationId of [theirs, randomUUID()]) {
      const ack = await request<Ack<AssistAccepted>>(agent, 'assist:request', { conversationId, kind: 'summary' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ends).toEqual([]);
    expect(await assistUsage(offline, tenant.organization.id)).toEqual([]);
    agent.close();
  });

  it('refuses bad payloads with invalid_payload', async () => {
    const tenant = await tenantWithKnowledge(offline, false);
    const conversationId = await queuedConversation(offline, tenant, 'What is your return policy?');
    const agent = await agentOf(offline, tenant);
    const naughty = naughtyStrings();
    const payloads: unknown[] = [
      undefined,
      null,
      42,
      'summary',
      [],
      {},
      { conversationId },
      { kind: 'summary' },
      { conversationId, kind: 'SUMMARY' },
      { conversationId: conversationId.toUpperCase().replace(/-/g, ''), kind: 'reply' },
      ...naughty.map((text) => ({ conversationId: text, kind: 'summary' })),
      ...naughty.map((text) => ({ conversationId, kind: text })),
    ];
    const codes = new Set<string>();
    for (const payload of payloads) {
      const ack = await request<Ack<AssistAccepted>>(agent, 'assist:request', payload);
      codes.add(ack.ok ? 'ok' : ack.error.code);
    }
    expect([...codes]).toEqual(['invalid_payload']);
    // Still served afterwards.
    expect((await assist(agent, conversationId, 'summary')).end.text).toContain('What is your return policy?');
    agent.close();
  });

  it(`limits each agent to ${ASSIST_REQUESTS_PER_WINDOW} requests a minute`, async () => {
    const tenant = await tenantWithKnowledge(offline, false);
    const conversationId = await queuedConversation(offline, tenant, 'What is your return policy?');
    const agent = await agentOf(offline, tenant);
    for (let count = 0; count < ASSIST_REQUESTS_PER_WINDOW; count++) await assist(agent, conversationId, 'summary');
    const ack = await request<Ack<AssistAccepted>>(agent, 'assist:request', { conversationId, kind: 'summary' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    await waitUntil(
      async () => (await assistUsage(offline, tenant.organization.id))[0]?.replies === ASSIST_REQUESTS_PER_WINDOW,
      'the usage',
    );
    agent.close();
  });
});
