/**
 * The agents a widget shows visitors when its `showAgents` setting is on: up to three of those who may answer its
 * conversations, by first name only.
 * @module
 */
import { avatars, memberships, teamMembers, users, type Database } from '@parley/db';
import type { WidgetAgents } from '@parley/protocol';
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { optionalAvatarUrl } from '../avatars/avatar-url.js';
import { hasFreshSession } from '../conversations/agent-availability.js';

/** At most this many agents are shown. */
export const MAX_SHOWN_AGENTS = 3;

/** The first word of a display name, as visitors see staff (`Ada Lovelace` → `Ada`): their full names stay private. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/u)[0] ?? '';
}

/**
 * Up to three agents who may answer the widget's conversations: the members of `teamId` (the team its routing sends
 * conversations to) when it has one, else the organization's active members. Online ones (a fresh connection, not
 * away) come first, then by name; each is shown by first name only, with their picture's URL (from `baseUrl`) when they
 * have one, and nameless ones are skipped.
 */
export async function widgetAgents(
  db: Database,
  widget: { organizationId: string; teamId: string | null },
  leaseMs: number,
  baseUrl: string,
): Promise<WidgetAgents> {
  const available: SQL<boolean> = sql<boolean>`(not ${memberships.away} and ${hasFreshSession(leaseMs)})`;
  const conditions = [eq(memberships.organizationId, widget.organizationId), isNull(memberships.deactivatedAt)];
  if (widget.teamId !== null) {
    const team = db.select({ userId: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, widget.teamId));
    conditions.push(inArray(memberships.userId, team));
  }
  const rows = await db
    .select({ userId: users.id, name: users.name, avatarVersion: avatars.version })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(avatars, eq(avatars.userId, users.id))
    .where(and(...conditions))
    .orderBy(desc(available), asc(users.name), asc(users.id))
    // A few more than shown, in case some names are blank.
    .limit(MAX_SHOWN_AGENTS + 5);
  return rows
    .map((row) => {
      const avatarUrl = optionalAvatarUrl(baseUrl, row.userId, row.avatarVersion);
      return { name: firstName(row.name), ...(avatarUrl && { avatarUrl }) };
    })
    .filter((agent) => agent.name !== '')
    .slice(0, MAX_SHOWN_AGENTS);
}
