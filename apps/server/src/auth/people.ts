/**
 * The people of an organization and the rules for changing them (`/api/people`; the routes are the handoff domain's,
 * `handoff/people.ts`, since deactivating someone sends their conversations back to the queue).
 *
 * Admins change agents only, and only among agents (deactivate, reactivate); making, unmaking, deactivating or
 * reactivating an admin or an owner takes an owner. Nobody changes their own role or status, and an organization
 * keeps an active owner.
 * @module
 */
import { avatars, conversations, memberships, organizations, teamMembers, teams, users, type Database, type Transaction } from '@parley/db';
import { isAdminRole, ParleyError, type Agent, type PeopleList, type Person, type PersonUpdate } from '@parley/protocol';
import { and, asc, count, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { optionalAvatarUrl } from '../avatars/avatar-url.js';
import { listInvitations } from './invitations.js';

/**
 * The organization's members by name (with their teams, capacity, open conversations and pictures, linked from
 * `baseUrl`), or only `userId`.
 */
export async function readPeople(db: Database, organizationId: string, baseUrl: string, userId?: string): Promise<Person[]> {
  const ofOrganization = eq(memberships.organizationId, organizationId);
  const members = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      deactivatedAt: memberships.deactivatedAt,
      maxConversations: memberships.maxConversations,
      lastLoginAt: users.lastLoginAt,
      createdAt: memberships.createdAt,
      avatarVersion: avatars.version,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(avatars, eq(avatars.userId, users.id))
    .where(userId === undefined ? ofOrganization : and(ofOrganization, eq(memberships.userId, userId)))
    .orderBy(asc(users.name), asc(users.id));
  if (members.length === 0) return [];
  const ids = members.map((member) => member.id);
  const teamRows = await db
    .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teams.organizationId, organizationId), inArray(teamMembers.userId, ids)))
    .orderBy(asc(teamMembers.teamId));
  // Open: with an agent. Routing counts an agent's load the same way.
  const loads = await db
    .select({ userId: conversations.assigneeId, open: count() })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, organizationId),
        eq(conversations.status, 'agent'),
        isNotNull(conversations.assigneeId),
        inArray(conversations.assigneeId, ids),
      ),
    )
    .groupBy(conversations.assigneeId);
  const openOf = new Map(loads.map((load) => [load.userId, Number(load.open)]));
  return members.map((member) => {
    const avatarUrl = optionalAvatarUrl(baseUrl, member.id, member.avatarVersion);
    return {
      id: member.id,
      name: member.name,
      email: member.email,
      role: member.role,
      status: member.deactivatedAt === null ? 'active' : 'deactivated',
      teamIds: teamRows.filter((row) => row.userId === member.id).map((row) => row.teamId),
      maxConversations: member.maxConversations,
      openConversations: openOf.get(member.id) ?? 0,
      lastLoginAt: member.lastLoginAt?.toISOString() ?? null,
      createdAt: member.createdAt.toISOString(),
      ...(avatarUrl && { avatarUrl }),
    };
  });
}

/** The answer of `GET /api/people`: members by name, pending invitations newest first, and the default capacity. */
export async function listPeople(db: Database, organizationId: string, baseUrl: string): Promise<PeopleList> {
  const [organization] = await db
    .select({ defaultMaxConversations: organizations.defaultMaxConversations })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return {
    people: await readPeople(db, organizationId, baseUrl),
    invitations: await listInvitations(db, organizationId),
    defaultMaxConversations: organization!.defaultMaxConversations,
  };
}

/** A change {@link changePerson} wrote, for what follows it (the queue, the person's live sockets). */
export interface PersonChange {
  userId: string;
  organizationId: string;
  /** Deactivated by this change (not before). */
  deactivated: boolean;
  roleChanged: boolean;
}

/**
 * Changes a member's role, status or both, in the caller's transaction, under the row locks of the people involved
 * (the actor, the target and the organization's owners, in one order): two owners demoting each other at once can't
 * leave the organization without one. The actor's own membership is read again under the lock, so a right taken away
 * a moment ago no longer counts. Throws `forbidden` for a change the actor may not make, `not_found` for someone not
 * in the organization.
 */
export async function changePerson(
  tx: Transaction,
  actor: Pick<Agent, 'id' | 'organizationId'>,
  userId: string,
  update: PersonUpdate,
): Promise<PersonChange> {
  const { organizationId } = actor;
  if (userId === actor.id) throw new ParleyError('forbidden', 'Nobody can change their own role or status; ask an owner.');
  const involved = await tx
    .select({ userId: memberships.userId, role: memberships.role, deactivatedAt: memberships.deactivatedAt })
    .from(memberships)
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        or(eq(memberships.role, 'owner'), inArray(memberships.userId, [actor.id, userId])),
      ),
    )
    .orderBy(asc(memberships.userId))
    .for('update');
  const me = involved.find((member) => member.userId === actor.id);
  if (!me || me.deactivatedAt !== null || !isAdminRole(me.role)) throw new ParleyError('forbidden', 'Only admins can change people.');
  const target = involved.find((member) => member.userId === userId);
  if (!target) throw new ParleyError('not_found', 'No one in your organization has this id.');

  const role = update.role ?? target.role;
  if (me.role !== 'owner') {
    if (target.role !== 'agent') throw new ParleyError('forbidden', 'Only owners can change admins and owners.');
    if (role !== 'agent') throw new ParleyError('forbidden', 'Only owners can make someone an admin or an owner.');
  }
  const deactivated = update.status === 'deactivated' && target.deactivatedAt === null;
  const reactivated = update.status === 'active' && target.deactivatedAt !== null;
  const stillOwner = role === 'owner' && !deactivated && (target.deactivatedAt === null || reactivated);
  if (target.role === 'owner' && !stillOwner) {
    const otherOwners = involved.filter((member) => member.role === 'owner' && member.deactivatedAt === null && member.userId !== userId);
    if (otherOwners.length === 0) throw new ParleyError('conflict', 'Your organization needs an active owner.');
  }
  await tx
    .update(memberships)
    .set({ role, ...(deactivated && { deactivatedAt: sql`now()` }), ...(reactivated && { deactivatedAt: null }) })
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
  return { userId, organizationId, deactivated, roleChanged: role !== target.role };
}
