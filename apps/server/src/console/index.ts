/**
 * Features of the agents' console that are not a conversation's own: saved replies (`/api/saved-replies`) so far.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerSavedReplyRoutes } from './saved-replies.js';

/** Registers the console features domain. */
export const consoleFeaturesPlugin = fp(
  async function registerConsoleFeatures(app: FastifyInstance) {
    registerSavedReplyRoutes(app);
  },
  { name: 'parley-console-features', fastify: '5.x', dependencies: ['parley-db', 'parley-auth'] },
);
