import { memberships, organizations, users, type Database } from '@parley/db';
import { ParleyError, type Agent } from '@parley/protocol';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AgentIdentity } from './tokens.js';

const agentColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  passwordHash: users.passwordHash,
  role: memberships.role,
  organizationId: organizations.id,
  organizationName: organizations.name,
};

// A deactivated membership counts as none: no sign-in, and every token of it fails at its next use.
function agentQuery(db: Database) {
  return db
    .select(agentColumns)
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), isNull(memberships.deactivatedAt)))
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .$dynamic();
}

/** The user with this e-mail (case-insensitive) and their first organization they are active in, with the password hash. */
export async function findAgentByEmail(db: Database, email: string) {
  const [row] = await agentQuery(db)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  return row;
}

/**
 * Loads the agent a verified token names, checking the membership still exists and is active: removing or deactivating
 * someone locks them out at once, whatever tokens they hold.
 */
export async function loadAgent(db: Database, identity: Pick<AgentIdentity, 'userId' | 'organizationId'>): Promise<Agent> {
  const [row] = await agentQuery(db).where(and(eq(users.id, identity.userId), eq(memberships.organizationId, identity.organizationId)));
  if (!row) throw new ParleyError('unauthorized', 'This account no longer has access.');
  return toAgent(row);
}

/** The public view of an agent row (no password hash). */
export function toAgent(row: {
  id: string;
  email: string;
  name: string;
  role: Agent['role'];
  organizationId: string;
  organizationName: string;
}): Agent {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
  };
}

/**
 * The current role of each (user, organization) membership among `members`, keyed `userId:organizationId`; a removed
 * or deactivated membership is absent. One query for all of a process's agent sockets.
 */
export async function currentRoles(
  db: Database,
  members: ReadonlyArray<{ userId: string; organizationId: string }>,
): Promise<Map<string, Agent['role']>> {
  const userIds = [...new Set(members.map((member) => member.userId))];
  const rows = await db
    .select({ userId: memberships.userId, organizationId: memberships.organizationId, role: memberships.role })
    .from(memberships)
    .where(and(inArray(memberships.userId, userIds), isNull(memberships.deactivatedAt)));
  return new Map(rows.map((row) => [`${row.userId}:${row.organizationId}`, row.role]));
}
