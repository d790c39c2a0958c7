/**
 * The one write of `usage_daily`: tokens and cost per organization, UTC day, model and purpose (the bot's replies, or
 * agents' AI help), added to the day's row.
 * @module
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Usage } from './model.js';

/** One model's usage to add to the day's totals. */
export interface DailyUsage {
  /** An SQL expression for the organization: a parameter, or a column of `from`. */
  organizationId: SQL;
  /** Where `organizationId` comes from, when it is a column (e.g. the conversation row the same statement updated). */
  from?: SQL;
  model: string;
  /** What the tokens were spent on: the bot's turns (the default), or AI help for agents. */
  purpose?: 'bot' | 'assist';
  usage: Usage;
  costUsd: number;
  /**
   * Stored replies this usage produced: 1 for a reply, 0 for a turn that stored none. For AI help: 1 for a summary or
   * suggestion delivered, 0 for one that failed.
   */
  replies: number;
}

/**
 * The upsert that adds `record` to its day's row, as a statement of its own or as a common table expression of a
 * larger statement (the bot's single-statement reply).
 */
export function dailyUsageUpsert(record: DailyUsage): SQL {
  const { usage } = record;
  return sql`
    insert into usage_daily (organization_id, day, model, purpose, replies, input_tokens, output_tokens, cache_read_tokens,
                             cache_write_tokens, cost_usd)
    select ${record.organizationId}, (now() at time zone 'utc')::date, ${record.model}, ${record.purpose ?? 'bot'}::text,
           ${record.replies}::int,
           ${usage.inputTokens}::int, ${usage.outputTokens}::int, ${usage.cacheReadTokens}::int, ${usage.cacheWriteTokens}::int,
           ${record.costUsd.toFixed(6)}::numeric
    ${record.from ? sql`from ${record.from}` : sql``}
        on conflict (organization_id, day, model, purpose) do update
       set replies = usage_daily.replies + excluded.replies,
           input_tokens = usage_daily.input_tokens + excluded.input_tokens,
           output_tokens = usage_daily.output_tokens + excluded.output_tokens,
           cache_read_tokens = usage_daily.cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = usage_daily.cache_write_tokens + excluded.cache_write_tokens,
           cost_usd = usage_daily.cost_usd + excluded.cost_usd`;
}
