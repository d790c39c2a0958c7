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
import {
  conversationFromJson,
  conversations,
  conversationStatuses,
  isUniqueViolation,
  messageFromJson,
  messages,
  rowsOf,
  type Database,
} from '@parley/db';
import type { ConversationStatus } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import { transition } from '../bot/machine.js';

/**
 * The states where `visitor.message` keeps the state (effects aside), read from the state machine once, so the SQL
 * below can never apply a transition the machine would not.
 */
export const selfLoopStates: readonly ConversationStatus[] = conversationStatuses.filter((state) => {
  const result = transition(state, { type: 'visitor.message' });
  return result.ok && result.state === state;
});

type MessageRow = typeof messages.$inferSelect;
type ConversationRow = typeof conversations.$inferSelect;

/** Appends the message in one statement, or returns null when the transactional path must handle it. */
export async function appendVisitorMessageFast(
  db: Database,
  contactId: string,
  input: { clientId: string; body: string },
): Promise<{ message: MessageRow; conversation: ConversationRow } | null> {
  if (selfLoopStates.length === 0) return null;
  const states = sql.join(
    selfLoopStates.map((state) => sql`${state}`),
    sql`, `,
  );
  let result;
  try {
    result = await db.execute<Record<string, unknown>>(sql`
      with target as (
        select id from conversations
         where contact_id = ${contactId} and status <> 'closed'
         order by created_at desc
         limit 1
      ), bumped as (
        update conversations c
           set last_seq = c.last_seq + 1, last_message_at = now(), updated_at = now()
          from target
         where c.id = target.id and c.status in (${states})
           and not exists (select 1 from messages m where m.conversation_id = c.id and m.client_id = ${input.clientId})
     returning c.*
      ), inserted as (
        insert into messages (conversation_id, seq, client_id, author_kind, author_id, body)
        select bumped.id, bumped.last_seq, ${input.clientId}, 'visitor', ${contactId}, ${input.body} from bumped
     returning *
      )
      select to_jsonb(inserted.*) as message, to_jsonb(bumped.*) as conversation from inserted, bumped`);
  } catch (error) {
    // A concurrent send of the same clientId won the unique index: the transactional path answers with its message.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  const [row] = rowsOf<{ message: Record<string, unknown> | string; conversation: Record<string, unknown> | string }>(result);
  if (!row) return null;
  return { message: messageFromJson(row.message), conversation: conversationFromJson(row.conversation) };
}
