/**
 * The bot's replies while they stream in (`bot:reply-start`, `bot:reply-delta`, `bot:reply-end`), until the stored
 * message with the same id replaces them: pure functions over an immutable list of {@link BotDraft}s.
 * @module
 */
import type { BotReplyDelta, BotReplyEnd, BotReplyStart } from '@parley/protocol';

/**
 * A bot reply still being written. Its `messageId` is the id the stored message will have; when that message is
 * stored, the draft goes away, so a reply is never shown twice.
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
  /**
   * True while deltas arrive. False once `bot:reply-end` said `complete` but the stored message has not arrived yet:
   * the text is final, so it stays on screen rather than blinking out until the stored copy lands.
   */
  readonly streaming: boolean;
}

/**
 * Applies `change` to the draft of `messageId`: a new draft replaces it, null removes it, the same draft (or no draft
 * to change) leaves the list as it is. Plain `find`/`flatMap` rather than ES2023's `with`/`toSpliced`: the SDK runs in
 * visitors' browsers (Safari 16+ for those).
 */
function updateDraft(drafts: readonly BotDraft[], messageId: string, change: (draft: BotDraft) => BotDraft | null): readonly BotDraft[] {
  const draft = drafts.find((held) => held.messageId === messageId);
  const next = draft && change(draft);
  if (!draft || next === draft) return drafts;
  return drafts.flatMap((held) => (held === draft ? (next ? [next] : []) : [held]));
}

/** Tells whether the message with this id is stored (shown) already. */
export type IsStored = (messageId: string) => boolean;

/**
 * Starts a draft. Ignored (the same list is returned) when the draft exists already, or when its message is stored:
 * `message:created` may overtake the stream's events.
 *
 * @example
 * ```ts
 * drafts = startBotDraft(drafts, start, (id) => messages.some((message) => message.id === id))
 * ```
 */
export function startBotDraft(
  drafts: readonly BotDraft[],
  { conversationId, messageId, author, createdAt }: BotReplyStart,
  isStored: IsStored,
): readonly BotDraft[] {
  if (isStored(messageId) || drafts.some((draft) => draft.messageId === messageId)) return drafts;
  return [...drafts, { messageId, conversationId, author, text: '', createdAt, streaming: true }];
}

/**
 * Appends a delta to a streaming draft. A delta of a draft not held is dropped (the same list is returned): its start
 * was missed (connected mid-reply) or the stored message replaced it, and text without its beginning would be wrong.
 * So is an empty delta, and text after the end.
 *
 * @example
 * ```ts
 * drafts = appendBotDraft(drafts, { conversationId, messageId, delta: 'fits two.' })
 * ```
 */
export function appendBotDraft(drafts: readonly BotDraft[], { messageId, delta }: BotReplyDelta): readonly BotDraft[] {
  if (delta === '') return drafts;
  return updateDraft(drafts, messageId, (draft) => (draft.streaming ? { ...draft, text: draft.text + delta } : draft));
}

/**
 * Ends a draft. `cancelled` and `failed` remove it, since nothing was stored under its id. `complete` removes it when
 * its message is stored, else keeps its final text (no longer `streaming`) until the stored message replaces it.
 *
 * @example
 * ```ts
 * drafts = endBotDraft(drafts, { conversationId, messageId, status: 'complete' }, isStored)
 * ```
 */
export function endBotDraft(drafts: readonly BotDraft[], { messageId, status }: BotReplyEnd, isStored: IsStored): readonly BotDraft[] {
  return updateDraft(drafts, messageId, (draft) =>
    status !== 'complete' || isStored(messageId) ? null : draft.streaming ? { ...draft, streaming: false } : draft,
  );
}

/**
 * Keeps the drafts `keep` accepts; returns the same list when it keeps them all.
 *
 * @example
 * ```ts
 * // After a disconnect: deltas sent meanwhile are lost, so text still streaming can no longer be trusted.
 * drafts = retainBotDrafts(drafts, (draft) => !draft.streaming)
 * ```
 */
export function retainBotDrafts(drafts: readonly BotDraft[], keep: (draft: BotDraft) => boolean): readonly BotDraft[] {
  const kept = drafts.filter(keep);
  return kept.length === drafts.length ? drafts : kept;
}
