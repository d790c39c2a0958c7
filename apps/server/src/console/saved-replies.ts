/**
 * Saved replies: canned answers agents insert with `/shortcut`. Shared ones belong to the organization and only admins
 * change them; personal ones belong to the agent who wrote them, and nobody else sees them.
 * @module
 */
import { isUniqueViolation, savedReplies, type Database } from '@parley/db';
import {
  isAdminRole,
  ParleyError,
  savedReplyCreateSchema,
  savedReplyListSchema,
  savedReplyParamsSchema,
  savedReplySchema,
  savedReplyUpdateSchema,
  type Agent,
  type SavedReply,
} from '@parley/protocol';
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  savedReplyCreateExample,
  savedReplyExample,
  savedReplyListExample,
  savedReplyUpdatedExample,
  savedReplyUpdateExample,
} from './api-examples.js';

type SavedReplyRow = typeof savedReplies.$inferSelect;

function toSavedReply(row: SavedReplyRow): SavedReply {
  return {
    id: row.id,
    shortcut: row.shortcut,
    title: row.title,
    body: row.body,
    scope: row.ownerId === null ? 'shared' : 'personal',
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The replies `agent` sees: their organization's shared ones and their own personal ones. */
function visibleTo(agent: Agent) {
  return and(eq(savedReplies.organizationId, agent.organizationId), or(isNull(savedReplies.ownerId), eq(savedReplies.ownerId, agent.id)));
}

/** The organization's shared replies and the agent's personal ones, by shortcut (the agent's own first on a tie). */
export async function listSavedReplies(db: Database, agent: Agent): Promise<SavedReply[]> {
  const rows = await db
    .select()
    .from(savedReplies)
    .where(visibleTo(agent))
    .orderBy(asc(savedReplies.shortcut), asc(sql`${savedReplies.ownerId} is null`), asc(savedReplies.id));
  return rows.map(toSavedReply);
}

/** Shared replies are the admins' to write. */
function checkScope(agent: Agent, scope: SavedReply['scope']): void {
  if (scope === 'shared' && !isAdminRole(agent.role)) {
    throw new ParleyError('forbidden', 'Only admins can manage shared saved replies.');
  }
}

/** Runs `write`, answering a shortcut that the scope has already with `conflict`. */
async function uniqueShortcut<T>(shortcut: string | undefined, scope: SavedReply['scope'], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const whose = scope === 'shared' ? 'Your organization has a shared' : 'You have a';
    throw new ParleyError('conflict', `${whose} saved reply with the shortcut /${shortcut ?? ''} already.`);
  }
}

/** Creates a saved reply: personal (the agent's own) for anyone, shared for admins. */
export async function createSavedReply(db: Database, agent: Agent, input: z.output<typeof savedReplyCreateSchema>): Promise<SavedReply> {
  checkScope(agent, input.scope);
  const [row] = await uniqueShortcut(input.shortcut, input.scope, () =>
    db
      .insert(savedReplies)
      .values({
        organizationId: agent.organizationId,
        ownerId: input.scope === 'personal' ? agent.id : null,
        shortcut: input.shortcut,
        title: input.title,
        body: input.body,
      })
      .returning(),
  );
  return toSavedReply(row!);
}

/**
 * The saved reply `agent` may change: another organization's, or another agent's personal one, is `not_found` (whether
 * it exists is not theirs to know); a shared one is `forbidden` unless they are an admin.
 */
async function writableReply(db: Database, agent: Agent, savedReplyId: string): Promise<SavedReplyRow> {
  const [row] = await db
    .select()
    .from(savedReplies)
    .where(and(eq(savedReplies.id, savedReplyId), visibleTo(agent)));
  if (!row) throw new ParleyError('not_found', 'You have no saved reply with this id.');
  checkScope(agent, row.ownerId === null ? 'shared' : 'personal');
  return row;
}

/**
 * Changes a saved reply's shortcut, title, body or scope. Moving one between scopes is an admin's (a shared one is
 * theirs to change): a personal one moved to shared leaves its owner, a shared one moved to personal becomes theirs.
 */
export async function updateSavedReply(
  db: Database,
  agent: Agent,
  savedReplyId: string,
  input: z.output<typeof savedReplyUpdateSchema>,
): Promise<SavedReply> {
  const current = await writableReply(db, agent, savedReplyId);
  const scope = input.scope ?? (current.ownerId === null ? 'shared' : 'personal');
  checkScope(agent, scope);
  const ownerId = scope === 'shared' ? null : (current.ownerId ?? agent.id);
  const [row] = await uniqueShortcut(input.shortcut ?? current.shortcut, scope, () =>
    db
      .update(savedReplies)
      .set({ shortcut: input.shortcut, title: input.title, body: input.body, ownerId, updatedAt: sql`now()` })
      // Still the row that was checked: a concurrent move to another owner makes this a miss.
      .where(
        and(
          eq(savedReplies.id, current.id),
          current.ownerId === null ? isNull(savedReplies.ownerId) : eq(savedReplies.ownerId, current.ownerId),
        ),
      )
      .returning(),
  );
  if (!row) throw new ParleyError('not_found', 'You have no saved reply with this id.');
  return toSavedReply(row);
}

/** Deletes a saved reply, with the same rules as a change. */
export async function deleteSavedReply(db: Database, agent: Agent, savedReplyId: string): Promise<void> {
  const current = await writableReply(db, agent, savedReplyId);
  const [row] = await db
    .delete(savedReplies)
    .where(
      and(
        eq(savedReplies.id, current.id),
        current.ownerId === null ? isNull(savedReplies.ownerId) : eq(savedReplies.ownerId, current.ownerId),
      ),
    )
    .returning({ id: savedReplies.id });
  if (!row) throw new ParleyError('not_found', 'You have no saved reply with this id.');
}

/** `/api/saved-replies`: every agent lists theirs and manages their personal ones; admins also the shared ones. */
export function registerSavedReplyRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/saved-replies',
    {
      config: { example: { response: savedReplyListExample } },
      preValidation: app.authenticate,
      schema: { response: { 200: savedReplyListSchema } },
    },
    async function listSavedRepliesRoute(request) {
      return { savedReplies: await listSavedReplies(app.db, request.agent!) };
    },
  );

  api.post(
    '/api/saved-replies',
    {
      config: { example: { body: savedReplyCreateExample, response: savedReplyExample } },
      preValidation: app.authenticate,
      schema: { body: savedReplyCreateSchema, response: { 201: savedReplySchema } },
    },
    async function createSavedReplyRoute(request, reply) {
      return reply.code(201).send(await createSavedReply(app.db, request.agent!, request.body));
    },
  );

  api.patch(
    '/api/saved-replies/:savedReplyId',
    {
      config: { example: { body: savedReplyUpdateExample, response: savedReplyUpdatedExample } },
      preValidation: app.authenticate,
      schema: { params: savedReplyParamsSchema, body: savedReplyUpdateSchema, response: { 200: savedReplySchema } },
    },
    async function updateSavedReplyRoute(request) {
      return updateSavedReply(app.db, request.agent!, request.params.savedReplyId, request.body);
    },
  );

  api.delete(
    '/api/saved-replies/:savedReplyId',
    { preValidation: app.authenticate, schema: { params: savedReplyParamsSchema, response: { 204: z.null() } } },
    async function deleteSavedReplyRoute(request, reply) {
      await deleteSavedReply(app.db, request.agent!, request.params.savedReplyId);
      return reply.code(204).send(null);
    },
  );
}
