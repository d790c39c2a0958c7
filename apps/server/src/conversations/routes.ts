import {
  conversationListQuerySchema,
  conversationListSchema,
  conversationParamsSchema,
  conversationSummarySchema,
  conversationUpdateSchema,
  inboxCountsSchema,
  messageListQuerySchema,
  messageSentSchema,
  messagesPageSchema,
  readRequestSchema,
  readStateSchema,
  replyRequestSchema,
  transferRequestSchema,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  conversationListExample,
  conversationUpdateExample,
  inboxCountsExample,
  messageSentExample,
  messagesPageExample,
  readRequestExample,
  readStateExample,
  replyRequestExample,
  resolvedConversationExample,
  transferRequestExample,
  transferredConversationExample,
} from './api-examples.js';
import { organizationIdOf } from '../auth/caller.js';
import type { Config } from '../config.js';
import { publishConversationChange, publishSendResult } from './broadcast.js';
import type { RateLimit } from '../plugins/rate-limit.js';
import { countInbox, listInbox, markRead } from './inbox.js';
import {
  assertMessageLength,
  getConversationRow,
  limitSend,
  listMessages,
  sendAgentMessage,
  transferConversation,
  updateConversation,
  type AgentContext,
} from './service.js';

function agentOf(request: FastifyRequest): AgentContext {
  const agent = request.agent!;
  return { userId: agent.id, organizationId: agent.organizationId, name: agent.name };
}

function readerOf(request: FastifyRequest) {
  return { userId: request.agent!.id, organizationId: organizationIdOf(request) };
}

/** The console's REST API under `/api/conversations`. Every route needs an agent token. */
export async function conversationRoutes(app: FastifyInstance, deps: { config: Config; rateLimit: RateLimit }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('preValidation', app.authenticate);

  api.get(
    '/api/conversations',
    {
      config: { example: { response: conversationListExample } },
      schema: { querystring: conversationListQuerySchema, response: { 200: conversationListSchema } },
    },
    async function listConversationsRoute(request) {
      return listInbox(app.db, readerOf(request), request.query);
    },
  );

  api.get(
    '/api/conversations/counts',
    { config: { example: { response: inboxCountsExample } }, schema: { response: { 200: inboxCountsSchema } } },
    async function inboxCountsRoute(request) {
      return countInbox(app.db, readerOf(request));
    },
  );

  api.post(
    '/api/conversations/:conversationId/read',
    {
      config: { example: { response: readStateExample, body: readRequestExample } },
      schema: { params: conversationParamsSchema, body: readRequestSchema, response: { 200: readStateSchema } },
    },
    async function markReadRoute(request) {
      return markRead(app.db, readerOf(request), request.params.conversationId, request.body.seq);
    },
  );

  api.get(
    '/api/conversations/:conversationId/messages',
    {
      config: { scope: 'conversations:read', example: { response: messagesPageExample } },
      schema: { params: conversationParamsSchema, querystring: messageListQuerySchema, response: { 200: messagesPageSchema } },
    },
    async function listMessagesRoute(request) {
      const conversation = await getConversationRow(app.db, organizationIdOf(request), request.params.conversationId);
      return listMessages(app.db, conversation.id, request.query);
    },
  );

  api.post(
    '/api/conversations/:conversationId/messages',
    {
      config: { example: { response: messageSentExample, body: replyRequestExample } },
      schema: { params: conversationParamsSchema, body: replyRequestSchema, response: { 200: messageSentSchema } },
    },
    async function replyRoute(request) {
      const agent = agentOf(request);
      assertMessageLength(request.body.body, deps.config.messageMaxLength);
      const { conversationId } = request.params;
      const resent = await limitSend(app.db, () => deps.rateLimit(`agent:${agent.userId}`), {
        clientId: request.body.clientId,
        conversationId,
        organizationId: agent.organizationId,
      });
      if (resent) return resent;
      const result = await sendAgentMessage(app.db, agent, { ...request.body, conversationId: request.params.conversationId });
      await publishSendResult(app.realtime, app.db, app.conversationEffects, result);
      return result.sent;
    },
  );

  api.patch(
    '/api/conversations/:conversationId',
    {
      config: { example: { response: resolvedConversationExample, body: conversationUpdateExample } },
      schema: { params: conversationParamsSchema, body: conversationUpdateSchema, response: { 200: conversationSummarySchema } },
    },
    async function updateConversationRoute(request) {
      const agent = agentOf(request);
      const changed = await updateConversation(app.db, agent, request.params.conversationId, request.body);
      return publishAgentChange(agent, changed);
    },
  );

  api.post(
    '/api/conversations/:conversationId/transfer',
    {
      config: { example: { response: transferredConversationExample, body: transferRequestExample } },
      schema: { params: conversationParamsSchema, body: transferRequestSchema, response: { 200: conversationSummarySchema } },
    },
    async function transferConversationRoute(request) {
      const agent = agentOf(request);
      const changed = await transferConversation(app.db, agent, request.params.conversationId, request.body);
      return publishAgentChange(agent, changed);
    },
  );

  /** Tells everyone about an agent's committed change, runs its effects, and answers with the new summary. */
  async function publishAgentChange(agent: AgentContext, changed: Awaited<ReturnType<typeof updateConversation>>) {
    const { summary, effects, messages } = changed;
    await publishConversationChange(
      app.realtime,
      app.db,
      app.conversationEffects.perform,
      { ...summary, organizationId: agent.organizationId, contactId: summary.contact.id },
      effects,
      messages,
    );
    return summary;
  }
}
