import { isUtf8 } from 'node:buffer';
import { ParleyError } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Parses JSON bodies from bytes, refusing any that are not valid UTF-8. Decoding them as a string would turn each bad
 * byte into U+FFFD silently, and the altered text would be stored as if the client had sent it.
 */
export const jsonBodyPlugin = fp(
  async function registerJsonBody(app: FastifyInstance) {
    // Fastify's own parser: secure-json-parse, refusing __proto__ and constructor.prototype keys.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function parseJsonBody(request, body, done) {
      const bytes = body as Buffer;
      if (!isUtf8(bytes)) {
        done(new ParleyError('invalid_payload', 'The request body is not valid UTF-8.'), undefined);
        return;
      }
      parseJson(request, bytes.toString('utf8'), done);
    });
  },
  { name: 'parley-json-body', fastify: '5.x' },
);
