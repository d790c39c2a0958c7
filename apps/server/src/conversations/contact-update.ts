/**
 * The one way a contact's details (name, e-mail address, phone number) are written: the update and its
 * `contact.updated` webhook event, in the caller's transaction.
 * @module
 */
import { contacts, type Transaction } from '@parley/db';
import { eq, type SQL } from 'drizzle-orm';
import { recordWebhookEvent } from '../webhooks/record-event.js';

type ContactRow = typeof contacts.$inferSelect;
/** What may be written. */
export type ContactDetailsUpdate = Partial<Pick<ContactRow, 'name' | 'email' | 'phone'>>;

/**
 * Writes `values` on the contact `where` matches (at most one); returns it as updated, or undefined when none matched.
 * A `contact.updated` event lists the fields whose value changed, and is not sent when none did.
 */
export async function updateContactDetails(tx: Transaction, where: SQL, values: ContactDetailsUpdate): Promise<ContactRow | undefined> {
  const [before] = await tx.select().from(contacts).where(where).for('update');
  if (!before) return undefined;
  if (!fields.some((field) => values[field] !== undefined)) return before;
  const [row] = await tx.update(contacts).set(values).where(eq(contacts.id, before.id)).returning();
  const changed = fields.filter((field) => values[field] !== undefined && values[field] !== before[field]);
  if (changed.length === 0) return row;
  await recordWebhookEvent(tx, {
    organizationId: row!.organizationId,
    type: 'contact.updated',
    stream: `contact:${row!.id}`,
    data: { contact: webhookContactOf(row!), changed },
  });
  return row;
}

/** A contact as the `contact.*` webhook events carry it. */
export function webhookContactOf(row: ContactRow) {
  return {
    id: row.id,
    widgetId: row.widgetId,
    name: row.name,
    email: row.email,
    phone: row.phone,
    language: row.language,
    externalId: row.externalId,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const fields = ['name', 'email', 'phone'] as const satisfies readonly (keyof ContactDetailsUpdate)[];
