/**
 * The one way an event reaches webhooks: written to the outbox in the statement or transaction of the change it
 * reports, so a change that rolls back sends nothing and one that commits is delivered even if this process dies right
 * after. Only events some subscription of the organization asked for are written (an organization without webhooks
 * pays one indexed read); a paused subscription's deliveries wait for it to resume. A commit that wrote deliveries
 * notifies {@link WEBHOOK_CHANNEL} (Postgres delivers it at commit, never after a rollback), which wakes the
 * dispatchers of every process at once.
 * @module
 */
import type { Transaction } from '@parley/db';
import type { WebhookEventType } from '@parley/protocol';
import { sql, type SQL } from 'drizzle-orm';

/** The channel a commit with new deliveries notifies (dispatcher.ts listens). */
export const WEBHOOK_CHANNEL = 'parley_webhooks';

/** An event as a domain reports it. */
export interface WebhookEventInput {
  organizationId: string;
  type: WebhookEventType;
  /**
   * What orders its deliveries: events of one stream reach a receiver one after another, in the order they were
   * written (a conversation's id for its events and messages, a contact's for its updates).
   */
  stream: string;
  /**
   * The event's `data`: the snapshot sent, in the protocol's shapes; or, for a type whose data is rendered when it is
   * first sent (see `WebhookDispatcher.renderData`), what the renderer needs.
   */
  data: Record<string, unknown>;
}

/** {@link webhookOutbox}'s input: SQL expressions, so that they may read the rows of the statement they join. */
export interface WebhookOutboxInput {
  organizationId: SQL;
  type: WebhookEventType;
  stream: SQL;
  /** A `jsonb` expression. */
  data: SQL;
  /** The `from` list the expressions read (`bumped, inserted`), or nothing. */
  from?: SQL;
}

/**
 * The outbox write as common table expressions (`webhook_subscribers`, `webhook_event`, `webhook_delivered`), for
 * another statement's `with`; the statement's final `select` must read {@link webhookNotify} for the wake-up to happen.
 */
export function webhookOutbox(input: WebhookOutboxInput): SQL {
  const from = input.from ? sql`from ${input.from}` : sql``;
  return sql`webhook_subscribers as (
      select s.id from webhook_subscriptions s
       where s.organization_id = (select ${input.organizationId} ${from}) and ${input.type} = any(s.events)
      -- Locked against a concurrent delete, which would otherwise fail this statement's delivery insert, and the change.
         for key share of s
    ), webhook_event as (
      insert into webhook_events (organization_id, type, data)
      select ${input.organizationId}, ${input.type}, ${input.data} ${from}
       where exists (select 1 from webhook_subscribers)
   returning id
    ), webhook_delivered as (
      insert into webhook_deliveries (subscription_id, event_id, stream)
      select webhook_subscribers.id, webhook_event.id, (select ${input.stream} ${from}) from webhook_subscribers, webhook_event
    )`;
}

/** A select-list expression that notifies {@link WEBHOOK_CHANNEL} when {@link webhookOutbox} wrote an event. */
export const webhookNotify = sql`(select pg_notify(${WEBHOOK_CHANNEL}, '') from webhook_event)`;

/** Writes one event and its deliveries in one statement, in the caller's transaction. */
export async function recordWebhookEvent(tx: Transaction, event: WebhookEventInput): Promise<void> {
  await tx.execute(sql`
    with ${webhookOutbox({
      organizationId: sql`${event.organizationId}::uuid`,
      type: event.type,
      stream: sql`${event.stream}`,
      data: sql`${JSON.stringify(event.data)}::jsonb`,
    })}
    select ${webhookNotify}`);
}
