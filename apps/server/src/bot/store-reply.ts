/**
 * Stores a plain bot reply (no tool calls, no handoff) in one SQL statement: release the turn's claim, append the
 * message, record its usage. On the embedded database every statement costs most of a millisecond, and this is on the
 * path between the model's last byte and the visitor seeing the stored message.
 * @module
 */
import type { Database, messages } from '@parley/db';
import type { ShownSource } from '@parley/protocol';
import { sql, type SQL } from 'drizzle-orm';
import { appendMessage } from '../conversations/append-message.js';
import { dailyUsageUpsert } from './daily-usage.js';
import { transition } from '../conversations/machine.js';
import type { Usage } from './model.js';
import { releasedClaim } from './turn-claim.js';

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
  /** The condition that the turn still owns the conversation, on `c` (see `ownedByCondition`). */
  owned: SQL;
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
  /** The passages the turn showed the model, cited or not (`TurnSources.shown`). */
  sources: ShownSource[];
  /** The bot profile that answered; null: the widget's own settings. */
  profile: { id: string; name: string } | null;
  costUsd: number;
}

/**
 * Appends the reply only while the turn still owns a conversation in `bot` status (a human taking over clears the
 * claim), as one atomic statement. Returns the stored message row, or null when the turn had lost the conversation.
 */
export async function storePlainReply(db: Database, reply: PlainReply): Promise<typeof messages.$inferSelect | null> {
  const { usage } = reply;
  const appended = await appendMessage(db, {
    conversation: reply.owned,
    patch: releasedClaim(reply.answeredSeq),
    message: {
      id: reply.messageId,
      clientId: `bot-${reply.turnId}`,
      authorKind: 'bot',
      authorId: null,
      body: reply.body,
      metadata: reply.metadata,
    },
    alsoWith: sql`, reply as (
      insert into bot_replies (message_id, conversation_id, organization_id, model, input_tokens, output_tokens,
                               cache_read_tokens, cache_write_tokens, time_to_first_token_ms, latency_ms, stop_reason, rounds, sources,
                               profile_id, profile_name)
      select inserted.id, inserted.conversation_id, bumped.organization_id, ${reply.model}, ${usage.inputTokens},
             ${usage.outputTokens}, ${usage.cacheReadTokens}, ${usage.cacheWriteTokens}, ${reply.timeToFirstTokenMs},
             ${reply.latencyMs}, ${reply.stopReason}, ${reply.rounds}, ${JSON.stringify(reply.sources)}::jsonb,
             ${reply.profile?.id ?? null}::uuid, ${reply.profile?.name ?? null}
        from inserted, bumped
    ), usage as (${dailyUsageUpsert({ organizationId: sql`bumped.organization_id`, from: sql`bumped`, model: reply.model, usage, costUsd: reply.costUsd, replies: 1 })})`,
  });
  return appended?.message ?? null;
}
