import { randomUUID } from 'node:crypto';
import { contacts, conversations, messages as messageRows, widgets } from '@parley/db';
import type {
  Ack,
  ErrorBody,
  Message,
  MessageSent,
  MessagesPage,
  ProactiveRule,
  Session,
  VisitorConversation,
  WidgetAdmin,
  WidgetPublicSettings,
} from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiRequest,
  collect,
  connectVisitor,
  createTenantWithAdmin,
  jsonOf,
  ok,
  nextEvent,
  request,
  useServerWithClaude,
  waitUntil,
} from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// Proactive messages: the widget's rules for speaking first, edited by admins, public to the widget, and written at the
// start of the conversation a visitor's answer opens. Claude's API is mocked, for the bot answering such a conversation.
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function connect(widgetKey: string): Promise<Socket> {
  const socket = await connectVisitor(server, { widgetKey });
  sockets.push(socket);
  return socket;
}

/** A rule as stored, every field given. */
function rule(id: string, message: string, fields: Partial<ProactiveRule> = {}): ProactiveRule {
  return { id, message, trigger: 'auto', urlPattern: '', delaySeconds: 0, minVisits: 1, repeatAfterDays: 30, ...fields };
}

const PRICING = rule('pricing', 'Questions about our plans? We can help you pick one.', { urlPattern: '/pricing*', delaySeconds: 20 });
const CHECKOUT = rule('checkout-help', 'Stuck at checkout? Tell us what happened.', { trigger: 'page' });

const send = (visitor: Socket, body: string, extra: Record<string, unknown> = {}) =>
  request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body, ...extra });

/** Every message of the visitor's conversation, as their widget syncs it. */
async function synced(visitor: Socket): Promise<Message[]> {
  const page = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0 }));
  expect(page.hasMore).toBe(false);
  return page.messages;
}

/** Every message of a conversation, as an agent's REST client reads it. */
async function agentView(token: string, conversationId: string): Promise<Message[]> {
  const response = await apiRequest(server, `/api/conversations/${conversationId}/messages?afterSeq=0`, token);
  expect(response.status).toBe(200);
  return ((await jsonOf(response)) as MessagesPage).messages;
}

/** What a message list shows, for comparing: seq, author kind and body. */
const shown = (list: readonly Message[]) => list.map((message) => [message.seq, message.author.kind, message.body]);

/** The widget's row as stored. */
async function widgetRow(id: string) {
  const [found] = await server.db.db.select().from(widgets).where(eq(widgets.id, id));
  return found!;
}

/** What a contact has written to the database: contacts and conversations rows, and messages. */
async function written(contactId: string) {
  const db = server.db.db;
  const contactList = await db.select().from(contacts).where(eq(contacts.id, contactId));
  const conversationList = await db.select().from(conversations).where(eq(conversations.contactId, contactId));
  const messageList = conversationList.length
    ? await db.select().from(messageRows).where(eq(messageRows.conversationId, conversationList[0]!.id))
    : [];
  return { contacts: contactList.length, conversations: conversationList.length, messages: messageList.length };
}

describe('the proactive setting', () => {
  it('is none by default; an admin sets the list whole, and the admin widget, the public settings and the session carry it', async () => {
    const tenant = await createTenantWithAdmin(server);
    const path = `/api/widgets/${tenant.widget.id}`;
    const adminWidget = async () => {
      const { widgets: listed } = (await jsonOf(await apiRequest(server, '/api/widgets', tenant.adminToken))) as { widgets: WidgetAdmin[] };
      return listed.find((widget) => widget.id === tenant.widget.id)!;
    };
    const publicSettings = async () =>
      (await jsonOf(await fetch(`${server.url}/api/widgets/${tenant.widget.publicKey}/settings`))) as WidgetPublicSettings;

    expect((await adminWidget()).settings.proactive).toEqual([]);
    expect((await publicSettings()).proactive).toEqual([]);

    // Only what differs from the defaults is given; texts are trimmed.
    const response = await apiRequest(server, path, tenant.adminToken, 'PATCH', {
      settings: {
        proactive: [
          { id: 'pricing', message: `  ${PRICING.message}\n`, urlPattern: '/pricing*', delaySeconds: 20 },
          { id: 'checkout-help', message: CHECKOUT.message, trigger: 'page' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(((await jsonOf(response)) as WidgetAdmin).settings.proactive).toEqual([PRICING, CHECKOUT]);
    expect((await adminWidget()).settings.proactive).toEqual([PRICING, CHECKOUT]);
    expect((await widgetRow(tenant.widget.id)).settings).toMatchObject({ proactive: [PRICING, CHECKOUT] });
    expect((await publicSettings()).proactive).toEqual([PRICING, CHECKOUT]);
    const visitor = await connect(tenant.widget.publicKey);
    expect(ok(await request<Ack<Session>>(visitor, 'session:get')).widget.proactive).toEqual([PRICING, CHECKOUT]);

    // Another setting changed alone keeps the rules.
    await apiRequest(server, path, tenant.adminToken, 'PATCH', { settings: { title: 'Harbor help' } });
    expect((await adminWidget()).settings).toMatchObject({ title: 'Harbor help', proactive: [PRICING, CHECKOUT] });

    // The list given replaces the stored one, in its order; [] removes them all.
    const replaced = await apiRequest(server, path, tenant.adminToken, 'PATCH', {
      settings: { proactive: [CHECKOUT, { id: 'welcome', message: 'Hi there!' }] },
    });
    expect(((await jsonOf(replaced)) as WidgetAdmin).settings.proactive).toEqual([CHECKOUT, rule('welcome', 'Hi there!')]);
    expect((await publicSettings()).proactive).toEqual([CHECKOUT, rule('welcome', 'Hi there!')]);
    const cleared = await apiRequest(server, path, tenant.adminToken, 'PATCH', { settings: { proactive: [] } });
    expect(((await jsonOf(cleared)) as WidgetAdmin).settings.proactive).toEqual([]);
    expect((await publicSettings()).proactive).toEqual([]);
    const next = await connect(tenant.widget.publicKey);
    expect(ok(await request<Ack<Session>>(next, 'session:get')).widget.proactive).toEqual([]);
  });

  it('refuses bad rules with invalid_payload naming the field, and leaves the stored settings as they were', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { proactive: [PRICING] } });
    const path = `/api/widgets/${tenant.widget.id}`;
    const before = await widgetRow(tenant.widget.id);
    const valid = { id: 'welcome', message: 'Hi there!' };
    const refusals: Array<[unknown, string]> = [
      [
        [
          { id: 'pricing', message: 'One' },
          { id: 'pricing', message: 'Two' },
        ],
        'body.settings.proactive',
      ],
      [[valid, { id: 'Pricing', message: 'Hi' }], 'body.settings.proactive.1.id'],
      [[{ id: 'pricing', message: '' }], 'body.settings.proactive.0.message'],
      [[{ id: 'pricing', message: '   ' }], 'body.settings.proactive.0.message'],
      [Array.from({ length: 11 }, (_, index) => ({ id: `rule-${index}`, message: `Message ${index}` })), 'body.settings.proactive'],
      [[{ ...valid, showOnMobile: true }], 'body.settings.proactive.0'],
      [[{ ...valid, delaySeconds: -1 }], 'body.settings.proactive.0.delaySeconds'],
      [[{ ...valid, trigger: 'scroll' }], 'body.settings.proactive.0.trigger'],
      [[{ ...valid, repeatAfterDays: 0 }], 'body.settings.proactive.0.repeatAfterDays'],
      [{ id: 'welcome', message: 'Not a list' }, 'body.settings.proactive'],
      [null, 'body.settings.proactive'],
    ];
    for (const [proactive, issuePath] of refusals) {
      // Sent with a valid change to another setting: neither is written.
      const response = await apiRequest(server, path, tenant.adminToken, 'PATCH', { settings: { title: 'Changed', proactive } });
      const label = JSON.stringify(proactive).slice(0, 120);
      expect(response.status, label).toBe(400);
      const { error } = (await jsonOf(response)) as { error: ErrorBody };
      expect(error.code, label).toBe('invalid_payload');
      expect(
        error.issues?.map((issue) => issue.path),
        label,
      ).toContain(issuePath);
    }
    expect(await widgetRow(tenant.widget.id)).toEqual(before);
    const { widgets: listed } = (await jsonOf(await apiRequest(server, '/api/widgets', tenant.adminToken))) as { widgets: WidgetAdmin[] };
    expect(listed[0]!.settings).toMatchObject({ title: 'Chat with us', proactive: [PRICING] });
    // Agents cannot set them at all.
    const asAgent = await apiRequest(server, path, tenant.agentToken, 'PATCH', { settings: { proactive: [] } });
    expect(asAgent.status).toBe(403);
    expect(await widgetRow(tenant.widget.id)).toEqual(before);
  });
});

describe('naughty strings as proactive messages', () => {
  it('keeps each as a message and a URL pattern, trimmed, or refuses it with invalid_payload; a visitor answering one gets it back', async () => {
    const tenant = await createTenantWithAdmin(server);
    const path = `/api/widgets/${tenant.widget.id}`;
    const codes = new Set<string>();
    let accepted = 0;
    let last: ProactiveRule | undefined;
    for (const value of naughtyStrings()) {
      const response = await apiRequest(server, path, tenant.adminToken, 'PATCH', {
        settings: { proactive: [{ id: 'naughty', message: value, urlPattern: value.slice(0, 200) }] },
      });
      if (response.status === 200) {
        accepted++;
        const [stored] = ((await jsonOf(response)) as WidgetAdmin).settings.proactive;
        expect(stored?.message, JSON.stringify(value)).toBe(value.trim());
        expect(stored?.urlPattern, JSON.stringify(value)).toBe(value.slice(0, 200).trim());
        last = stored;
      } else {
        expect(response.status, JSON.stringify(value)).toBe(400);
        codes.add(((await jsonOf(response)) as { error: { code: string } }).error.code);
      }
    }
    expect([...codes]).toEqual(['invalid_payload']);
    expect(accepted).toBeGreaterThan(500);

    // The last one kept opens a visitor's conversation exactly as stored.
    const visitor = await connect(tenant.widget.publicKey);
    ok(await send(visitor, 'Hello', { proactive: 'naughty' }));
    const [opening] = await synced(visitor);
    expect(opening?.body).toBe(last!.message);
  });
});

describe('a visitor answering a proactive message', () => {
  it('starts the conversation with the rule’s message, as the bot’s, then theirs', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { botName: 'Sam', proactive: [PRICING, CHECKOUT] } });
    const visitor = await connect(tenant.widget.publicKey);
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(session.conversation).toBeNull();
    const received = collect<Message>(visitor, 'message:created');

    const sent = ok(await send(visitor, 'Is there a team plan?', { proactive: 'pricing' }));
    expect(sent.seq).toBe(2);

    const history = await synced(visitor);
    expect(shown(history).slice(0, 2)).toEqual([
      [1, 'bot', PRICING.message],
      [2, 'visitor', 'Is there a team plan?'],
    ]);
    // Named as the widget names its bot, as the bot's replies are.
    expect(history[0]).toMatchObject({ conversationId: sent.conversationId, author: { kind: 'bot', id: null, name: 'Sam' } });
    expect(history[1]).toMatchObject({ id: sent.id, author: { kind: 'visitor', id: session.visitorId } });
    // Nothing else but the queue's system line (the widget has no bot).
    expect(history.slice(2).every((message) => message.author.kind === 'system')).toBe(true);
    // The agent reads the same.
    expect(shown(await agentView(tenant.agentToken, sent.conversationId))).toEqual(shown(history));

    // The visitor's socket was told of the bot's message, before theirs.
    await waitUntil(async () => received.length >= 2, 'the messages broadcast');
    expect(shown(received).slice(0, 2)).toEqual(shown(history).slice(0, 2));
    expect(received[0]!.id).toBe(history[0]!.id);
    // The session shows the conversation with both.
    expect(ok(await request<Ack<Session>>(visitor, 'session:get')).conversation).toMatchObject({
      id: sent.conversationId,
      lastSeq: history.at(-1)!.seq,
    });
  });

  it('is what the bot reads the visitor answering: a note on their first turn', async () => {
    const tenant = await createTenantWithAdmin(server, { bot: { enabled: true }, settings: { proactive: [PRICING] } });
    const visitor = await connect(tenant.widget.publicKey);
    anthropic.reply({ text: ['Yes: Team, for up to 20 people.'] });
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.body === 'Yes: Team, for up to 20 people.');
    const sent = ok(await send(visitor, 'Is there a team plan?', { proactive: 'pricing' }));
    expect(sent.seq).toBe(2);
    expect((await reply).author.kind).toBe('bot');
    await server.app.bot.idle();

    expect(anthropic.requests).toHaveLength(1);
    type Content = string | Array<{ type: string; text?: string }>;
    const turns = (anthropic.requests[0] as { messages: Array<{ role: string; content: Content }> }).messages;
    const textOf = (content: Content) => (typeof content === 'string' ? content : content.map((block) => block.text ?? '').join('\n'));
    // The API wants the user first: the visitor's answer, with what we wrote before it.
    expect(turns.map((turn) => turn.role)).toEqual(['user']);
    expect(textOf(turns[0]!.content)).toContain(`(Earlier in this conversation we wrote: ${PRICING.message})\n\nIs there a team plan?`);
    expect(shown(await synced(visitor))).toEqual([
      [1, 'bot', PRICING.message],
      [2, 'visitor', 'Is there a team plan?'],
      [3, 'bot', 'Yes: Team, for up to 20 people.'],
    ]);
  });

  it('writes only the visitor’s message for a rule the widget does not have, or no longer has', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { proactive: [PRICING] } });
    const unknown = await connect(tenant.widget.publicKey);
    const sent = ok(await send(unknown, 'Hello?', { proactive: 'no-such-rule' }));
    expect(sent.seq).toBe(1);
    const history = await synced(unknown);
    expect(shown(history)[0]).toEqual([1, 'visitor', 'Hello?']);
    expect(history.filter((message) => message.author.kind === 'bot')).toEqual([]);
    expect(shown(await agentView(tenant.agentToken, sent.conversationId))).toEqual(shown(history));

    // A visitor whose page showed a rule the admin removed since: the settings as they are when the conversation starts.
    const late = await connect(tenant.widget.publicKey);
    const removed = await apiRequest(server, `/api/widgets/${tenant.widget.id}`, tenant.adminToken, 'PATCH', {
      settings: { proactive: [CHECKOUT] },
    });
    expect(removed.status).toBe(200);
    const lateSent = ok(await send(late, 'About the plans', { proactive: 'pricing' }));
    expect(lateSent.seq).toBe(1);
    expect((await synced(late)).filter((message) => message.author.kind === 'bot')).toEqual([]);
    // And one added since is used.
    expect(ok(await send(await connect(tenant.widget.publicKey), 'Stuck', { proactive: 'checkout-help' })).seq).toBe(2);
  });

  it('is ignored on a conversation that exists already: no second bot message', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { proactive: [PRICING, CHECKOUT] } });
    const visitor = await connect(tenant.widget.publicKey);
    const first = ok(await send(visitor, 'Is there a team plan?', { proactive: 'pricing' }));
    const before = await synced(visitor);
    const received = collect<Message>(visitor, 'message:created');

    for (const proactive of ['pricing', 'checkout-help']) {
      const again = ok(await send(visitor, `And another thing (${proactive})`, { proactive }));
      expect(again.conversationId).toBe(first.conversationId);
    }
    const after = await synced(visitor);
    expect(shown(after.slice(0, before.length))).toEqual(shown(before));
    expect(shown(after.slice(before.length))).toEqual([
      [before.length + 1, 'visitor', 'And another thing (pricing)'],
      [before.length + 2, 'visitor', 'And another thing (checkout-help)'],
    ]);
    expect(after.filter((message) => message.author.kind === 'bot').map((message) => message.body)).toEqual([PRICING.message]);
    await waitUntil(async () => received.length >= 2, 'the messages broadcast');
    expect(received.map((message) => message.author.kind)).toEqual(['visitor', 'visitor']);
    // A handoff request naming a rule adds none either.
    // (The conversation is in the queue already, so the request itself is refused.)
    expect(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', { proactive: 'checkout-help' })).toMatchObject({
      ok: false,
      error: { code: 'transition_rejected' },
    });
    expect((await synced(visitor)).filter((message) => message.author.kind === 'bot')).toHaveLength(1);

    // A resolved conversation is reopened by the next message (the transactional path, not the one-statement one):
    // still the same conversation, still no second bot message.
    const resolved = await apiRequest(server, `/api/conversations/${first.conversationId}`, tenant.agentToken, 'PATCH', {
      status: 'resolved',
    });
    expect(resolved.status).toBe(200);
    const reopened = ok(await send(visitor, 'One more question', { proactive: 'pricing' }));
    expect(reopened.conversationId).toBe(first.conversationId);
    const last = await synced(visitor);
    expect(last.find((message) => message.id === reopened.id)?.author.kind).toBe('visitor');
    expect(last.filter((message) => message.author.kind === 'bot').map((message) => message.body)).toEqual([PRICING.message]);
  });

  it('starts the conversation a handoff request opens with the rule’s message too', async () => {
    // Without a bot, the new conversation is queued at once; with one, it is created with the bot and handed off.
    for (const botEnabled of [false, true]) {
      const tenant = await createTenantWithAdmin(server, { bot: { enabled: botEnabled }, settings: { proactive: [PRICING, CHECKOUT] } });
      const visitor = await connect(tenant.widget.publicKey);
      const received = collect<Message>(visitor, 'message:created');
      const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', { proactive: 'checkout-help' }));
      expect(conversation.status).toBe('queued');
      const history = await synced(visitor);
      expect(shown(history)[0], `bot ${botEnabled}`).toEqual([1, 'bot', CHECKOUT.message]);
      expect(
        history.slice(1).every((message) => message.author.kind === 'system'),
        `bot ${botEnabled}`,
      ).toBe(true);
      expect(history.length).toBeGreaterThan(1);
      expect(conversation.lastSeq).toBe(history.at(-1)!.seq);
      expect(shown(await agentView(tenant.agentToken, conversation.id))).toEqual(shown(history));
      await waitUntil(async () => received.length >= history.length, 'the messages broadcast');
      expect(shown(received)).toEqual(shown(history));

      // The visitor's next message follows; the rule is not written again.
      const sent = ok(await send(visitor, 'My card was declined', { proactive: 'checkout-help' }));
      expect(sent.seq).toBe(history.length + 1);
      expect((await synced(visitor)).filter((message) => message.author.kind === 'bot')).toHaveLength(1);
    }
  });

  it('is refused with invalid_payload for a malformed rule id, writing nothing', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { proactive: [PRICING] } });
    const visitor = await connect(tenant.widget.publicKey);
    const { visitorId } = ok(await request<Ack<Session>>(visitor, 'session:get'));
    for (const proactive of ['Bad Id', 'Pricing', '', 7, null]) {
      for (const ack of [
        await send(visitor, 'Hello', { proactive }),
        await request<Ack<VisitorConversation>>(visitor, 'handoff:request', { proactive }),
      ]) {
        expect(ack.ok, JSON.stringify(proactive)).toBe(false);
        const { error } = ack as { error: ErrorBody };
        expect(error.code).toBe('invalid_payload');
        expect(error.issues?.map((issue) => issue.path)).toEqual(['proactive']);
      }
    }
    expect(await written(visitorId)).toEqual({ contacts: 0, conversations: 0, messages: 0 });
    expect(await synced(visitor)).toEqual([]);
    // The same visitor then answers the rule properly.
    ok(await send(visitor, 'Hello', { proactive: 'pricing' }));
    expect(shown(await synced(visitor)).slice(0, 2)).toEqual([
      [1, 'bot', PRICING.message],
      [2, 'visitor', 'Hello'],
    ]);
  });
});
