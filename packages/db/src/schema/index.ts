export * from './bot.js';
export * from './contacts.js';
export * from './conversations.js';
export * from './knowledge.js';
export * from './messages.js';
export * from './organizations.js';
export * from './presence.js';
export * from './widgets.js';
