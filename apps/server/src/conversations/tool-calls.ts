/**
 * The bot's tool calls in a conversation (table `tool_calls`, written by the bot's turns), for the organization's agents
 * to check what the bot looked up or did before it answered. Read-only, and served on an agents-only route: no visitor
 * route or event carries them.
 * @module
 */
import { pendingActions, toolCalls, type Database } from '@parley/db';
import { toolCallListSchema, type ToolCall } from '@parley/protocol';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getConversationRow } from './service.js';
import { organizationIdOf } from '../auth/caller.js';
import { toolCallListExample } from './api-examples.js';

type ToolCallRow = typeof toolCalls.$inferSelect;
type PendingActionRow = typeof pendingActions.$inferSelect;

const toolCallParamsSchema = z.object({ conversationId: z.uuid() });

/** Who decided a paused call, as the transcript names them. */
function decidedBy(pending: PendingActionRow): string | null {
  if (pending.decidedByKind === 'visitor') return 'the visitor';
  if (pending.decidedByKind === 'system') return pending.status === 'expired' ? 'timeout' : 'Parley';
  return pending.decidedByName;
}

function toToolCall({ row, pending }: { row: ToolCallRow; pending: PendingActionRow | null }): ToolCall {
  return {
    id: String(row.id),
    messageId: row.messageId,
    tool: row.tool,
    // jsonb gives back what was stored: JSON already. A missing input is kept as null rather than left out.
    input: (row.input ?? null) as ToolCall['input'],
    output: (row.output ?? null) as ToolCall['output'],
    error: row.error,
    success: row.success,
    policy: row.policy,
    decision: pending ? { status: pending.status, by: decidedBy(pending) } : null,
    durationMs: row.durationMs,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The conversation's tool calls in the order the bot made them, newest last; the conversation must be the agent's
 * organization's (otherwise `not_found`, as for one that does not exist).
 */
export async function listToolCalls(db: Database, organizationId: string, conversationId: string): Promise<ToolCall[]> {
  await getConversationRow(db, organizationId, conversationId);
  // A turn stores its calls together, so they share a `createdAt`: the identity column keeps the order they were made.
  const rows = await db
    .select({ row: toolCalls, pending: pendingActions })
    .from(toolCalls)
    .leftJoin(pendingActions, eq(pendingActions.id, toolCalls.pendingActionId))
    .where(eq(toolCalls.conversationId, conversationId))
    .orderBy(asc(toolCalls.id));
  return rows.map(toToolCall);
}

/** Registers `GET /api/conversations/:conversationId/tool-calls` (any agent of the organization). */
export function registerToolCalls(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/conversations/:conversationId/tool-calls',
    {
      config: { scope: 'conversations:read', example: { response: toolCallListExample } },
      preValidation: app.authenticate,
      schema: { params: toolCallParamsSchema, response: { 200: toolCallListSchema } },
    },
    async function listToolCallsRoute(request) {
      return { toolCalls: await listToolCalls(app.db, organizationIdOf(request), request.params.conversationId) };
    },
  );
}
