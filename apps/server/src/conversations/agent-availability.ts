/**
 * When an agent counts as online: a fresh `agent_sessions` row of theirs exists (some process holds a console socket
 * of theirs and renews it). One definition for presence, routing and the reopen rule, which live in different domains.
 * @module
 */
import { memberships, rowsOf, type Transaction } from '@parley/db';
import { and, eq, sql, type SQL } from 'drizzle-orm';

/** A connection row not renewed for this many heartbeats belongs to a dead process. */
export const PRESENCE_LEASE_BEATS = 3;

/** A row is fresh while renewed within the lease; the database's clock decides, so processes' clocks don't matter. */
export function leaseStart(leaseMs: number): SQL {
  return sql`now() - ${leaseMs} * interval '1 millisecond'`;
}

/**
 * Whether the membership's agent has a fresh connection row, by any process. `membership` names the `memberships` row
 * of the surrounding query (a table name or alias). Spelled out in SQL: Drizzle leaves the table off column names in
 * a one-table select, and `user_id = user_id` inside the subquery would match every row.
 */
export function hasFreshSession(leaseMs: number, membership = 'memberships'): SQL<boolean> {
  const row = sql.identifier(membership);
  return sql<boolean>`exists (select 1 from agent_sessions s where s.user_id = ${row}.user_id
    and s.organization_id = ${row}.organization_id and s.last_seen_at > ${leaseStart(leaseMs)})`;
}

/**
 * Whether anyone could take a conversation of the organization (of `teamId`'s members, when it has a team) now: a
 * member who is active, not away, with a connection row. Without the lease: the presence sweep of every live process
 * deletes a dead process's rows within a heartbeat of their lease, so a row is "online" to within that; telling a visitor
 * "nobody is available" a few seconds late is harmless, and no caller needs to know the configured lease.
 */
export async function anyAgentAvailable(tx: Transaction, organizationId: string, teamId: string | null): Promise<boolean> {
  const team =
    teamId === null ? sql`true` : sql`exists (select 1 from team_members t where t.team_id = ${teamId} and t.user_id = m.user_id)`;
  const result = await tx.execute(sql`
    select exists (select 1 from memberships m
                    where m.organization_id = ${organizationId} and not m.away and m.deactivated_at is null and ${team}
                      and exists (select 1 from agent_sessions s where s.user_id = m.user_id and s.organization_id = m.organization_id)
                  ) as available`);
  return rowsOf<{ available: boolean }>(result)[0]?.available === true;
}

/** Whether the agent can take a conversation now: an active member, online and not away. */
export async function isAgentAvailable(
  tx: Transaction,
  agent: { userId: string; organizationId: string },
  leaseMs: number,
): Promise<boolean> {
  const [row] = await tx
    .select({ available: sql<boolean>`not ${memberships.away} and ${memberships.deactivatedAt} is null and ${hasFreshSession(leaseMs)}` })
    .from(memberships)
    .where(and(eq(memberships.userId, agent.userId), eq(memberships.organizationId, agent.organizationId)));
  return row?.available === true;
}
