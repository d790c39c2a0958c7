import { randomUUID } from 'node:crypto';
import { contacts, conversations, messages } from '@parley/db';
import type { Ack, Contact, ConversationSummary, MessageSent, Session } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { naughtyStrings } from './helpers/naughty-strings.js';
import {
  apiRequest,
  connectAgent,
  createTenant,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  SHOP_ORIGIN,
  useTestServer,
  waitUntil,
} from './helpers/server.js';

// The contact panel: what a visitor's connection says about them (page, referrer, time zone, language, browser and OS
// from the user agent), stored on their contact, and agents' edits of name, e-mail address and phone number.
// The naughty-strings test edits a contact hundreds of times: the per-agent budget is raised for it.
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '100000' });

const CHROME_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A visitor socket with any `auth` and request headers (the helper's takes the widget key and token only). */
function connect(auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Socket> {
  const socket = io(`${server.url}/visitor`, {
    transports: ['websocket'],
    auth,
    extraHeaders: { origin: SHOP_ORIGIN, ...headers },
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function say(visitor: Socket, body: string): Promise<MessageSent> {
  return ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
}

const getContact = (token: string, contactId: string) => apiRequest(server, `/api/contacts/${contactId}`, token);
const editContact = (token: string, contactId: string, body: unknown) =>
  apiRequest(server, `/api/contacts/${contactId}`, token, 'PATCH', body);

async function visitorWithContact(settings: { defaultCountry?: string } = {}) {
  const tenant = await createTenant(server, { settings });
  const { token } = await login(server, tenant.email, tenant.password);
  const visitor = await connect({ widgetKey: tenant.widget.publicKey }, { 'user-agent': CHROME_ON_WINDOWS });
  const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
  const sent = await say(visitor, 'Hello');
  return { tenant, token, visitor, contactId: session.visitorId, conversationId: sent.conversationId, session };
}

describe('what a visitor’s connection says about them', () => {
  it('is kept from the handshake and written with the contact on the first message, then updated per connection', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connect(
      {
        widgetKey: tenant.widget.publicKey,
        page: 'https://shop.example/checkout?step=2',
        referrer: 'https://www.google.com/',
        timeZone: 'Europe/Berlin',
        language: 'de-ch',
      },
      { 'user-agent': CHROME_ON_WINDOWS, 'accept-language': 'fr-FR,fr;q=0.9' },
    );
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    // No contact yet: a page view writes nothing.
    expect((await getContact(token, session.visitorId)).status).toBe(404);

    const sent = await say(visitor, 'Where is my parcel?');
    const contact = (await jsonOf(await getContact(token, session.visitorId))) as Contact;
    expect(contact).toMatchObject({
      id: session.visitorId,
      name: null,
      email: null,
      phone: null,
      page: 'https://shop.example/checkout?step=2',
      referrer: 'https://www.google.com/',
      timeZone: 'Europe/Berlin',
      language: 'de-CH',
      browser: { name: 'Chrome', version: '126.0.0.0' },
      os: { name: 'Windows', version: 'NT 10.0' },
    });
    expect(contact.conversations).toEqual([
      {
        id: sent.conversationId,
        status: 'queued',
        createdAt: expect.any(String),
        lastMessage: { body: 'Where is my parcel?', authorKind: 'visitor' },
      },
    ]);

    // The next connection (another page, no SDK language: the first of Accept-Language) updates the contact.
    visitor.close();
    const before = contact.lastSeenAt;
    await connect(
      { widgetKey: tenant.widget.publicKey, sessionToken: session.sessionToken, page: 'https://shop.example/orders' },
      {
        'user-agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
        'accept-language': 'fr-FR,fr;q=0.9',
      },
    );
    let updated!: Contact;
    await waitUntil(async () => {
      updated = (await jsonOf(await getContact(token, session.visitorId))) as Contact;
      return updated.page === 'https://shop.example/orders';
    }, 'the second connection to be recorded');
    expect(updated).toMatchObject({
      referrer: null,
      timeZone: null,
      language: 'fr-FR',
      browser: { name: 'Safari', version: '17.5' },
      os: { name: 'iOS', version: '17.5' },
    });
    expect(new Date(updated.lastSeenAt).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());
  });

  it('drops values it cannot use and still connects', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const bad = [
      {
        page: 'javascript:alert(1)',
        referrer: 'data:text/html,<script>alert(1)</script>',
        timeZone: 'Mars/Olympus',
        language: 'not a tag!',
      },
      { page: `https://shop.example/${'a'.repeat(2000)}`, referrer: 'ftp://files.example/', timeZone: 42, language: ['en'] },
      { page: { href: 'https://shop.example/' }, referrer: '', timeZone: '', language: 'x'.repeat(100) },
      { page: 'https://shop.example/\u0000evil', referrer: 'https:///no-host', timeZone: null, language: null },
    ];
    for (const values of bad) {
      const visitor = await connect({ widgetKey: tenant.widget.publicKey, ...values });
      const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
      await say(visitor, 'Hi');
      const contact = (await jsonOf(await getContact(token, session.visitorId))) as Contact;
      // Without a user agent header: none stored; socket.io-client in Node sends none.
      expect(contact).toMatchObject({ page: null, referrer: null, timeZone: null, language: null });
      visitor.close();
    }
    // A missing or malformed widget key still refuses the connection.
    await expect(connect({ page: 'https://shop.example/' })).rejects.toMatchObject({ data: { code: 'invalid_payload' } });
  });
});

describe('GET and PATCH /api/contacts/:contactId', () => {
  it('tells the inbox about a resolved conversation of the contact too (the Resolved view shows the name)', async () => {
    const { token, contactId, conversationId } = await visitorWithContact();
    await server.db.db.update(conversations).set({ status: 'resolved' }).where(eq(conversations.id, conversationId));
    const agent = await connectAgent(server, token);
    sockets.push(agent);
    const announced = nextEvent<ConversationSummary>(agent, 'conversation:updated', (summary) => summary.id === conversationId);
    expect((await editContact(token, contactId, { name: 'Grace Hopper' })).status).toBe(200);
    expect(await announced).toMatchObject({ status: 'resolved', contact: { id: contactId, name: 'Grace Hopper' } });
  });

  it('edits name, e-mail and phone as the widget’s follow-up form validates them, and tells the inbox', async () => {
    const { tenant, token, contactId, conversationId } = await visitorWithContact({ defaultCountry: 'DE' });
    const agent = await connectAgent(server, token);
    sockets.push(agent);
    const announced = nextEvent<ConversationSummary>(agent, 'conversation:updated', (summary) => summary.id === conversationId);

    const response = await editContact(token, contactId, { name: '  Ada Lovelace ', email: ' Ada@Example.COM ', phone: '030 901820' });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', phone: '+4930901820' });
    expect((await announced).contact).toEqual({ id: contactId, name: 'Ada Lovelace', email: 'ada@example.com' });

    const badPhone = await editContact(token, contactId, { phone: '12' });
    expect(badPhone.status).toBe(400);
    expect((await jsonOf(badPhone)).error).toMatchObject({ code: 'invalid_payload' });
    const notAPhone = await editContact(token, contactId, { phone: '123 not a number' });
    expect(notAPhone.status).toBe(400);
    expect((await jsonOf(notAPhone)).error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'phone' }] });
    const badEmail = await editContact(token, contactId, { email: 'not-an-address' });
    expect((await jsonOf(badEmail)).error).toMatchObject({ code: 'invalid_payload' });

    // Null clears; a field left out stays.
    const cleared = (await jsonOf(await editContact(token, contactId, { email: null, phone: null }))) as Contact;
    expect(cleared).toMatchObject({ name: 'Ada Lovelace', email: null, phone: null });
    const [row] = await server.db.db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(row).toMatchObject({ name: 'Ada Lovelace', email: null, phone: null, organizationId: tenant.organization.id });
  });

  it('takes naughty strings as a name, or refuses them with invalid_payload, and stores only valid phones in E.164', async () => {
    const { token, contactId } = await visitorWithContact({ defaultCountry: 'US' });
    for (const value of naughtyStrings()) {
      for (const field of ['name', 'email', 'phone'] as const) {
        const answer = await editContact(token, contactId, { [field]: value });
        if (answer.status !== 200) {
          expect(answer.status).toBe(400);
          expect((await jsonOf(answer)).error.code).toBe('invalid_payload');
          continue;
        }
        const contact = (await jsonOf(answer)) as Contact;
        if (field === 'name') expect(contact.name).toBe(value.trim());
        if (field === 'email') expect(contact.email).toBe(value.trim().toLowerCase());
        if (field === 'phone') expect(contact.phone).toMatch(/^\+[1-9]\d{6,14}$/);
      }
    }
    // Three requests for each of some 500 strings.
  }, 120_000);

  it('reports another organization’s contact, and one that does not exist, as missing', async () => {
    const { contactId } = await visitorWithContact();
    const other = await createTenant(server);
    const { token: otherToken } = await login(server, other.email, other.password);
    const read = await getContact(otherToken, contactId);
    expect(read.status).toBe(404);
    expect((await jsonOf(read)).error.code).toBe('not_found');
    expect((await editContact(otherToken, contactId, { name: 'Mallory' })).status).toBe(404);
    expect((await getContact(otherToken, randomUUID())).status).toBe(404);
    expect((await getContact(otherToken, 'not-a-uuid')).status).toBe(400);
    const [row] = await server.db.db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(row?.name).toBeNull();
  });

  it('lists past conversations newest first, with the last message that is not a system line', async () => {
    const { tenant, token, contactId, conversationId } = await visitorWithContact();
    const past = [];
    for (const [days, body] of [
      [30, 'An old question'],
      [3, 'A newer question'],
    ] as const) {
      const createdAt = new Date(Date.now() - days * 86_400_000);
      const [conversation] = await server.db.db
        .insert(conversations)
        .values({
          organizationId: tenant.organization.id,
          widgetId: tenant.widget.id,
          contactId,
          status: 'closed',
          lastSeq: 2,
          createdAt,
        })
        .returning();
      await server.db.db.insert(messages).values([
        { conversationId: conversation!.id, seq: 1, authorKind: 'visitor', body, clientId: randomUUID(), createdAt },
        { conversationId: conversation!.id, seq: 2, authorKind: 'system', body: 'Conversation closed.', createdAt },
      ]);
      past.push(conversation!.id);
    }
    const contact = (await jsonOf(await getContact(token, contactId))) as Contact;
    expect(contact.conversations.map((conversation) => [conversation.id, conversation.status, conversation.lastMessage?.body])).toEqual([
      [conversationId, 'queued', 'Hello'],
      [past[1], 'closed', 'A newer question'],
      [past[0], 'closed', 'An old question'],
    ]);
  });
});
