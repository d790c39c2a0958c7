/**
 * When nobody can answer (outside business hours, nobody online), the visitor is asked for an e-mail address or phone
 * number (the `away` status line); `contact:update` stores it on their contact, validated as the bot's
 * `collect_contact` does, and confirms it with a `contact_saved` line that both sides see.
 * @module
 */
import { contacts, type Database } from '@parley/db';
import { ParleyError, type ContactUpdate, type Message } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { announceConversation, publishMessages } from '../conversations/broadcast.js';
import { contactDetailsOrRefuse } from '../conversations/contact-details.js';
import { lockVisitorConversation } from '../conversations/service.js';
import { appendSystemMessages } from '../conversations/system-messages.js';
import type { Jobs } from '../plugins/jobs.js';
import { openTicket } from './tickets.js';
import { updateContactDetails } from '../conversations/contact-update.js';

/**
 * Stores the visitor's e-mail address and/or phone number (E.164; a number without a country code read as one of
 * `defaultCountry`) and appends the `contact_saved` line, in one transaction. Refused with `invalid_payload` for a
 * number that isn't one, `not_found` before the visitor has a conversation.
 */
export async function saveFollowUpContact(
  db: Database,
  jobs: Jobs,
  contactId: string,
  defaultCountry: string | undefined,
  input: ContactUpdate,
) {
  const values = contactDetailsOrRefuse(input, defaultCountry);
  return db.transaction(async (tx) => {
    const [conversation] = await lockVisitorConversation(tx, contactId);
    if (!conversation) throw new ParleyError('not_found', 'Write to us first, then leave your details.');
    await updateContactDetails(tx, eq(contacts.id, contactId), values);
    // Left details to be answered later: the conversation is a follow-up (unless an agent has it right now).
    if (conversation.status === 'queued') await openTicket(tx, jobs, conversation, 'normal', { kind: 'visitor', id: contactId });
    const [line] = await appendSystemMessages(tx, conversation, [{ type: 'contact_saved', ...values }]);
    const [updated] = await lockVisitorConversation(tx, contactId);
    return { conversation: updated!, line: line! };
  });
}

/** Serves `contact:update` on every visitor socket and tells both sides (the console's contact shows the address). */
export function registerFollowUp(app: FastifyInstance): void {
  const { db, jobs, realtime } = app;
  app.visitorSocketExtensions.push((socket, events, visitor) => {
    events.on('contact:update', async (payload): Promise<Message> => {
      const { conversation, line } = await saveFollowUpContact(
        db,
        jobs,
        visitor.contactId,
        socket.data.widget.settings.defaultCountry,
        payload,
      );
      publishMessages(realtime, conversation, [line]);
      await announceConversation(realtime, db, conversation);
      return line;
    });
  });
}
