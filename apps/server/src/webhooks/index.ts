/**
 * Webhooks: organizations subscribe a URL to events; each event is written to an outbox in the transaction of the
 * change it reports (`recordWebhookEvent`) and sent, signed, by whichever process claims it (`dispatcher.ts`). See
 * docs/webhooks.md.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { organizationAdminsRoom } from '../plugins/io.js';
import { createOutboundFetch } from '../plugins/outbound.js';
import { createSecretBox } from '../plugins/sealed-secrets.js';
import { createWebhookDispatcher, type WebhookDispatcher } from './dispatcher.js';
import { WEBHOOK_CHANNEL } from './record-event.js';
import { registerWebhookRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's webhook sender; tests, whose background work is off, call `webhooks.runDue()`. */
    webhooks: WebhookDispatcher;
  }
}

/** Options of {@link webhooksPlugin}. */
export interface WebhooksPluginOptions {
  /** The app's secret, which the subscriptions' signing secrets are sealed under. */
  secret: string;
}

/**
 * Registers the webhook routes and this process's dispatcher, which starts once the app is ready (woken by each commit
 * with deliveries, and polling every `PARLEY_JOBS_POLL_MS`), unless the background sweeps are off (tests).
 */
export const webhooksPlugin = fp(
  async function registerWebhooks(app: FastifyInstance, options: WebhooksPluginOptions) {
    const secrets = createSecretBox(options.secret, 'webhook-secret');
    // Redirects are not followed: a receiver is named by its final address, and a redirect could lead anywhere.
    const fetch = createOutboundFetch({ allow: app.config.outbound.allow, maxRedirects: 0, userAgent: 'Parley-Webhooks/1.0' });
    const dispatcher = createWebhookDispatcher({
      db: app.db,
      log: app.log.child({ module: 'webhooks' }),
      secrets,
      fetch,
      settings: app.config.webhooks,
      // Any process's commit with new deliveries wakes every dispatcher at once.
      listen: (onNotify) => app.dbHandle.listen(WEBHOOK_CHANNEL, onNotify),
      onPaused(subscription, organizationId) {
        app.realtime.agents.to(organizationAdminsRoom(organizationId)).emit('webhook:paused', subscription);
      },
    });
    app.decorate('webhooks', dispatcher);
    registerWebhookRoutes(app, secrets);
    app.addHook('onReady', async function startWebhookDispatcher() {
      if (app.config.inactivity.sweepIntervalSeconds > 0) await dispatcher.start(app.config.jobs.pollMs);
    });
    app.addHook('onClose', async function stopWebhookDispatcher() {
      await dispatcher.close();
      await fetch.close();
    });
  },
  { name: 'parley-webhooks', fastify: '5.x', dependencies: ['parley-config', 'parley-db', 'parley-io', 'parley-auth'] },
);
