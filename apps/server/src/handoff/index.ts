/**
 * The handoff domain: how a conversation passes between the bot, the queue and people (presence, routing, the
 * visitor-facing system messages). It builds on the conversations domain and subscribes to its effects.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { PRESENCE_LEASE_BEATS } from '../conversations/agent-availability.js';
import { registerPresence } from './presence.js';
import { registerEmail } from './email.js';
import { registerFollowUp } from './follow-up.js';
import { registerPeopleRoutes } from './people.js';
import { registerQueueUpdates } from './queue-updates.js';
import { registerRouting } from './routing.js';
import { registerRoutingSettings } from './routing-settings.js';
import { registerSatisfaction } from './satisfaction.js';
import { registerTeamRoutes } from './teams.js';
import { registerTickets } from './tickets.js';

/** Registers the handoff domain. */
export const handoffPlugin = fp(
  async function registerHandoff(app: FastifyInstance) {
    // Each part of the domain registers here.
    const { presence } = app.config;
    const route = registerRouting(app, { leaseMs: presence.heartbeatMs * PRESENCE_LEASE_BEATS });
    registerPresence(app, presence, route);
    registerTeamRoutes(app, route);
    registerRoutingSettings(app, route);
    registerPeopleRoutes(app);
    registerQueueUpdates(app);
    registerSatisfaction(app);
    registerFollowUp(app);
    registerTickets(app);
    registerEmail(app);
  },
  {
    name: 'parley-handoff',
    fastify: '5.x',
    dependencies: ['parley-config', 'parley-db', 'parley-io', 'parley-jobs', 'parley-mailer', 'parley-auth', 'parley-conversations'],
  },
);
