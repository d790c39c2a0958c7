import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { publishConversationChange } from './broadcast.js';
import { sweepInactiveConversations } from './inactivity.js';

/**
 * Runs the inactivity sweep every `PARLEY_SWEEP_INTERVAL_SECONDS` while the app is up. Every process may run it: the
 * state machine under the row lock makes a second sweep of the same conversation a no-op.
 */
export function registerInactivitySweeper(app: FastifyInstance, config: Config): void {
  const { sweepIntervalSeconds, resolveAfterMinutes, closeAfterMinutes } = config.inactivity;
  if (sweepIntervalSeconds === 0) return;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = (async () => {
      try {
        const changed = await sweepInactiveConversations(app.db, { resolveAfterMinutes, closeAfterMinutes, batchSize: 200 });
        for (const { conversation, effects, messages } of changed) {
          await publishConversationChange(app.realtime, app.db, app.conversationEffects.perform, conversation, effects, messages);
        }
      } catch (error) {
        app.log.error({ err: error }, 'inactivity sweep failed');
      } finally {
        running = null;
      }
    })();
  }, sweepIntervalSeconds * 1000);
  // The sweeper alone must not keep the process alive.
  timer.unref();
  app.addHook('onClose', async function stopInactivitySweeper() {
    clearInterval(timer);
    await running;
  });
}
