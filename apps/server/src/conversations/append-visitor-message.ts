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
import { conversations, conversationStatuses, messages, type Database } from '@parley/db';
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
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: Array<Record<string, unknown>> }).rows) as Array<{
    message: Record<string, unknown> | string;
    conversation: Record<string, unknown> | string;
  }>;
  const row = rows[0];
  if (!row) return null;
  return { message: toMessageRow(parseJson(row.message)), conversation: toConversationRow(parseJson(row.conversation)) };
}

function parseJson(value: Record<string, unknown> | string): Record<string, unknown> {
  return typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;
}

const date = (value: unknown) => (value === null || value === undefined ? null : new Date(String(value)));

function toMessageRow(json: Record<string, unknown>): MessageRow {
  return {
    id: String(json.id),
    conversationId: String(json.conversation_id),
    seq: Number(json.seq),
    clientId: json.client_id === null ? null : String(json.client_id),
    authorKind: json.author_kind as MessageRow['authorKind'],
    authorId: json.author_id === null ? null : String(json.author_id),
    body: String(json.body),
    metadata: (json.metadata ?? {}) as Record<string, unknown>,
    createdAt: date(json.created_at)!,
  };
}

function toConversationRow(json: Record<string, unknown>): ConversationRow {
  return {
    id: String(json.id),
    organizationId: String(json.organization_id),
    widgetId: String(json.widget_id),
    contactId: String(json.contact_id),
    status: json.status as ConversationRow['status'],
    assigneeId: json.assignee_id === null ? null : String(json.assignee_id),
    lastSeq: Number(json.last_seq),
    createdAt: date(json.created_at)!,
    updatedAt: date(json.updated_at)!,
    lastMessageAt: date(json.last_message_at),
    botTurnId: json.bot_turn_id === null ? null : String(json.bot_turn_id),
    botTurnStartedAt: date(json.bot_turn_started_at),
    botAnsweredSeq: Number(json.bot_answered_seq),
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
