/**
 * A visitor whose site proved who they are (an identity token, verified by the identity domain) continues as the
 * verified contact: the site's user id (`externalId`) names one contact per organization, created on first sight. An
 * anonymous history (the session's own contact, not verified) is merged into it; a session of another verified person
 * (a shared browser) is left as it was. A token is used once: presented again by another session, it is refused as
 * replayed; the session it verified may present it again (a reconnect, a reload) without its expiry mattering, since
 * it proves nothing the session doesn't hold already.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { contacts, identityTokenUses, type Database } from '@parley/db';
import { ParleyError } from '@parley/protocol';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { VerifiedIdentity } from '../identity/index.js';
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
 * `identity_replayed` when another session used the token already.
 */
export async function continueAsVerified(
  db: Database,
  widget: Widget,
  sessionContactId: string,
  verified: VerifiedIdentity,
): Promise<VerifiedSession> {
  const { values: details } = storableContactDetails(verified.details, widget.settings.defaultCountry);
  return db.transaction(async (tx) => {
    const byExternalId = and(eq(contacts.organizationId, widget.organizationId), eq(contacts.externalId, verified.externalId));
    const [known] = await tx.select().from(contacts).where(byExternalId).for('update');
    if (known?.id === sessionContactId) {
      // The session is this person's already: nothing new is proven, so neither expiry nor earlier use matters.
      const changed = await updateContactDetails(tx, eq(contacts.id, known.id), details);
      return { contactId: known.id, mergedContactId: null, changed: changed !== undefined && hasChanged(known, changed) };
    }

    const contactId = known?.id ?? randomUUID();
    // Expired uses can't be replayed (the token is refused as expired first): cleared as new ones come.
    await tx.delete(identityTokenUses).where(lt(identityTokenUses.expiresAt, new Date()));
    const [claimed] = await tx
      .insert(identityTokenUses)
      .values({ tokenHash: verified.tokenHash, widgetId: widget.id, contactId, expiresAt: verified.expiresAt })
      .onConflictDoNothing()
      .returning({ tokenHash: identityTokenUses.tokenHash });
    if (!claimed) throw new ParleyError('identity_replayed');

    if (!known) {
      await tx
        .insert(contacts)
        .values({ id: contactId, organizationId: widget.organizationId, widgetId: widget.id, externalId: verified.externalId })
        // Two first sessions of one person at once: the second finds the first's row below.
        .onConflictDoNothing();
    }
    const [target] = await tx.select().from(contacts).where(byExternalId).for('update');
    if (!target) throw new ParleyError('conflict', 'The verified contact changed meanwhile; try again.');
    await tx.update(contacts).set({ verifiedAt: new Date() }).where(eq(contacts.id, target.id));
    await updateContactDetails(tx, eq(contacts.id, target.id), details);

    const [session] = await tx.select().from(contacts).where(eq(contacts.id, sessionContactId)).for('update');
    if (!session) {
      // A visitor who never wrote has no row: one that leads to the verified contact, so that a socket still speaking
      // for the anonymous session (another tab, or this one until it reconnects) continues as the verified contact.
      await tx
        .insert(contacts)
        .values({ id: sessionContactId, organizationId: widget.organizationId, widgetId: widget.id, mergedIntoId: target.id })
        .onConflictDoNothing();
      return { contactId: target.id, mergedContactId: sessionContactId, changed: true };
    }
    const anonymous = session.organizationId === widget.organizationId && session.externalId === null && session.mergedIntoId === null;
    if (!anonymous) return { contactId: target.id, mergedContactId: null, changed: true };
    const [current] = await tx.select().from(contacts).where(eq(contacts.id, target.id));
    await mergeContacts(tx, session, current!);
    return { contactId: target.id, mergedContactId: session.id, changed: true };
  });
}

/** Whether `error` is an identity token's refusal (`identity_invalid`, `identity_expired`, `identity_replayed`). */
export function isIdentityRefusal(error: unknown): error is ParleyError {
  return ParleyError.isInstance(error) && error.code.startsWith('identity_');
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
): Promise<VerifiedSession> {
  const verified = await continueAsVerified(app.db, widget, sessionContactId, await app.identity.verify(widget.id, token));
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

/** The contact a session's contact became by merging, if it was merged; one step, as merges keep it. */
export async function mergedInto(db: Database, contactId: string): Promise<string | null> {
  const [row] = await db.select({ mergedIntoId: contacts.mergedIntoId }).from(contacts).where(eq(contacts.id, contactId));
  return row?.mergedIntoId ?? null;
}
