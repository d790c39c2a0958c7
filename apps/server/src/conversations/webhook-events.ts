/**
 * What conversations tell webhooks: which events an audit row reports (the audit writer, `insertAuditEvents`, records
 * them in the transaction of the change), the conversation as they show it, and the message of a `message.created`.
 * @module
 */
import { messages, type conversationEvents, type conversations, type Database } from '@parley/db';
import type { WebhookEventType } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { toMessage } from './mappers.js';

type AuditRow = Pick<typeof conversationEvents.$inferInsert, 'type' | 'fromStatus' | 'toStatus'>;
type ConversationRow = typeof conversations.$inferSelect;

const finished = new Set<string | null | undefined>(['resolved', 'closed']);

/** The webhook events an audit row stands for; most rows stand for none. */
export function webhookEventsOf(event: AuditRow): WebhookEventType[] {
  switch (event.type) {
    case 'created':
      // A conversation the bot doesn't answer starts in the queue: it is both.
      return event.toStatus === 'queued' ? ['conversation.created', 'conversation.queued'] : ['conversation.created'];
    case 'assigned':
    case 'transferred':
      return ['conversation.assigned'];
    case 'sla_breached':
      return ['ticket.sla_breached'];
    case 'status_changed': {
      const types: WebhookEventType[] = [];
      if (finished.has(event.fromStatus) && !finished.has(event.toStatus)) types.push('conversation.reopened');
      if (event.toStatus === 'queued') types.push('conversation.queued');
      if (event.toStatus === 'resolved') types.push('conversation.resolved');
      return types;
    }
    default:
      return [];
  }
}

/** The conversation in a webhook event's `data`: its state after the change. */
export function webhookConversation(row: ConversationRow) {
  return {
    id: row.id,
    widgetId: row.widgetId,
    contactId: row.contactId,
    status: row.status,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    topic: row.topic,
    lastSeq: row.lastSeq,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const recordedMessageSchema = z.object({ messageId: z.uuid() });

/**
 * The data of a `message.created` event, rendered when it is first sent from the message id its writer recorded
 * (`appendMessage`); null when the message is gone (its conversation was deleted).
 */
export async function renderMessageCreated(db: Database, recorded: Record<string, unknown>): Promise<{ message: unknown } | null> {
  const { messageId } = recordedMessageSchema.parse(recorded);
  const [row] = await db.select().from(messages).where(eq(messages.id, messageId));
  return row ? { message: toMessage(row) } : null;
}
