import { randomUUID } from 'node:crypto';
import { contacts, conversations } from '@parley/db';
import type { Ack, ContactIdentified, ErrorBody, MessageSent, Session, WidgetAdmin, WidgetPublicSettings } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { naughtyStrings } from './helpers/naughty-strings.js';
import { apiRequest, connectVisitor, createTenantWithAdmin, jsonOf, ok, request, useTestServer } from './helpers/server.js';

// The widget's optional pre-chat form: the `preChat` setting, and its required fields enforced on the first message.
const server = useTestServer({ PARLEY_RATE_LIMIT_NEW_SESSIONS: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const connect = (widgetKey: string) => connectWith({ widgetKey });

/** A visitor socket with any `auth` (besides the key), closed after the test. */
async function connectWith(auth: { widgetKey: string; [field: string]: unknown }): Promise<Socket> {
  const socket = await connectVisitor(server, auth);
  sockets.push(socket);
  return socket;
}

const send = (visitor: Socket, body = 'Hello') => request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body });
const identify = (visitor: Socket, payload: unknown) => request<Ack<ContactIdentified>>(visitor, 'contact:identify', payload);

async function written(contactId: string) {
  const db = server.db.db;
  const contactRows = await db.select().from(contacts).where(eq(contacts.id, contactId));
  const conversationRows = await db.select().from(conversations).where(eq(conversations.contactId, contactId));
  return { contacts: contactRows.length, conversations: conversationRows.length };
}

describe('the preChat setting', () => {
  it('is all off by default, is changed field by field by an admin, and reaches the public settings and the session', async () => {
    const tenant = await createTenantWithAdmin(server);
    const path = `/api/widgets/${tenant.widget.id}`;
    const before = (await jsonOf(await apiRequest(server, '/api/widgets', tenant.adminToken))).widgets as WidgetAdmin[];
    expect(before[0]!.settings.preChat).toEqual({ name: 'off', email: 'off', phone: 'off' });

    let response = await apiRequest(server, path, tenant.adminToken, 'PATCH', {
      settings: { preChat: { name: 'required', email: 'optional' } },
    });
    expect(response.status).toBe(200);
    expect(((await jsonOf(response)) as WidgetAdmin).settings.preChat).toEqual({ name: 'required', email: 'optional', phone: 'off' });
    response = await apiRequest(server, path, tenant.adminToken, 'PATCH', { settings: { preChat: { phone: 'required' } } });
    expect(((await jsonOf(response)) as WidgetAdmin).settings.preChat).toEqual({ name: 'required', email: 'optional', phone: 'required' });

    const publicSettings = (await jsonOf(
      await fetch(`${server.url}/api/widgets/${tenant.widget.publicKey}/settings`),
    )) as WidgetPublicSettings;
    expect(publicSettings.preChat).toEqual({ name: 'required', email: 'optional', phone: 'required' });
    const visitor = await connect(tenant.widget.publicKey);
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(session.widget.preChat).toEqual({ name: 'required', email: 'optional', phone: 'required' });
    expect(session.preChat).toEqual({ name: 'required', email: 'optional', phone: 'required' });
  });

  it.each([
    [{ preChat: { name: 'mandatory' } }, 'body.settings.preChat.name'],
    [{ preChat: { address: 'required' } }, 'body.settings.preChat'],
    [{ preChat: 'required' }, 'body.settings.preChat'],
  ])('refuses %j with invalid_payload and changes nothing', async (settings, path) => {
    const tenant = await createTenantWithAdmin(server);
    const response = await apiRequest(server, `/api/widgets/${tenant.widget.id}`, tenant.adminToken, 'PATCH', { settings });
    expect(response.status).toBe(400);
    const body = (await jsonOf(response)) as { error: ErrorBody };
    expect(body.error.code).toBe('invalid_payload');
    expect(body.error.issues?.some((issue) => issue.path.startsWith(path))).toBe(true);
    const [widget] = (await jsonOf(await apiRequest(server, '/api/widgets', tenant.adminToken))).widgets as WidgetAdmin[];
    expect(widget!.settings.preChat).toEqual({ name: 'off', email: 'off', phone: 'off' });
  });
});

describe('the first message', () => {
  it('is refused without a required field, writing nothing, and accepted once contact:identify gave it', async () => {
    const tenant = await createTenantWithAdmin(server, {
      settings: { preChat: { name: 'required', email: 'required', phone: 'optional' } },
    });
    const visitor = await connect(tenant.widget.publicKey);
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));

    let ack = await send(visitor);
    expect(ack.ok).toBe(false);
    let error = (ack as { error: ErrorBody }).error;
    expect(error.code).toBe('invalid_payload');
    expect(error.issues?.map((issue) => issue.path)).toEqual(['preChat.name', 'preChat.email']);
    expect(await written(session.visitorId)).toEqual({ contacts: 0, conversations: 0 });

    ok(await identify(visitor, { name: 'Ada' }));
    ack = await send(visitor);
    error = (ack as { error: ErrorBody }).error;
    expect(error.issues?.map((issue) => issue.path)).toEqual(['preChat.email']);
    expect(await written(session.visitorId)).toEqual({ contacts: 0, conversations: 0 });

    ok(await identify(visitor, { email: 'Ada@Example.com' }));
    const sent = ok(await send(visitor));
    expect(sent.conversationId).toEqual(expect.any(String));
    expect(await written(session.visitorId)).toEqual({ contacts: 1, conversations: 1 });
    const contact = await jsonOf(await apiRequest(server, `/api/contacts/${session.visitorId}`, tenant.agentToken));
    expect(contact).toMatchObject({ name: 'Ada', email: 'ada@example.com', phone: null });
  });

  it('is asked in the session (session.preChat) until the details the server holds answer it', async () => {
    const preChat = { name: 'required', email: 'optional', phone: 'off' } as const;
    const tenant = await createTenantWithAdmin(server, { settings: { preChat } });
    const visitor = await connect(tenant.widget.publicKey);
    expect(ok(await request<Ack<Session>>(visitor, 'session:get')).preChat).toEqual(preChat);
    // The optional field alone does not answer it.
    ok(await identify(visitor, { email: 'ada@example.com' }));
    expect(ok(await request<Ack<Session>>(visitor, 'session:get')).preChat).toEqual(preChat);
    ok(await identify(visitor, { name: 'Ada' }));
    expect(ok(await request<Ack<Session>>(visitor, 'session:get')).preChat).toBeUndefined();
    // A new connection (the next page) presenting the answer in its handshake is not asked either.
    const next = await connectWith({ widgetKey: tenant.widget.publicKey, identity: { name: 'Ada' } });
    expect(ok(await request<Ack<Session>>(next, 'session:get')).preChat).toBeUndefined();
    // A form of optional fields only: any field answers it.
    const optional = await createTenantWithAdmin(server, { settings: { preChat: { name: 'off', email: 'optional', phone: 'optional' } } });
    const other = await connectWith({ widgetKey: optional.widget.publicKey, identity: { phone: '+1 415 555 2671' } });
    expect(ok(await request<Ack<Session>>(other, 'session:get')).preChat).toBeUndefined();
    // Once the visitor has a conversation, never.
    const third = await connect(optional.widget.publicKey);
    ok(await send(third));
    expect(ok(await request<Ack<Session>>(third, 'session:get')).preChat).toBeUndefined();
  });

  it('is not checked when the form is off or its fields optional', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { preChat: { name: 'optional', email: 'off', phone: 'optional' } } });
    const visitor = await connect(tenant.widget.publicKey);
    ok(await send(visitor));
  });

  it('answers every naughty string as a required name with a typed answer, and the server stays up', async () => {
    const tenant = await createTenantWithAdmin(server, { settings: { preChat: { name: 'required', email: 'off', phone: 'off' } } });
    let visitor = await connect(tenant.widget.publicKey);
    let identified = 0;
    for (const name of naughtyStrings()) {
      // Each visitor has its own identify budget (20 a minute): go on as the next one well before it runs out.
      if (identified === 15) {
        visitor.close();
        visitor = await connect(tenant.widget.publicKey);
        identified = 0;
      }
      identified++;
      const ack = await identify(visitor, { name });
      if (ack.ok) {
        expect(ack.data.name).toBe(name.trim());
        continue;
      }
      expect(ack.error.code).toBe('invalid_payload');
      expect(ack.error.issues?.map((issue) => issue.path)).toContain('name');
    }
    // A fresh visitor with nothing valid given is still refused with the form's typed issue.
    const fresh = await connect(tenant.widget.publicKey);
    const refused = await send(fresh);
    expect(refused.ok).toBe(false);
    expect((refused as { error: ErrorBody }).error.issues).toEqual([{ path: 'preChat.name', message: expect.any(String) }]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
