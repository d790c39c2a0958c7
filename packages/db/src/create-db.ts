import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir, type DataDirOpener } from './data-dir-lock.js';
import * as schema from './schema/index.js';

/** The Drizzle schema, for relational queries. */
export type Schema = typeof schema;

/** A Drizzle database over either driver; code written against it runs on PGlite and on Postgres alike. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction handle, as passed to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Options of {@link createDb}. */
export interface CreateDbOptions {
  /** A `postgres://` URL. When set, Parley uses postgres.js; otherwise the embedded PGlite. */
  url?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). Ignored when `url` is set. */
  dataDir?: string | undefined;
  /** Pool size for postgres.js. */
  maxConnections?: number | undefined;
  /**
   * Loads pgvector into the embedded database. Off by default, and the server never turns it on: with
   * `@electric-sql/pglite-pgvector` 0.0.15 on PGlite 0.5.16, merely loading it makes a search after `VACUUM` hang
   * (reproduced here). Tests use it to check the semantic-search SQL against pgvector itself. On Postgres the `vector`
   * extension is the server's to install.
   */
  vector?: boolean | undefined;
  /**
   * Who is opening the embedded data folder (command, port), recorded beside its lock so that a second process that
   * is refused can say who holds it. Ignored for `memory://` and when `url` is set.
   */
  openedBy?: DataDirOpener | undefined;
}

/** An open database connection. */
export interface DbHandle {
  db: Database;
  /** Which engine is behind `db`. */
  driver: 'pglite' | 'postgres';
  /** Applies the committed migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query, rejects otherwise. */
  ping(): Promise<void>;
  /**
   * True when no other process can use this database while the handle is open: an embedded folder, held under its
   * lock. Whatever a claim in it says, no other process holds it.
   */
  exclusive: boolean;
  /**
   * Calls `onNotify` on each `pg_notify(channel, …)` committed by any process on this database (Postgres' LISTEN; on
   * the embedded database, this process's). Resolves with a function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Closes the connection; for an embedded folder, then releases its lock. */
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

// Any constant works; it only has to be the same in every Parley process.
const MIGRATION_LOCK_ID = 7_161_757_113;

/**
 * Opens Parley's database: postgres.js when `url` is given, the embedded PGlite otherwise. An embedded folder is
 * locked first ({@link lockDataDir}), since PGlite serves one process only; a folder another process holds throws
 * `DataDirLockedError`.
 *
 * @example
 * ```ts
 * const handle = await createDb({ url: process.env.DATABASE_URL, dataDir: '.parley/db' })
 * await handle.migrate()
 * ```
 */
export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  if (options.url) return openPostgres(options.url, options.maxConnections ?? 10);
  return openPglite(options.dataDir ?? 'memory://', options.vector ?? false, options.openedBy);
}

async function openPglite(dataDir: string, withVector: boolean, openedBy: DataDirOpener | undefined): Promise<DbHandle> {
  // Two PGlite instances on one folder each keep their own view of it and overwrite each other's pages: the lock
  // comes before the folder is opened, and goes only after it is closed.
  const lock = dataDir.startsWith('memory://') ? null : await lockDataDir(dataDir, { openedBy });
  let client: PGlite;
  try {
    // pg_trgm and fuzzystrmatch back the knowledge base's typo-tolerant search; Postgres ships both in contrib.
    client = await PGlite.create(dataDir, { extensions: withVector ? { pg_trgm, fuzzystrmatch, vector } : { pg_trgm, fuzzystrmatch } });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    exclusive: lock !== null,
    // The folder lock makes this the only process on it, so migrations need no lock of their own.
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    ping: async () => {
      await client.query('select 1');
    },
    listen: async (channel, onNotify) => {
      const stop = await client.listen(channel, () => onNotify());
      return () => stop();
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

async function openPostgres(url: string, max: number): Promise<DbHandle> {
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema, casing: 'snake_case' }) as unknown as Database;
  return {
    db,
    driver: 'postgres',
    exclusive: false,
    migrate: async () => {
      // Several server processes may start together: an advisory lock lets one migrate while the others wait.
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        // The lock is held by the reserved connection; the migration itself may run on any pooled one.
        await migratePostgres(db as never, { migrationsFolder });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        reserved.release();
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    // postgres.js listens on a connection of its own, outside the pool, and listens again after a reconnect.
    listen: async (channel, onNotify) => {
      const { unlisten } = await client.listen(channel, () => onNotify());
      return unlisten;
    },
    close: () => client.end({ timeout: 5 }),
  };
}
