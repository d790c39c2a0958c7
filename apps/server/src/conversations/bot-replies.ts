/**
 * How the bot's messages in a conversation were produced (table `bot_replies`, written with each bot message): model,
 * tokens, latency, and the knowledge-base passages the model was shown, cited or not. For the organization's agents to
 * audit an answer against its sources; served on an agents-only route, no visitor route or event carries it.
 * @module
 */
import { botReplies, type Database } from '@parley/db';
import { botReplyListSchema, shownSourceSchema, type BotReply } from '@parley/protocol';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { botReplyListExample } from './api-examples.js';
import { getConversationRow } from './service.js';
import { organizationIdOf } from '../auth/caller.js';

const botReplyParamsSchema = z.object({ conversationId: z.uuid() });
// What was stored is what `TurnSources.shown` gave; read back through the schema all the same (rows of older versions).
const storedSourcesSchema = z.array(shownSourceSchema).catch([]);

/**
 * The conversation's bot replies, oldest first; the conversation must be the agent's organization's (otherwise
 * `not_found`, as for one that does not exist).
 */
export async function listBotReplies(db: Database, organizationId: string, conversationId: string): Promise<BotReply[]> {
  await getConversationRow(db, organizationId, conversationId);
  const rows = await db
    .select()
    .from(botReplies)
    .where(eq(botReplies.conversationId, conversationId))
    .orderBy(asc(botReplies.createdAt), asc(botReplies.messageId));
  return rows.map((row) => ({
    messageId: row.messageId,
    model: row.model,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    latencyMs: row.latencyMs,
    rounds: row.rounds,
    sources: storedSourcesSchema.parse(row.sources),
    // The name as it was when it answered; the id is gone once the profile is deleted.
    profile: row.profileName === null ? null : { id: row.profileId, name: row.profileName },
    createdAt: row.createdAt.toISOString(),
  }));
}

/** Registers `GET /api/conversations/:conversationId/bot-replies` (any agent of the organization). */
export function registerBotReplies(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/conversations/:conversationId/bot-replies',
    {
      config: { scope: 'conversations:read', example: { response: botReplyListExample } },
      preValidation: app.authenticate,
      schema: { params: botReplyParamsSchema, response: { 200: botReplyListSchema } },
    },
    async function listBotRepliesRoute(request) {
      return { botReplies: await listBotReplies(app.db, organizationIdOf(request), request.params.conversationId) };
    },
  );
}
