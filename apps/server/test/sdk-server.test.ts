import { randomUUID } from 'node:crypto';
import { createApiClient, ParleyApiError, signIdentityToken } from '@parley/client/server';
import { contacts } from '@parley/db';
import type { Ack, ApiScope, ApiTokenCreated, IdentityVerification, MessageSent, Session } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { apiRequest, connectVisitor, createTenantWithAdmin, jsonOf, ok, request, useTestServer } from './helpers/server.js';

// `@parley/client/server`'s REST client, as a site's backend uses it, against the real server.
const server = useTestServer({ PARLEY_RATE_LIMIT_API: '20' });

async function clientWith(scopes: ApiScope[], options: { maxRetries?: number; fetch?: typeof fetch } = {}) {
  const shop = await createTenantWithAdmin(server);
  const response = await apiRequest(server, '/api/tokens', shop.adminToken, 'POST', { name: 'Backend', scopes });
  const { secret } = (await jsonOf(response)) as ApiTokenCreated;
  return { shop, parley: createApiClient({ baseUrl: `${server.url}/`, token: secret, ...options }) };
}

describe('the server-side API client', () => {
  it('manages the knowledge base with a knowledge token', async () => {
    const { parley } = await clientWith(['knowledge:read', 'knowledge:write']);
    const imported = await parley.knowledge.importDocument({
      sourceKey: 'returns.md',
      format: 'markdown',
      content: '# Returns\n\nUnworn boots can be returned within 30 days for a refund.',
    });
    expect(imported).toMatchObject({ status: 'created', document: { title: 'Returns', sourceKey: 'returns.md' } });
    const { hits } = await parley.knowledge.search('return boots refund', 3);
    expect(hits[0]).toMatchObject({ documentId: imported.document.id, title: 'Returns' });
    const { chunks } = await parley.knowledge.chunks(imported.document.id);
    expect(chunks[0]!.body).toContain('30 days');
    expect((await parley.knowledge.documents()).documents.map((document) => document.id)).toEqual([imported.document.id]);
    await parley.knowledge.deleteDocument(imported.document.id);
    expect((await parley.knowledge.documents()).documents).toEqual([]);
  });

  it('reads and updates a contact, and manages webhooks', async () => {
    const { shop, parley } = await clientWith(['contacts:read', 'contacts:write', 'webhooks:write', 'conversations:read']);
    const contactId = randomUUID();
    await server.db.db.insert(contacts).values({ id: contactId, organizationId: shop.organization.id, widgetId: shop.widget.id });
    const updated = await parley.contacts.update(contactId, { name: 'Maya Patel', email: 'Maya@Example.com' });
    expect(updated).toMatchObject({ id: contactId, name: 'Maya Patel', email: 'maya@example.com' });
    expect((await parley.contacts.get(contactId)).name).toBe('Maya Patel');

    const { webhook, secret } = await parley.webhooks.create({ url: 'https://hooks.example.com/parley', events: ['contact.updated'] });
    expect(secret).toMatch(/^whsec_/);
    const rotated = await parley.webhooks.rotateSecret(webhook.id, 1);
    expect(rotated.secret).not.toBe(secret);
    expect((await parley.webhooks.update(webhook.id, { status: 'paused' })).status).toBe('paused');
    expect((await parley.webhooks.list()).webhooks.map((entry) => entry.id)).toEqual([webhook.id]);
    await parley.webhooks.delete(webhook.id);
    expect((await parley.webhooks.list()).webhooks).toEqual([]);
  });

  it('sets up identity verification, signs a token the widget proves a visitor with, and finds and merges contacts', async () => {
    const { shop, parley } = await clientWith(['contacts:read', 'contacts:write', 'widgets:write']);
    // The keys are an admin's to make, in the console: a token, even with widgets:write, could sign in as anyone.
    const keys = `/api/widgets/${shop.widget.id}/identity-verification`;
    await expect(parley.request('PATCH', keys, { secret: 'generate' })).rejects.toMatchObject({ code: 'forbidden', httpStatus: 403 });
    const { newSecret } = (await jsonOf(
      await apiRequest(server, keys, shop.adminToken, 'PATCH', { secret: 'generate' }),
    )) as IdentityVerification;

    const token = await signIdentityToken({ secret: newSecret!, userId: 4242, email: 'Lin@Example.com', expiresInSeconds: 300 });
    const visitor = await connectVisitor(server, { widgetKey: shop.widget.publicKey, identity: { token } });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    visitor.close();
    expect(session.identity).toEqual({ verified: true });
    const { contacts: found } = await parley.contacts.list({ externalId: '4242' });
    expect(found).toMatchObject([{ id: session.visitorId, email: 'lin@example.com', externalId: '4242' }]);

    const duplicate = randomUUID();
    await server.db.db
      .insert(contacts)
      .values({ id: duplicate, organizationId: shop.organization.id, widgetId: shop.widget.id, name: 'Lin' });
    const merged = await parley.contacts.merge(session.visitorId, duplicate);
    expect(merged).toMatchObject({ id: session.visitorId, name: 'Lin', email: 'lin@example.com' });
    await expect(parley.contacts.get(duplicate)).rejects.toMatchObject({ code: 'not_found', httpStatus: 404 });
    await expect(signIdentityToken({ secret: newSecret!, userId: 1, expiresInSeconds: 2 * 86_400 })).rejects.toThrow(RangeError);
  });

  it('lists conversations and answers one as an agent', async () => {
    const { shop, parley } = await clientWith(['conversations:read', 'conversations:write']);
    const visitor = await connectVisitor(server, { widgetKey: shop.widget.publicKey });
    try {
      const sent = ok(
        await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Is the store open on Sunday?' }),
      );
      const { conversations } = await parley.conversations.list({ status: 'queued' });
      expect(conversations.map((conversation) => conversation.id)).toEqual([sent.conversationId]);
      const reply = await parley.conversations.reply(sent.conversationId, {
        clientId: randomUUID(),
        body: 'Yes, 10 to 4.',
        asAgentId: shop.user.id,
      });
      const detail = await parley.conversations.get(sent.conversationId);
      expect(detail.conversation).toMatchObject({ status: 'agent', assignee: { id: shop.user.id } });
      expect(detail.messages.at(-1)).toMatchObject({ id: reply.id, body: 'Yes, 10 to 4.', author: { kind: 'agent' } });
      expect((await parley.conversations.update(sent.conversationId, { status: 'resolved', asAgentId: shop.user.id })).status).toBe(
        'resolved',
      );
    } finally {
      visitor.close();
    }
  });

  it('throws a typed error that says why, with the request id', async () => {
    const { parley } = await clientWith(['contacts:read']);
    const refused = await parley.knowledge.documents().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ParleyApiError);
    expect(refused).toMatchObject({ code: 'forbidden', httpStatus: 403, message: 'This API token lacks the knowledge:read scope.' });
    expect((refused as ParleyApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);

    const missing = await parley.contacts.get(randomUUID()).catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: 'not_found', httpStatus: 404 });
    const invalid = await parley.contacts.get('not-an-id').catch((error: unknown) => error);
    expect(invalid).toMatchObject({ code: 'invalid_payload', httpStatus: 400 });
    expect((invalid as ParleyApiError).issues?.length).toBeGreaterThan(0);
  });

  it('waits and tries again when rate limited, as many times as allowed', async () => {
    // A proxy in front of Parley that refuses the first call with 429 and `Retry-After: 0`, then lets calls through.
    let refusals = 1;
    const proxied: typeof fetch = async (input, init) => {
      if (refusals-- > 0) {
        return new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.' } }), {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '0' },
        });
      }
      return fetch(input, init);
    };
    const { parley } = await clientWith(['conversations:read'], { fetch: proxied });
    expect((await parley.teams.list()).teams).toEqual([]);

    const { parley: impatient } = await clientWith(['conversations:read'], { maxRetries: 0 });
    let limited: unknown;
    for (let call = 0; call < 25 && !limited; call++)
      limited = await impatient.teams.list().then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(limited).toMatchObject({ code: 'rate_limited', httpStatus: 429 });
    expect((limited as ParleyApiError).retryAfterSeconds).toBeGreaterThan(0);
  });
});
