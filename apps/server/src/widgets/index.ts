/**
 * The widgets domain: a widget's public settings for the loader and the chat (`GET /api/widgets/:publicKey/settings`),
 * and the admins' settings (`GET /api/widgets`, `PATCH /api/widgets/:widgetId`, in `admin-routes.ts`). The widget rows
 * themselves, and their bot configuration, are read by the conversations and bot domains.
 * @module
 */
import { errorBodySchema, ParleyError, widgetKeyParamsSchema, widgetPublicSettingsSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicBaseUrl } from '../config.js';
import { PRESENCE_LEASE_BEATS } from '../conversations/agent-availability.js';
import { registerWidgetAdminRoutes } from './admin-routes.js';
import { widgetPublicSettingsExample } from './api-examples.js';
import { widgetAgents } from './agents.js';
import { registerChatPage } from './chat-page.js';
import { findWidgetByKey } from './service.js';

/**
 * Settings change rarely and every page view of every site may ask: browsers and CDNs keep an answer this long, so a
 * visitor's next pages ask nothing. A changed title or color shows within five minutes.
 */
const SETTINGS_CACHE_CONTROL = 'public, max-age=300';

/**
 * Registers the widgets domain in two scopes: the public routes answer any site (`Access-Control-Allow-Origin: *`),
 * the admins' are the console's own and must not.
 */
export async function widgetsPlugin(app: FastifyInstance) {
  await app.register(publicWidgetRoutes);
  registerWidgetAdminRoutes(app);
}

/**
 * The widget's public REST API, `GET /api/widgets/:publicKey/settings`: what the script-tag loader and the widget need
 * to draw the launcher and the panel before (and without) opening a socket. Anyone may read it from any site, as they
 * may read the key from a page's script tag; the origin allowlist guards the conversation, not the widget's looks.
 * The hosted chat page (`/chat/:publicKey`) shares the scope.
 */
async function publicWidgetRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const leaseMs = app.config.presence.heartbeatMs * PRESENCE_LEASE_BEATS;
  const baseUrl = publicBaseUrl(app.config);
  // On every answer of this scope, errors included, so a page's script can read why it failed.
  api.addHook('onRequest', function allowAnyOrigin(_request, reply, done) {
    reply.header('access-control-allow-origin', '*');
    done();
  });

  api.get(
    '/api/widgets/:publicKey/settings',
    {
      config: { public: true, example: { response: widgetPublicSettingsExample } },
      schema: {
        params: widgetKeyParamsSchema,
        response: { 200: widgetPublicSettingsSchema, 404: z.object({ error: errorBodySchema }) },
      },
    },
    async function widgetSettingsRoute(request, reply) {
      const widget = await findWidgetByKey(app.db, request.params.publicKey);
      // 404, not the 401 `unknown_widget` carries on a socket: nothing here needs authentication, the resource is absent.
      if (!widget) return reply.status(404).send({ error: new ParleyError('unknown_widget').toBody() });
      reply.header('cache-control', SETTINGS_CACHE_CONTROL);
      // Who is online changes faster than the cache: the agents shown may be up to five minutes old, which is harmless.
      if (!widget.settings.showAgents) return widget.settings;
      return { ...widget.settings, agents: await widgetAgents(app.db, widget, leaseMs, baseUrl) };
    },
  );

  registerChatPage(app);
}
