import {
  ParleyError,
  conversationDetailSchema,
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
  conversationDetailExample,
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
import { callerKey, organizationIdOf } from '../auth/caller.js';
import { actingAgentIn } from './acting-agent.js';
import { publicBaseUrl, type Config } from '../config.js';
import { publishConversationChange, publishSendResult } from './broadcast.js';
import type { RateLimit } from '../plugins/rate-limit.js';
import { countInbox, listInbox, markRead } from './inbox.js';
import {
  assertMessageLength,
  getConversationRow,
  getConversationSummary,
  limitSend,
  listMessages,
  sendAgentMessage,
  sendBotMessage,
  transferConversation,
  updateConversation,
  type AgentContext,
} from './service.js';

/** Whose inbox: the signed-in agent's, or an API token's (no "mine", no unread counts). */
function readerOf(request: FastifyRequest) {
  return { userId: request.agent?.id ?? null, organizationId: organizationIdOf(request) };
}

/**
 * `/api/conversations`: the console's inbox and actions, and the same for an integration's API token
 * (`conversations:read` to read, `conversations:write` to act as an agent it names, or as the bot).
 */
export async function conversationRoutes(app: FastifyInstance, deps: { config: Config; rateLimit: RateLimit }) {
  // Where agents' pictures are linked from, on their messages (`avatars/avatar-url.ts`).
  const avatarBaseUrl = publicBaseUrl(deps.config);
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('preValidation', app.authenticate);

  api.get(
    '/api/conversations',
    {
      config: { scope: 'conversations:read', example: { response: conversationListExample } },
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
    '/api/conversations/:conversationId',
    {
      config: { scope: 'conversations:read', example: { response: conversationDetailExample } },
      schema: { params: conversationParamsSchema, response: { 200: conversationDetailSchema } },
    },
    async function getConversationRoute(request) {
      const conversation = await getConversationSummary(app.db, organizationIdOf(request), request.params.conversationId);
      if (!conversation) throw new ParleyError('not_found', 'Conversation not found.');
      const page = await listMessages(app.db, conversation.id, { afterSeq: 0, limit: 200 }, avatarBaseUrl);
      return { conversation, ...page };
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
      return listMessages(app.db, conversation.id, request.query, avatarBaseUrl);
    },
  );

  api.post(
    '/api/conversations/:conversationId/messages',
    {
      config: { scope: 'conversations:write', example: { response: messageSentExample, body: replyRequestExample } },
      schema: { params: conversationParamsSchema, body: replyRequestSchema, response: { 200: messageSentSchema } },
    },
    async function replyRoute(request) {
      const { conversationId } = request.params;
      const { asAgentId, asBot, ...reply } = request.body;
      if (asBot && !request.apiToken) {
        throw new ParleyError('invalid_payload', 'Agents write as themselves; asBot is for API tokens.', {
          issues: [{ path: 'body.asBot', message: 'Leave it out.' }],
        });
      }
      const organizationId = organizationIdOf(request);
      const agent = asBot ? null : await actingAgentIn(app.db, request, conversationId, asAgentId);
      assertMessageLength(reply.body, deps.config.messageMaxLength);
      const resent = await limitSend(app.db, () => deps.rateLimit(callerKey(request)), {
        clientId: reply.clientId,
        conversationId,
        organizationId,
      });
      if (resent) return resent;
      const result = agent
        ? await sendAgentMessage(app.db, agent, { ...reply, conversationId }, avatarBaseUrl)
        : await sendBotMessage(app.db, organizationId, { ...reply, conversationId }, request.apiToken!.id);
      await publishSendResult(app.realtime, app.db, app.conversationEffects, result);
      return result.sent;
    },
  );

  api.patch(
    '/api/conversations/:conversationId',
    {
      config: { scope: 'conversations:write', example: { response: resolvedConversationExample, body: conversationUpdateExample } },
      schema: { params: conversationParamsSchema, body: conversationUpdateSchema, response: { 200: conversationSummarySchema } },
    },
    async function updateConversationRoute(request) {
      const agent = await actingAgentIn(app.db, request, request.params.conversationId, request.body.asAgentId);
      const changed = await updateConversation(app.db, agent, request.params.conversationId, request.body);
      return publishAgentChange(agent, changed);
    },
  );

  api.post(
    '/api/conversations/:conversationId/transfer',
    {
      config: { scope: 'conversations:write', example: { response: transferredConversationExample, body: transferRequestExample } },
      schema: { params: conversationParamsSchema, body: transferRequestSchema, response: { 200: conversationSummarySchema } },
    },
    async function transferConversationRoute(request) {
      const agent = await actingAgentIn(app.db, request, request.params.conversationId, request.body.asAgentId);
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
