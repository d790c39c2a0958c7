/**
 * The one way two contacts become one: an agent or an integration merging two records of the same person
 * (`POST /api/contacts/:contactId/merge`), and a visitor the site just verified, whose anonymous history joins their
 * verified contact. The merged contact's conversations move to the kept one, which takes the details it lacks; the
 * merged row stays, pointing at the kept one (`mergedIntoId`), so that a session token naming it leads there.
 * @module
 */
import { contacts, conversations, type Transaction } from '@parley/db';
import { ParleyError } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { recordWebhookEvent } from '../webhooks/record-event.js';
import { updateContactDetails, webhookContactOf, type ContactDetailsUpdate } from './contact-update.js';

type ContactRow = typeof contacts.$inferSelect;

/**
 * Merges `from` into `into` in `tx` (both of one organization, neither merged already, both locked by the caller):
 * `conflict` when the site verified them as two different people. Returns the kept contact as it now is.
 */
export async function mergeContacts(tx: Transaction, from: ContactRow, into: ContactRow): Promise<ContactRow> {
  if (from.id === into.id) throw new ParleyError('conflict', 'A contact cannot be merged into itself.');
  if (from.externalId !== null && into.externalId !== null && from.externalId !== into.externalId) {
    throw new ParleyError('conflict', 'Both contacts were verified by the site as different people; they cannot be merged.');
  }
  // A user id means a person on one widget only (each widget has its own keys): it can't move to another widget's contact.
  if (from.externalId !== null && from.widgetId !== into.widgetId) {
    throw new ParleyError(
      'conflict',
      'A contact the site verified can only be merged into a contact of the same widget (or be the one kept).',
    );
  }
  await tx.update(conversations).set({ contactId: into.id }).where(eq(conversations.contactId, from.id));
  // Every contact merged into `from` before now points at `into`, so a redirect is always one step.
  await tx.update(contacts).set({ mergedIntoId: into.id }).where(eq(contacts.mergedIntoId, from.id));
  // The verified id moves with the person; it is unique per organization, so it leaves `from` first.
  await tx.update(contacts).set({ mergedIntoId: into.id, externalId: null }).where(eq(contacts.id, from.id));

  const fromIsNewer = from.lastSeenAt > into.lastSeenAt;
  await tx
    .update(contacts)
    .set({
      externalId: into.externalId ?? from.externalId,
      verifiedAt: latest(into.verifiedAt, from.verifiedAt),
      createdAt: from.createdAt < into.createdAt ? from.createdAt : into.createdAt,
      // Where the person was last seen: the visit of whichever was seen last.
      ...(fromIsNewer && {
        lastSeenAt: from.lastSeenAt,
        userAgent: from.userAgent ?? into.userAgent,
        language: from.language ?? into.language,
        timeZone: from.timeZone ?? into.timeZone,
        page: from.page ?? into.page,
        referrer: from.referrer ?? into.referrer,
      }),
    })
    .where(eq(contacts.id, into.id));

  // The details the kept contact lacks, with their `contact.updated` event.
  const lacking: ContactDetailsUpdate = {};
  if (into.name === null && from.name !== null) lacking.name = from.name;
  if (into.email === null && from.email !== null) lacking.email = from.email;
  if (into.phone === null && from.phone !== null) lacking.phone = from.phone;
  const kept = (await updateContactDetails(tx, eq(contacts.id, into.id), lacking))!;
  await recordWebhookEvent(tx, {
    organizationId: kept.organizationId,
    type: 'contact.merged',
    // After the kept contact's own updates; an integration keyed by the merged id learns where it went.
    stream: `contact:${kept.id}`,
    data: { contact: webhookContactOf(kept), mergedContactId: from.id },
  });
  return kept;
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
