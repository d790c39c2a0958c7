/**
 * `@parley/protocol`: the single source of truth for what crosses the wire between Parley's server, SDK, widget and
 * console. Zod schemas, the types inferred from them, and the error table.
 * @module
 */
export * from './ack.js';
export * from './business-hours.js';
export * from './citation.js';
export * from './constants.js';
export * from './errors.js';
export * from './events/index.js';
export * from './knowledge-formats.js';
export * from './models.js';
export * from './parse.js';
export * from './rest/index.js';
export * from './roles.js';
export * from './saved-reply-text.js';
export * from './system-event.js';
export * from './ticket.js';
export * from './attachment.js';
export * from './proactive.js';
export * from './typing-timings.js';
export * from './url-pattern.js';
export * from './topic.js';
