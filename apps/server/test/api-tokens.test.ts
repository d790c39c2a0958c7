import { randomUUID } from 'node:crypto';
import { apiTokens, contacts } from '@parley/db';
import type { ApiToken, ApiTokenCreated } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiRequest, createTenantWithAdmin, jsonOf, useTestServer } from './helpers/server.js';

// Five requests a minute per token, so that the rate limit is reached in a test; every other test uses a token of its own.
const server = useTestServer({ PARLEY_RATE_LIMIT_API: '5' });

async function makeToken(admin: string, body: Record<string, unknown>): Promise<ApiTokenCreated> {
  const response = await apiRequest(server, '/api/tokens', admin, 'POST', body);
  expect(response.status).toBe(201);
  return jsonOf(response);
}

describe('API tokens', () => {
  it('are made by admins, shown once, stored hashed, and listed with what they may do', async () => {
    const shop = await createTenantWithAdmin(server);
    const created = await makeToken(shop.adminToken, {
      name: 'CRM sync',
      scopes: ['contacts:write', 'conversations:read', 'contacts:write'],
    });
    expect(created.secret).toMatch(/^parley_[\w-]{43}$/);
    expect(created.token).toMatchObject({
      name: 'CRM sync',
      hint: `${created.secret.slice(0, 11)}…`,
      // In the catalogue's order, once each.
      scopes: ['conversations:read', 'contacts:write'],
      expiresAt: null,
      lastUsedAt: null,
      createdBy: { name: 'Admin' },
    });

    const [row] = await server.db.db.select().from(apiTokens).where(eq(apiTokens.id, created.token.id));
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(11));

    const list = await apiRequest(server, '/api/tokens', shop.adminToken);
    const { tokens } = (await jsonOf(list)) as { tokens: ApiToken[] };
    expect(tokens).toEqual([created.token]);
    expect(JSON.stringify(tokens)).not.toContain(created.secret);
  });

  it('are refused to agents who are not admins, and to API tokens themselves', async () => {
    const shop = await createTenantWithAdmin(server);
    const byAgent = await apiRequest(server, '/api/tokens', shop.agentToken, 'POST', { name: 'Mine', scopes: ['contacts:read'] });
    expect(byAgent.status).toBe(403);
    expect((await jsonOf(byAgent)).error.code).toBe('forbidden');

    const { secret } = await makeToken(shop.adminToken, { name: 'Everything', scopes: ['webhooks:write', 'knowledge:write'] });
    const byToken = await apiRequest(server, '/api/tokens', secret, 'POST', { name: 'Another', scopes: ['contacts:read'] });
    expect(byToken.status).toBe(403);
    expect((await jsonOf(byToken)).error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('console') });
    const me = await apiRequest(server, '/api/me', secret);
    expect(me.status).toBe(403);
    const tokens = await server.db.db.select().from(apiTokens).where(eq(apiTokens.organizationId, shop.organization.id));
    expect(tokens.map((token) => token.name)).toEqual(['Everything']);
  });

  it('reject bad input with typed errors and write nothing', async () => {
    const shop = await createTenantWithAdmin(server);
    for (const body of [
      { name: '', scopes: ['contacts:read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['contacts:delete'] },
      { name: 'x'.repeat(101), scopes: ['contacts:read'] },
      { name: 'x', scopes: ['contacts:read'], expiresInDays: 0 },
      { name: 'x\u0000', scopes: ['contacts:read'] },
    ]) {
      const response = await apiRequest(server, '/api/tokens', shop.adminToken, 'POST', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await jsonOf(response)).error.code).toBe('invalid_payload');
    }
    expect(await server.db.db.select().from(apiTokens).where(eq(apiTokens.organizationId, shop.organization.id))).toEqual([]);
  });

  it('reach what their scopes name in their own organization, and nothing else', async () => {
    const shop = await createTenantWithAdmin(server);
    const other = await createTenantWithAdmin(server);
    const [contact] = await server.db.db
      .insert(contacts)
      .values({ id: randomUUID(), organizationId: shop.organization.id, widgetId: shop.widget.id, name: 'Ada' })
      .returning();
    const reader = await makeToken(shop.adminToken, { name: 'Reader', scopes: ['contacts:read'] });
    const outsider = await makeToken(other.adminToken, { name: 'Outsider', scopes: ['contacts:read', 'contacts:write'] });

    const got = await apiRequest(server, `/api/contacts/${contact!.id}`, reader.secret);
    expect(got.status).toBe(200);
    expect((await jsonOf(got)).name).toBe('Ada');

    const write = await apiRequest(server, `/api/contacts/${contact!.id}`, reader.secret, 'PATCH', { name: 'Eve' });
    expect(write.status).toBe(403);
    expect((await jsonOf(write)).error).toMatchObject({ code: 'forbidden', message: 'This API token lacks the contacts:write scope.' });

    // Another organization's contact is as unknown to a token as a made-up id.
    const foreign = await apiRequest(server, `/api/contacts/${contact!.id}`, outsider.secret);
    expect(foreign.status).toBe(404);
    const foreignWrite = await apiRequest(server, `/api/contacts/${contact!.id}`, outsider.secret, 'PATCH', { name: 'Eve' });
    expect(foreignWrite.status).toBe(404);
    const [after] = await server.db.db.select().from(contacts).where(eq(contacts.id, contact!.id));
    expect(after!.name).toBe('Ada');
  });

  it('act with their scope where admins would (a webhook made by a token)', async () => {
    const shop = await createTenantWithAdmin(server);
    // A subscription carries conversations and contacts: managing one takes the scopes that read them, too.
    const narrow = await makeToken(shop.adminToken, { name: 'Too narrow', scopes: ['webhooks:write', 'contacts:read'] });
    const refused = await apiRequest(server, '/api/webhooks', narrow.secret);
    expect(refused.status).toBe(403);
    expect((await jsonOf(refused)).error.message).toBe('This API token also needs the conversations:read scope for this route.');
    const { secret } = await makeToken(shop.adminToken, {
      name: 'Deploy script',
      scopes: ['webhooks:write', 'conversations:read', 'contacts:read'],
    });
    const response = await apiRequest(server, '/api/webhooks', secret, 'POST', {
      url: 'https://hooks.example.com/parley',
      events: ['conversation.created'],
    });
    expect(response.status).toBe(201);
    const listed = await apiRequest(server, '/api/webhooks', shop.adminToken);
    expect((await jsonOf(listed)).webhooks).toHaveLength(1);
  });

  it('stop working when revoked or expired, and note when they were last used', async () => {
    const shop = await createTenantWithAdmin(server);
    const kept = await makeToken(shop.adminToken, { name: 'Kept', scopes: ['knowledge:read'], expiresInDays: 30 });
    expect(Date.parse(kept.token.expiresAt!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const revoked = await makeToken(shop.adminToken, { name: 'Revoked', scopes: ['knowledge:read'] });

    expect((await apiRequest(server, '/api/knowledge/documents', kept.secret)).status).toBe(200);
    const [used] = await server.db.db.select().from(apiTokens).where(eq(apiTokens.id, kept.token.id));
    expect(used!.lastUsedAt).not.toBeNull();

    const revoke = await apiRequest(server, `/api/tokens/${revoked.token.id}`, shop.adminToken, 'DELETE');
    expect(revoke.status).toBe(204);
    const afterRevoke = await apiRequest(server, '/api/knowledge/documents', revoked.secret);
    expect(afterRevoke.status).toBe(401);
    expect((await jsonOf(afterRevoke)).error.code).toBe('unauthorized');
    // A token of another organization can't be revoked by this one's admin: it is not found.
    const other = await createTenantWithAdmin(server);
    expect((await apiRequest(server, `/api/tokens/${kept.token.id}`, other.adminToken, 'DELETE')).status).toBe(404);

    await server.db.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, kept.token.id));
    const expired = await apiRequest(server, '/api/knowledge/documents', kept.secret);
    expect(expired.status).toBe(401);
    expect((await jsonOf(expired)).error.message).toBe('This API token has expired.');

    const made = await apiRequest(server, '/api/knowledge/documents', `parley_${randomUUID()}`);
    expect(made.status).toBe(401);
  });

  it('are rate limited per token with RateLimit headers, Retry-After and rate_limited', async () => {
    const shop = await createTenantWithAdmin(server);
    const busy = await makeToken(shop.adminToken, { name: 'Busy', scopes: ['knowledge:read'] });
    const calm = await makeToken(shop.adminToken, { name: 'Calm', scopes: ['knowledge:read'] });
    for (let remaining = 4; remaining >= 0; remaining--) {
      const response = await apiRequest(server, '/api/knowledge/documents', busy.secret);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('5');
      expect(response.headers.get('ratelimit-remaining')).toBe(String(remaining));
      expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    const limited = await apiRequest(server, '/api/knowledge/documents', busy.secret);
    expect(limited.status).toBe(429);
    expect((await jsonOf(limited)).error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    // Another token has its own budget.
    expect((await apiRequest(server, '/api/knowledge/documents', calm.secret)).status).toBe(200);
  });
});

describe('request ids', () => {
  it('are in every answer, the caller’s own when it sends a plain one', async () => {
    const fresh = await fetch(`${server.url}/api/me`);
    expect(fresh.status).toBe(401);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const traced = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'crm-sync.42' } });
    expect(traced.headers.get('x-request-id')).toBe('crm-sync.42');

    const forged = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'a b\tc' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
