import { randomUUID } from 'node:crypto';
import { conversationEvents, conversations, toolCalls, type BotCallInFlight } from '@parley/db';
import type { Ack, Message, MessageSent } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from './helpers/anthropic.js';
import { loopbackServer } from './helpers/loopback-server.js';
import { apiRequest, connectVisitor, createTenantWithAdmin, nextEvent, ok, request, useServerWithClaude } from './helpers/server.js';

// The crash window of an action: a turn notes each external call in the conversation's row before the call leaves, and
// forgets it when it stores its reply. A turn resumed after a crash finds what its predecessor had out: a call that may
// not be repeated (a POST) hands the conversation to a person instead of being made again; a GET is made again if the
// model asks. The shop is a loopback HTTP server that counts what reaches it; Claude is mocked with msw.
const { server, anthropic } = useServerWithClaude({
  PARLEY_BOT_MAX_RETRIES: '0',
  PARLEY_BOT_TIMEOUT_MS: '5000',
  PARLEY_OUTBOUND_ALLOW: 'loopback',
});

let hold: ReturnType<typeof gate> | null = null;
const shopRequests: string[] = [];
const shop = loopbackServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    shopRequests.push(`${req.method} ${req.url}`);
    await hold?.promise;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ refunded: true, reference: 'RF-9' }));
  });
});
beforeAll(() => shop.listen());
afterAll(() => shop.close());

const refundOrder = () => ({
  name: 'refund_order',
  description: 'Refunds an amount on an order.',
  method: 'POST',
  url: `${shop.origin}/api/orders/{{order_number}}/refund`,
  inputSchema: {
    type: 'object',
    properties: { order_number: { type: 'string' }, amount: { type: 'number' } },
    required: ['order_number', 'amount'],
  },
});

async function tenantWithRefund() {
  const tenant = await createTenantWithAdmin(server, { bot: { enabled: true } });
  const created = await apiRequest(server, '/api/bot/actions', tenant.adminToken, 'POST', refundOrder());
  expect(created.status).toBe(201);
  return tenant;
}

async function conversationRow(conversationId: string) {
  const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
  return row!;
}

/** A visitor's question the bot answered in text: a conversation to strand afterwards. */
async function answeredConversation(widgetKey: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  anthropic.reply({ text: ['Let me check.'] });
  const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  const sent = ok(
    await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Refund 20 EUR on order 1001' }),
  );
  await reply;
  await server.app.bot.idle();
  return { visitor, conversationId: sent.conversationId };
}

/**
 * The state a process leaves when it dies during an external call: its claim (an hour old, so stale), the visitor's
 * message unanswered, and the call noted in flight.
 */
async function strand(conversationId: string, call: Partial<BotCallInFlight>) {
  const deadTurn = randomUUID();
  const inFlight: BotCallInFlight = {
    turnId: deadTurn,
    tool: 'refund_order',
    input: { order_number: '1001', amount: 20 },
    idempotent: false,
    policy: 'auto',
    pendingActionId: null,
    startedAt: new Date().toISOString(),
    ...call,
  };
  await server.db.db
    .update(conversations)
    .set({
      botTurnId: deadTurn,
      botTurnStartedAt: sql`now() - interval '1 hour'`,
      botAnsweredSeq: 0,
      botCallsInFlight: [inFlight],
    })
    .where(eq(conversations.id, conversationId));
  return deadTurn;
}

describe('an external call in flight', () => {
  it('is noted on the conversation before it leaves, and forgotten once the reply is stored', async () => {
    const tenant = await tenantWithRefund();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    hold = gate();
    shopRequests.length = 0;
    anthropic.reply(
      { toolUse: { id: 'toolu_r1', name: 'refund_order', input: { order_number: '1001', amount: 20 } } },
      { text: ['Refunded: RF-9.'] },
    );
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Refund 20 EUR on order 1001' }),
    );
    while (shopRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The shop holds the call: it is in flight, noted by the turn that owns the conversation.
    const during = await conversationRow(sent.conversationId);
    expect(during.botCallsInFlight).toEqual([
      expect.objectContaining({
        turnId: during.botTurnId,
        tool: 'refund_order',
        input: { order_number: '1001', amount: 20 },
        idempotent: false,
        policy: 'auto',
        pendingActionId: null,
      }),
    ]);
    hold.open();
    expect((await reply).body).toBe('Refunded: RF-9.');
    await server.app.bot.idle();
    const after = await conversationRow(sent.conversationId);
    expect(after.botCallsInFlight).toBeNull();
    expect(after.botTurnId).toBeNull();
    hold = null;
    visitor.close();
  });
});

describe('a turn resumed after a crash during an external call', () => {
  it('hands a call that may not be repeated to a person, logging its outcome as unknown, and never makes it again', async () => {
    const tenant = await tenantWithRefund();
    const { visitor, conversationId } = await answeredConversation(tenant.widget.publicKey);
    await strand(conversationId, {});
    shopRequests.length = 0;
    anthropic.requests.length = 0;
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    expect(await server.app.bot.resumeStranded()).toBeGreaterThanOrEqual(1);
    expect((await reply).body).toMatch(/^Something interrupted me while I was working on your request/);
    await server.app.bot.idle();

    expect(anthropic.requests).toHaveLength(0);
    expect(shopRequests).toEqual([]);
    const row = await conversationRow(conversationId);
    expect(row.status).toBe('queued');
    expect(row.botCallsInFlight).toBeNull();
    const logged = await server.db.db.select().from(toolCalls).where(eq(toolCalls.conversationId, conversationId));
    expect(logged).toEqual([
      expect.objectContaining({
        tool: 'refund_order',
        input: { order_number: '1001', amount: 20 },
        success: false,
        error: 'Outcome unknown: the server stopped while this call was running.',
        policy: 'auto',
      }),
    ]);
    const [handoff] = await server.db.db
      .select()
      .from(conversationEvents)
      .where(and(eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.toStatus, 'queued')));
    expect(handoff!.data).toMatchObject({
      trigger: 'action_interrupted',
      reason: 'The server stopped while refund_order was running; whether it ran is unknown.',
    });
    visitor.close();
  });

  it('answers as usual after a call that may be repeated (a GET), which the model may make again', async () => {
    const tenant = await tenantWithRefund();
    const { visitor, conversationId } = await answeredConversation(tenant.widget.publicKey);
    await strand(conversationId, { tool: 'lookup_order', input: { order_number: '1001' }, idempotent: true });
    anthropic.requests.length = 0;
    anthropic.reply({ text: ['Order 1001 is on its way.'] });
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    await server.app.bot.resumeStranded();
    expect((await reply).body).toBe('Order 1001 is on its way.');
    await server.app.bot.idle();
    expect(anthropic.requests).toHaveLength(1);
    const row = await conversationRow(conversationId);
    expect(row.status).toBe('bot');
    expect(row.botCallsInFlight).toBeNull();
    const logged = await server.db.db.select().from(toolCalls).where(eq(toolCalls.conversationId, conversationId));
    expect(logged).toEqual([
      expect.objectContaining({
        tool: 'lookup_order',
        success: false,
        error: 'Outcome unknown: the server stopped while this call was running.',
      }),
    ]);
    visitor.close();
  });
});
