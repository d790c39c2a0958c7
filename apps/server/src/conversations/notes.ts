/**
 * Internal notes: what agents write on a conversation for each other. Stored apart from messages (table
 * `conversation_notes`) and sent only to the organization's agent sockets (`note:created`), so no visitor path can
 * carry one. A note sits in the transcript after the message that was the newest when it was written.
 * @module
 */
import { conversationNotes, users, type Database } from '@parley/db';
import { noteCreateSchema, noteListSchema, noteSchema, ParleyError, type Note, type NoteCreate } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noteCreateExample, noteExample, noteListExample } from './api-examples.js';
import type { Config } from '../config.js';
import { organizationRoom } from '../plugins/io.js';
import type { RateLimit } from '../plugins/rate-limit.js';
import { assertMessageLength, getConversationRow, lockAgentConversation, type AgentContext } from './service.js';
import { callerKey, organizationIdOf } from '../auth/caller.js';
import { actingAgentIn } from './acting-agent.js';

type NoteRow = typeof conversationNotes.$inferSelect;

const noteParamsSchema = z.object({ conversationId: z.uuid() });

function toNote(row: NoteRow, authorName: string | null): Note {
  return {
    id: row.id,
    conversationId: row.conversationId,
    afterSeq: row.afterSeq,
    body: row.body,
    author: row.authorId && authorName !== null ? { id: row.authorId, name: authorName } : null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The conversation's notes, oldest first; the conversation must be the agent's organization's. */
export async function listNotes(db: Database, organizationId: string, conversationId: string): Promise<Note[]> {
  await getConversationRow(db, organizationId, conversationId);
  const rows = await db
    .select({ note: conversationNotes, authorName: users.name })
    .from(conversationNotes)
    .leftJoin(users, eq(users.id, conversationNotes.authorId))
    .where(eq(conversationNotes.conversationId, conversationId))
    .orderBy(asc(conversationNotes.createdAt), asc(conversationNotes.id));
  return rows.map(({ note, authorName }) => toNote(note, authorName));
}

/**
 * Stores an agent's note on a conversation of their organization, after its newest message (read under the
 * conversation's lock, so a message being written at the same time is either before it or after it, never beside).
 * A repeated `clientId` returns the note stored the first time. Returns whether it was new.
 */
export async function writeNote(
  db: Database,
  agent: AgentContext,
  conversationId: string,
  input: NoteCreate,
): Promise<{ note: Note; created: boolean }> {
  return db.transaction(async (tx) => {
    const conversation = await lockAgentConversation(tx, agent, conversationId);
    const [inserted] = await tx
      .insert(conversationNotes)
      .values({
        conversationId,
        organizationId: agent.organizationId,
        authorId: agent.userId,
        clientId: input.clientId,
        body: input.body,
        afterSeq: conversation.lastSeq,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted) return { note: toNote(inserted, agent.name), created: true };
    const [existing] = await tx
      .select({ note: conversationNotes, authorName: users.name })
      .from(conversationNotes)
      .leftJoin(users, eq(users.id, conversationNotes.authorId))
      .where(and(eq(conversationNotes.conversationId, conversationId), eq(conversationNotes.clientId, input.clientId)));
    if (!existing) throw new ParleyError('internal_error', 'The note could not be stored.');
    return { note: toNote(existing.note, existing.authorName), created: false };
  });
}

/** Registers `GET` and `POST /api/conversations/:conversationId/notes` (any agent of the organization). */
export function registerNotes(app: FastifyInstance, deps: { config: Config; rateLimit: RateLimit }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/conversations/:conversationId/notes',
    {
      config: { scope: 'conversations:read', example: { response: noteListExample } },
      preValidation: app.authenticate,
      schema: { params: noteParamsSchema, response: { 200: noteListSchema } },
    },
    async function listNotesRoute(request) {
      return { notes: await listNotes(app.db, organizationIdOf(request), request.params.conversationId) };
    },
  );

  api.post(
    '/api/conversations/:conversationId/notes',
    {
      config: { scope: 'conversations:write', example: { response: noteExample, body: noteCreateExample } },
      preValidation: app.authenticate,
      schema: { params: noteParamsSchema, body: noteCreateSchema, response: { 200: noteSchema } },
    },
    async function writeNoteRoute(request) {
      const { conversationId } = request.params;
      const { asAgentId, ...input } = request.body;
      const author = await actingAgentIn(app.db, request, conversationId, asAgentId);
      assertMessageLength(input.body, deps.config.messageMaxLength);
      await deps.rateLimit(callerKey(request));
      const { note, created } = await writeNote(app.db, author, conversationId, input);
      const { organizationId } = author;
      if (created) app.realtime.agents.to(organizationRoom(organizationId)).emit('note:created', note);
      return note;
    },
  );
}
