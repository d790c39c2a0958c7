/**
 * People's pictures in the database (`avatars`), and who may change whose.
 * @module
 */
import { createHash } from 'node:crypto';
import { avatars, memberships, type Database, type Transaction } from '@parley/db';
import { ParleyError, type Agent } from '@parley/protocol';
import { and, eq, ne, sql } from 'drizzle-orm';

/**
 * Stores `image` (made by `makeAvatarImage`) as the person's picture, replacing any before; returns its version: the
 * first 16 hex digits of its SHA-256, so the same picture keeps its URL and another one gets a new one.
 */
export async function saveAvatar(db: Database, userId: string, image: Uint8Array): Promise<string> {
  const version = createHash('sha256').update(image).digest('hex').slice(0, 16);
  await db
    .insert(avatars)
    .values({ userId, version, image })
    .onConflictDoUpdate({ target: avatars.userId, set: { version, image, updatedAt: sql`now()` } });
  return version;
}

/** Removes the person's picture, if they have one: their initials show again. */
export async function removeAvatar(db: Database, userId: string): Promise<void> {
  await db.delete(avatars).where(eq(avatars.userId, userId));
}

/** The version of the person's picture, or null without one. */
export async function avatarVersionOf(db: Database | Transaction, userId: string): Promise<string | null> {
  const [row] = await db.select({ version: avatars.version }).from(avatars).where(eq(avatars.userId, userId));
  return row?.version ?? null;
}

/** The bytes of the person's picture if `version` is its current one; null otherwise (none, or replaced since). */
export async function findAvatarImage(db: Database, userId: string, version: string): Promise<Uint8Array | null> {
  const [row] = await db
    .select({ image: avatars.image })
    .from(avatars)
    .where(and(eq(avatars.userId, userId), eq(avatars.version, version)));
  return row?.image ?? null;
}

/**
 * Checks that `actor`, an admin (or owner) of their organization, may change the picture of `userId`: anyone may change
 * their own; an admin an agent of the organization; an owner anyone of it, as for roles (`auth/people.ts`). A picture
 * belongs to the person, in every organization they work in, so nobody changes that of someone who also works in
 * another organization: only they can. Throws `not_found` for someone outside the organization, `forbidden` otherwise.
 */
export async function assertMayChangeAvatar(db: Database, actor: Pick<Agent, 'id' | 'organizationId' | 'role'>, userId: string) {
  if (userId === actor.id) return;
  const [target] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, actor.organizationId)));
  if (!target) throw new ParleyError('not_found', 'No one in your organization has this id.');
  if (actor.role !== 'owner' && target.role !== 'agent') {
    throw new ParleyError('forbidden', 'Only owners can change the picture of an admin or an owner.');
  }
  const [elsewhere] = await db
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), ne(memberships.organizationId, actor.organizationId)))
    .limit(1);
  if (elsewhere) throw new ParleyError('forbidden', 'This person works in another organization too: only they can change their picture.');
}
