/**
 * The one way a message is written. A message takes `last_seq + 1` of its conversation, and the conversation's
 * `last_seq`, `last_message_at`, `updated_at` and `waiting_since` move with it, in the same statement: seq stays gapless and unique with
 * any number of server processes, since Postgres serializes the statement's row update.
 *
 * Every writer (a visitor's message, an agent's reply, the bot's reply or apology) calls {@link appendMessage}: on a
 * conversation row the caller has locked, or, for the hot paths, in a single statement that finds the row itself.
 * The message's `message.created` webhook event, when a subscription wants it, is written by the same statement.
 * On the embedded database each statement costs most of a millisecond, so the statement count matters.
 * @module
 */
import {
  conversationFromJson,
  messageFromJson,
  rowsOf,
  type conversations,
  type Database,
  type messages,
  type Transaction,
} from '@parley/db';
import { sql, type SQL } from 'drizzle-orm';
import { webhookNotify, webhookOutbox } from '../webhooks/record-event.js';

type MessageRow = typeof messages.$inferSelect;
type ConversationRow = typeof conversations.$inferSelect;

/** What a message write may change on its conversation besides the seq: a transition's patch, a bot turn's claim. */
export type ConversationPatch = Partial<
  Pick<
    ConversationRow,
    'status' | 'assigneeId' | 'teamId' | 'transferNote' | 'botTurnId' | 'botTurnStartedAt' | 'botAnsweredSeq' | 'botCallsInFlight'
  >
>;

const patchColumns = {
  status: 'status',
  assigneeId: 'assignee_id',
  teamId: 'team_id',
  transferNote: 'transfer_note',
  botTurnId: 'bot_turn_id',
  botTurnStartedAt: 'bot_turn_started_at',
  botAnsweredSeq: 'bot_answered_seq',
  botCallsInFlight: 'bot_calls_in_flight',
} as const satisfies Record<keyof ConversationPatch, string>;

/** The message to append. */
export interface NewMessage {
  /** Chosen by the writer when it announced the id before storing (a streamed bot reply); otherwise generated. */
  id?: string;
  /** Makes the write idempotent: a second message with the same clientId in the conversation is not stored. */
  clientId: string;
  authorKind: MessageRow['authorKind'];
  authorId: string | null;
  body: string;
  metadata?: Record<string, unknown>;
}

/** Options of {@link appendMessage}. */
export interface AppendMessageInput {
  /**
   * Which conversation, as a condition on `c` (the `conversations` row), matching at most one row: an id, or the
   * visitor's latest open conversation; it may add guards (a status, the bot turn's claim). Nothing is written when no
   * row matches.
   */
  conversation: SQL;
  /** Written with the seq: a status change, an assignee, releasing a bot turn's claim. */
  patch?: ConversationPatch;
  message: NewMessage;
  /**
   * More common table expressions that run in the same statement and may read `bumped` (the conversation row as
   * updated) and `inserted` (the message row), e.g. a bot reply's usage records. Starts with a comma.
   */
  alsoWith?: SQL;
}

/** The message as stored, and its conversation as updated. */
export interface AppendedMessage {
  message: MessageRow;
  conversation: ConversationRow;
}

function patchAssignments(patch: ConversationPatch): SQL {
  const assignments = (Object.keys(patch) as Array<keyof ConversationPatch>)
    .filter((key) => patch[key] !== undefined)
    .map((key) => {
      const value = patch[key];
      // The jsonb columns go over the wire as JSON text; the drivers would send an object differently.
      const parameter =
        key === 'transferNote' || key === 'botCallsInFlight' ? sql`${value === null ? null : JSON.stringify(value)}::jsonb` : sql`${value}`;
      return sql`, ${sql.identifier(patchColumns[key])} = ${parameter}`;
    });
  return sql.join(assignments, sql``);
}

/**
 * How a message moves its conversation's `waiting_since`: a visitor's starts the wait unless one is running, an agent's
 * or the bot's answers it, a system line changes nothing.
 */
function waitingAssignment(authorKind: MessageRow['authorKind']): SQL {
  if (authorKind === 'visitor') return sql`, waiting_since = coalesce(c.waiting_since, now())`;
  if (authorKind === 'system') return sql``;
  return sql`, waiting_since = null`;
}

/**
 * Appends a message in one statement, or returns null when no conversation matches `conversation` or the
 * conversation already has a message with this `clientId` (the caller decides what that means: a repeat to answer
 * with the stored message, or a fast path that falls back to the locked one). A race on the same `clientId` outside
 * a row lock can still lose to the unique index: `isUniqueViolation` tells that error apart.
 */
export async function appendMessage(db: Database | Transaction, input: AppendMessageInput): Promise<AppendedMessage | null> {
  const { message } = input;
  const result = await db.execute<Record<string, unknown>>(sql`
    with bumped as (
      update conversations c
         set last_seq = c.last_seq + 1, last_message_at = now(), updated_at = now()${waitingAssignment(message.authorKind)}${patchAssignments(input.patch ?? {})}
       where ${input.conversation}
         and not exists (select 1 from messages m where m.conversation_id = c.id and m.client_id = ${message.clientId})
   returning c.*
    ), inserted as (
      insert into messages (id, conversation_id, seq, client_id, author_kind, author_id, body, metadata)
      select coalesce(${message.id ?? null}::uuid, gen_random_uuid()), bumped.id, bumped.last_seq, ${message.clientId},
             ${message.authorKind}, ${message.authorId}, ${message.body}, ${JSON.stringify(message.metadata ?? {})}::jsonb
        from bumped
   returning *
    ), ${webhookOutbox({
      organizationId: sql`bumped.organization_id`,
      type: 'message.created',
      stream: sql`bumped.id::text`,
      // The message is rendered when the event is first sent (conversations/index.ts): a message never changes.
      data: sql`jsonb_build_object('messageId', inserted.id)`,
      from: sql`bumped, inserted`,
    })}${input.alsoWith ?? sql``}
    select to_jsonb(inserted.*) as message, to_jsonb(bumped.*) as conversation, ${webhookNotify} as notified from inserted, bumped`);
  const [row] = rowsOf<{ message: Record<string, unknown> | string; conversation: Record<string, unknown> | string }>(result);
  return row ? { message: messageFromJson(row.message), conversation: conversationFromJson(row.conversation) } : null;
}
