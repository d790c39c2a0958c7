import type { FastifyInstance } from 'fastify';
import { STRANDED_CHECK_MS } from './runner.js';

/**
 * Resumes bot turns stranded by a crashed process: once when the server is ready (a restarted process picks up what it
 * left), then every {@link STRANDED_CHECK_MS}. Every process may run it: the turn's claim lets only one answer.
 */
export function registerStrandedTurnResumer(app: FastifyInstance): void {
  let running: Promise<void> | null = null;
  function check() {
    if (running) return;
    running = app.bot
      .resumeStranded()
      .then(() => undefined)
      .catch((error: unknown) => app.log.error({ err: error }, 'resuming stranded bot turns failed'))
      .finally(() => {
        running = null;
      });
  }
  const timer = setInterval(check, STRANDED_CHECK_MS);
  // The check alone must not keep the process alive.
  timer.unref();
  app.addHook('onReady', async function resumeStrandedTurnsAtStart() {
    check();
  });
  app.addHook('onClose', async function stopStrandedTurnResumer() {
    clearInterval(timer);
    await running;
  });
}
