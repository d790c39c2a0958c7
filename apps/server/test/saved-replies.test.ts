import { randomUUID } from 'node:crypto';
import { savedReplies } from '@parley/db';
import type { SavedReply } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import { apiRequest, createTenant, jsonOf, login, useTestServer } from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

const server = useTestServer();

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

/** An organization with its first agent (role `agent`), an admin and a second agent, each signed in. */
async function organization() {
  const tenant = await createTenant(server);
  const agent = { id: tenant.user.id, token: (await login(server, tenant.email, tenant.password)).token };
  async function person(role: 'agent' | 'admin') {
    const email = `${role}-${randomUUID().slice(0, 8)}@shop.example`;
    const password = `pw-${randomUUID()}`;
    const user = await createAgent(server.db.db, { organizationId: tenant.organization.id, email, name: `${role} person`, password, role });
    return { id: user.id, token: (await login(server, email, password)).token };
  }
  return { tenant, agent, admin: await person('admin'), colleague: await person('agent') };
}

async function list(token: string): Promise<SavedReply[]> {
  const response = await api('/api/saved-replies', token);
  expect(response.status).toBe(200);
  return (await jsonOf(response)).savedReplies as SavedReply[];
}

async function create(token: string, body: Record<string, unknown>): Promise<SavedReply> {
  const response = await api('/api/saved-replies', token, 'POST', body);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return (await jsonOf(response)) as SavedReply;
}

const reply = (shortcut: string, scope: 'shared' | 'personal', title = `Title ${shortcut}`) => ({
  shortcut,
  title,
  body: `Hi {contact.name}, this is ${shortcut}.`,
  scope,
});

describe('saved replies', () => {
  it('lets an admin manage shared replies, which every agent of the organization lists', async () => {
    const { admin, agent } = await organization();
    const created = await create(admin.token, reply('refund', 'shared', '  Refund policy  '));
    expect(created).toMatchObject({
      shortcut: 'refund',
      title: 'Refund policy',
      body: 'Hi {contact.name}, this is refund.',
      scope: 'shared',
    });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await list(agent.token)).toEqual([created]);

    const patched = await api(`/api/saved-replies/${created.id}`, admin.token, 'PATCH', { title: 'Refunds', shortcut: 'refunds' });
    expect(patched.status).toBe(200);
    const updated = (await jsonOf(patched)) as SavedReply;
    expect(updated).toMatchObject({ id: created.id, shortcut: 'refunds', title: 'Refunds', body: created.body, scope: 'shared' });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect(await list(agent.token)).toEqual([updated]);

    expect((await api(`/api/saved-replies/${created.id}`, admin.token, 'DELETE')).status).toBe(204);
    expect(await list(agent.token)).toEqual([]);
    expect((await api(`/api/saved-replies/${created.id}`, admin.token, 'DELETE')).status).toBe(404);
  });

  it('refuses an agent every change to a shared reply with forbidden, and changes nothing', async () => {
    const { admin, agent } = await organization();
    const shared = await create(admin.token, reply('hello', 'shared'));
    const attempts = [
      await api('/api/saved-replies', agent.token, 'POST', reply('mine', 'shared')),
      await api(`/api/saved-replies/${shared.id}`, agent.token, 'PATCH', { title: 'Changed' }),
      await api(`/api/saved-replies/${shared.id}`, agent.token, 'PATCH', { scope: 'personal' }),
      await api(`/api/saved-replies/${shared.id}`, agent.token, 'DELETE'),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(await jsonOf(response)).toEqual({ error: { code: 'forbidden', message: 'Only admins can manage shared saved replies.' } });
    }
    expect(await list(agent.token)).toEqual([shared]);
  });

  it('lets an agent manage personal replies that nobody else sees or reaches', async () => {
    const { admin, agent, colleague } = await organization();
    const mine = await create(agent.token, reply('thanks', 'personal'));
    expect(mine.scope).toBe('personal');
    const shared = await create(admin.token, reply('zebra', 'shared'));
    const adminsOwn = await create(admin.token, reply('apology', 'personal'));
    // By shortcut: their own and the shared ones, never another person's.
    expect(await list(agent.token)).toEqual([mine, shared]);
    expect(await list(colleague.token)).toEqual([shared]);
    expect(await list(admin.token)).toEqual([adminsOwn, shared]);

    const patched = await api(`/api/saved-replies/${mine.id}`, agent.token, 'PATCH', { body: 'Thanks, {contact.name}!' });
    expect(patched.status).toBe(200);
    expect(await jsonOf(patched)).toMatchObject({ id: mine.id, body: 'Thanks, {contact.name}!', scope: 'personal' });
    // Personal replies can't be made shared by an agent.
    expect((await api(`/api/saved-replies/${mine.id}`, agent.token, 'PATCH', { scope: 'shared' })).status).toBe(403);

    // Another agent's personal reply, even an admin's: not found, whoever asks.
    for (const [token, id] of [
      [colleague.token, mine.id],
      [admin.token, mine.id],
      [agent.token, adminsOwn.id],
    ] as const) {
      for (const [method, body] of [
        ['PATCH', { title: 'Mine now' }],
        ['DELETE', undefined],
      ] as const) {
        const response = await api(`/api/saved-replies/${id}`, token, method, body);
        expect(response.status).toBe(404);
        expect((await jsonOf(response)).error.code).toBe('not_found');
      }
    }
    expect(await list(agent.token)).toEqual([expect.objectContaining({ id: mine.id, body: 'Thanks, {contact.name}!' }), shared]);

    expect((await api(`/api/saved-replies/${mine.id}`, agent.token, 'DELETE')).status).toBe(204);
    expect(await list(agent.token)).toEqual([shared]);
  });

  it("answers another organization's replies with not_found and never lists them", async () => {
    const first = await organization();
    const second = await organization();
    const shared = await create(first.admin.token, reply('refund', 'shared'));
    const personal = await create(first.agent.token, reply('thanks', 'personal'));
    expect(await list(second.admin.token)).toEqual([]);
    for (const { id } of [shared, personal]) {
      expect((await api(`/api/saved-replies/${id}`, second.admin.token, 'PATCH', { title: 'Taken' })).status).toBe(404);
      expect((await api(`/api/saved-replies/${id}`, second.admin.token, 'DELETE')).status).toBe(404);
    }
    // The same shortcuts are free in another organization.
    await create(second.admin.token, reply('refund', 'shared'));
    await create(second.agent.token, reply('thanks', 'personal'));
    expect((await list(first.agent.token)).map((saved) => saved.id)).toEqual([shared.id, personal.id]);
  });

  it('answers a duplicate shortcut with conflict: shared once per organization, personal once per agent', async () => {
    const { admin, agent, colleague } = await organization();
    await create(admin.token, reply('refund', 'shared'));
    const duplicate = await api('/api/saved-replies', admin.token, 'POST', reply('refund', 'shared'));
    expect(duplicate.status).toBe(409);
    expect(await jsonOf(duplicate)).toEqual({
      error: { code: 'conflict', message: 'Your organization has a shared saved reply with the shortcut /refund already.' },
    });

    // A personal reply may use a shared shortcut, and two agents may use the same personal one.
    const mine = await create(agent.token, reply('refund', 'personal'));
    await create(colleague.token, reply('refund', 'personal'));
    const again = await api('/api/saved-replies', agent.token, 'POST', reply('refund', 'personal'));
    expect(again.status).toBe(409);
    expect((await jsonOf(again)).error).toEqual({ code: 'conflict', message: 'You have a saved reply with the shortcut /refund already.' });

    // Renaming onto a taken shortcut, or moving into a scope that has it, conflicts too.
    const other = await create(agent.token, reply('other', 'personal'));
    expect((await api(`/api/saved-replies/${other.id}`, agent.token, 'PATCH', { shortcut: 'refund' })).status).toBe(409);
    const adminsOwn = await create(admin.token, reply('refund', 'personal'));
    expect((await api(`/api/saved-replies/${adminsOwn.id}`, admin.token, 'PATCH', { scope: 'shared' })).status).toBe(409);
    expect((await list(agent.token)).map((saved) => [saved.shortcut, saved.scope])).toEqual([
      ['other', 'personal'],
      ['refund', 'personal'],
      ['refund', 'shared'],
    ]);
    expect(mine.scope).toBe('personal');
  });

  it('lets an admin move a reply between scopes: a shared one made personal becomes theirs', async () => {
    const { admin, agent } = await organization();
    const shared = await create(admin.token, reply('hello', 'shared'));
    const moved = await api(`/api/saved-replies/${shared.id}`, admin.token, 'PATCH', { scope: 'personal' });
    expect(moved.status).toBe(200);
    expect(await jsonOf(moved)).toMatchObject({ id: shared.id, scope: 'personal' });
    expect(await list(agent.token)).toEqual([]);
    expect((await list(admin.token)).map((saved) => saved.id)).toEqual([shared.id]);
    const [row] = await server.db.db.select().from(savedReplies).where(eq(savedReplies.id, shared.id));
    expect(row!.ownerId).toBe(admin.id);

    const back = await api(`/api/saved-replies/${shared.id}`, admin.token, 'PATCH', { scope: 'shared' });
    expect(await jsonOf(back)).toMatchObject({ scope: 'shared' });
    expect((await list(agent.token)).map((saved) => saved.id)).toEqual([shared.id]);
  });

  it.each([
    ['an empty update', {}],
    ['an update of unknown fields only', { owner: 'someone' }],
    ['an empty title', { title: '   ' }],
    ['a blank body', { body: ' \n ' }],
    ['an upper-case shortcut', { shortcut: 'Refund' }],
    ['a shortcut with a space', { shortcut: 'a b' }],
    ['a shortcut starting with a dash', { shortcut: '-a' }],
    ['a shortcut over 32 characters', { shortcut: 'a'.repeat(33) }],
    ['a body over 4,000 characters', { body: 'a'.repeat(4001) }],
    ['an unknown scope', { scope: 'team' }],
  ])('answers %s with invalid_payload and changes nothing', async (_name, update) => {
    const { agent } = await organization();
    const mine = await create(agent.token, reply('thanks', 'personal'));
    const response = await api(`/api/saved-replies/${mine.id}`, agent.token, 'PATCH', update);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_payload');
    expect(await list(agent.token)).toEqual([mine]);
  });

  it('takes the longest allowed values, counting emoji as one character', async () => {
    const { agent } = await organization();
    const body = '😀'.repeat(4000);
    const saved = await create(agent.token, { shortcut: `a-${'9'.repeat(30)}`, title: 'T'.repeat(120), body, scope: 'personal' });
    expect(saved.body).toBe(body);
    expect((await api('/api/saved-replies', agent.token, 'POST', { ...reply('x', 'personal'), title: 'T'.repeat(121) })).status).toBe(400);
  });

  it('answers a malformed id with invalid_payload, and every route without a token with unauthorized', async () => {
    const { agent } = await organization();
    expect((await api('/api/saved-replies/not-a-uuid', agent.token, 'DELETE')).status).toBe(400);
    for (const [method, path, body] of [
      ['GET', '/api/saved-replies'],
      ['POST', '/api/saved-replies', reply('refund', 'shared')],
      ['PATCH', `/api/saved-replies/${randomUUID()}`, { title: 'New' }],
      ['DELETE', `/api/saved-replies/${randomUUID()}`],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(response.status).toBe(401);
    }
  });
});

describe('saved replies and naughty strings', () => {
  const naughty = naughtyStrings();

  it('stores every string accepted as a title, body or shortcut unchanged, and refuses the others with invalid_payload', async () => {
    const { agent } = await organization();
    const expected = new Map<string, { shortcut: string; title: string; body: string }>();
    const refused: Record<'title' | 'body' | 'shortcut', string[]> = { title: [], body: [], shortcut: [] };
    async function attempt(field: 'title' | 'body' | 'shortcut', value: string, input: { shortcut: string; title: string; body: string }) {
      const response = await api('/api/saved-replies', agent.token, 'POST', { ...input, scope: 'personal' });
      const answer = await jsonOf(response);
      if (response.status === 201) {
        // Titles are trimmed, as every short text of the protocol is; nothing else changes.
        expect(answer).toMatchObject({ ...input, title: input.title.trim() });
        expected.set(answer.id, { ...input, title: input.title.trim() });
      } else {
        expect({ value, status: response.status, code: answer.error.code }).toEqual({ value, status: 400, code: 'invalid_payload' });
        refused[field].push(value);
      }
    }
    for (const [index, value] of naughty.entries()) {
      await attempt('title', value, { shortcut: `t${index}`, title: value, body: 'Body' });
      await attempt('body', value, { shortcut: `b${index}`, title: 'Title', body: value });
    }
    // Each shortcut once: the list repeats a few strings, and a repeat would rightly be a conflict.
    for (const value of new Set(naughty)) await attempt('shortcut', value, { shortcut: value, title: 'Title', body: 'Body' });

    // The refusals are the strings the schemas rule out, and the others come back as they were stored.
    for (const value of refused.title) {
      const title = value.trim();
      expect(title === '' || /\p{Cc}/u.test(title) || title.length > 120, value).toBe(true);
    }
    for (const value of refused.body) expect(value.trim()).toBe('');
    for (const value of refused.shortcut) expect(value).not.toMatch(/^[a-z0-9][a-z0-9-]{0,31}$/);
    expect(refused.title.length).toBeLessThan(30);
    expect(refused.body.length).toBeLessThan(10);

    const stored = new Map((await list(agent.token)).map((saved) => [saved.id, saved]));
    expect(stored.size).toBe(expected.size);
    for (const [id, input] of expected) expect(stored.get(id)).toMatchObject(input);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
