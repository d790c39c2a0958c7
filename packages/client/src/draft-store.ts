/**
 * The bot's replies while they stream in (`bot:reply-start`, `bot:reply-delta`, `bot:reply-end`), until the stored
 * message replaces them.
 * @module
 */
import type { BotReplyDelta, BotReplyEnd, BotReplyStart } from '@parley/protocol';

/**
 * A bot reply still being written. Its `messageId` is the id the stored message will have; when that message becomes
 * visible in `messages`, the draft goes away, so a reply is never shown twice.
 *
 * @example
 * ```ts
 * client.on('draft', (drafts) => {
 *   for (const draft of drafts) showTyping(draft.messageId, `${draft.author.name}: ${draft.text}`, draft.streaming)
 * })
 * ```
 */
export interface BotDraft {
  /** The id the stored message will have. */
  readonly messageId: string;
  readonly conversationId: string;
  /** The bot, with the name to show. */
  readonly author: BotReplyStart['author'];
  /** The text so far: every delta received, in order. */
  readonly text: string;
  /** When the reply started (ISO 8601). */
  readonly createdAt: string;
  /** True until the reply ended; a draft that ended `complete` holds the final text and waits for its message. */
  readonly streaming: boolean;
}

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

  function update(messageId: string, change: (draft: BotDraft) => BotDraft | null): boolean {
    const draft = drafts.find((held) => held.messageId === messageId);
    const next = draft && change(draft);
    if (!draft || next === draft) return false;
    drafts = drafts.flatMap((held) => (held === draft ? (next ? [next] : []) : [held]));
    return true;
  }

  return {
    get drafts() {
      return drafts;
    },
    start({ conversationId, messageId, author, createdAt }) {
      if (isStored(messageId) || drafts.some((held) => held.messageId === messageId)) return false;
      drafts = [...drafts, { messageId, conversationId, author, text: '', createdAt, streaming: true }];
      return true;
    },
    delta({ messageId, delta }) {
      return update(messageId, (draft) => (draft.streaming ? { ...draft, text: draft.text + delta } : draft));
    },
    end({ messageId, status }) {
      return update(messageId, (draft) =>
        status !== 'complete' || isStored(messageId) ? null : draft.streaming ? { ...draft, streaming: false } : draft,
      );
    },
    retain(keep) {
      const next = drafts.filter(keep);
      if (next.length === drafts.length) return false;
      drafts = next;
      return true;
    },
  };
}
