/**
 * Bot actions: HTTP calls an admin declares (`/api/bot/actions`) and the tools of MCP servers an admin adds
 * (`/api/bot/mcp-servers`), which the bot may call. This domain stores and checks them and runs one (`run-action.ts`,
 * `mcp-client.ts`); the bot domain offers the enabled ones to the model each turn.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { publicBaseUrl } from '../config.js';
import { createOutboundFetch } from '../plugins/outbound.js';
import { createSecretBox } from '../plugins/sealed-secrets.js';
import { registerMcpServerRoutes } from './mcp-routes.js';
import { registerBotActionRoutes } from './routes.js';
import { createConfiguredMcp, type ConfiguredMcp } from './configured-mcp.js';
import type { ActionRunner } from './run-action.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What running an action needs (the bot's turns use it). */
    botActions: ActionRunner;
    /** The MCP servers of the server's configuration file (`PARLEY_MCP_CONFIG`). */
    configuredMcp: ConfiguredMcp;
  }
}

/** Options of {@link botActionsPlugin}. */
export interface BotActionsPluginOptions {
  /** The app's secret, which the actions' secrets are sealed under. */
  secret: string;
}

/** Registers the routes and the runner of actions. */
export const botActionsPlugin = fp(
  async function registerBotActions(app: FastifyInstance, options: BotActionsPluginOptions) {
    const secrets = createSecretBox(options.secret, 'bot-action-secret');
    // Redirects are not followed: an action is named by its final address, and a redirect could lead anywhere.
    // Parley's own addresses are reached as any public one: the demo shop's actions call its order endpoint there.
    const { port } = app.config;
    const fetch = createOutboundFetch({
      allow: app.config.outbound.allow,
      maxRedirects: 0,
      userAgent: 'Parley-Actions/1.0',
      ownOrigins: [new URL(publicBaseUrl(app.config)).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`],
    });
    const runner: ActionRunner = { fetch, secrets };
    app.decorate('botActions', runner);
    app.decorate('configuredMcp', createConfiguredMcp(app.config.mcpServers, runner, app.log));
    registerBotActionRoutes(app, secrets);
    registerMcpServerRoutes(app, runner, app.configuredMcp);
    app.addHook('onClose', async function closeActionConnections() {
      await fetch.close();
    });
  },
  { name: 'parley-bot-actions', fastify: '5.x', dependencies: ['parley-config', 'parley-db', 'parley-auth'] },
);
