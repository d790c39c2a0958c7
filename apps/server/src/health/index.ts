import { healthSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** `/healthz`: the process answers. `/readyz`: the database answers too (503 otherwise). */
export async function healthRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/healthz',
    { config: { public: true, example: { response: { status: 'ok' } } }, schema: { response: { 200: healthSchema } } },
    async function healthz() {
      return { status: 'ok' as const };
    },
  );
  api.get(
    '/readyz',
    {
      config: { public: true, example: { response: { status: 'ok', database: 'ok' } } },
      schema: { response: { 200: healthSchema, 503: healthSchema } },
    },
    async function readyz(request, reply) {
      try {
        await app.dbHandle.ping();
        return { status: 'ok' as const, database: 'ok' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'database is not answering');
        return reply.status(503).send({ status: 'unavailable', database: 'unavailable' });
      }
    },
  );
}
