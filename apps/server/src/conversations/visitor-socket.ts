import { randomUUID } from 'node:crypto';
import {
  handoffRequestSchema,
  ParleyError,
  visitorHandshakeSchema,
  visitorMessageSendSchema,
  visitorMessagesSyncSchema,
  visitorTypingSetSchema,
  type Session,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { connectError, contactRoom, organizationRoom } from '../plugins/io.js';
import { clientAddress, requestOrigin, type TrustProxy } from '../plugins/trusted-proxy.js';
import { findWidgetByKey, isOriginAllowed } from '../widgets/service.js';
import { publishConversationChange, publishSendResult } from './broadcast.js';
import { toVisitorConversation } from './mappers.js';
import { createRateLimit, type RateLimit } from './rate-limit.js';
import { assertMessageLength, findVisitorConversation, listMessages, requestHandoff, sendVisitorMessage } from './service.js';
import { onEvent, toErrorBody } from './socket-handler.js';

/** Wires the `/visitor` namespace: handshake checks (key, origin, session) and the visitor's events. */
export function registerVisitorSocket(
  app: FastifyInstance,
  deps: { config: Config; tokens: TokenService; rateLimit: RateLimit; typingLimit: RateLimit; trustProxy: TrustProxy },
): void {
  const { db, realtime, log } = app;
  const { config, tokens, rateLimit, typingLimit, trustProxy } = deps;

  const newSessionLimit = createRateLimit(config.rateLimit.newSessionsPerMinute, 60);

  realtime.visitors.use(async function authenticateVisitor(socket, next) {
    try {
      const handshake = visitorHandshakeSchema.safeParse(socket.handshake.auth);
      if (!handshake.success) throw new ParleyError('invalid_payload', 'The widget key is missing.');
      const widget = await findWidgetByKey(db, handshake.data.widgetKey);
      if (!widget) throw new ParleyError('unknown_widget', 'No widget has this key; check the data-widget-key attribute.');
      // Browsers send Origin on every cross-origin request, but not on a same-origin polling GET: a request
      // without one comes from a page Parley serves itself (the demo shop), so it is checked as that origin.
      // Behind a TLS-terminating proxy the page's scheme is the forwarded one, believed from trusted proxies only.
      const origin = socket.handshake.headers.origin ?? requestOrigin(socket.request, trustProxy);
      if (!isOriginAllowed(origin, widget.allowedOrigins, config.allowLocalhostOrigins)) {
        throw new ParleyError('origin_not_allowed', `This widget may not be used on ${origin ?? 'a page without an origin'}.`);
      }
      let contactId: string;
      let sessionToken = handshake.data.sessionToken;
      if (sessionToken) {
        const identity = await tokens.verifyVisitor(sessionToken);
        if (identity.widgetId !== widget.id) throw new ParleyError('unauthorized', 'The session belongs to another widget.');
        contactId = identity.contactId;
      } else {
        // Each new identity gets its own message budget and bot turns, so minting them is limited per address.
        // Behind a reverse proxy every TCP peer is the proxy: the client's address comes from trusted forwarded headers.
        await newSessionLimit(clientAddress(socket.request, trustProxy)).catch(() => {
          throw new ParleyError('rate_limited', 'Too many new chat sessions from this address; try again in a minute.');
        });
        // The contact row is written on the first message, so page views cost no database writes.
        contactId = randomUUID();
        sessionToken = await tokens.signVisitor({ contactId, widgetId: widget.id });
      }
      socket.data = { widget, contactId, sessionToken };
      next();
    } catch (error) {
      next(connectError(toErrorBody(error, log)));
    }
  });

  realtime.visitors.on('connection', function handleVisitorConnection(socket) {
    const { widget, contactId } = socket.data;
    const visitor = { contactId, widgetId: widget.id, organizationId: widget.organizationId, botEnabled: widget.botEnabled };
    void socket.join(contactRoom(contactId));

    onEvent(socket, 'session:get', null, log, async (): Promise<Session> => {
      const conversation = await findVisitorConversation(db, contactId);
      return {
        sessionToken: socket.data.sessionToken,
        visitorId: contactId,
        conversation: conversation ? toVisitorConversation(conversation) : null,
        widget: widget.settings,
      };
    });

    onEvent(socket, 'message:send', visitorMessageSendSchema, log, async (payload) => {
      assertMessageLength(payload.body, config.messageMaxLength);
      await rateLimit(`visitor:${contactId}`);
      const result = await sendVisitorMessage(db, visitor, payload);
      await publishSendResult(realtime, db, app.bot, result);
      return result.sent;
    });

    onEvent(socket, 'messages:sync', visitorMessagesSyncSchema, log, async (payload) => {
      const conversation = await findVisitorConversation(db, contactId);
      if (!conversation) return { messages: [], hasMore: false };
      return listMessages(db, conversation.id, payload);
    });

    onEvent(socket, 'handoff:request', handoffRequestSchema, log, async (payload) => {
      const { conversation, effects } = await requestHandoff(db, visitor, payload.reason ?? 'The visitor asked for a person.');
      await publishConversationChange(realtime, db, app.bot, conversation, effects);
      return toVisitorConversation(conversation);
    });

    onEvent(socket, 'typing:set', visitorTypingSetSchema, log, async (payload) => {
      await typingLimit(`visitor:${contactId}`);
      const conversation = await findVisitorConversation(db, contactId);
      if (!conversation) return null;
      realtime.agents.to(organizationRoom(widget.organizationId)).emit('typing:changed', {
        conversationId: conversation.id,
        author: { kind: 'visitor', name: null },
        typing: payload.typing,
      });
      return null;
    });
  });
}
