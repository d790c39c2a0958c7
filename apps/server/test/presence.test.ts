import { randomUUID } from 'node:crypto';
import type { Ack, PresenceChanged, PresenceList } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import {
  collect,
  connectAgent,
  createTenant,
  login,
  nextEvent,
  ok,
  request,
  startSecondApp,
  useTestServer,
  type TestServer,
} from './helpers/server.js';

// Short timings so the grace period and the lease pass within a test: lease = 3 heartbeats = 300 ms.
const HEARTBEAT_MS = 100;
const GRACE_MS = 500;
const LEASE_MS = 3 * HEARTBEAT_MS;
const server = useTestServer({ PARLEY_PRESENCE_HEARTBEAT_MS: String(HEARTBEAT_MS), PARLEY_PRESENCE_GRACE_MS: String(GRACE_MS) });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** An organization with two agents, each signed in: `watcher` to observe, `agent` whose presence the tests change. */
async function organizationWithTwoAgents() {
  const tenant = await createTenant(server);
  const password = `pw-${randomUUID()}`;
  const email = `second-${randomUUID().slice(0, 8)}@shop.example`;
  const user = await createAgent(server.db.db, {
    organizationId: tenant.organization.id,
    email,
    name: 'Zoe Second',
    password,
    role: 'agent',
  });
  const watcher = await login(server, tenant.email, tenant.password);
  const agent = await login(server, email, password);
  return { tenant, watcher, agent, userId: user.id };
}

async function connect(target: TestServer, token: string): Promise<Socket> {
  const socket = await connectAgent(target, token);
  sockets.push(socket);
  return socket;
}

async function presenceList(target: TestServer, token: string): Promise<PresenceList> {
  const response = await fetch(`${target.url}/api/presence`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as PresenceList;
}

async function statusOf(target: TestServer, token: string, userId: string) {
  return (await presenceList(target, token)).agents.find((agent) => agent.userId === userId)?.status;
}

const changeOf = (userId: string, status: PresenceChanged['status']) => (change: PresenceChanged) =>
  change.userId === userId && change.status === status;

describe('agent presence', () => {
  it('shows an agent online when their console connects, to the other agents of the organization', async () => {
    const { watcher, agent, userId } = await organizationWithTwoAgents();
    const watching = await connect(server, watcher.token);
    expect(await statusOf(server, watcher.token, userId)).toBe('offline');

    const online = nextEvent<PresenceChanged>(watching, 'presence:changed', changeOf(userId, 'online'));
    await connect(server, agent.token);
    await online;
    expect(await statusOf(server, watcher.token, userId)).toBe('online');
    const list = await presenceList(server, watcher.token);
    expect(list.agents.map((entry) => entry.userId).toSorted()).toEqual([watcher.agent.id, userId].toSorted());
  });

  it('keeps an agent online while one tab is open, and offline only a grace period after the last one closed', async () => {
    const { watcher, agent, userId } = await organizationWithTwoAgents();
    const watching = await connect(server, watcher.token);
    const changes = collect<PresenceChanged>(watching, 'presence:changed');
    const firstTab = await connect(server, agent.token);
    const secondTab = await connect(server, agent.token);
    await expect.poll(() => statusOf(server, watcher.token, userId)).toBe('online');

    firstTab.close();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 3 * HEARTBEAT_MS));
    expect(await statusOf(server, watcher.token, userId)).toBe('online');
    expect(changes.filter((change) => change.userId === userId && change.status === 'offline')).toEqual([]);

    // A reload: the last tab closes and a new one opens within the grace period; nobody sees the agent leave.
    secondTab.close();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 4));
    const reloaded = await connect(server, agent.token);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 3 * HEARTBEAT_MS));
    expect(await statusOf(server, watcher.token, userId)).toBe('online');
    expect(changes.filter((change) => change.userId === userId && change.status === 'offline')).toEqual([]);

    const closedAt = Date.now();
    const offline = nextEvent<PresenceChanged>(watching, 'presence:changed', changeOf(userId, 'offline'));
    reloaded.close();
    expect(await statusOf(server, watcher.token, userId)).toBe('online');
    await offline;
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(await statusOf(server, watcher.token, userId)).toBe('offline');
  });

  it('sets an agent away and back online with presence:set, seen by the other agents', async () => {
    const { watcher, agent, userId } = await organizationWithTwoAgents();
    const watching = await connect(server, watcher.token);
    const console = await connect(server, agent.token);
    await expect.poll(() => statusOf(server, watcher.token, userId)).toBe('online');

    const away = nextEvent<PresenceChanged>(watching, 'presence:changed', changeOf(userId, 'away'));
    expect(ok(await request<Ack<{ status: string }>>(console, 'presence:set', { status: 'away' }))).toEqual({ status: 'away' });
    await away;
    expect(await statusOf(server, watcher.token, userId)).toBe('away');

    const back = nextEvent<PresenceChanged>(watching, 'presence:changed', changeOf(userId, 'online'));
    expect(ok(await request<Ack<{ status: string }>>(console, 'presence:set', { status: 'online' }))).toEqual({ status: 'online' });
    await back;
    expect(await statusOf(server, watcher.token, userId)).toBe('online');
  });

  it('answers bad presence:set payloads with invalid_payload', async () => {
    const { agent, userId, watcher } = await organizationWithTwoAgents();
    const console = await connect(server, agent.token);
    for (const payload of [{ status: 'offline' }, { status: 'busy' }, {}, 'away', null, { status: ['away'] }]) {
      const answer = await request<Ack<unknown>>(console, 'presence:set', payload);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('invalid_payload');
    }
    expect(await statusOf(server, watcher.token, userId)).toBe('online');
  });

  it('tells nothing to, and lists nothing for, another organization', async () => {
    const { agent, userId } = await organizationWithTwoAgents();
    const other = await createTenant(server);
    const outsider = await login(server, other.email, other.password);
    const outsiderSocket = await connect(server, outsider.token);
    const seen = collect<PresenceChanged>(outsiderSocket, 'presence:changed');

    const console = await connect(server, agent.token);
    await expect.poll(() => statusOf(server, agent.token, userId)).toBe('online');
    ok(await request(console, 'presence:set', { status: 'away' }));
    console.close();
    await expect.poll(() => statusOf(server, agent.token, userId), { timeout: 5000 }).toBe('offline');

    expect(seen.filter((change) => change.userId !== outsider.agent.id)).toEqual([]);
    const list = await presenceList(server, outsider.token);
    expect(list.agents.map((entry) => entry.userId)).toEqual([outsider.agent.id]);
  });

  it('requires a signed-in agent for GET /api/presence', async () => {
    const response = await fetch(`${server.url}/api/presence`);
    expect(response.status).toBe(401);
  });

  describe('with a second process on the same database', () => {
    it('sees the presence of agents connected to the other process', async () => {
      const second = await startSecondApp(server);
      try {
        const { watcher, agent, userId } = await organizationWithTwoAgents();
        const console = await connect(server, agent.token);
        await expect.poll(() => statusOf(second, watcher.token, userId)).toBe('online');
        ok(await request(console, 'presence:set', { status: 'away' }));
        expect(await statusOf(second, watcher.token, userId)).toBe('away');
        // Still there after several heartbeats of both processes: neither takes the other's rows for a dead one's.
        await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_MS));
        expect(await statusOf(second, watcher.token, userId)).toBe('away');
        console.close();
        await expect.poll(() => statusOf(second, watcher.token, userId), { timeout: 5000 }).toBe('offline');
      } finally {
        await second.close();
      }
    });

    it('takes agents offline after the lease when the process holding their sockets stops beating', async () => {
      const second = await startSecondApp(server);
      const { watcher, agent, userId } = await organizationWithTwoAgents();
      const watching = await connect(server, watcher.token);
      const changes = collect<PresenceChanged>(watching, 'presence:changed');
      await connect(second, agent.token);
      await expect.poll(() => statusOf(server, watcher.token, userId)).toBe('online');

      // The second process stops as a dead one would: its heartbeat ends, its rows stay behind.
      const stoppedAt = Date.now();
      await second.close();
      expect(await statusOf(server, watcher.token, userId)).toBe('online');
      const offline = await nextEvent<PresenceChanged>(watching, 'presence:changed', changeOf(userId, 'offline'));
      expect(offline).toEqual({ userId, status: 'offline' });
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(LEASE_MS - 50);
      expect(await statusOf(server, watcher.token, userId)).toBe('offline');
      expect(changes.filter((change) => change.userId === userId && change.status === 'offline')).toHaveLength(1);
    });
  });
});
