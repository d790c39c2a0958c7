export * from './auth.js';
export * from './conversations.js';
export * from './health.js';
export * from './knowledge.js';
export * from './presence.js';
export * from './routing.js';
export * from './teams.js';
export * from './widgets.js';
