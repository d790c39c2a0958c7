/**
 * The bot's replies while they stream in (`bot:reply-start`, `bot:reply-delta`, `bot:reply-end`), until the stored
 * message replaces them: a stateful wrapper around the pure draft functions the console also uses.
 * @module
 */
import type { BotReplyDelta, BotReplyEnd, BotReplyStart } from '@parley/protocol';
import { appendBotDraft, endBotDraft, retainBotDrafts, startBotDraft, type BotDraft } from './thread/bot-draft.js';

export type { BotDraft } from './thread/bot-draft.js';

/** The drafts of a visitor's conversation. Every method returns whether `drafts` changed. */
export interface DraftStore {
  /** The drafts, oldest first. The same array until the next change. */
  readonly drafts: readonly BotDraft[];
  /** Starts a draft, unless it exists or its message is already stored. */
  start(start: BotReplyStart): boolean;
  /** Appends text to a streaming draft; text for a draft never started (e.g. joined mid-stream) is ignored. */
  delta(delta: BotReplyDelta): boolean;
  /**
   * Ends a draft. `cancelled` and `failed` drop it (nothing was stored); `complete` drops it when its message is
   * stored, else keeps its final text until the message arrives.
   */
  end(end: BotReplyEnd): boolean;
  /** Keeps only the drafts `keep` accepts. */
  retain(keep: (draft: BotDraft) => boolean): boolean;
}

/**
 * Creates an empty {@link DraftStore}. `isStored` tells whether the message with an id is visible already.
 *
 * @example
 * ```ts
 * const drafts = createDraftStore((id) => store.messages.some((message) => message.id === id))
 * socket.on('bot:reply-delta', (delta) => drafts.delta(delta) && render(drafts.drafts))
 * ```
 */
export function createDraftStore(isStored: (messageId: string) => boolean): DraftStore {
  // Replaced, never mutated, on every change: the UI compares arrays and drafts by identity.
  let drafts: readonly BotDraft[] = [];

  function apply(next: readonly BotDraft[]): boolean {
    if (next === drafts) return false;
    drafts = next;
    return true;
  }

  return {
    get drafts() {
      return drafts;
    },
    start: (start) => apply(startBotDraft(drafts, start, isStored)),
    delta: (delta) => apply(appendBotDraft(drafts, delta)),
    end: (end) => apply(endBotDraft(drafts, end, isStored)),
    retain: (keep) => apply(retainBotDrafts(drafts, keep)),
  };
}
