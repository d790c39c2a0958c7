import { ParleyError } from '@parley/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { REQUEST_ID_HEADER } from './request-id.js';
import { bareApiHeaders } from './security-headers.js';

/**
 * Maps every error to the protocol's error body: ParleyErrors as they are, schema failures as `invalid_payload`,
 * anything else as `internal_error` (logged, never sent with its stack).
 */
export const errorsPlugin = fp(
  async function registerErrors(app: FastifyInstance) {
    app.setErrorHandler(function handleError(error: FastifyError, request, reply) {
      if (ParleyError.isInstance(error)) {
        return reply.status(error.status).send({ error: error.toBody() });
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const issues = error.validation.map((issue) => ({
          path: `${error.validationContext ?? ''}${issue.instancePath.replaceAll('/', '.')}`,
          message: issue.message ?? 'Invalid value.',
        }));
        return reply.status(400).send({ error: new ParleyError('invalid_payload', undefined, { issues }).toBody() });
      }
      // Fastify's own client errors (malformed JSON, body too large, wrong content type).
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        const code = error.statusCode === 429 ? 'rate_limited' : 'invalid_payload';
        return reply.status(error.statusCode === 429 ? 429 : 400).send({ error: new ParleyError(code, error.message).toBody() });
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send({ error: new ParleyError('internal_error').toBody() });
    });
    app.setNotFoundHandler(function handleNotFound(_request, reply) {
      return reply.status(404).send({ error: new ParleyError('not_found').toBody() });
    });
  },
  { name: 'parley-errors', fastify: '5.x' },
);

/**
 * Fastify's `frameworkErrors`: a URL it cannot route (a path parameter over `maxParamLength`, a malformed percent
 * escape) gets the protocol's error body, not Fastify's own, which echoes the URL back.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path segment of the URL is too long.' : 'The URL is not valid.';
  // Fastify calls this before any hook, helmet's included: the API's security headers are set here.
  return reply
    .status(400)
    .headers(bareApiHeaders)
    .header(REQUEST_ID_HEADER, request.id)
    .send({ error: new ParleyError('invalid_payload', message).toBody() });
}
