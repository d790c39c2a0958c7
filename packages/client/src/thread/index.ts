/**
 * `@parley/client/thread`: the pure pieces of a chat UI that the visitor SDK and the agent console share, so the two
 * cannot drift: a conversation's messages ordered by `seq` with pending sends and the bot's streaming replies
 * ({@link MessageThread}), the bot's drafts on their own ({@link BotDraft}), and the typing throttle with its timings.
 * No socket and no schema: importing it pulls in neither socket.io-client nor zod.
 *
 * @example
 * ```ts
 * import { emptyThread, mergeMessages, startBotReply, syncedSeq } from '@parley/client/thread'
 *
 * let thread = mergeMessages(emptyThread, page.messages)
 * socket.on('bot:reply-start', (start) => (thread = startBotReply(thread, start)))
 * const afterSeq = syncedSeq(thread)
 * ```
 * @module
 */
export { appendBotDraft, endBotDraft, retainBotDrafts, startBotDraft } from './bot-draft.js';
export type { BotDraft, IsStored } from './bot-draft.js';
export {
  addMessages,
  addPending,
  appendBotReply,
  confirmPending,
  discardPending,
  dropStreamingBotReplies,
  emptyThread,
  endBotReply,
  failPending,
  hasGap,
  loadMessages,
  mergeMessages,
  mergeSentMessage,
  retryPending,
  skipGaps,
  startBotReply,
  syncedSeq,
} from './message-thread.js';
export type { MessageThread, PendingMessage } from './message-thread.js';
export { createTypingNotifier, TYPING_EXPIRY_MS, TYPING_IDLE_MS, TYPING_REPEAT_MS } from './typing-notifier.js';
export type { TypingNotifier, TypingNotifierOptions } from './typing-notifier.js';
