import { randomUUID } from 'node:crypto';
import type { Ack, ContactIdentified, Contact, ConversationSummary, ErrorBody, Message, MessageSent, Session } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
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
  connectVisitor,
  useTestServer,
  waitUntil,
} from './helpers/server.js';

// The page says who the visitor is (`ParleyClient.identify`): the handshake's `identity` and `contact:identify`.
const server = useTestServer({ PARLEY_RATE_LIMIT_NEW_SESSIONS: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A visitor socket with any `auth` (besides the key), closed after the test. */
async function connect(auth: { widgetKey: string; [field: string]: unknown }): Promise<Socket> {
  const socket = await connectVisitor(server, auth);
  sockets.push(socket);
  return socket;
}

const getContact = async (token: string, contactId: string) =>
  (await jsonOf(await apiRequest(server, `/api/contacts/${contactId}`, token))) as Contact;
const say = async (visitor: Socket, body: string) =>
  ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
const identify = (visitor: Socket, payload: unknown) => request<Ack<ContactIdentified>>(visitor, 'contact:identify', payload);

async function tenantWithAgent(settings: { defaultCountry?: string } = {}) {
  const tenant = await createTenant(server, { settings });
  const { token } = await login(server, tenant.email, tenant.password);
  return { tenant, token };
}

describe('the handshake’s identity', () => {
  it('is kept until the first message creates the contact, which then has it', async () => {
    const { tenant, token } = await tenantWithAgent({ defaultCountry: 'GB' });
    const visitor = await connect({
      widgetKey: tenant.widget.publicKey,
      identity: { name: '  Ada Lovelace ', email: ' Ada@Example.COM', phone: '020 7946 0958' },
    });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect((await apiRequest(server, `/api/contacts/${session.visitorId}`, token)).status).toBe(404);

    const sent = await say(visitor, 'Hello');
    const contact = await getContact(token, session.visitorId);
    expect(contact).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', phone: '+442079460958' });
    // Silently: the conversation holds the visitor's message and no line about the details.
    const page = await jsonOf(await apiRequest(server, `/api/conversations/${sent.conversationId}/messages?afterSeq=0`, token));
    expect((page.messages as Message[]).filter((message) => message.event?.type === 'contact_saved')).toEqual([]);
  });

  it('drops invalid fields (never refusing the connection), and a reconnect overwrites the fields it gives', async () => {
    const { tenant, token } = await tenantWithAgent();
    const visitor = await connect({
      widgetKey: tenant.widget.publicKey,
      // Without a default country a number needs its country code: this one is dropped, as is the address.
      identity: { name: 'Ada', email: 'not an address', phone: '020 7946 0958' },
    });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    await say(visitor, 'Hello');
    expect(await getContact(token, session.visitorId)).toMatchObject({ name: 'Ada', email: null, phone: null });

    await connect({ widgetKey: tenant.widget.publicKey, identity: 'Ada' });
    const agent = await connectAgent(server, token);
    sockets.push(agent);
    const announced = nextEvent<ConversationSummary>(
      agent,
      'conversation:updated',
      (summary) => summary.contact.email === 'ada@example.com',
    );
    visitor.close();
    await connect({ widgetKey: tenant.widget.publicKey, sessionToken: session.sessionToken, identity: { email: 'ada@example.com' } });
    expect((await announced).contact).toMatchObject({ id: session.visitorId, name: 'Ada', email: 'ada@example.com' });
    await waitUntil(async () => (await getContact(token, session.visitorId)).email === 'ada@example.com', 'the new address stored');
    expect(await getContact(token, session.visitorId)).toMatchObject({ name: 'Ada', email: 'ada@example.com', phone: null });
  });
});

describe('contact:identify', () => {
  it('updates the contact at once, tells the agents as an edit would, and writes no line', async () => {
    const { tenant, token } = await tenantWithAgent({ defaultCountry: 'US' });
    const visitor = await connect({ widgetKey: tenant.widget.publicKey });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    const sent = await say(visitor, 'Hello');
    const agent = await connectAgent(server, token);
    sockets.push(agent);
    const announced = nextEvent<ConversationSummary>(agent, 'conversation:updated', (summary) => summary.id === sent.conversationId);
    const lines: Message[] = [];
    visitor.on('message:created', (message: Message) => lines.push(message));

    const ack = ok(await identify(visitor, { name: ' Grace Hopper ', email: 'Grace@Navy.example', phone: '(415) 555-2671' }));
    expect(ack).toEqual({ name: 'Grace Hopper', email: 'grace@navy.example', phone: '+14155552671' });
    expect((await announced).contact).toMatchObject({ name: 'Grace Hopper', email: 'grace@navy.example' });
    expect(await getContact(token, session.visitorId)).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@navy.example',
      phone: '+14155552671',
    });

    // Only the fields given are overwritten.
    expect(ok(await identify(visitor, { name: 'Grace' }))).toEqual({ name: 'Grace', email: 'grace@navy.example', phone: '+14155552671' });
    expect(await getContact(token, session.visitorId)).toMatchObject({ name: 'Grace', email: 'grace@navy.example' });
    expect(lines).toEqual([]);
  });

  it('before the first message keeps the details, which the contact is then created with', async () => {
    const { tenant, token } = await tenantWithAgent();
    const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { name: 'Ada' } });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(ok(await identify(visitor, { email: 'ada@example.com' }))).toEqual({ name: 'Ada', email: 'ada@example.com', phone: null });
    expect((await apiRequest(server, `/api/contacts/${session.visitorId}`, token)).status).toBe(404);
    await say(visitor, 'Hello');
    expect(await getContact(token, session.visitorId)).toMatchObject({ name: 'Ada', email: 'ada@example.com', phone: null });
  });

  it.each([
    ['no field', {}, undefined],
    ['an empty name', { name: '  ' }, 'name'],
    ['a name over 200 characters', { name: 'a'.repeat(201) }, 'name'],
    ['an address that is none', { email: 'ada@', name: 'Ada' }, 'email'],
    ['a number that is none', { phone: '+1 000', name: 'Ada' }, 'phone'],
    ['a name that is no string', { name: { $ne: null } }, 'name'],
    ['no object', 'Ada', undefined],
  ])('refuses %s with invalid_payload and writes nothing', async (_, payload, path) => {
    const { tenant, token } = await tenantWithAgent();
    const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { name: 'Before' } });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    await say(visitor, 'Hello');
    const ack = await identify(visitor, payload);
    expect(ack.ok).toBe(false);
    const error = (ack as { error: ErrorBody }).error;
    expect(error.code).toBe('invalid_payload');
    if (path) expect(error.issues?.map((issue) => issue.path)).toContain(path);
    expect(await getContact(token, session.visitorId)).toMatchObject({ name: 'Before', email: null, phone: null });
  });

  it('is rate limited per visitor', async () => {
    const { tenant } = await tenantWithAgent();
    const visitor = await connect({ widgetKey: tenant.widget.publicKey });
    const codes: string[] = [];
    for (let index = 0; index < 25; index++) {
      const ack = await identify(visitor, { name: `Ada ${index}` });
      codes.push(ack.ok ? 'ok' : ack.error.code);
    }
    expect(codes.filter((code) => code === 'ok')).toHaveLength(20);
    expect(codes.slice(20)).toEqual(Array(5).fill('rate_limited'));
  });

  it('answers every naughty string as a name with the stored name or invalid_payload, and the server stays up', async () => {
    const { tenant, token } = await tenantWithAgent();
    const naughty = naughtyStrings();
    let visitor = await connect({ widgetKey: tenant.widget.publicKey });
    const answers: Array<{ name: string; code: string; stored?: string | null }> = [];
    const visitors: string[] = [];
    for (const name of naughty) {
      let ack = await identify(visitor, { name });
      if (!ack.ok && ack.error.code === 'rate_limited') {
        // Each visitor has its own budget: go on as the next one.
        visitor.close();
        visitor = await connect({ widgetKey: tenant.widget.publicKey });
        ack = await identify(visitor, { name });
      }
      if (ack.ok) {
        const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
        if (!visitors.includes(session.visitorId)) {
          visitors.push(session.visitorId);
          await say(visitor, 'Hello');
        }
        answers.push({ name, code: 'ok', stored: ack.data.name });
      } else answers.push({ name, code: ack.error.code });
    }
    expect(answers).toHaveLength(naughty.length);
    for (const answer of answers) {
      if (answer.code === 'ok') expect(answer.stored).toBe(answer.name.trim());
      else {
        expect(answer.code).toBe('invalid_payload');
        // Refused only when there is no name left after trimming, or text Postgres cannot store unchanged.
        expect(
          answer.name.trim() === '' || answer.name.includes('\u0000') || !answer.name.isWellFormed() || answer.name.trim().length > 200,
        ).toBe(true);
      }
    }
    expect(answers.filter((answer) => answer.code === 'ok').length).toBeGreaterThan(naughty.length - 30);
    // The last name accepted is the one the agent reads back, byte for byte.
    const last = answers.findLast((answer) => answer.code === 'ok')!;
    expect((await getContact(token, visitors.at(-1)!)).name).toBe(last.name.trim());
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
