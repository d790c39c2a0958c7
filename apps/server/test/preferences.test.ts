import { randomUUID } from 'node:crypto';
import { users } from '@parley/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import { apiRequest, createTenant, jsonOf, login, useTestServer } from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

const server = useTestServer();

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

/** An organization with two agents, each signed in. */
async function organization() {
  const tenant = await createTenant(server);
  const agent = { id: tenant.user.id, email: tenant.email, password: tenant.password };
  const email = `colleague-${randomUUID().slice(0, 8)}@shop.example`;
  const password = `pw-${randomUUID()}`;
  const user = await createAgent(server.db.db, {
    organizationId: tenant.organization.id,
    email,
    name: 'Colleague',
    password,
    role: 'agent',
  });
  return {
    agent: { ...agent, token: (await login(server, agent.email, agent.password)).token },
    colleague: { id: user.id, email, password, token: (await login(server, email, password)).token },
  };
}

async function preferences(token: string) {
  const response = await api('/api/me/preferences', token);
  expect(response.status).toBe(200);
  return jsonOf(response);
}

describe('agent preferences', () => {
  it('starts from the defaults: a sound, no desktop notifications; /api/me carries them too', async () => {
    const { agent } = await organization();
    expect(await preferences(agent.token)).toEqual({ sound: true, desktopNotifications: false });
    const me = await jsonOf(await api('/api/me', agent.token));
    expect(me.preferences).toEqual({ sound: true, desktopNotifications: false });
  });

  it('changes only what a partial update names, and keeps it across sign-ins', async () => {
    const { agent } = await organization();
    const first = await api('/api/me/preferences', agent.token, 'PATCH', { desktopNotifications: true });
    expect(first.status).toBe(200);
    expect(await jsonOf(first)).toEqual({ sound: true, desktopNotifications: true });
    const second = await api('/api/me/preferences', agent.token, 'PATCH', { sound: false });
    expect(await jsonOf(second)).toEqual({ sound: false, desktopNotifications: true });

    const again = await login(server, agent.email, agent.password);
    expect(await preferences(again.token)).toEqual({ sound: false, desktopNotifications: true });
    expect((await jsonOf(await api('/api/me', again.token))).preferences).toEqual({ sound: false, desktopNotifications: true });
  });

  it("changes the caller's own preferences only, never a colleague's", async () => {
    const { agent, colleague } = await organization();
    await api('/api/me/preferences', agent.token, 'PATCH', { sound: false, desktopNotifications: true });
    expect(await preferences(colleague.token)).toEqual({ sound: true, desktopNotifications: false });
    // A user id in the body is no way to reach someone else's: unknown fields are refused.
    const sneaky = await api('/api/me/preferences', agent.token, 'PATCH', { userId: colleague.id, sound: true });
    expect(sneaky.status).toBe(400);
    expect(await preferences(colleague.token)).toEqual({ sound: true, desktopNotifications: false });
    const [row] = await server.db.db.select({ preferences: users.preferences }).from(users).where(eq(users.id, colleague.id));
    expect(row!.preferences).toEqual({});
  });

  it('reads a stored value it does not understand as the default', async () => {
    const { agent } = await organization();
    await server.db.db
      .update(users)
      .set({ preferences: { sound: 'loud', desktopNotifications: true, other: 1 } })
      .where(eq(users.id, agent.id));
    expect(await preferences(agent.token)).toEqual({ sound: true, desktopNotifications: true });
  });

  it.each([
    ['an empty update', {}],
    ['unknown fields only', { theme: 'dark' }],
    ['a string for a switch', { sound: 'true' }],
    ['a number for a switch', { desktopNotifications: 1 }],
    ['null for a switch', { sound: null }],
    ['an array', [{ sound: false }]],
    ['a bare boolean', false],
    ['null', null],
  ])('answers %s with invalid_payload and changes nothing', async (_name, body) => {
    const { agent } = await organization();
    const response = await api('/api/me/preferences', agent.token, 'PATCH', body);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_payload');
    expect(await preferences(agent.token)).toEqual({ sound: true, desktopNotifications: false });
  });

  it('refuses every naughty string as a value or as a key with invalid_payload', async () => {
    const { agent } = await organization();
    for (const value of naughtyStrings()) {
      for (const body of [{ sound: value }, { [value]: true }]) {
        const response = await api('/api/me/preferences', agent.token, 'PATCH', body);
        expect({ value, status: response.status }).toEqual({ value, status: 400 });
        expect((await jsonOf(response)).error.code).toBe('invalid_payload');
      }
    }
    // A prototype-polluting body, as raw JSON (JSON.stringify would drop the key).
    const response = await fetch(`${server.url}/api/me/preferences`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: '{"__proto__":{"sound":false},"constructor":{"prototype":{"sound":false}}}',
    });
    expect(response.status).toBe(400);
    expect(await preferences(agent.token)).toEqual({ sound: true, desktopNotifications: false });
  });

  it('answers without a token with unauthorized', async () => {
    for (const method of ['GET', 'PATCH']) {
      const response = await fetch(`${server.url}/api/me/preferences`, {
        method,
        headers: method === 'PATCH' ? { 'content-type': 'application/json' } : {},
        body: method === 'PATCH' ? JSON.stringify({ sound: false }) : undefined,
      });
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).error.code).toBe('unauthorized');
    }
  });
});
