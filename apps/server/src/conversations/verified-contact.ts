/**
 * A visitor whose site proved who they are (an identity token, verified by the identity domain) continues as the
 * verified contact: the site's user id (`externalId`) names one contact per organization, created on first sight. An
 * anonymous history (the session's own contact, not verified) is merged into it; a session of another verified person
 * (a shared browser) is left as it was. A token is used once: presented again by another session, it is refused as
 * replayed; the session it verified may present it again (a reconnect, a reload) while it is valid.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { contacts, identityTokenUses, type Database } from '@parley/db';
import { ParleyError } from '@parley/protocol';
import { and, asc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import { IDENTITY_CLOCK_TOLERANCE_SECONDS, type VerifiedIdentity } from '../identity/index.js';
import { contactRoom } from '../plugins/io.js';
import type { Widget } from '../widgets/service.js';
import { storableContactDetails } from './contact-details.js';
import { mergeContacts } from './contact-merge.js';
import { announceContactChange } from './contacts.js';
import { updateContactDetails } from './contact-update.js';

/** Whom a session continues as after its identity token. */
export interface VerifiedSession {
  /** The verified contact. */
  contactId: string;
  /** The anonymous contact merged into it, whose other sockets must reconnect; null when none was. */
  mergedContactId: string | null;
  /** Whether the contact's details or verification changed (the agents are told). */
  changed: boolean;
}

/**
 * Attaches the session of `sessionContactId` to the contact `verified` names, in one transaction: refused with
 * `identity_replayed` when another session used the token already. `alreadyVerifiedAs` is the verified contact the
 * presented session was merged into, if it was (the handshake then started a new session, since a session token alone
 * never leads into a verified contact): presenting a token for that same person continues as them.
 */
export async function continueAsVerified(
  db: Database,
  widget: Widget,
  sessionContactId: string,
  verified: VerifiedIdentity,
  alreadyVerifiedAs: string | null = null,
): Promise<VerifiedSession> {
  const { values: details } = storableContactDetails(verified.details, widget.settings.defaultCountry);
  // A user id is the site's, and each widget has its own keys: the same id on another widget is another person.
  const byExternalId = and(eq(contacts.widgetId, widget.id), eq(contacts.externalId, verified.externalId));
  return db.transaction(async (tx) => {
    const [found] = await tx.select({ id: contacts.id }).from(contacts).where(byExternalId);
    // Both rows locked in id order, as a merge locks its two, so that a sign-in and a merge of the pair can't deadlock.
    const locked = await tx
      .select()
      .from(contacts)
      .where(inArray(contacts.id, found ? [sessionContactId, found.id] : [sessionContactId]))
      .orderBy(asc(contacts.id))
      .for('update');
    const session = locked.find((row) => row.id === sessionContactId);
    let known = locked.find((row) => row.id === found?.id && row.externalId === verified.externalId && row.mergedIntoId === null);
    if (!known && session?.mergedIntoId) {
      // Merged while this transaction waited for the session's row: another tab of the session, presenting the same
      // token at the same time, verified it first (and may have created the person's contact, which `found` missed).
      const [kept] = await tx
        .select()
        .from(contacts)
        .where(and(byExternalId, eq(contacts.id, session.mergedIntoId), isNull(contacts.mergedIntoId)));
      known = kept;
    }
    // The session is this person's already (or was merged into them since it was read: another tab of it presenting the
    // same token at the same time): the token proves nothing new, so an earlier use of it doesn't matter.
    const theirsAlready =
      known !== undefined && (known.id === sessionContactId || known.id === alreadyVerifiedAs || session?.mergedIntoId === known.id);
    if (known && theirsAlready) {
      const updated = await updateContactDetails(tx, eq(contacts.id, known.id), details);
      return { contactId: known.id, mergedContactId: null, changed: updated !== undefined && hasChanged(known, updated) };
    }

    // Expired uses can't be replayed (such a token is refused as expired first, clock tolerance included).
    await tx.delete(identityTokenUses).where(lt(identityTokenUses.expiresAt, new Date()));
    const [claimed] = await tx
      .insert(identityTokenUses)
      .values({
        tokenHash: verified.tokenHash,
        widgetId: widget.id,
        contactId: known?.id ?? sessionContactId,
        expiresAt: new Date(verified.expiresAt.getTime() + IDENTITY_CLOCK_TOLERANCE_SECONDS * 1000),
      })
      .onConflictDoNothing()
      .returning({ tokenHash: identityTokenUses.tokenHash });
    if (!claimed) throw new ParleyError('identity_replayed');

    if (!known) {
      await tx
        .insert(contacts)
        .values({ id: randomUUID(), organizationId: widget.organizationId, widgetId: widget.id, externalId: verified.externalId })
        // Two first sessions of one person at once: the second finds the first's row below.
        .onConflictDoNothing();
    }
    const [target] = await tx.select().from(contacts).where(byExternalId).for('update');
    if (!target) throw new ParleyError('conflict', 'The verified contact changed meanwhile; try again.');
    await tx.update(contacts).set({ verifiedAt: new Date() }).where(eq(contacts.id, target.id));
    await updateContactDetails(tx, eq(contacts.id, target.id), details);

    // An anonymous history joins the person; another verified person's (a shared browser) never does.
    const anonymous = session !== undefined && session.externalId === null && session.mergedIntoId === null;
    if (!anonymous) return { contactId: target.id, mergedContactId: null, changed: true };
    const [current] = await tx.select().from(contacts).where(eq(contacts.id, target.id));
    await mergeContacts(tx, session, current!);
    return { contactId: target.id, mergedContactId: session.id, changed: true };
  });
}

/**
 * Verifies `token` for the visitor of `widget` whose session is `sessionContactId` and continues the session as the
 * contact it names (see {@link continueAsVerified}); the agents are told of the verified contact, and the sockets of
 * an anonymous contact merged into it are closed, to reconnect as the verified contact. Refused with the identity
 * errors.
 */
export async function verifyVisitor(
  app: FastifyInstance,
  widget: Widget,
  sessionContactId: string,
  token: string,
  alreadyVerifiedAs: string | null = null,
): Promise<VerifiedSession> {
  const identity = await app.identity.verify(widget.id, token);
  const verified = await continueAsVerified(app.db, widget, sessionContactId, identity, alreadyVerifiedAs);
  if (verified.mergedContactId) {
    const merged = verified.mergedContactId;
    // After the current event's answer has gone out.
    setImmediate(() => app.realtime.visitors.in(contactRoom(merged)).disconnectSockets(true));
  }
  if (verified.changed) {
    announceContactChange(app.realtime, app.db, widget.organizationId, verified.contactId).catch((error: unknown) =>
      app.log.warn({ err: error, contactId: verified.contactId }, 'Could not announce the verified contact'),
    );
  }
  return verified;
}

function hasChanged(before: typeof contacts.$inferSelect, after: typeof contacts.$inferSelect): boolean {
  return before.name !== after.name || before.email !== after.email || before.phone !== after.phone;
}

/**
 * The contact a session's contact became by merging, if it was merged (one step, as merges keep it), and whether the
 * site verified that one.
 */
export async function mergedInto(db: Database, contactId: string): Promise<{ id: string; verified: boolean } | null> {
  const kept = alias(contacts, 'kept');
  const [row] = await db
    .select({ id: kept.id, externalId: kept.externalId })
    .from(contacts)
    .innerJoin(kept, eq(kept.id, contacts.mergedIntoId))
    .where(eq(contacts.id, contactId));
  return row ? { id: row.id, verified: row.externalId !== null } : null;
}
