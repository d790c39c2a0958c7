import type { FastifyInstance } from 'fastify';
import { STRANDED_CHECK_MS } from './turn-claim.js';

/**
 * Resumes bot turns stranded by a crashed process: once when the server is ready (a restarted process picks up what it
 * left), then every {@link STRANDED_CHECK_MS}. Every process may run it: the turn's claim lets only one answer. On a
 * database no other process can use (`exclusive`: the embedded one), every claim found at start is a dead process's,
 * and is resumed at once instead of after its lease.
 */
export function registerStrandedTurnResumer(app: FastifyInstance, options: { exclusive: boolean }): void {
  let running: Promise<void> | null = null;
  function run(resume: () => Promise<number>) {
    if (running) return;
    running = resume()
      .then(() => undefined)
      .catch((error: unknown) => app.log.error({ err: error }, 'resuming stranded bot turns failed'))
      .finally(() => {
        running = null;
      });
  }
  const timer = setInterval(() => run(() => app.bot.resumeStranded()), STRANDED_CHECK_MS);
  // The check alone must not keep the process alive.
  timer.unref();
  app.addHook('onReady', async function resumeStrandedTurnsAtStart() {
    run(() => (options.exclusive ? app.bot.resumeAfterRestart() : app.bot.resumeStranded()));
  });
  app.addHook('onClose', async function stopStrandedTurnResumer() {
    clearInterval(timer);
    await running;
  });
}
