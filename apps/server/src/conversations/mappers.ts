import type { conversations, messages, tickets } from '@parley/db';
import {
  attachmentSchema,
  citationSchema,
  messageActionSchema,
  quickRepliesSchema,
  systemEventSchema,
  type ConversationSummary,
  type Message,
  type Ticket,
  type TicketStatus,
  type VisitorConversation,
} from '@parley/protocol';
import { z } from 'zod';

type MessageRow = typeof messages.$inferSelect;
type ConversationRow = typeof conversations.$inferSelect;
type TicketRow = typeof tickets.$inferSelect;

/**
 * A message row as it goes on the wire. `authorName` comes from a join (an agent's name); a bot message carries the
 * bot's name in its metadata, as it was when the message was written. `avatarUrl`: the agent's picture, as it is now.
 */
export function toMessage(row: MessageRow, authorName: string | null = null, avatarUrl?: string): Message {
  const storedName = typeof row.metadata.authorName === 'string' ? row.metadata.authorName : null;
  const message: Message = {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    clientId: row.clientId,
    author: { kind: row.authorKind, id: row.authorId, name: authorName ?? storedName, ...(avatarUrl && { avatarUrl }) },
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.metadata.citations !== undefined) {
    // Written by the bot runner; checked anyway, since a wrong shape would reach every client.
    const citations = storedCitationsSchema.safeParse(row.metadata.citations);
    if (citations.success && citations.data.length > 0) message.citations = citations.data;
  }
  if (row.metadata.quickReplies !== undefined) {
    // Written by the bot runner or from an agent's parsed payload; checked for the same reason.
    const quickReplies = quickRepliesSchema.safeParse(row.metadata.quickReplies);
    if (quickReplies.success) message.quickReplies = quickReplies.data;
  }
  if (row.metadata.attachments !== undefined) {
    // Written by the send that claimed the files (`claimAttachments`); checked for the same reason.
    const attachments = storedAttachmentsSchema.safeParse(row.metadata.attachments);
    if (attachments.success && attachments.data.length > 0) message.attachments = attachments.data;
  }
  if (row.authorKind === 'bot' && row.metadata.action !== undefined) {
    // Written by the bot turn that paused for a decision (`bot/pending-actions.ts`); checked for the same reason.
    const action = messageActionSchema.safeParse(row.metadata.action);
    if (action.success) message.action = action.data;
  }
  if (row.authorKind === 'system' && row.metadata.event !== undefined) {
    // Written by the transition's writer (system-messages.ts); checked for the same reason.
    const event = systemEventSchema.safeParse(row.metadata.event);
    if (event.success) message.event = event.data;
  }
  return message;
}

const storedCitationsSchema = z.array(citationSchema);
const storedAttachmentsSchema = z.array(attachmentSchema);

/** The visitor's view of a conversation. */
export function toVisitorConversation(row: ConversationRow): VisitorConversation {
  return { id: row.id, status: row.status, lastSeq: row.lastSeq, visitorSeenSeq: row.visitorSeenSeq };
}

/** Joined row used to build a {@link ConversationSummary}. */
export interface SummaryRow {
  conversation: ConversationRow;
  contactName: string | null;
  contactEmail: string | null;
  assigneeName: string | null;
  teamName: string | null;
  ticket: TicketRow | null;
  lastMessageBody: string | null;
  lastMessageAuthorKind: MessageRow['authorKind'] | null;
  /** The visitor messages the agent who asked has not read; absent from summaries for everyone. */
  unreadCount?: number | null;
}

// Enough for a one-line preview in the inbox; the console truncates further with CSS.
const PREVIEW_LENGTH = 140;

/** The console's view of a conversation. */
export function toConversationSummary(row: SummaryRow): ConversationSummary {
  const { conversation } = row;
  return {
    id: conversation.id,
    status: conversation.status,
    contact: { id: conversation.contactId, name: row.contactName, email: row.contactEmail },
    assignee: conversation.assigneeId && row.assigneeName !== null ? { id: conversation.assigneeId, name: row.assigneeName } : null,
    team: conversation.teamId && row.teamName !== null ? { id: conversation.teamId, name: row.teamName } : null,
    topic: conversation.topic ?? null,
    transferNote: conversation.transferNote ?? null,
    ticket: row.ticket && toTicket(row.ticket, conversation.status),
    lastSeq: conversation.lastSeq,
    visitorSeenSeq: conversation.visitorSeenSeq,
    lastMessage:
      row.lastMessageBody !== null && row.lastMessageAuthorKind !== null
        ? { body: Array.from(row.lastMessageBody).slice(0, PREVIEW_LENGTH).join(''), authorKind: row.lastMessageAuthorKind }
        : null,
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: conversation.updatedAt.toISOString(),
    lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
    widgetId: conversation.widgetId,
    waitingSince: conversation.waitingSince?.toISOString() ?? null,
    ...(typeof row.unreadCount === 'number' && { unreadCount: row.unreadCount }),
  };
}

/**
 * A follow-up's status, derived: resolved and closed are the conversation's own; otherwise pending while an agent
 * waits on the customer, else open.
 */
export function ticketStatusOf(conversationStatus: ConversationRow['status'], pendingSince: Date | null): TicketStatus {
  if (conversationStatus === 'resolved' || conversationStatus === 'closed') return conversationStatus;
  return pendingSince === null ? 'open' : 'pending';
}

/** The console's view of a follow-up: the clocks as the last check stored them, none once it is resolved. */
export function toTicket(row: TicketRow, conversationStatus: ConversationRow['status']): Ticket {
  const status = ticketStatusOf(conversationStatus, row.pendingSince);
  return {
    status,
    priority: row.priority,
    createdAt: row.createdAt.toISOString(),
    pendingSince: row.pendingSince?.toISOString() ?? null,
    sla: status === 'resolved' || status === 'closed' ? [] : row.sla,
  };
}
