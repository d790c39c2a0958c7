/**
 * `GET /api/events`: the organization's audit log (`conversation_events`) as a cursor over its ids, for integrations
 * catching up after downtime (`conversations:read`).
 * @module
 */
import { conversationEvents, conversations, type Database } from '@parley/db';
import { auditEventListSchema, auditEventQuerySchema, type AuditEvent, type AuditEventList } from '@parley/protocol';
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { organizationIdOf } from '../auth/caller.js';
import { auditEventListExample } from './api-examples.js';

/**
 * How old an event must be to be listed. Ids are taken when a change writes its event, not when it commits: a slower
 * transaction can commit a smaller id after a larger one was listed, and a cursor would step over it. Holding back the
 * last seconds gives such a transaction time to commit.
 */
export const AUDIT_LOG_SETTLE_SECONDS = 2;

/** The organization's events after `after`, oldest first. */
export async function listAuditEvents(
  db: Database,
  organizationId: string,
  query: { after: string; limit: number },
): Promise<AuditEventList> {
  const rows = await db
    .select({ event: conversationEvents })
    .from(conversationEvents)
    .innerJoin(conversations, eq(conversations.id, conversationEvents.conversationId))
    .where(
      and(
        eq(conversations.organizationId, organizationId),
        gt(conversationEvents.id, Number(query.after)),
        lt(conversationEvents.createdAt, sql`now() - make_interval(secs => ${AUDIT_LOG_SETTLE_SECONDS})`),
      ),
    )
    .orderBy(asc(conversationEvents.id))
    .limit(query.limit + 1);
  const events: AuditEvent[] = rows.slice(0, query.limit).map(({ event }) => ({
    id: String(event.id),
    conversationId: event.conversationId,
    type: event.type,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    actor: { kind: event.actorKind, id: event.actorId },
    data: event.data,
    createdAt: event.createdAt.toISOString(),
  }));
  return { events, next: events.at(-1)?.id ?? query.after, hasMore: rows.length > query.limit };
}

/** Registers `GET /api/events`. */
export function registerAuditLog(app: FastifyInstance): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/events',
    {
      config: { scope: 'conversations:read', example: { response: auditEventListExample } },
      preValidation: app.authenticate,
      schema: { querystring: auditEventQuerySchema, response: { 200: auditEventListSchema } },
    },
    async function listEventsRoute(request) {
      return listAuditEvents(app.db, organizationIdOf(request), request.query);
    },
  );
}
