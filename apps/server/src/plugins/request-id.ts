import { randomUUID } from 'node:crypto';
import type { FastifyInstance, RawRequestDefaultExpression } from 'fastify';
import fp from 'fastify-plugin';

/** The header that carries a request's id, both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';

// What a caller may send as its own id: short and plain, so that it can't forge log lines or headers.
const CALLER_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is a plain token (a proxy or an integration tracing its own
 * calls), else a random UUID. The id is in every log line of the request (`reqId`).
 */
export function requestIdOf(request: RawRequestDefaultExpression): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Sends each request's id back as `X-Request-Id`, so that a caller can quote it when reporting a problem. */
export const requestIdPlugin = fp(
  async function registerRequestId(app: FastifyInstance) {
    app.addHook('onRequest', async function sendRequestId(request, reply) {
      reply.header(REQUEST_ID_HEADER, request.id);
    });
  },
  { name: 'parley-request-id', fastify: '5.x' },
);
