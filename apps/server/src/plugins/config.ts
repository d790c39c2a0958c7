import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's settings, parsed from the environment once (see `loadConfig`). */
    config: Config;
  }
}

/** Decorates the app with its configuration, for every domain plugin to read. */
export const configPlugin = fp<{ config: Config }>(
  async function registerConfig(app: FastifyInstance, { config }) {
    app.decorate('config', config);
  },
  { name: 'parley-config', fastify: '5.x' },
);
