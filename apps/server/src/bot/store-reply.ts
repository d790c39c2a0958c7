/**
 * Stores a plain bot reply (no tool calls, no handoff) in one SQL statement: release the turn's claim, append the
 * message, record its usage. On the embedded database every statement costs most of a millisecond, and this is on the
 * path between the model's last byte and the visitor seeing the stored message.
 * @module
 */
import { messageFromJson, rowsOf, type messages, type Database } from '@parley/db';
import { sql } from 'drizzle-orm';
import { transition } from './machine.js';
import type { Usage } from './model.js';

/**
 * True when `bot.replied` in `bot` changes nothing but needs no audit row or effect: then the single statement below
 * agrees with the state machine. Checked once, so a change to the table can't silently bypass it.
 */
export const botReplyNeedsNoTransition = (() => {
  const result = transition('bot', { type: 'bot.replied' });
  return result.ok && result.state === 'bot' && result.effects.length === 0;
})();

/** What {@link storePlainReply} writes. */
export interface PlainReply {
  conversationId: string;
  turnId: string;
  messageId: string;
  /** The seq of the newest message this turn answered. */
  answeredSeq: number;
  body: string;
  metadata: Record<string, unknown>;
  model: string;
  usage: Usage;
  timeToFirstTokenMs: number | null;
  latencyMs: number;
  stopReason: string | null;
  rounds: number;
  costUsd: number;
}

/**
 * Appends the reply only while the turn still owns a conversation in `bot` status (a human taking over clears the
 * claim), as one atomic statement. Returns the stored message row, or null when the turn had lost the conversation.
 */
export async function storePlainReply(db: Database, reply: PlainReply): Promise<typeof messages.$inferSelect | null> {
  const usage = reply.usage;
  const result = await db.execute<Record<string, unknown>>(sql`
    with claimed as (
      update conversations
         set last_seq = last_seq + 1, last_message_at = now(), updated_at = now(),
             bot_turn_id = null, bot_turn_started_at = null, bot_answered_seq = ${reply.answeredSeq}
       where id = ${reply.conversationId} and bot_turn_id = ${reply.turnId} and status = 'bot'
   returning id, organization_id, last_seq
    ), message as (
      insert into messages (id, conversation_id, seq, client_id, author_kind, author_id, body, metadata)
      select ${reply.messageId}, claimed.id, claimed.last_seq, ${`bot-${reply.turnId}`}, 'bot', null, ${reply.body},
             ${JSON.stringify(reply.metadata)}::jsonb
        from claimed
   returning *
    ), reply as (
      insert into bot_replies (message_id, conversation_id, organization_id, model, input_tokens, output_tokens,
                               cache_read_tokens, cache_write_tokens, time_to_first_token_ms, latency_ms, stop_reason, rounds)
      select message.id, message.conversation_id, claimed.organization_id, ${reply.model}, ${usage.inputTokens},
             ${usage.outputTokens}, ${usage.cacheReadTokens}, ${usage.cacheWriteTokens}, ${reply.timeToFirstTokenMs},
             ${reply.latencyMs}, ${reply.stopReason}, ${reply.rounds}
        from message, claimed
    ), usage as (
      insert into usage_daily (organization_id, day, model, replies, input_tokens, output_tokens, cache_read_tokens,
                               cache_write_tokens, cost_usd)
      select claimed.organization_id, (now() at time zone 'utc')::date, ${reply.model}, 1, ${usage.inputTokens},
             ${usage.outputTokens}, ${usage.cacheReadTokens}, ${usage.cacheWriteTokens}, ${reply.costUsd.toFixed(6)}::numeric
        from claimed
          on conflict (organization_id, day, model) do update
         set replies = usage_daily.replies + 1,
             input_tokens = usage_daily.input_tokens + excluded.input_tokens,
             output_tokens = usage_daily.output_tokens + excluded.output_tokens,
             cache_read_tokens = usage_daily.cache_read_tokens + excluded.cache_read_tokens,
             cache_write_tokens = usage_daily.cache_write_tokens + excluded.cache_write_tokens,
             cost_usd = usage_daily.cost_usd + excluded.cost_usd
    )
    select to_jsonb(message.*) as message from message`);
  const [row] = rowsOf<{ message: Record<string, unknown> | string }>(result);
  return row ? messageFromJson(row.message) : null;
}
