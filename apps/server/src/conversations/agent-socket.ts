import { agentEventSchemas, agentHandshakeSchema, isAdminRole, ParleyError, type AgentClientEvents } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { currentRoles, loadAgent } from '../auth/agents.js';
import type { TokenService } from '../auth/tokens.js';
import { publicBaseUrl, type Config } from '../config.js';
import { connectError, contactRoom, organizationAdminsRoom, organizationRoom, type AgentNamespace } from '../plugins/io.js';
import { publishSendResult } from './broadcast.js';
import type { RateLimit } from '../plugins/rate-limit.js';
import { assertMessageLength, getConversationRow, limitSend, sendAgentMessage } from './service.js';
import { createSocketEvents, toErrorBody, type SocketEvents } from './socket-handler.js';

/** One agent socket, as the `/agent` namespace's connection handler receives it. */
export type AgentSocket = Parameters<Parameters<AgentNamespace['on']>[1]>[0];
/** The agent events of one socket: every domain registers its handlers on this one object. */
export type AgentSocketEvents = SocketEvents<AgentClientEvents, typeof agentEventSchemas>;
/**
 * What another domain adds to each agent socket after its handshake: its own events (registered on `events`, the
 * socket's one set of handlers, so they get the same authorization, queue and `unknown_event` answers) and its own
 * reaction to the connection and the disconnect. Added with `app.agentSocketExtensions.push(…)` while plugins register.
 */
export type AgentSocketExtension = (socket: AgentSocket, events: AgentSocketEvents) => void;

/**
 * How often each process re-checks the memberships of the agent sockets it holds. Events are checked one by one; this
 * bounds how long a removed agent (or one whose role changed) keeps receiving the organization's broadcasts, however
 * the membership was changed (console, API or SQL), without any message between processes.
 */
export const AGENT_RECHECK_MS = 5000;
/** Requests of one agent socket served at once, and waiting. */
const AGENT_CONCURRENCY = { maxInFlight: 8, maxQueued: 64 };
/** setTimeout's longest delay (about 24.8 days); agent tokens live 12 hours. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Closes this process's agent sockets whose membership is gone or deactivated, or whose role changed since they
 * connected. Runs every {@link AGENT_RECHECK_MS}, and at once after a change made here (`PATCH /api/people/:userId`).
 */
export async function disconnectStaleAgents(agents: AgentNamespace, app: FastifyInstance): Promise<void> {
  const sockets = [...agents.sockets.values()];
  if (sockets.length === 0) return;
  const roles = await currentRoles(
    app.db,
    sockets.map((socket) => ({ userId: socket.data.agent.userId, organizationId: socket.data.agent.organizationId })),
  );
  for (const socket of sockets) {
    const { agent, role } = socket.data;
    if (roles.get(`${agent.userId}:${agent.organizationId}`) !== role) socket.disconnect(true);
  }
}

/** Wires the `/agent` namespace: token check, the organization's room, and the agent's events. */
export function registerAgentSocket(
  app: FastifyInstance,
  deps: {
    config: Config;
    tokens: TokenService;
    rateLimit: RateLimit;
    typingLimit: RateLimit;
    extensions: readonly AgentSocketExtension[];
  },
): void {
  const { db, realtime, log } = app;
  const { config, tokens, rateLimit, typingLimit, extensions } = deps;
  // Where agents' pictures are linked from, on their messages (`avatars/avatar-url.ts`).
  const avatarBaseUrl = publicBaseUrl(config);

  realtime.agents.use(async function authenticateAgent(socket, next) {
    try {
      const handshake = agentHandshakeSchema.safeParse(socket.handshake.auth);
      if (!handshake.success) throw new ParleyError('unauthorized', 'Sign in first.');
      const identity = await tokens.verifyAgent(handshake.data.token);
      const agent = await loadAgent(db, identity);
      socket.data = {
        agent: { userId: agent.id, organizationId: agent.organizationId, name: agent.name },
        role: agent.role,
        tokenExpiresAt: identity.expiresAt.getTime(),
      };
      next();
    } catch (error) {
      next(connectError(toErrorBody(error, log)));
    }
  });

  const recheck = setInterval(() => {
    disconnectStaleAgents(realtime.agents, app).catch((error: unknown) => log.warn({ err: error }, 'agent membership re-check failed'));
  }, AGENT_RECHECK_MS);
  recheck.unref();
  app.addHook('onClose', async function stopAgentRecheck() {
    clearInterval(recheck);
  });

  realtime.agents.on('connection', function handleAgentConnection(socket) {
    const { agent } = socket.data;
    void socket.join(organizationRoom(agent.organizationId));
    if (isAdminRole(socket.data.role)) void socket.join(organizationAdminsRoom(agent.organizationId));
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(socket.data.tokenExpiresAt - Date.now(), MAX_TIMER_MS));
    socket.on('disconnect', () => clearTimeout(expiry));

    const events = createSocketEvents<AgentClientEvents, typeof agentEventSchemas>(socket, agentEventSchemas, log, {
      ...AGENT_CONCURRENCY,
      // Every event is served under the membership and token as they are now, not as they were at the handshake.
      async authorize() {
        try {
          if (Date.now() >= socket.data.tokenExpiresAt) throw new ParleyError('unauthorized', 'Your session has expired; sign in again.');
          const current = await loadAgent(db, { userId: agent.userId, organizationId: agent.organizationId });
          if (current.role !== socket.data.role) throw new ParleyError('unauthorized', 'Your role has changed; reconnect to go on.');
        } catch (error) {
          // After the answer: the client learns why before the connection closes.
          setImmediate(() => socket.disconnect(true));
          throw error;
        }
      },
    });

    events.on('message:send', async (payload) => {
      assertMessageLength(payload.body, config.messageMaxLength);
      const resent = await limitSend(db, () => rateLimit(`agent:${agent.userId}`), { ...payload, organizationId: agent.organizationId });
      if (resent) return resent;
      const result = await sendAgentMessage(db, agent, payload, avatarBaseUrl);
      await publishSendResult(realtime, db, app.conversationEffects, result);
      return result.sent;
    });

    events.on('typing:set', async (payload) => {
      await typingLimit(`agent:${agent.userId}`);
      const conversation = await getConversationRow(db, agent.organizationId, payload.conversationId);
      realtime.visitors.to(contactRoom(conversation.contactId)).emit('typing:changed', {
        conversationId: conversation.id,
        author: { kind: 'agent', name: agent.name },
        typing: payload.typing,
      });
      return null;
    });

    for (const extend of extensions) extend(socket, events);
  });
}
