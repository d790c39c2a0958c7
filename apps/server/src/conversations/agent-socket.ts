import { agentHandshakeSchema, agentMessageSendSchema, agentTypingSetSchema, ParleyError } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { loadAgent } from '../auth/agents.js';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { connectError, contactRoom, organizationRoom } from '../plugins/io.js';
import { publishSendResult } from './broadcast.js';
import type { RateLimit } from './rate-limit.js';
import { assertMessageLength, getConversationRow, sendAgentMessage } from './service.js';
import { onEvent, toErrorBody } from './socket-handler.js';

/** Wires the `/agent` namespace: token check, the organization's room, and the agent's events. */
export function registerAgentSocket(
  app: FastifyInstance,
  deps: { config: Config; tokens: TokenService; rateLimit: RateLimit; typingLimit: RateLimit },
): void {
  const { db, realtime, log } = app;
  const { config, tokens, rateLimit, typingLimit } = deps;

  realtime.agents.use(async function authenticateAgent(socket, next) {
    try {
      const handshake = agentHandshakeSchema.safeParse(socket.handshake.auth);
      if (!handshake.success) throw new ParleyError('unauthorized', 'Sign in first.');
      const identity = await tokens.verifyAgent(handshake.data.token);
      const agent = await loadAgent(db, identity);
      socket.data = { agent: { userId: agent.id, organizationId: agent.organizationId, name: agent.name } };
      next();
    } catch (error) {
      next(connectError(toErrorBody(error, log)));
    }
  });

  realtime.agents.on('connection', function handleAgentConnection(socket) {
    const { agent } = socket.data;
    void socket.join(organizationRoom(agent.organizationId));

    onEvent(socket, 'message:send', agentMessageSendSchema, log, async (payload) => {
      assertMessageLength(payload.body, config.messageMaxLength);
      await rateLimit(`agent:${agent.userId}`);
      const result = await sendAgentMessage(db, agent, payload);
      await publishSendResult(realtime, db, app.bot, result);
      return result.sent;
    });

    onEvent(socket, 'typing:set', agentTypingSetSchema, log, async (payload) => {
      await typingLimit(`agent:${agent.userId}`);
      const conversation = await getConversationRow(db, agent.organizationId, payload.conversationId);
      realtime.visitors.to(contactRoom(conversation.contactId)).emit('typing:changed', {
        conversationId: conversation.id,
        author: { kind: 'agent', name: agent.name },
        typing: payload.typing,
      });
      return null;
    });
  });
}
