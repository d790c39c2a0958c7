/**
 * The conversations domain: visitors' and agents' messages over REST and Socket.IO, the state machine every
 * conversation runs through, and the inactivity sweeper. Effects of committed transitions go out through
 * `app.conversationEffects`, which other domains (the bot) subscribe to.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createRateLimit } from '../plugins/rate-limit.js';
import type { TrustProxy } from '../plugins/trusted-proxy.js';
import { registerAgentSocket, type AgentSocketExtension } from './agent-socket.js';
import { registerAuditLog } from './audit-log.js';
import { registerBotReplies } from './bot-replies.js';
import { registerContacts } from './contacts.js';
import { createConversationEffects, type ConversationEffects } from './effects.js';
import { registerIdentify } from './identify.js';
import { registerInactivitySweeper } from './inactivity-sweeper.js';
import { registerNotes } from './notes.js';
import { conversationRoutes } from './routes.js';
import { registerToolCalls } from './tool-calls.js';
import { registerVisitorSocket, type VisitorSocketExtension, type VisitorTypingListener } from './visitor-socket.js';
import { renderMessageCreated } from './webhook-events.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the effects of committed transitions go (start or cancel a bot turn, an assignment). */
    conversationEffects: ConversationEffects;
    /**
     * What other domains add to every agent socket (their events, their reaction to connect and disconnect), run in
     * order after the conversations domain's own handlers. Push while plugins register.
     */
    agentSocketExtensions: AgentSocketExtension[];
    /** What other domains add to every visitor socket (their events), after the conversations domain's own. */
    visitorSocketExtensions: VisitorSocketExtension[];
    /** Told when a visitor starts or stops typing in a conversation (the bot's turn-taking). Push while plugins register. */
    visitorTypingListeners: VisitorTypingListener[];
  }
}

/** Registers the conversations domain. `trustProxy` decides which forwarded headers the socket handshakes believe. */
export const conversationsPlugin = fp<{ trustProxy: TrustProxy }>(
  async function registerConversations(app: FastifyInstance, { trustProxy }) {
    const { config, tokens } = app;
    app.decorate('conversationEffects', createConversationEffects());
    const agentSocketExtensions: AgentSocketExtension[] = [];
    app.decorate('agentSocketExtensions', agentSocketExtensions);
    const visitorSocketExtensions: VisitorSocketExtension[] = [];
    app.decorate('visitorSocketExtensions', visitorSocketExtensions);
    const visitorTypingListeners: VisitorTypingListener[] = [];
    app.decorate('visitorTypingListeners', visitorTypingListeners);
    // One budget per sender for REST and socket sends alike.
    const rateLimit = createRateLimit(config.rateLimit.messages, config.rateLimit.windowSeconds);
    // Typing events are cheap but frequent; the clients throttle them, this stops a runaway one.
    const typingLimit = createRateLimit(60, 10);
    await app.register(conversationRoutes, { config, rateLimit });
    registerNotes(app, { config, rateLimit });
    registerToolCalls(app);
    registerAuditLog(app);
    registerBotReplies(app);
    registerContacts(app, { rateLimit });
    registerIdentify(app);
    registerInactivitySweeper(app, config);
    registerVisitorSocket(app, {
      config,
      tokens,
      rateLimit,
      typingLimit,
      trustProxy,
      extensions: visitorSocketExtensions,
      typingListeners: visitorTypingListeners,
    });
    registerAgentSocket(app, { config, tokens, rateLimit, typingLimit, extensions: agentSocketExtensions });
    app.webhooks.renderData('message.created', (recorded) => renderMessageCreated(app.db, recorded));
  },
  {
    name: 'parley-conversations',
    fastify: '5.x',
    dependencies: ['parley-config', 'parley-db', 'parley-io', 'parley-auth', 'parley-webhooks', 'parley-identity'],
  },
);
