/**
 * `/api/bot/eval-runs` for admins: the stored results of `parley eval`, listed, and one with its transcripts.
 * @module
 */
import { evalRunListSchema, evalRunParamsSchema, evalRunSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import { evalRunExample, evalRunListExample } from './api-examples.js';
import { getEvalRun, listEvalRuns } from './runs.js';

/** Registers the routes. */
export function registerEvalRunRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Transcripts hold what visitors of the scenarios said and what the bot's tools answered: the bot's admins only.
  const preValidation = [app.authenticate, requireAdmin("read the bot's scenario runs")];

  api.get(
    '/api/bot/eval-runs',
    {
      config: { scope: 'widgets:write', example: { response: evalRunListExample } },
      preValidation,
      schema: { response: { 200: evalRunListSchema } },
    },
    async function listEvalRunsRoute(request) {
      return { runs: await listEvalRuns(app.db, organizationIdOf(request)) };
    },
  );

  api.get(
    '/api/bot/eval-runs/:evalRunId',
    {
      config: { scope: 'widgets:write', example: { response: evalRunExample } },
      preValidation,
      schema: { params: evalRunParamsSchema, response: { 200: evalRunSchema } },
    },
    async function getEvalRunRoute(request) {
      return getEvalRun(app.db, organizationIdOf(request), request.params.evalRunId);
    },
  );
}
