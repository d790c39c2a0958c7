/**
 * Evals: `parley eval` runs scenarios (`scenario.ts`) against the real server code in a sandbox database
 * (`sandbox.ts`, `run-eval.ts`), checks them (`expectations.ts`), reports pass^k (`report.ts`) and stores the reports
 * (`runs.ts`), which this plugin serves to admins (`/api/bot/eval-runs`).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerEvalRunRoutes } from './routes.js';

/** Registers the routes of stored evals. */
export const evalsPlugin = fp(
  async function registerEvals(app: FastifyInstance) {
    registerEvalRunRoutes(app);
  },
  { name: 'parley-evals', fastify: '5.x', dependencies: ['parley-db', 'parley-auth'] },
);
