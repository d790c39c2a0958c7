import { randomUUID } from 'node:crypto';
import {
  ParleyError,
  visitorEventSchemas,
  visitorHandshakeSchema,
  type VisitorClientEvents,
  type VisitorConversation,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { TokenService } from '../auth/tokens.js';
import { publicBaseUrl, type Config } from '../config.js';
import { connectError, contactRoom, organizationRoom, type VisitorNamespace, type VisitorSocketData } from '../plugins/io.js';
import { clientAddress, requestOrigin, type TrustProxy } from '../plugins/trusted-proxy.js';
import { widgetAgents } from '../widgets/agents.js';
import { findWidgetByKey, isOriginAllowed } from '../widgets/service.js';
import { publishConversationChange, publishSendResult } from './broadcast.js';
import { toVisitorConversation } from './mappers.js';
import { createRateLimit, type RateLimit } from '../plugins/rate-limit.js';
import { PRESENCE_LEASE_BEATS } from './agent-availability.js';
import { queueStatusOf } from './queue-status.js';
import { applyIdentity, handshakeIdentityOf } from './identify.js';
import { mergedInto, verifyVisitor } from './verified-contact.js';
import { recordLanguage, recordVisit, visitDetailsOf } from './visit-details.js';
import { countPastConversations, findOwnConversation, listVisitorConversations } from './visitor-history.js';
import {
  assertMessageLength,
  closeVisitorConversation,
  findVisitorConversation,
  limitSend,
  listMessages,
  requestHandoff,
  sendVisitorMessage,
  visitorPreChat,
  type VisitorContext,
} from './service.js';

/**
 * `session:get`, `messages:sync` and `conversations:list` per visitor per 10 s. The SDK asks for the session once per connection and syncs a
 * page of 200 at a time, so a reconnecting visitor with a long conversation stays far below it.
 */
const VISITOR_READS_PER_WINDOW = 30;
/** Requests of one visitor socket served at once, and waiting; the SDK sends one at a time. */
const VISITOR_CONCURRENCY = { maxInFlight: 4, maxQueued: 32 };
import { createSocketEvents, toErrorBody, type SocketEvents } from './socket-handler.js';

/** One visitor socket, as the `/visitor` namespace's connection handler receives it. */
export type VisitorSocket = Parameters<Parameters<VisitorNamespace['on']>[1]>[0];
/** The visitor events of one socket: every domain registers its handlers on this one object. */
export type VisitorSocketEvents = SocketEvents<VisitorClientEvents, typeof visitorEventSchemas>;
/**
 * What another domain adds to each visitor socket after its handshake: its own events, registered on `events` (the
 * socket's one set of handlers, with the same queue and `unknown_event` answers), for the visitor `visitor`. Added
 * with `app.visitorSocketExtensions.push(…)` while plugins register.
 */
export type VisitorSocketExtension = (socket: VisitorSocket, events: VisitorSocketEvents, visitor: VisitorContext) => void;

/** Told when a visitor starts or stops typing in their conversation. */
export type VisitorTypingListener = (conversationId: string, typing: boolean) => void;

/** Wires the `/visitor` namespace: handshake checks (key, origin, session) and the visitor's events. */
export function registerVisitorSocket(
  app: FastifyInstance,
  deps: {
    config: Config;
    tokens: TokenService;
    rateLimit: RateLimit;
    typingLimit: RateLimit;
    trustProxy: TrustProxy;
    extensions: readonly VisitorSocketExtension[];
    typingListeners: readonly VisitorTypingListener[];
  },
): void {
  const { db, realtime, log } = app;
  const { config, tokens, rateLimit, typingLimit, trustProxy, extensions, typingListeners } = deps;

  /** The visitor's view of a conversation, with its place in the queue while it waits there. */
  async function withQueueStatus(conversation: Parameters<typeof toVisitorConversation>[0]): Promise<VisitorConversation> {
    const visible = toVisitorConversation(conversation);
    if (conversation.status !== 'queued') return visible;
    const queue = await queueStatusOf(db, conversation);
    return queue ? { ...visible, queue } : visible;
  }

  const ownOrigin = config.publicUrl ? new URL(config.publicUrl).origin : null;
  // Where agents' pictures are linked from (`avatars/avatar-url.ts`).
  const baseUrl = publicBaseUrl(config);
  const newSessionLimit = createRateLimit(config.rateLimit.newSessionsPerMinute, 60);
  // Reads cost the database as much as writes (a sync returns up to 500 messages): each visitor gets a budget too.
  const readLimit = createRateLimit(VISITOR_READS_PER_WINDOW, 10, 'Too many requests; try again in {seconds} s.');

  realtime.visitors.use(async function authenticateVisitor(socket, next) {
    try {
      const handshake = visitorHandshakeSchema.safeParse(socket.handshake.auth);
      if (!handshake.success) {
        // A malformed session token (too long, empty) is as invalid as a forged one: the SDK then starts a new session.
        const badToken = handshake.error.issues.every((issue) => issue.path[0] === 'sessionToken');
        if (badToken) throw new ParleyError('unauthorized', 'The session is invalid or has expired.');
        throw new ParleyError('invalid_payload', 'The widget key is missing or malformed.');
      }
      const widget = await findWidgetByKey(db, handshake.data.widgetKey);
      if (!widget) throw new ParleyError('unknown_widget', 'No widget has this key; check the data-widget-key attribute.');
      // Browsers send Origin on every cross-origin request, but not on a same-origin polling GET: a request
      // without one comes from a page Parley serves itself (the demo shop), so it is checked as that origin.
      // Behind a TLS-terminating proxy the page's scheme is the forwarded one, believed from trusted proxies only.
      const origin = socket.handshake.headers.origin ?? requestOrigin(socket.request, trustProxy);
      // Parley's own origin serves every widget's hosted conversation page (the link in a reply e-mail).
      const allowedOrigins = ownOrigin ? [...widget.allowedOrigins, ownOrigin] : widget.allowedOrigins;
      if (!isOriginAllowed(origin, allowedOrigins, config.allowLocalhostOrigins)) {
        throw new ParleyError('origin_not_allowed', `This widget may not be used on ${origin ?? 'a page without an origin'}.`);
      }
      let contactId: string;
      let sessionToken = handshake.data.sessionToken;
      // The verified contact the presented session was merged into: only an identity token for them continues there.
      let mergedIntoVerified: string | null = null;
      if (sessionToken) {
        const identity = await tokens.verifyVisitor(sessionToken);
        if (identity.widgetId !== widget.id) throw new ParleyError('unauthorized', 'The session belongs to another widget.');
        contactId = identity.contactId;
        const kept = await mergedInto(db, contactId);
        if (kept && !kept.verified) {
          // A contact merged into another since: the session continues as the contact it became.
          contactId = kept.id;
          sessionToken = await tokens.signVisitor({ contactId, widgetId: widget.id });
        } else if (kept) {
          // Never into a person the site verified on the strength of a session token alone (one copied from a shared
          // browser before they signed in there): a new visitor, until an identity token proves who they are.
          mergedIntoVerified = kept.id;
          contactId = randomUUID();
          sessionToken = await tokens.signVisitor({ contactId, widgetId: widget.id });
        }
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
      // Who the site's server says the visitor is, signed: the session continues as that contact, with its history. A
      // token refused leaves the visitor as they were (anonymous visitors keep working); `session:get` says why.
      const identityToken = handshake.data.identity?.token;
      let verification: VisitorSocketData['verification'];
      if (identityToken) {
        try {
          const verified = await verifyVisitor(app, widget, contactId, identityToken, mergedIntoVerified);
          if (verified.contactId !== contactId) {
            contactId = verified.contactId;
            sessionToken = await tokens.signVisitor({ contactId, widgetId: widget.id });
          }
          verification = { verified: true };
        } catch (error) {
          // Nothing about the token keeps the visitor from chatting, a failure of ours included (logged there).
          verification = { verified: false, error: toErrorBody(error, log) };
        }
      }
      socket.data = {
        widget,
        contactId,
        sessionToken,
        visit: visitDetailsOf(handshake.data, socket.handshake.headers),
        // Unsigned details never overwrite what the site's server signed (a refused token signed nothing).
        identity: verification?.verified ? undefined : handshakeIdentityOf(handshake.data.identity, widget.settings.defaultCountry),
        verification,
      };
      next();
    } catch (error) {
      next(connectError(toErrorBody(error, log)));
    }
  });

  realtime.visitors.on('connection', function handleVisitorConnection(socket) {
    const { widget, contactId, visit, identity } = socket.data;
    const visitor: VisitorContext = {
      contactId,
      widgetId: widget.id,
      organizationId: widget.organizationId,
      botEnabled: widget.botEnabled,
      presenceLeaseMs: config.presence.heartbeatMs * PRESENCE_LEASE_BEATS,
      visit,
    };
    void socket.join(contactRoom(contactId));
    // Where the visitor is now, for the contact panel; a new visitor's contact is written with it on their first message.
    recordVisit(db, contactId, visit).catch((error: unknown) => log.warn({ err: error, contactId }, 'Could not record the visit'));
    // Who the page says the visitor is: stored (silently; agents see the contact change), or kept for the first message.
    if (identity) {
      applyIdentity(app, visitor, identity).catch((error: unknown) => log.warn({ err: error, contactId }, 'Could not store the identity'));
    }

    const events = createSocketEvents<VisitorClientEvents, typeof visitorEventSchemas>(
      socket,
      visitorEventSchemas,
      log,
      VISITOR_CONCURRENCY,
    );

    events.on('session:get', async () => {
      await readLimit(`visitor:${contactId}`);
      const conversation = await findVisitorConversation(db, contactId);
      return {
        sessionToken: socket.data.sessionToken,
        visitorId: contactId,
        conversation: conversation ? await withQueueStatus(conversation) : null,
        widget: widget.settings.showAgents
          ? { ...widget.settings, agents: await widgetAgents(db, widget, visitor.presenceLeaseMs, baseUrl) }
          : widget.settings,
        topics: widget.topics,
        ...(!conversation && { preChat: await visitorPreChat(db, widget.settings, visitor) }),
        pastConversations: await countPastConversations(db, contactId, conversation?.id),
        email: app.mailer.enabled,
        ...(socket.data.verification && { identity: socket.data.verification }),
      };
    });

    events.on('message:send', async (payload) => {
      assertMessageLength(payload.body, config.messageMaxLength);
      const resent = await limitSend(db, () => rateLimit(`visitor:${contactId}`), { contactId, clientId: payload.clientId });
      if (resent) return resent;
      const result = await sendVisitorMessage(db, visitor, payload);
      await publishSendResult(realtime, db, app.conversationEffects, result);
      return result.sent;
    });

    events.on('messages:sync', async (payload) => {
      await readLimit(`visitor:${contactId}`);
      const conversation = payload.conversationId
        ? await findOwnConversation(db, contactId, payload.conversationId)
        : await findVisitorConversation(db, contactId);
      if (!conversation) return { messages: [], hasMore: false };
      return listMessages(db, conversation.id, payload, baseUrl);
    });

    events.on('conversations:list', async () => {
      await readLimit(`visitor:${contactId}`);
      return { conversations: await listVisitorConversations(db, contactId) };
    });

    events.on('conversation:close', async () => {
      // A write, counted with the visitor's messages.
      await rateLimit(`visitor:${contactId}`);
      const { conversation, effects, messages } = await closeVisitorConversation(db, visitor);
      await publishConversationChange(realtime, db, app.conversationEffects.perform, conversation, effects, messages);
      return toVisitorConversation(conversation);
    });

    events.on('handoff:request', async (payload) => {
      const { conversation, effects, messages } = await requestHandoff(
        db,
        visitor,
        payload.reason ?? 'The visitor asked for a person.',
        payload,
      );
      await publishConversationChange(realtime, db, app.conversationEffects.perform, conversation, effects, messages);
      return withQueueStatus(conversation);
    });

    events.on('language:set', async ({ language }) => {
      // A write, counted with the visitor's messages (the widget sends it only when the page changes the language).
      await rateLimit(`visitor:${contactId}`);
      // Kept on the socket too: a contact not written yet gets it with the visitor's first message.
      visit.language = language;
      await recordLanguage(db, contactId, language);
      return { language };
    });

    events.on('typing:set', async (payload) => {
      await typingLimit(`visitor:${contactId}`);
      const conversation = await findVisitorConversation(db, contactId);
      if (!conversation) return null;
      realtime.agents.to(organizationRoom(widget.organizationId)).emit('typing:changed', {
        conversationId: conversation.id,
        author: { kind: 'visitor', name: null },
        typing: payload.typing,
      });
      for (const listener of typingListeners) listener(conversation.id, payload.typing);
      return null;
    });

    for (const extend of extensions) extend(socket, events, visitor);
  });
}
