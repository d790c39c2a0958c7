/**
 * The one way an event reaches webhooks: written to the outbox in the caller's transaction, so a change that rolls
 * back sends nothing and one that commits is delivered even if this process dies right after. Only events some
 * subscription of the organization asked for are written; a paused subscription's deliveries wait for it to resume.
 * @module
 */
import type { Database, Transaction } from '@parley/db';
import type { WebhookEventType } from '@parley/protocol';
import { sql } from 'drizzle-orm';

/** An event as a domain reports it. */
export interface WebhookEventInput {
  organizationId: string;
  type: WebhookEventType;
  /**
   * What orders its deliveries: events of one stream reach a receiver one after another, in the order they were
   * written (a conversation's id for its events and messages, a contact's for its updates).
   */
  stream: string;
  /** The snapshot sent as the event's `data`: JSON, in the protocol's shapes. */
  data: Record<string, unknown>;
}

/** Writes the event and one delivery per subscription that wants it, in one statement; nothing when none does. */
export async function recordWebhookEvent(tx: Database | Transaction, event: WebhookEventInput): Promise<void> {
  await tx.execute(sql`
    with subscribers as (
      select id from webhook_subscriptions
       where organization_id = ${event.organizationId} and ${event.type} = any(events)
    ), event as (
      insert into webhook_events (organization_id, type, data)
      select ${event.organizationId}, ${event.type}, ${JSON.stringify(event.data)}::jsonb
       where exists (select 1 from subscribers)
   returning id
    )
    insert into webhook_deliveries (subscription_id, event_id, stream)
    select subscribers.id, event.id, ${event.stream} from subscribers, event`);
}
