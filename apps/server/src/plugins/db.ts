import type { Database, DbHandle } from '@parley/db';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    dbHandle: DbHandle;
  }
}

/** Decorates the app with the database. The caller owns the handle and closes it. */
export const dbPlugin = fp<{ handle: DbHandle }>(
  async function registerDb(app, { handle }) {
    app.decorate('dbHandle', handle);
    app.decorate('db', handle.db);
  },
  { name: 'parley-db', fastify: '5.x' },
);
