import { randomUUID } from 'node:crypto';
import { conversations, webhookEvents } from '@parley/db';
import type { Ack, Contact, ContactList, MessageSent, Session } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { apiRequest, connectVisitor, createTenantWithAdmin, jsonOf, ok, request, useTestServer } from './helpers/server.js';

// Contacts for integrations: `GET /api/contacts` (search, exact lookups, pages) and merging two contacts.
const server = useTestServer({ PARLEY_RATE_LIMIT_NEW_SESSIONS: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

type Tenant = Awaited<ReturnType<typeof createTenantWithAdmin>>;

/** A visitor who gave `identity` and wrote one message: their contact id, session and conversation. */
async function visitorWith(tenant: Tenant, identity: object, sessionToken?: string) {
  const socket = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, identity, ...(sessionToken && { sessionToken }) });
  sockets.push(socket);
  const session = ok(await request<Ack<Session>>(socket, 'session:get'));
  const sent = ok(await request<Ack<MessageSent>>(socket, 'message:send', { clientId: randomUUID(), body: 'Hello' }));
  return { contactId: session.visitorId, session, conversationId: sent.conversationId, socket };
}

const ids = (page: ContactList) => page.contacts.map((contact) => contact.id);
const list = async (tenant: Tenant, query: string) =>
  (await jsonOf(await apiRequest(server, `/api/contacts?${query}`, tenant.agentToken))) as ContactList;

describe('GET /api/contacts', () => {
  it('finds contacts by name words, e-mail prefix, exact e-mail, phone and site id, newest first, in pages', async () => {
    const tenant = await createTenantWithAdmin(server);
    const grace = await visitorWith(tenant, { name: 'Grace Hopper', email: 'grace@navy.example', phone: '+1 415 555 2671' });
    const ada = await visitorWith(tenant, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const anonymous = await visitorWith(tenant, {});
    const other = await createTenantWithAdmin(server);
    await visitorWith(other, { name: 'Grace Other', email: 'grace@other.example' });

    expect(ids(await list(tenant, 'q=grace%20hop'))).toEqual([grace.contactId]);
    expect(ids(await list(tenant, 'q=ada%40ex'))).toEqual([ada.contactId]);
    expect(ids(await list(tenant, 'email=GRACE@navy.example'))).toEqual([grace.contactId]);
    // Without its country code a number can't be told apart from other countries' numbers.
    const national = await apiRequest(server, `/api/contacts?phone=${encodeURIComponent('(415) 555-2671')}`, tenant.agentToken);
    expect(national.status).toBe(400);
    expect(ids(await list(tenant, `phone=${encodeURIComponent('+1 (415) 555-2671')}`))).toEqual([grace.contactId]);
    expect(ids(await list(tenant, 'externalId=none'))).toEqual([]);
    expect((await list(tenant, 'q=grace')).contacts[0]).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@navy.example',
      phone: '+14155552671',
      externalId: null,
      verifiedAt: null,
    });

    const first = await list(tenant, 'limit=2');
    expect(ids(first)).toEqual([anonymous.contactId, ada.contactId]);
    const second = await list(tenant, `limit=2&cursor=${first.next}`);
    expect(second).toMatchObject({ next: null });
    expect(ids(second)).toEqual([grace.contactId]);

    const badCursor = await apiRequest(server, '/api/contacts?cursor=bm9wZQ', tenant.agentToken);
    expect(badCursor.status).toBe(400);
    expect((await jsonOf(badCursor)).error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'cursor' }] });
    const badPhone = await apiRequest(server, '/api/contacts?phone=12', tenant.agentToken);
    expect((await jsonOf(badPhone)).error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'phone' }] });
  });
});

describe('POST /api/contacts/:contactId/merge', () => {
  it('moves the conversations, fills the details the kept contact lacks, and leads the merged visitor there', async () => {
    const tenant = await createTenantWithAdmin(server);
    const kept = await visitorWith(tenant, { name: 'Maya Patel' });
    const merged = await visitorWith(tenant, { email: 'maya@example.com', phone: '+44 20 7946 0958' });
    const closed = new Promise<string>((resolve) => merged.socket.once('disconnect', resolve));
    const subscribed = await apiRequest(server, '/api/webhooks', tenant.adminToken, 'POST', {
      url: 'https://hooks.example.com/parley',
      events: ['contact.merged'],
    });
    expect(subscribed.status).toBe(201);

    const response = await apiRequest(server, `/api/contacts/${kept.contactId}/merge`, tenant.agentToken, 'POST', {
      mergeContactId: merged.contactId,
    });
    expect(response.status).toBe(200);
    const contact = (await jsonOf(response)) as Contact;
    expect(contact).toMatchObject({ id: kept.contactId, name: 'Maya Patel', email: 'maya@example.com', phone: '+442079460958' });
    expect(contact.conversations.map((conversation) => conversation.id).toSorted()).toEqual(
      [kept.conversationId, merged.conversationId].toSorted(),
    );
    expect((await apiRequest(server, `/api/contacts/${merged.contactId}`, tenant.agentToken)).status).toBe(404);
    expect((await list(tenant, 'q=maya')).contacts.map((listed) => listed.id)).toEqual([kept.contactId]);
    const events = await server.db.db
      .select({ type: webhookEvents.type, data: webhookEvents.data })
      .from(webhookEvents)
      .where(eq(webhookEvents.organizationId, tenant.organization.id));
    expect(events).toEqual([
      {
        type: 'contact.merged',
        data: {
          contact: expect.objectContaining({ id: kept.contactId, name: 'Maya Patel', email: 'maya@example.com', externalId: null }),
          mergedContactId: merged.contactId,
        },
      },
    ]);

    // The merged visitor's widget is closed, and its session now continues as the kept contact.
    expect(await closed).toBe('io server disconnect');
    const again = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, sessionToken: merged.session.sessionToken });
    sockets.push(again);
    expect(ok(await request<Ack<Session>>(again, 'session:get')).visitorId).toBe(kept.contactId);

    // Merged once: neither merging it again nor into it.
    for (const [into, from] of [
      [kept.contactId, merged.contactId],
      [merged.contactId, kept.contactId],
    ]) {
      const repeated = await apiRequest(server, `/api/contacts/${into}/merge`, tenant.agentToken, 'POST', { mergeContactId: from });
      expect(repeated.status).toBe(404);
    }
  });

  it('writes nothing from a socket still open as the merged contact, which sends again once reconnected', async () => {
    const tenant = await createTenantWithAdmin(server);
    const kept = await visitorWith(tenant, { name: 'Kept' });
    const merged = await visitorWith(tenant, { name: 'Merged' });
    // The merge as it commits, before its disconnect reaches the merged visitor's socket.
    await server.db.db.execute(`update conversations set contact_id = '${kept.contactId}' where contact_id = '${merged.contactId}'`);
    await server.db.db.execute(`update contacts set merged_into_id = '${kept.contactId}' where id = '${merged.contactId}'`);

    const ack = await request<Ack<MessageSent>>(merged.socket, 'message:send', { clientId: randomUUID(), body: 'Still here?' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const rows = await server.db.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.contactId, merged.contactId));
    expect(rows).toEqual([]);
  });

  it('refuses a contact into itself, another organization’s, and two people the site verified as different', async () => {
    const tenant = await createTenantWithAdmin(server);
    const one = await visitorWith(tenant, { name: 'One' });
    const self = await apiRequest(server, `/api/contacts/${one.contactId}/merge`, tenant.agentToken, 'POST', {
      mergeContactId: one.contactId,
    });
    expect((await jsonOf(self)).error.code).toBe('conflict');

    const other = await createTenantWithAdmin(server);
    const stranger = await visitorWith(other, { name: 'Stranger' });
    const foreign = await apiRequest(server, `/api/contacts/${one.contactId}/merge`, tenant.agentToken, 'POST', {
      mergeContactId: stranger.contactId,
    });
    expect(foreign.status).toBe(404);
    expect((await apiRequest(server, `/api/contacts/${stranger.contactId}`, other.agentToken)).status).toBe(200);

    await server.db.db.execute(
      `update contacts set external_id = 'user-' || id::text, verified_at = now() where id in ('${one.contactId}', '${(await visitorWith(tenant, { name: 'Two' })).contactId}')`,
    );
    const [two] = (await list(tenant, 'q=two')).contacts;
    const verified = await apiRequest(server, `/api/contacts/${one.contactId}/merge`, tenant.agentToken, 'POST', {
      mergeContactId: two!.id,
    });
    expect(verified.status).toBe(409);
    expect((await jsonOf(verified)).error.message).toContain('verified');
    expect((await apiRequest(server, `/api/contacts/${two!.id}`, tenant.agentToken)).status).toBe(200);
  });
});
