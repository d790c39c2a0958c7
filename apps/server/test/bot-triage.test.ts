import { randomUUID } from 'node:crypto';
import { conversations, usageDaily } from '@parley/db';
import type { Ack, BotProfile, BotReplyList, Message, MessageSent, Team, WidgetAdmin } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectVisitor,
  createTenantWithAdmin,
  jsonOf,
  nextEvent,
  ok,
  request,
  useServerWithClaude,
  useTestServer,
  type TestServer,
} from './helpers/server.js';

// The first triage step: a widget names the profiles it chooses among; the visitor's first message picks one (Claude,
// mocked with msw, with one forced tool call; offline, by the words of the profiles' names and descriptions), and the
// conversation keeps it. A team's profile comes first.
const { server: claude, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });
const offline = useTestServer();

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** An organization whose widget triages between Billing and Shipping. */
async function triagingShop(server: TestServer) {
  const tenant = await createTenantWithAdmin(server, { bot: { enabled: true } });
  const make = async (body: Record<string, unknown>) => {
    const response = await apiRequest(server, '/api/bot/profiles', tenant.adminToken, 'POST', body);
    expect(response.status).toBe(201);
    return (await jsonOf(response)) as BotProfile;
  };
  const billing = await make({
    name: 'Billing',
    description: 'Invoices, charges, refunds and payment methods.',
    persona: 'You are Penny of the billing desk.',
  });
  const shipping = await make({
    name: 'Shipping',
    description: 'Delivery times, parcel tracking and carriers.',
    persona: 'You are Dash of the shipping desk.',
  });
  const set = await apiRequest(server, `/api/widgets/${tenant.widget.id}`, tenant.adminToken, 'PATCH', {
    bot: { triageProfileIds: [billing.id, shipping.id] },
  });
  expect(set.status).toBe(200);
  expect(((await jsonOf(set)) as WidgetAdmin).bot.triageProfileIds).toEqual([billing.id, shipping.id]);
  return { tenant, billing, shipping };
}

/** A new visitor of `widgetKey` writes `body` (with `extra` fields); resolves with the bot's reply and the conversation. */
async function firstMessage(server: TestServer, widgetKey: string, body: string, extra: Record<string, unknown> = {}) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  return { visitor, ...(await write(server, visitor, body, extra)) };
}

async function write(server: TestServer, visitor: Socket, body: string, extra: Record<string, unknown> = {}) {
  const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body, ...extra }));
  const message = await reply;
  await server.app.bot.idle();
  return { conversationId: sent.conversationId, reply: message };
}

async function profilesOfReplies(server: TestServer, token: string, conversationId: string) {
  const list = (await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/bot-replies`, token, 'GET'))) as BotReplyList;
  return list.botReplies.map((reply) => reply.profile?.name ?? null);
}

async function triagedProfileOf(server: TestServer, conversationId: string) {
  const [row] = await server.db.db
    .select({ botProfileId: conversations.botProfileId })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return row!.botProfileId;
}

describe('triage with Claude', () => {
  it('asks the model to choose with one forced tool call, answers as the chosen profile, and keeps it', async () => {
    const { tenant, shipping } = await triagingShop(claude);
    anthropic.reply(
      { toolUse: { id: 'toolu_triage', name: 'choose_assistant', input: { assistant: 'Shipping' } } },
      { text: ['Your parcel is on its way.'] },
    );
    const { visitor, conversationId, reply } = await firstMessage(claude, tenant.widget.publicKey, 'Where is my parcel?');
    expect(reply.body).toBe('Your parcel is on its way.');

    const [triage, answer] = anthropic.requests;
    expect(triage!.tool_choice).toEqual({ type: 'tool', name: 'choose_assistant' });
    const tools = triage!.tools as Array<{ name: string; input_schema: { properties: { assistant: { enum: string[] } } } }>;
    expect(tools.map((tool) => tool.name)).toEqual(['choose_assistant']);
    expect(tools[0]!.input_schema.properties.assistant.enum).toEqual(['Billing', 'Shipping', 'none']);
    expect(JSON.stringify(triage!.system)).toContain('Delivery times, parcel tracking and carriers.');
    expect(JSON.stringify(triage!.messages)).toContain('Where is my parcel?');
    expect(JSON.stringify(answer!.system)).toContain('You are Dash of the shipping desk.');
    expect(await triagedProfileOf(claude, conversationId)).toBe(shipping.id);
    // The triage call's tokens are recorded with the reply's, in the organization's usage.
    const [usage] = await claude.db.db.select().from(usageDaily).where(eq(usageDaily.organizationId, tenant.organization.id));
    expect(usage!.replies).toBe(1);
    expect(usage!.inputTokens).toBeGreaterThan(0);

    // The next turn asks no triage: the conversation keeps its profile, whatever the visitor writes about.
    anthropic.requests.length = 0;
    anthropic.reply({ text: ['Invoices are under Account.'] });
    await write(claude, visitor, 'And where do I find my invoice?');
    expect(anthropic.requests).toHaveLength(1);
    expect(anthropic.requests[0]!.tool_choice).toBeUndefined();
    expect(JSON.stringify(anthropic.requests[0]!.system)).toContain('You are Dash of the shipping desk.');
    expect(await profilesOfReplies(claude, tenant.adminToken, conversationId)).toEqual(['Shipping', 'Shipping']);
  });

  it('keeps the default bot when the model chooses none, a name not on the list, or fails', async () => {
    const { tenant } = await triagingShop(claude);
    for (const choice of [{ assistant: 'none' }, { assistant: 'Legal' }, {}]) {
      anthropic.requests.length = 0;
      anthropic.reply({ toolUse: { id: 'toolu_triage', name: 'choose_assistant', input: choice } }, { text: ['Hello!'] });
      const { conversationId } = await firstMessage(claude, tenant.widget.publicKey, 'Hi there');
      expect(await triagedProfileOf(claude, conversationId)).toBeNull();
      expect(await profilesOfReplies(claude, tenant.adminToken, conversationId)).toEqual([null]);
      expect(JSON.stringify(anthropic.requests[1]!.system)).not.toContain('desk');
    }
    // The provider failing on the triage call costs the triage, not the answer.
    anthropic.requests.length = 0;
    anthropic.reply({ httpError: { status: 400, type: 'invalid_request_error', message: 'bad' } }, { text: ['Hello again!'] });
    const { conversationId, reply } = await firstMessage(claude, tenant.widget.publicKey, 'Hi there');
    expect(reply.body).toBe('Hello again!');
    expect(await profilesOfReplies(claude, tenant.adminToken, conversationId)).toEqual([null]);
  });

  it("gives way to the team's profile: a conversation its pre-chat topic put in a team with a profile is not triaged", async () => {
    const { tenant, billing } = await triagingShop(claude);
    const team = (await jsonOf(
      await apiRequest(claude, '/api/teams', tenant.adminToken, 'POST', { name: 'Money', botProfileId: billing.id }),
    )) as Team;
    expect(team.botProfileId).toBe(billing.id);
    const topics = await apiRequest(claude, `/api/routing/widgets/${tenant.widget.id}`, tenant.adminToken, 'PATCH', {
      topics: [{ id: 'money', label: 'Money', teamId: team.id }],
    });
    expect(topics.status).toBe(200);
    anthropic.reply({ text: ['Let me check that charge.'] });
    const { conversationId } = await firstMessage(claude, tenant.widget.publicKey, 'Where is my parcel?', { topic: 'money' });
    expect(anthropic.requests).toHaveLength(1);
    expect(JSON.stringify(anthropic.requests[0]!.system)).toContain('You are Penny of the billing desk.');
    expect(await profilesOfReplies(claude, tenant.adminToken, conversationId)).toEqual(['Billing']);
  });
});

describe('triage offline', () => {
  it("chooses by the words of the profiles' names and descriptions, and keeps the choice", async () => {
    const { tenant, billing, shipping } = await triagingShop(offline);
    const charged = await firstMessage(offline, tenant.widget.publicKey, 'I was charged twice for one invoice');
    expect(await triagedProfileOf(offline, charged.conversationId)).toBe(billing.id);
    await write(offline, charged.visitor, 'Also, how do I track a parcel?');
    expect(await profilesOfReplies(offline, tenant.adminToken, charged.conversationId)).toEqual(['Billing', 'Billing']);

    const tracking = await firstMessage(offline, tenant.widget.publicKey, 'Can I track my parcels?');
    expect(await triagedProfileOf(offline, tracking.conversationId)).toBe(shipping.id);

    // No word in common: the widget's own bot answers, and later turns don't triage again.
    const greeting = await firstMessage(offline, tenant.widget.publicKey, 'Hello');
    expect(await triagedProfileOf(offline, greeting.conversationId)).toBeNull();
    await write(offline, greeting.visitor, 'My invoice is wrong');
    expect(await triagedProfileOf(offline, greeting.conversationId)).toBeNull();
    expect(await profilesOfReplies(offline, tenant.adminToken, greeting.conversationId)).toEqual([null, null]);
  });

  it("refuses another organization's profile in the list, naming each entry, and changes nothing", async () => {
    const { tenant, billing } = await triagingShop(offline);
    const other = await createTenantWithAdmin(offline);
    const response = await apiRequest(offline, `/api/widgets/${other.widget.id}`, other.adminToken, 'PATCH', {
      bot: { triageProfileIds: [randomUUID(), billing.id] },
    });
    expect(response.status).toBe(400);
    const error = ((await jsonOf(response)) as { error: { code: string; issues: Array<{ path: string }> } }).error;
    expect(error.code).toBe('invalid_payload');
    // Every entry that is not the organization's is named: an unknown id, and another organization's profile.
    expect(error.issues.map((issue) => issue.path)).toEqual(['body.bot.triageProfileIds.0', 'body.bot.triageProfileIds.1']);
    const widgets = (await jsonOf(await apiRequest(offline, '/api/widgets', other.adminToken, 'GET'))) as { widgets: WidgetAdmin[] };
    expect(widgets.widgets[0]!.bot.triageProfileIds).toEqual([]);
    expect(tenant.widget.id).not.toBe(other.widget.id);
  });
});
