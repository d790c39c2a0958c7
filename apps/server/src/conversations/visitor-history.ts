/**
 * A visitor's own conversations, past and current: the list their widget shows (`conversations:list`) and reading one of
 * them (`messages:sync` with a `conversationId`); closing a resolved one is `closeVisitorConversation` in `service.ts`. Only ever the visitor's contact's conversations: another's is `not_found`.
 * @module
 */
import { CONVERSATION_PREVIEW_LENGTH, ParleyError, VISITOR_CONVERSATIONS_LIMIT, type VisitorConversationSummary } from '@parley/protocol';
import { conversations, messages, type Database } from '@parley/db';
import { and, count, desc, eq, ne } from 'drizzle-orm';
import { isPreviewMessage } from './service.js';

/** The visitor's conversations, the newest first (at most {@link VISITOR_CONVERSATIONS_LIMIT}), each with a preview. */
export async function listVisitorConversations(db: Database, contactId: string): Promise<VisitorConversationSummary[]> {
  const rows = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      createdAt: conversations.createdAt,
      authorKind: messages.authorKind,
      body: messages.body,
      messageAt: messages.createdAt,
    })
    .from(conversations)
    .leftJoin(messages, isPreviewMessage)
    .where(eq(conversations.contactId, contactId))
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(VISITOR_CONVERSATIONS_LIMIT);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    lastMessage:
      row.authorKind && row.body !== null && row.messageAt
        ? { authorKind: row.authorKind, body: preview(row.body), createdAt: row.messageAt.toISOString() }
        : null,
  }));
}

/** The start of a message for a list: at most {@link CONVERSATION_PREVIEW_LENGTH} characters, never half a character. */
function preview(body: string): string {
  const characters = Array.from(body);
  return characters.length <= CONVERSATION_PREVIEW_LENGTH ? body : `${characters.slice(0, CONVERSATION_PREVIEW_LENGTH - 1).join('')}…`;
}

/** How many conversations the visitor had besides their current one (`current`; none: all of them count). */
export async function countPastConversations(db: Database, contactId: string, current: string | undefined): Promise<number> {
  const [row] = await db
    .select({ total: count() })
    .from(conversations)
    .where(current ? and(eq(conversations.contactId, contactId), ne(conversations.id, current)) : eq(conversations.contactId, contactId));
  return row?.total ?? 0;
}

/** One of the visitor's conversations by id, or `not_found` (another visitor's included: its existence is not told). */
export async function findOwnConversation(db: Database, contactId: string, conversationId: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.contactId, contactId)));
  if (!row) throw new ParleyError('not_found', 'Conversation not found.');
  return row;
}
