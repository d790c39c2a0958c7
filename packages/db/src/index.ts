/**
 * `@parley/db`: the Drizzle schema, the committed migrations, and {@link createDb}.
 * @module
 */
export * from './create-db.js';
export * from './raw-sql.js';
export * from './schema/index.js';
