/**
 * `/api/pending-actions`: the calls of the bot's actions that wait for a decision, for agents. `GET` lists them (the
 * console's approval cards); `POST …/:pendingActionId/decision` approves or rejects one that waits for an agent, after which
 * the bot resumes the conversation (`pending-actions.ts`). Who may decide is checked on the server: a signed-in agent of
 * the action's team, or an admin; never an API token.
 * @module
 */
import {
  ParleyError,
  pendingActionDecisionSchema,
  pendingActionListQuerySchema,
  pendingActionListSchema,
  pendingActionParamsSchema,
  pendingActionSchema,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { organizationIdOf } from '../auth/caller.js';
import { decideApproval, getPendingActionRow, listPendingActions, toPendingAction } from './pending-actions.js';

const pendingActionExample = {
  id: '0b6f4a8e-4c1d-4f7e-9a52-3d1c7e9b2a10',
  conversationId: '6d1f3b2a-8c4e-4b7a-9f10-2e5d8c7b6a43',
  messageId: '9a7c5e3b-1d2f-4a6b-8c9d-0e1f2a3b4c5d',
  tool: 'refund_order',
  input: { order_number: '1001', amount: 20 },
  policy: 'approve' as const,
  summary: 'Refund 20 EUR on order 1001',
  status: 'pending' as const,
  teamId: null,
  expiresAt: '2026-11-30T14:15:00.000Z',
  createdAt: '2026-11-30T14:00:00.000Z',
  decidedAt: null,
  decidedBy: null,
  note: null,
};

/** Registers the routes. */
export function registerApprovalRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/pending-actions',
    {
      config: { scope: 'conversations:read', example: { response: { actions: [pendingActionExample] } } },
      preValidation: app.authenticate,
      schema: { querystring: pendingActionListQuerySchema, response: { 200: pendingActionListSchema } },
    },
    async function listPendingActionsRoute(request) {
      return { actions: await listPendingActions(app.db, organizationIdOf(request), request.query) };
    },
  );

  api.post(
    '/api/pending-actions/:pendingActionId/decision',
    {
      config: {
        scope: 'conversations:write',
        example: {
          body: { decision: 'approve', note: 'Checked the order: refund it.' },
          response: {
            ...pendingActionExample,
            status: 'approved',
            decidedAt: '2026-11-30T14:03:00.000Z',
            decidedBy: { kind: 'agent', name: 'Ana Lima' },
            note: 'Checked the order: refund it.',
          },
        },
      },
      preValidation: app.authenticate,
      schema: { params: pendingActionParamsSchema, body: pendingActionDecisionSchema, response: { 200: pendingActionSchema } },
    },
    async function decidePendingActionRoute(request) {
      const organizationId = organizationIdOf(request);
      // Another organization's (or no) action is not found, whoever asks and however.
      await getPendingActionRow(app.db, organizationId, request.params.pendingActionId);
      // A person decides: a token acting for an agent (or an admin) would make every integration an approver.
      const agent = request.agent;
      if (!agent) throw new ParleyError('forbidden', 'A signed-in agent decides; API tokens cannot approve or reject.');
      const decided = await decideApproval(app.db, {
        organizationId,
        actionId: request.params.pendingActionId,
        approver: { userId: agent.id, name: agent.name },
        approve: request.body.decision === 'approve',
        note: request.body.note,
      });
      // Announced, and the conversation's next turn resumes the call (in this process, or any other on the database).
      app.bot.actionDecided(decided);
      return toPendingAction(decided);
    },
  );
}
