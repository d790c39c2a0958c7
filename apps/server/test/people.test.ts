import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { agentSessions, conversations, memberships, organizations, users } from '@parley/db';
import type { Ack, PeopleList, Person, PresenceList, Role, RoutingSettings, VisitorConversation } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, createOrganization } from '../src/seed/accounts.js';
import {
  apiRequest,
  connectAgent,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  ok,
  request,
  useTestServer,
  waitUntil,
} from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// People: admins list the organization's members and change their role or status; deactivating someone locks them out
// and gives their conversations to others. A short grace period, so a closed console goes offline quickly.
const server = useTestServer({ PARLEY_PRESENCE_HEARTBEAT_MS: '1000', PARLEY_PRESENCE_GRACE_MS: '200' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

/** A member of the organization with `role`, signed in. */
async function member(organizationId: string, role: Role, name = `${role} ${randomUUID().slice(0, 8)}`) {
  const email = `${role}-${randomUUID().slice(0, 8)}@shop.example`;
  const password = `pw-${randomUUID()}`;
  const user = await createAgent(server.db.db, { organizationId, email, name, password, role });
  return { user, email, password, token: (await login(server, email, password)).token };
}

/** An organization whose widget routes round-robin, with an agent (the tenant's), an admin and an owner, signed in. */
async function organization() {
  const tenant = await createTenant(server, { routing: { strategy: 'round_robin' } });
  return {
    tenant,
    agent: {
      user: tenant.user,
      email: tenant.email,
      password: tenant.password,
      token: (await login(server, tenant.email, tenant.password)).token,
    },
    admin: await member(tenant.organization.id, 'admin'),
    owner: await member(tenant.organization.id, 'owner'),
  };
}

function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (!socket.connected) resolve('already');
    socket.once('disconnect', (reason) => resolve(reason));
  });
}

/** Opens the agent's console and waits until they are online. */
async function online(token: string, userId: string): Promise<Socket> {
  const socket = await connectAgent(server, token);
  sockets.push(socket);
  await waitUntil(
    async () => (await server.db.db.select().from(agentSessions).where(eq(agentSessions.userId, userId))).length > 0,
    'the agent online',
  );
  return socket;
}

async function conversation(id: string) {
  const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, id));
  return row!;
}

async function change(token: string, userId: string, body: unknown) {
  const response = await api(`/api/people/${userId}`, token, 'PATCH', body);
  return { status: response.status, body: await jsonOf(response) };
}

describe('the list of people', () => {
  it('is for admins, by name, with roles, status, teams, capacity and open conversations', async () => {
    const { tenant, agent, admin, owner } = await organization();
    expect((await api('/api/people', agent.token)).status).toBe(403);
    const team = await jsonOf(await api('/api/teams', admin.token, 'POST', { name: 'Billing', memberIds: [agent.user.id] }));
    await api(`/api/routing/agents/${agent.user.id}`, admin.token, 'PATCH', { maxConversations: 3 });
    await online(agent.token, agent.user.id);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const asked = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    await waitUntil(async () => (await conversation(asked.id)).assigneeId === agent.user.id, 'the conversation routed');

    for (const token of [admin.token, owner.token]) {
      const list = (await jsonOf(await api('/api/people', token))) as PeopleList;
      expect(list.defaultMaxConversations).toBe(5);
      expect(list.invitations).toEqual([]);
      expect(list.people.map((person) => person.name)).toEqual([agent.user.name, admin.user.name, owner.user.name].toSorted());
      expect(list.people.find((person) => person.id === agent.user.id)).toEqual({
        id: agent.user.id,
        name: agent.user.name,
        email: agent.email,
        role: 'agent',
        status: 'active',
        teamIds: [team.id],
        maxConversations: 3,
        openConversations: 1,
        lastLoginAt: expect.any(String),
        createdAt: expect.any(String),
      } satisfies Person);
      expect(list.people.find((person) => person.id === owner.user.id)).toMatchObject({ role: 'owner', openConversations: 0, teamIds: [] });
    }
  });
});

describe('changing a role', () => {
  it('takes an owner to make or unmake an admin; admins change agents among agents only; nobody changes themselves', async () => {
    const { tenant, agent, admin, owner } = await organization();
    const otherAdmin = await member(tenant.organization.id, 'admin');
    const refusals: Array<[string, string, unknown, number, string]> = [
      [agent.token, otherAdmin.user.id, { status: 'deactivated' }, 403, 'forbidden'],
      [agent.token, agent.user.id, { role: 'owner' }, 403, 'forbidden'],
      [admin.token, admin.user.id, { role: 'agent' }, 403, 'forbidden'],
      [owner.token, owner.user.id, { status: 'deactivated' }, 403, 'forbidden'],
      [admin.token, agent.user.id, { role: 'admin' }, 403, 'forbidden'],
      [admin.token, agent.user.id, { role: 'owner' }, 403, 'forbidden'],
      [admin.token, otherAdmin.user.id, { role: 'agent' }, 403, 'forbidden'],
      [admin.token, otherAdmin.user.id, { status: 'deactivated' }, 403, 'forbidden'],
      [admin.token, owner.user.id, { status: 'deactivated' }, 403, 'forbidden'],
    ];
    for (const [token, userId, body, status, code] of refusals) {
      const answer = await change(token, userId, body);
      expect(answer.status, `${userId} ${JSON.stringify(body)}`).toBe(status);
      expect(answer.body.error.code).toBe(code);
    }
    const roles = await server.db.db.select({ role: memberships.role }).from(memberships).where(eq(memberships.userId, agent.user.id));
    expect(roles).toEqual([{ role: 'agent' }]);

    // An admin may change an agent among agents (a no-op here); an owner promotes, and the next request has the role.
    expect((await change(admin.token, agent.user.id, { role: 'agent' })).body).toMatchObject({ role: 'agent', status: 'active' });
    const socket = await online(agent.token, agent.user.id);
    const closed = disconnected(socket);
    expect((await change(owner.token, agent.user.id, { role: 'admin' })).body).toMatchObject({ id: agent.user.id, role: 'admin' });
    expect((await jsonOf(await api('/api/me', agent.token))).agent.role).toBe('admin');
    expect((await api('/api/people', agent.token)).status).toBe(200);
    // Their console reconnects under the new role.
    expect(await closed).toBe('io server disconnect');
    sockets.push(await connectAgent(server, agent.token));

    // An owner makes another owner, and demotes them again.
    expect((await change(owner.token, otherAdmin.user.id, { role: 'owner' })).body.role).toBe('owner');
    expect((await change(otherAdmin.token, owner.user.id, { role: 'admin' })).body.role).toBe('admin');
    expect((await change(otherAdmin.token, owner.user.id, { role: 'owner' })).body.role).toBe('owner');
    expect((await change(owner.token, otherAdmin.user.id, { role: 'agent' })).body.role).toBe('agent');
    expect((await api('/api/people', otherAdmin.token)).status).toBe(403);
  });

  it("answers another organization's people and unknown ids with not_found, and bad input with invalid_payload", async () => {
    const { owner } = await organization();
    const other = await organization();
    const cases: Array<[string, unknown, number, string]> = [
      [`/api/people/${other.agent.user.id}`, { status: 'deactivated' }, 404, 'not_found'],
      [`/api/people/${randomUUID()}`, { role: 'agent' }, 404, 'not_found'],
      ['/api/people/not-a-uuid', { role: 'agent' }, 400, 'invalid_payload'],
      [`/api/people/${other.agent.user.id}`, {}, 400, 'invalid_payload'],
      [`/api/people/${other.agent.user.id}`, { role: 'boss' }, 400, 'invalid_payload'],
      [`/api/people/${other.agent.user.id}`, { role: 'agent', extra: 1 }, 400, 'invalid_payload'],
    ];
    for (const [path, body, status, code] of cases) {
      const response = await api(path, owner.token, 'PATCH', body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect((await jsonOf(response)).error.code).toBe(code);
    }
    const codes = new Set<string>();
    for (const value of naughtyStrings()) {
      for (const body of [{ role: value }, { status: value }]) {
        codes.add((await jsonOf(await api(`/api/people/${other.agent.user.id}`, owner.token, 'PATCH', body))).error.code);
      }
      codes.add((await jsonOf(await api(`/api/people/${encodeURIComponent(value)}`, owner.token, 'PATCH', { role: 'agent' }))).error.code);
    }
    expect([...codes]).toEqual(['invalid_payload']);
    const [theirs] = await server.db.db.select().from(memberships).where(eq(memberships.userId, other.agent.user.id));
    expect(theirs).toMatchObject({ role: 'agent', deactivatedAt: null });
  });
});

describe('deactivating someone', () => {
  it('signs them out everywhere, gives their conversations to another agent, and reactivating lets them back', async () => {
    const { tenant, agent, admin } = await organization();
    const colleague = await member(tenant.organization.id, 'agent');
    const agentSocket = await online(agent.token, agent.user.id);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const asked = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    await waitUntil(async () => (await conversation(asked.id)).assigneeId === agent.user.id, 'the conversation routed to the agent');
    // Online after the routing: the queue was empty, so the colleague has nothing yet.
    await online(colleague.token, colleague.user.id);
    expect((await conversation(asked.id)).assigneeId).toBe(agent.user.id);

    const closed = disconnected(agentSocket);
    const answer = await change(admin.token, agent.user.id, { status: 'deactivated' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: agent.user.id, role: 'agent', status: 'deactivated' });
    expect(await closed).toBe('io server disconnect');

    // The token they hold fails at once; signing in and reconnecting are refused.
    const me = await api('/api/me', agent.token);
    expect(me.status).toBe(401);
    expect((await jsonOf(me)).error.code).toBe('unauthorized');
    await expect(login(server, agent.email, agent.password)).rejects.toThrow(/401/);
    await expect(connectAgent(server, agent.token)).rejects.toMatchObject({ data: { code: 'unauthorized' } });

    // Their conversation went back to the queue (audited) and routing gave it to the colleague.
    await waitUntil(async () => (await conversation(asked.id)).assigneeId === colleague.user.id, 'the conversation given to the colleague');
    expect((await conversation(asked.id)).status).toBe('agent');
    const unassigned = await server.db.db.execute(
      sql`select count(*)::int as n from conversation_events where conversation_id = ${asked.id} and type = 'unassigned'`,
    );
    expect(JSON.stringify(unassigned)).toContain('"n":1');

    // Nobody offers them as an assignee any more.
    const people = (await jsonOf(await api('/api/people', admin.token))) as PeopleList;
    expect(people.people.find((person) => person.id === agent.user.id)).toMatchObject({ status: 'deactivated', openConversations: 0 });
    const presence = (await jsonOf(await api('/api/presence', admin.token))) as PresenceList;
    expect(presence.agents.map((entry) => entry.userId)).not.toContain(agent.user.id);
    const routing = (await jsonOf(await api('/api/routing', admin.token))) as RoutingSettings;
    expect(routing.agents.map((entry) => entry.userId)).not.toContain(agent.user.id);
    const transfer = await api(`/api/conversations/${asked.id}/transfer`, colleague.token, 'POST', {
      target: { to: 'agent', agentId: agent.user.id },
    });
    expect(transfer.status).toBe(404);

    // Deactivating again changes nothing; reactivating lets them sign in again.
    expect((await change(admin.token, agent.user.id, { status: 'deactivated' })).body.status).toBe('deactivated');
    expect((await change(admin.token, agent.user.id, { status: 'active' })).body.status).toBe('active');
    const again = await login(server, agent.email, agent.password);
    expect(again.agent).toMatchObject({ id: agent.user.id, role: 'agent' });
    expect((await api('/api/me', again.token)).status).toBe(200);
    const [row] = await server.db.db
      .select({ deactivatedAt: memberships.deactivatedAt })
      .from(memberships)
      .where(and(eq(memberships.userId, agent.user.id), eq(memberships.organizationId, tenant.organization.id)));
    expect(row!.deactivatedAt).toBeNull();
  });

  it('of admins and owners takes an owner, and keeps an active owner', async () => {
    const { tenant, admin, owner } = await organization();
    expect((await change(owner.token, admin.user.id, { status: 'deactivated' })).body.status).toBe('deactivated');
    expect((await api('/api/people', admin.token)).status).toBe(401);
    const second = await member(tenant.organization.id, 'owner');
    expect((await change(second.token, owner.user.id, { status: 'deactivated' })).body.status).toBe('deactivated');
    // The deactivated owner can do nothing any more, even with a token from before.
    expect((await change(owner.token, second.user.id, { status: 'deactivated' })).status).toBe(401);
    expect((await change(second.token, owner.user.id, { status: 'active', role: 'admin' })).body).toMatchObject({
      status: 'active',
      role: 'admin',
    });
  });
});

describe('the migration to owners', () => {
  it("makes each organization's earliest admin its owner when it has none", async () => {
    const statements = readFileSync(new URL('../../../packages/db/drizzle/0019_people.sql', import.meta.url), 'utf8').split(
      '--> statement-breakpoint',
    );
    const promote = statements.at(-1)!;
    const without = await createOrganization(server.db.db, `No owner ${randomUUID().slice(0, 8)}`);
    const withOwner = await createOrganization(server.db.db, `Owned ${randomUUID().slice(0, 8)}`);
    const later = await member(without.id, 'admin');
    const earliest = await member(without.id, 'admin');
    await server.db.db
      .update(memberships)
      .set({ createdAt: sql`now() - interval '1 day'` })
      .where(eq(memberships.userId, earliest.user.id));
    const keeper = await member(withOwner.id, 'owner');
    const admin = await member(withOwner.id, 'admin');
    // Inside a transaction that is rolled back: the statement runs over every organization, and other suites may share
    // the database.
    const roles = await server.db.db
      .transaction(async (tx) => {
        await tx.execute(sql.raw(promote));
        const rows = await tx
          .select({ userId: memberships.userId, role: memberships.role })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(sql`${memberships.organizationId} in (${without.id}, ${withOwner.id})`);
        throw new RolledBack(new Map(rows.map((row) => [row.userId, row.role])));
      })
      .catch((error: unknown) => {
        if (error instanceof RolledBack) return error.roles;
        throw error;
      });
    expect(roles.get(earliest.user.id)).toBe('owner');
    expect(roles.get(later.user.id)).toBe('admin');
    expect(roles.get(keeper.user.id)).toBe('owner');
    expect(roles.get(admin.user.id)).toBe('admin');
    await server.db.db.delete(organizations).where(sql`${organizations.id} in (${without.id}, ${withOwner.id})`);
  });
});

/** Ends the migration test's transaction, carrying what it saw. */
class RolledBack extends Error {
  constructor(readonly roles: Map<string, string>) {
    super('rolled back');
  }
}
