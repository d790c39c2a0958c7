import { randomUUID } from 'node:crypto';
import { presenceListSchema, type PresenceStatus } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PRESENCE_LEASE_BEATS } from '../conversations/agent-availability.js';
import { organizationRoom } from '../plugins/io.js';
import {
  closeSession,
  listPresence,
  openSession,
  presenceOf,
  removeExpiredSessions,
  renewSessions,
  setAway,
  type PresenceKey,
} from './presence-store.js';
import { organizationIdOf } from '../auth/caller.js';
import { presenceListExample } from './api-examples.js';

/** Timings of {@link registerPresence}; from `config.presence`. */
export interface PresenceOptions {
  /** How often this process renews its rows and removes dead processes' rows. */
  heartbeatMs: number;
  /** How long an agent stays online here after their last socket here closed. */
  graceMs: number;
}

/** The agent sockets this process holds for one agent, and the pending end of their grace period. */
interface LocalAgent extends PresenceKey {
  sockets: number;
  grace: NodeJS.Timeout | undefined;
}

const keyOf = (key: PresenceKey) => `${key.userId}:${key.organizationId}`;

/**
 * Agent presence (online, away, offline) over the `agent_sessions` table. Each process counts the agent sockets it holds
 * in memory and writes only when an agent's first socket here opens, when their last one has been closed for the grace
 * period, and once per heartbeat for all its rows together. Another process's agents go offline when its rows stop
 * being renewed (it died): whichever process's sweep deletes the expired rows announces it.
 */
export function registerPresence(
  app: FastifyInstance,
  options: PresenceOptions,
  /** Called when an agent comes online or back from away: routing gives them queued conversations. */
  onAvailable: (organizationId: string) => void = () => {},
): void {
  const { db, log, realtime } = app;
  const leaseMs = options.heartbeatMs * PRESENCE_LEASE_BEATS;
  const instanceId = randomUUID();
  const local = new Map<string, LocalAgent>();
  // The database writes of one agent run in order, so a quick reconnect can't overtake the delete before it.
  const queues = new Map<string, Promise<unknown>>();
  let closed = false;

  function inOrder<T>(key: PresenceKey, task: () => Promise<T>): Promise<T> {
    const id = keyOf(key);
    const result = (queues.get(id) ?? Promise.resolve()).then(() => task());
    const tail = result.catch(() => undefined);
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return result;
  }

  function announce(key: PresenceKey, status: PresenceStatus): void {
    realtime.agents.to(organizationRoom(key.organizationId)).emit('presence:changed', { userId: key.userId, status });
  }

  /** Announces the agent's status as the database has it now (another process may still hold them). */
  async function announceCurrent(key: PresenceKey): Promise<PresenceStatus> {
    const status = await presenceOf(db, key, leaseMs);
    announce(key, status);
    return status;
  }

  function logFailure(message: string) {
    return (error: unknown) => {
      if (!closed) log.warn({ err: error }, message);
    };
  }

  app.agentSocketExtensions.push(function trackAgentPresence(socket, events) {
    const key: PresenceKey = { userId: socket.data.agent.userId, organizationId: socket.data.agent.organizationId };
    const id = keyOf(key);
    let entry = local.get(id);
    if (entry) {
      entry.sockets++;
      // A reload within the grace period: the row never went, nothing changed.
      clearTimeout(entry.grace);
      entry.grace = undefined;
    } else {
      entry = { ...key, sockets: 1, grace: undefined };
      local.set(id, entry);
      inOrder(key, async () => {
        await openSession(db, instanceId, key);
        if ((await announceCurrent(key)) === 'online') onAvailable(key.organizationId);
      }).catch(logFailure('presence: recording a connection failed'));
    }
    const held = entry;

    socket.on('disconnect', function releaseAgentPresence() {
      held.sockets--;
      if (held.sockets > 0 || closed) return;
      held.grace = setTimeout(() => {
        held.grace = undefined;
        if (held.sockets > 0 || closed) return;
        local.delete(id);
        inOrder(key, async () => {
          await closeSession(db, instanceId, key);
          // Still online if a console of theirs is connected to another process.
          await announceCurrent(key);
        }).catch(logFailure('presence: recording a disconnection failed'));
      }, options.graceMs);
      held.grace.unref();
    });

    events.on('presence:set', async (payload) => {
      // After this socket's own connection row is written, so the answer counts it.
      return inOrder(key, async () => {
        await setAway(db, key, payload.status === 'away');
        const status = await announceCurrent(key);
        if (status === 'online') onAvailable(key.organizationId);
        return { status };
      });
    });
  });

  async function beat(): Promise<void> {
    // An idle process writes nothing; it still sweeps, so a dead process's agents go offline.
    const renewed = new Set(local.size > 0 ? (await renewSessions(db, instanceId)).map(keyOf) : []);
    // Rows another process removed while this one stalled: written again, and the agents announced again.
    for (const [id, entry] of local) {
      if (renewed.has(id) || queues.has(id)) continue;
      const key = { userId: entry.userId, organizationId: entry.organizationId };
      void inOrder(key, async () => {
        if (local.get(id) !== entry) return;
        await openSession(db, instanceId, key);
        await announceCurrent(key);
      }).catch(logFailure('presence: restoring a connection failed'));
    }
    const expired = await removeExpiredSessions(db, leaseMs);
    const seen = new Set<string>();
    for (const key of expired) {
      if (seen.has(keyOf(key))) continue;
      seen.add(keyOf(key));
      const status = await presenceOf(db, key, leaseMs);
      if (status === 'offline') announce(key, status);
    }
  }

  let beating = false;
  const heartbeat = setInterval(() => {
    // One beat at a time: a slow database must not stack them up.
    if (beating) return;
    beating = true;
    beat()
      .catch(logFailure('presence heartbeat failed'))
      .finally(() => {
        beating = false;
      });
  }, options.heartbeatMs);
  heartbeat.unref();

  app.addHook('onClose', async function stopPresence() {
    // The rows stay: they expire after the lease, so agents whose consoles reconnect to another process (a rolling
    // restart) don't flicker offline, and a process that dies without this hook behaves the same.
    closed = true;
    clearInterval(heartbeat);
    for (const entry of local.values()) clearTimeout(entry.grace);
    await Promise.allSettled(queues.values());
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/presence',
    {
      config: { scope: 'conversations:read', example: { response: presenceListExample } },
      preValidation: app.authenticate,
      schema: { response: { 200: presenceListSchema } },
    },
    async function listPresenceRoute(request) {
      return { agents: await listPresence(db, organizationIdOf(request), leaseMs) };
    },
  );
}
