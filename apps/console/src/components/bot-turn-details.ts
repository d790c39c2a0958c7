/**
 * The transcript's details of the bot's turns, loaded together in one chunk by message-list.tsx when first shown: its
 * tool calls (tool-call-details.tsx), the card of an action waiting for a decision (pending-action-card.tsx) and how a
 * bot message was produced (bot-reply-details.tsx: model, profile, passages). One
 * chunk rather than two: a chunk of its own for the tool calls made Rolldown move Preact's JSX runtime out of the
 * console's entry chunk into a shared one that every console load then fetched too (see vite.config.ts).
 * @module
 */
export { BotReplyDetails } from './bot-reply-details.js';
export { PendingActionCard } from './pending-action-card.js';
export { ToolCallList } from './tool-call-details.js';
