/**
 * The bot domain: answers conversations in `bot` status (Claude, or the offline answerer), one turn at a time across
 * processes, started and cancelled by the conversations domain's effects; and AI help for agents (summaries and
 * suggested replies over the agent socket, `assist-socket.ts`) with the same model.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createModelImageReader } from '../attachments/model-images.js';
import { registerApprovalRoutes } from './approval-routes.js';
import { registerAssistEvents } from './assist-socket.js';
import type { ChatModel } from './model.js';
import { defaultModelPrices } from './prices.js';
import { createBotRunner, type BotRunner } from './runner.js';
import { registerStrandedTurnResumer } from './stranded-turns.js';

declare module 'fastify' {
  interface FastifyInstance {
    bot: BotRunner;
  }
}

/** Registers the bot. `model` replaces the configured one (benchmarks). */
export const botPlugin = fp<{ model?: ChatModel | undefined }>(
  async function registerBot(app: FastifyInstance, { model }) {
    const runner = createBotRunner({
      db: app.db,
      realtime: app.realtime,
      log: app.log,
      config: app.config,
      model,
      semantic: app.knowledge.semantic,
      perform: app.conversationEffects.perform,
      // Claude reads images; an OpenAI-compatible model only when the operator says it does.
      images: app.config.openaiCompatible?.images === false ? undefined : createModelImageReader(app.db, app.attachments.storage),
      actions: app.botActions,
      configuredMcp: app.configuredMcp,
    });
    app.decorate('bot', runner);
    app.conversationEffects.subscribe(runner.perform);
    app.visitorTypingListeners.push(runner.visitorTyping);
    registerApprovalRoutes(app);
    registerAssistEvents(app, {
      db: app.db,
      log: app.log,
      config: app.config,
      model: runner.model,
      mode: runner.mode,
      prices: { ...defaultModelPrices, ...app.config.modelPrices },
      semantic: app.knowledge.semantic,
    });
    // Turns in flight finish (or are stored as failures) before the database closes.
    app.addHook('onClose', async function waitForBotTurns() {
      runner.dropWaiting();
      await runner.idle();
    });
    // Off with the other background sweeps (PARLEY_SWEEP_INTERVAL_SECONDS=0), for tests that run them by hand.
    if (app.config.inactivity.sweepIntervalSeconds > 0) registerStrandedTurnResumer(app, { exclusive: app.dbHandle.exclusive });
  },
  {
    name: 'parley-bot',
    fastify: '5.x',
    dependencies: [
      'parley-config',
      'parley-db',
      'parley-io',
      'parley-conversations',
      'parley-attachments',
      'parley-knowledge',
      'parley-bot-actions',
    ],
  },
);
