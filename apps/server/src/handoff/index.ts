/**
 * The handoff domain: how a conversation passes between the bot, the queue and people (presence, routing, the
 * visitor-facing system messages). It builds on the conversations domain and subscribes to its effects.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerPresence } from './presence.js';

/** Registers the handoff domain. */
export const handoffPlugin = fp(
  async function registerHandoff(app: FastifyInstance) {
    // Each part of the domain registers here.
    registerPresence(app, app.config.presence);
  },
  { name: 'parley-handoff', fastify: '5.x', dependencies: ['parley-config', 'parley-db', 'parley-io', 'parley-conversations'] },
);
