/**
 * `@parley/db`: the Drizzle schema, the committed migrations, {@link createDb}, and the embedded folder's lock.
 * @module
 */
export * from './create-db.js';
export * from './data-dir-lock.js';
export * from './raw-sql.js';
export * from './schema/index.js';
