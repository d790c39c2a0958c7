/**
 * Satisfaction: after a resolution the visitor rates it, once. The rating is stored for reports (with who handled the
 * conversation and whether the bot took part) and shown to both sides as a `rated` status line in the transcript.
 * @module
 */
import { conversationRatings, isUniqueViolation, messages, type Database } from '@parley/db';
import { ParleyError, type Message, type RatingSubmit } from '@parley/protocol';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { announceConversation, publishMessages } from '../conversations/broadcast.js';
import { appendSystemMessages } from '../conversations/system-messages.js';
import { lockVisitorConversation } from '../conversations/service.js';
import { recordWebhookEvent } from '../webhooks/record-event.js';

/**
 * Rates the visitor's resolved conversation. Refused unless the conversation is resolved and `resolvedSeq` is its
 * newest `resolved` line (`transition_rejected`: a reopened conversation's old resolution is no longer rated), and
 * when that resolution was rated already (`conflict`). The rating and its status line are written in one transaction.
 */
export async function rateConversation(db: Database, contactId: string, input: RatingSubmit) {
  try {
    return await db.transaction(async (tx) => {
      const [conversation] = await lockVisitorConversation(tx, contactId);
      if (!conversation) throw new ParleyError('not_found', 'You have no conversation to rate.');
      const [resolution] = await tx
        .select({ seq: messages.seq })
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversation.id),
            eq(messages.authorKind, 'system'),
            sql`${messages.metadata}->'event'->>'type' = 'resolved'`,
          ),
        )
        .orderBy(desc(messages.seq))
        .limit(1);
      if (conversation.status !== 'resolved' || resolution?.seq !== input.resolvedSeq) {
        throw new ParleyError('transition_rejected', 'Only the latest resolution of a resolved conversation can be rated.');
      }
      const [bot] = await tx
        .select({ seq: messages.seq })
        .from(messages)
        .where(and(eq(messages.conversationId, conversation.id), eq(messages.authorKind, 'bot'), lt(messages.seq, input.resolvedSeq)))
        .limit(1);
      await tx.insert(conversationRatings).values({
        organizationId: conversation.organizationId,
        conversationId: conversation.id,
        resolvedSeq: input.resolvedSeq,
        rating: input.rating,
        comment: input.comment || null,
        agentId: conversation.assigneeId,
        botInvolved: bot !== undefined,
      });
      await recordWebhookEvent(tx, {
        organizationId: conversation.organizationId,
        type: 'rating.submitted',
        stream: conversation.id,
        data: {
          conversationId: conversation.id,
          rating: input.rating,
          comment: input.comment || null,
          agentId: conversation.assigneeId,
          botInvolved: bot !== undefined,
          resolvedSeq: input.resolvedSeq,
        },
      });
      const comment = input.comment ? { comment: input.comment } : {};
      const [line] = await appendSystemMessages(tx, conversation, [{ type: 'rated', rating: input.rating, ...comment }]);
      const [updated] = await lockVisitorConversation(tx, contactId);
      return { conversation: updated!, line: line! };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ParleyError('conflict', 'This conversation was rated already.');
    throw error;
  }
}

/** Serves `rating:submit` on every visitor socket and tells both sides about the `rated` line. */
export function registerSatisfaction(app: FastifyInstance): void {
  const { db, realtime } = app;
  app.visitorSocketExtensions.push((_socket, events, visitor) => {
    events.on('rating:submit', async (payload): Promise<Message> => {
      const { conversation, line } = await rateConversation(db, visitor.contactId, payload);
      publishMessages(realtime, conversation, [line]);
      await announceConversation(realtime, db, conversation);
      return line;
    });
  });
}
