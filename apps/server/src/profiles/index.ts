/**
 * Bot profiles: an organization's named bots (persona, model, instructions, knowledge scope, tools, handoff rules),
 * which widgets and teams choose. This domain stores them (`/api/bot/profiles`) and says which bot answers a
 * conversation (`conversation-bot.ts`); the bot domain runs turns with it.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerBotProfileRoutes } from './routes.js';

/** Registers the routes of bot profiles. */
export const botProfilesPlugin = fp(
  async function registerBotProfiles(app: FastifyInstance) {
    registerBotProfileRoutes(app);
  },
  { name: 'parley-bot-profiles', fastify: '5.x', dependencies: ['parley-db', 'parley-auth', 'parley-bot-actions'] },
);
