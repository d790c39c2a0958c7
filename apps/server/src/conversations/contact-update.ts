/**
 * The one way a contact's details (name, e-mail address, phone number) are written: the update and its
 * `contact.updated` webhook event, in the caller's transaction.
 * @module
 */
import { contacts, type Transaction } from '@parley/db';
import type { SQL } from 'drizzle-orm';
import { recordWebhookEvent } from '../webhooks/record-event.js';

type ContactRow = typeof contacts.$inferSelect;
/** What may be written. */
export type ContactDetailsUpdate = Partial<Pick<ContactRow, 'name' | 'email' | 'phone'>>;

/** Writes `values` on the contact `where` matches (at most one); returns it as updated, or undefined when none matched. */
export async function updateContactDetails(
  tx: Transaction,
  where: SQL | undefined,
  values: ContactDetailsUpdate,
): Promise<ContactRow | undefined> {
  const [row] = await tx.update(contacts).set(values).where(where).returning();
  if (!row) return undefined;
  await recordWebhookEvent(tx, {
    organizationId: row.organizationId,
    type: 'contact.updated',
    stream: `contact:${row.id}`,
    data: {
      contact: {
        id: row.id,
        widgetId: row.widgetId,
        name: row.name,
        email: row.email,
        phone: row.phone,
        language: row.language,
        createdAt: row.createdAt.toISOString(),
      },
      changed: Object.keys(values).filter((key) => values[key as keyof ContactDetailsUpdate] !== undefined),
    },
  });
  return row;
}
