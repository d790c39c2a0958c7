/**
 * The common case of a visitor's message, in one SQL statement: the visitor's open conversation exists, is in a state
 * where a visitor message changes nothing but maybe starts a bot turn, and the `clientId` is new. On the embedded
 * database each statement costs most of a millisecond, and this is the hot path of every chat; five round trips
 * (BEGIN, lock, insert, update, COMMIT) become one.
 *
 * Anything else (first message, a resolved conversation to reopen, a repeated `clientId`, a race on the same
 * `clientId`) returns null, and the caller takes the transactional path, which handles every case.
 * @module
 */
import { conversationStatuses, isUniqueViolation, type Database } from '@parley/db';
import type { ConversationStatus } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import { transition } from './machine.js';
import { appendMessage, type AppendedMessage } from './append-message.js';

/**
 * The states where `visitor.message` keeps the state (effects aside), read from the state machine once, so the SQL
 * below can never apply a transition the machine would not.
 */
export const selfLoopStates: readonly ConversationStatus[] = conversationStatuses.filter((state) => {
  const result = transition(state, { type: 'visitor.message' });
  return result.ok && result.state === state;
});

/** Appends the message in one statement, or returns null when the transactional path must handle it. */
export async function appendVisitorMessageFast(
  db: Database,
  contactId: string,
  input: { clientId: string; body: string },
): Promise<AppendedMessage | null> {
  if (selfLoopStates.length === 0) return null;
  const states = sql.join(
    selfLoopStates.map((state) => sql`${state}`),
    sql`, `,
  );
  try {
    return await appendMessage(db, {
      // The visitor's latest conversation that is not closed, as the transactional path would lock it.
      conversation: sql`c.id = (select id from conversations where contact_id = ${contactId} and status <> 'closed'
                                 order by created_at desc limit 1) and c.status in (${states})`,
      message: { clientId: input.clientId, authorKind: 'visitor', authorId: contactId, body: input.body },
    });
  } catch (error) {
    // A concurrent send of the same clientId won the unique index: the transactional path answers with its message.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}
