import { agentSessions, contacts, conversations, messages } from '@parley/db';
import type { Ack, ConversationSummary, Message, SystemEvent, VisitorConversation } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, createTenant, login, nextEvent, ok, request, useTestServer, waitUntil } from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// When nobody can answer, the visitor is told so plainly and asked for an e-mail address or phone number.
const server = useTestServer({ PARLEY_PRESENCE_HEARTBEAT_MS: '1000', PARLEY_PRESENCE_GRACE_MS: '0' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const everyDay = [{ open: '09:00', close: '17:00' }];

async function visitorAsking(widgetKey: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  const lines: Message[] = [];
  visitor.on('message:created', (message: Message) => {
    if (message.author.kind === 'system') lines.push(message);
  });
  const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
  return { visitor, conversation, lines };
}

async function systemEvents(conversationId: string): Promise<SystemEvent[]> {
  const rows = await server.db.db
    .select({ metadata: messages.metadata })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.authorKind, 'system')))
    .orderBy(messages.seq);
  return rows.map((row) => row.metadata.event as SystemEvent);
}

describe('nobody to answer', () => {
  it('says the widget is closed and when it opens again, in the hours’ time zone', async () => {
    const tenant = await createTenant(server, {
      bot: { enabled: true },
      routing: {
        hours: {
          timeZone: 'UTC',
          weekly: {
            monday: everyDay,
            tuesday: everyDay,
            wednesday: everyDay,
            thursday: everyDay,
            friday: everyDay,
            saturday: everyDay,
            sunday: everyDay,
          },
          // Closed today and tomorrow, whatever the time: the next opening is the day after, at 09:00.
          holidays: [day(0), day(1)],
        },
      },
    });
    const { token } = await login(server, tenant.email, tenant.password);
    sockets.push(await connectAgent(server, token));
    const { conversation } = await visitorAsking(tenant.widget.publicKey);
    const events = await systemEvents(conversation.id);
    expect(events).toEqual([
      { type: 'handoff_requested', by: 'visitor' },
      { type: 'away', reason: 'closed', nextOpening: `${day(2)}T09:00:00.000Z`, timeZone: 'UTC' },
    ]);
    const [, away] = await server.db.db.select().from(messages).where(eq(messages.conversationId, conversation.id)).orderBy(messages.seq);
    expect(away!.body).toMatch(/^We're closed right now\. We open again \w+, 9:00 AM UTC\. Leave your e-mail address or phone number/);
    // Still in the queue: the first agent free when they open gets it.
    expect(conversation.status).toBe('queued');
  });

  it('says nobody is available when no agent (of the widget’s team) is online, and gives the place when one is', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true } });
    const first = await visitorAsking(tenant.widget.publicKey);
    expect((await systemEvents(first.conversation.id)).at(-1)).toEqual({ type: 'away', reason: 'no_agent', nextOpening: null });

    const { token } = await login(server, tenant.email, tenant.password);
    sockets.push(await connectAgent(server, token));
    await waitUntil(
      async () => (await server.db.db.select().from(agentSessions).where(eq(agentSessions.userId, tenant.user.id))).length > 0,
      'the agent online',
    );
    const second = await visitorAsking(tenant.widget.publicKey);
    expect((await systemEvents(second.conversation.id)).at(-1)).toEqual({ type: 'queued', position: 2 });
  });
});

describe('contact:update', () => {
  it('stores an e-mail address and a phone number in E.164, confirms them to both sides, and refuses a bad number', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true }, settings: { defaultCountry: 'DE' } });
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    sockets.push(agent);
    const { visitor, conversation } = await visitorAsking(tenant.widget.publicKey);

    const refused = await request<Ack<Message>>(visitor, 'contact:update', { phone: '123' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: 'The phone number is not valid.' } });
    const tooShort = await request<Ack<Message>>(visitor, 'contact:update', { phone: '12' });
    expect(tooShort).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', issues: [{ path: 'phone', message: 'That is not a phone number.' }] },
    });

    const agentSees = nextEvent<ConversationSummary>(agent, 'conversation:updated', (summary) => summary.contact.email !== null);
    const saved = ok(await request<Ack<Message>>(visitor, 'contact:update', { email: 'Ada@Example.com', phone: '0151 23456789' }));
    expect(saved.event).toEqual({ type: 'contact_saved', email: 'ada@example.com', phone: '+4915123456789' });
    expect(saved.body).toBe("Thanks! We'll get back to you at ada@example.com.");
    expect((await agentSees).contact.email).toBe('ada@example.com');
    const [row] = await server.db.db
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .where(eq(conversations.id, conversation.id));
    const [contact] = await server.db.db.select().from(contacts).where(eq(contacts.id, row!.contactId));
    expect(contact).toMatchObject({ email: 'ada@example.com', phone: '+4915123456789' });
  });

  it('answers every naughty string as an address or number with a typed error or stores it cleanly, and needs a conversation', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true } });
    const stranger = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(stranger);
    expect(await request<Ack<Message>>(stranger, 'contact:update', { email: 'a@b.co' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const { visitor } = await visitorAsking(tenant.widget.publicKey);
    const codes = new Set<string>();
    for (const value of naughtyStrings()) {
      for (const payload of [{ email: value }, { phone: value }]) {
        const answer = await request<Ack<Message>>(visitor, 'contact:update', payload);
        if (!answer.ok) codes.add(answer.error.code);
        else expect(answer.data.event?.type).toBe('contact_saved');
      }
    }
    expect([...codes]).toEqual(['invalid_payload']);
  });
});
