/**
 * Helpers for the few statements written in raw SQL (single-statement hot paths): the drivers return rows
 * differently, and `to_jsonb(row)` comes back with snake_case keys and ISO dates.
 * @module
 */
import type { conversations, messages } from './schema/index.js';

/** The rows of `db.execute(…)`: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** True when `error`, or one of its causes, is a Postgres unique violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** True when `error`, or one of its causes, is a Postgres foreign-key violation (SQLSTATE 23503). */
export function isForeignKeyViolation(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === '23503') return true;
  }
  return false;
}

type Json = Record<string, unknown>;
const parse = (value: Json | string): Json => (typeof value === 'string' ? (JSON.parse(value) as Json) : value);
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
const date = (value: unknown) => (value === null || value === undefined ? null : new Date(String(value)));

/** A `messages` row from `to_jsonb(messages.*)`. */
export function messageFromJson(value: Json | string): typeof messages.$inferSelect {
  const json = parse(value);
  return {
    id: String(json.id),
    conversationId: String(json.conversation_id),
    seq: Number(json.seq),
    clientId: text(json.client_id),
    authorKind: json.author_kind as (typeof messages.$inferSelect)['authorKind'],
    authorId: text(json.author_id),
    body: String(json.body),
    metadata: (json.metadata ?? {}) as Record<string, unknown>,
    createdAt: date(json.created_at)!,
  };
}

/** A `conversations` row from `to_jsonb(conversations.*)`. */
export function conversationFromJson(value: Json | string): typeof conversations.$inferSelect {
  const json = parse(value);
  return {
    id: String(json.id),
    organizationId: String(json.organization_id),
    widgetId: String(json.widget_id),
    contactId: String(json.contact_id),
    status: json.status as (typeof conversations.$inferSelect)['status'],
    assigneeId: text(json.assignee_id),
    teamId: text(json.team_id),
    topic: text(json.topic),
    botProfileId: text(json.bot_profile_id),
    transferNote: (json.transfer_note ?? null) as (typeof conversations.$inferSelect)['transferNote'],
    lastSeq: Number(json.last_seq),
    createdAt: date(json.created_at)!,
    updatedAt: date(json.updated_at)!,
    lastMessageAt: date(json.last_message_at),
    botTurnId: text(json.bot_turn_id),
    botTurnStartedAt: date(json.bot_turn_started_at),
    botAnsweredSeq: Number(json.bot_answered_seq),
    botCallsInFlight: (json.bot_calls_in_flight ?? null) as (typeof conversations.$inferSelect)['botCallsInFlight'],
    visitorSeenSeq: Number(json.visitor_seen_seq ?? 0),
    visitorEmailedSeq: Number(json.visitor_emailed_seq ?? 0),
    waitingSince: date(json.waiting_since),
  };
}
