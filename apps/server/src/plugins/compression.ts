/**
 * Compressed answers for clients that accept them: brotli, else gzip, through `@fastify/compress`.
 * @module
 */
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Below this many bytes an answer goes out as it is: the compressed form would save less than a packet, and a JSON
 * body this small (an ack, a settings object) often gets no smaller at all.
 */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Compresses every route's answer registered after it (register it before the routes: `@fastify/compress` adds its
 * hook to each route as the route is added). Static files come precompressed from the build (`.br`/`.gz` beside each,
 * served by `@fastify/static`'s `preCompressed`); those answers already carry a Content-Encoding and pass through
 * untouched. Socket.IO never passes here: engine.io answers its own requests and compresses polling itself.
 */
export const compressionPlugin = fp(
  async function registerCompression(app: FastifyInstance) {
    await app.register(compress, {
      // Browsers accept both; deflate and zstd would add code paths for no browser that lacks brotli or gzip.
      encodings: ['br', 'gzip'],
      threshold: COMPRESSION_THRESHOLD_BYTES,
      // Compressed request bodies are not part of Parley's API: accepting them would let a small upload inflate past
      // the body limit's intent before the JSON parser sees it.
      globalDecompression: false,
    });
  },
  { name: 'parley-compression', fastify: '5.x' },
);
