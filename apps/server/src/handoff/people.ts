/**
 * `/api/people` (admins): the organization's members and pending invitations, and changing a member's role or status.
 * The rules are the auth domain's (`auth/people.ts`); the routes live here because deactivating someone reaches into
 * the queue: in the same transaction as the deactivation, under the organization's routing lock (so no routing choice
 * in flight can still give them a conversation), their open conversations are unassigned through the state machine
 * (`agent.unassigned`, as an agent's own "back to the queue" is), and after the commit those transitions' `route`
 * effects have routing give them to other agents. Their sockets here close at once; other processes close theirs at
 * their next membership re-check (`AGENT_RECHECK_MS`), and every event and REST call is refused before that.
 * @module
 */
import { conversations, type Transaction } from '@parley/db';
import { peopleListSchema, personParamsSchema, personSchema, personUpdateSchema, ParleyError } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAdmin } from '../auth/caller.js';
import { publicBaseUrl } from '../config.js';
import { changePerson, listPeople, readPeople, type PersonChange } from '../auth/people.js';
import { disconnectStaleAgents } from '../conversations/agent-socket.js';
import { publishConversationChange } from '../conversations/broadcast.js';
import { applyConversationEvent } from '../conversations/service.js';
import { lockRouting } from './routing.js';
import { peopleListExample, personUpdatedExample, personUpdateExample } from './api-examples.js';

/** Sends the open conversations of someone just deactivated back to the queue; returns the transitions to publish. */
async function requeueAssigned(tx: Transaction, change: PersonChange) {
  const assigned = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.organizationId, change.organizationId),
        eq(conversations.assigneeId, change.userId),
        eq(conversations.status, 'agent'),
      ),
    )
    .orderBy(asc(conversations.id))
    .for('update');
  const requeued = [];
  for (const { id } of assigned) {
    const result = await applyConversationEvent(tx, id, { type: 'agent.unassigned', agentId: change.userId }, { kind: 'system', id: null });
    if (result) requeued.push(result);
  }
  return requeued;
}

/** Registers `GET /api/people` and `PATCH /api/people/:userId`. */
export function registerPeopleRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: an agent (or nobody) is refused whatever the body, rather than told what is wrong with it.
  const preValidation = [app.authenticate, requireAdmin('manage people')];
  // Where people's pictures are linked from (`avatars/avatar-url.ts`).
  const baseUrl = publicBaseUrl(app.config);

  api.get(
    '/api/people',
    { config: { example: { response: peopleListExample } }, preValidation, schema: { response: { 200: peopleListSchema } } },
    async function listPeopleRoute(request) {
      return listPeople(app.db, request.agent!.organizationId, baseUrl);
    },
  );

  api.patch(
    '/api/people/:userId',
    {
      config: { example: { body: personUpdateExample, response: personUpdatedExample } },
      preValidation,
      schema: { params: personParamsSchema, body: personUpdateSchema, response: { 200: personSchema } },
    },
    async function changePersonRoute(request) {
      const actor = request.agent!;
      const { change, requeued } = await app.db.transaction(async (tx) => {
        // First, before any row lock: a routing choice takes this lock, then the chosen agent's membership row.
        await lockRouting(tx, actor.organizationId);
        const written = await changePerson(tx, actor, request.params.userId, request.body);
        return { change: written, requeued: written.deactivated ? await requeueAssigned(tx, written) : [] };
      });
      for (const { conversation, effects, messages } of requeued) {
        await publishConversationChange(app.realtime, app.db, app.conversationEffects.perform, conversation, effects, messages);
      }
      if (change.deactivated || change.roleChanged) {
        await disconnectStaleAgents(app.realtime.agents, app).catch((error: unknown) =>
          app.log.warn({ err: error }, 'people: closing the sockets of a changed membership failed'),
        );
      }
      const [person] = await readPeople(app.db, actor.organizationId, baseUrl, change.userId);
      if (!person) throw new ParleyError('not_found', 'No one in your organization has this id.');
      return person;
    },
  );
}
