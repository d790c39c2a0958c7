import { agentSessions, memberships, users, type Database } from '@parley/db';
import type { AgentPresence, PresenceStatus } from '@parley/protocol';
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import { hasFreshSession, leaseStart } from '../conversations/agent-availability.js';

/** One agent in one organization. */
export interface PresenceKey {
  userId: string;
  organizationId: string;
}

function toStatus(row: { away: boolean; online: boolean }): PresenceStatus {
  if (!row.online) return 'offline';
  return row.away ? 'away' : 'online';
}

/** Records (or renews) that this process holds sockets of the agent. */
export async function openSession(db: Database, instanceId: string, key: PresenceKey): Promise<void> {
  await db
    .insert(agentSessions)
    .values({ instanceId, ...key, lastSeenAt: sql`now()` })
    .onConflictDoUpdate({
      target: [agentSessions.instanceId, agentSessions.userId, agentSessions.organizationId],
      set: { lastSeenAt: sql`now()` },
    });
}

/** Removes this process's row of the agent (their last socket here closed, and the grace period passed). */
export async function closeSession(db: Database, instanceId: string, key: PresenceKey): Promise<void> {
  await db
    .delete(agentSessions)
    .where(
      and(
        eq(agentSessions.instanceId, instanceId),
        eq(agentSessions.userId, key.userId),
        eq(agentSessions.organizationId, key.organizationId),
      ),
    );
}

/**
 * The heartbeat: renews every row of this process in one statement, and returns the agents whose row was still there
 * (a row missing was taken for a dead process's while this one stalled; the caller writes it again).
 */
export async function renewSessions(db: Database, instanceId: string): Promise<PresenceKey[]> {
  return db
    .update(agentSessions)
    .set({ lastSeenAt: sql`now()` })
    .where(eq(agentSessions.instanceId, instanceId))
    .returning({ userId: agentSessions.userId, organizationId: agentSessions.organizationId });
}

/**
 * Deletes the rows no process renewed within the lease (their process died) and returns whose they were. The delete is
 * the claim: when several processes sweep at once, each row is returned to one of them.
 */
export async function removeExpiredSessions(db: Database, leaseMs: number): Promise<PresenceKey[]> {
  return db
    .delete(agentSessions)
    .where(lt(agentSessions.lastSeenAt, leaseStart(leaseMs)))
    .returning({ userId: agentSessions.userId, organizationId: agentSessions.organizationId });
}

/** The agent's presence now; `offline` when they are no longer a member. */
export async function presenceOf(db: Database, key: PresenceKey, leaseMs: number): Promise<PresenceStatus> {
  const [row] = await db
    .select({ away: memberships.away, online: hasFreshSession(leaseMs) })
    .from(memberships)
    .where(and(eq(memberships.userId, key.userId), eq(memberships.organizationId, key.organizationId)));
  return row ? toStatus(row) : 'offline';
}

/** Sets or clears the agent's away flag. */
export async function setAway(db: Database, key: PresenceKey, away: boolean): Promise<void> {
  await db
    .update(memberships)
    .set({ away })
    .where(and(eq(memberships.userId, key.userId), eq(memberships.organizationId, key.organizationId)));
}

/** Every active member of the organization with their presence, by name (a deactivated one can't be given work). */
export async function listPresence(db: Database, organizationId: string, leaseMs: number): Promise<AgentPresence[]> {
  const rows = await db
    .select({ userId: users.id, name: users.name, away: memberships.away, online: hasFreshSession(leaseMs) })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(users.name), asc(users.id));
  return rows.map((row) => ({ userId: row.userId, name: row.name, status: toStatus(row) }));
}
