/**
 * The visitor's conversation as the client has seen it: each message once, in `seq` order, without gaps. A stateful
 * wrapper around the {@link MessageThread} the console also uses, which adds what the SDK needs on top: one current
 * conversation, and messages that become visible only once every message before them is held.
 * @module
 */
import type { Message } from '@parley/protocol';
import { addMessages, hasGap, skipGaps, type MessageThread } from './thread/message-thread.js';

/** Messages of one conversation, deduplicated and ordered by `seq`. */
export interface MessageStore {
  /** The conversation the messages belong to; null before the first message. */
  readonly conversationId: string | null;
  /** The highest `seq` up to which every message is held; sync from here. */
  readonly lastSeq: number;
  /** The held messages, in `seq` order. The same array until the next change. */
  readonly messages: readonly Message[];
  /** True when a message arrived ahead of one still missing; a sync fills the gap. */
  readonly hasGap: boolean;
  /**
   * Adds `message` and returns the messages that became visible, in `seq` order: none for a repeat or a message ahead
   * of a gap, several when it fills one. A message of another conversation replaces the whole store, since the server
   * only speaks about the visitor's current conversation and a new one restarts `seq` at 1.
   *
   * A `provisional` message (built by the client from a send's ack) is replaced, without being reported again, by the
   * server's own copy when that arrives.
   */
  add(message: Message, provisional?: boolean): Message[];
  /** Gives up on a gap the server could not fill: returns the held-back messages in order and moves past them. */
  release(): Message[];
  /** Forgets every message, keeping `conversationId`. */
  reset(conversationId: string | null): void;
}

/**
 * Creates an empty {@link MessageStore}.
 *
 * @example
 * ```ts
 * const store = createMessageStore()
 * for (const message of store.add(incoming)) render(message)
 * ```
 */
export function createMessageStore(): MessageStore {
  let conversationId: string | null = null;
  // Pending sends live in the outbox and drafts in the draft store: only the thread's messages are held here.
  let thread: Pick<MessageThread, 'messages' | 'lastSeq'> = { messages: [], lastSeq: 0 };
  // What `messages` returns: the messages up to `lastSeq`. Replaced only when those change, not when one arrives
  // behind a gap.
  let visible: readonly Message[] = [];

  /** Takes the next thread and returns the messages it made visible. */
  function update(next: typeof thread): Message[] {
    const before = thread.lastSeq;
    thread = next;
    const shown = next.messages.filter((message) => message.seq <= next.lastSeq);
    if (shown.length !== visible.length || shown.some((message, index) => message !== visible[index])) visible = shown;
    return shown.filter((message) => message.seq > before);
  }

  const store: MessageStore = {
    get conversationId() {
      return conversationId;
    },
    get lastSeq() {
      return thread.lastSeq;
    },
    get messages() {
      return visible;
    },
    get hasGap() {
      return hasGap(thread);
    },
    add(message, provisional = false) {
      if (conversationId !== message.conversationId) {
        if (conversationId !== null) store.reset(message.conversationId);
        conversationId = message.conversationId;
      }
      // The server's copy replaces one built from an ack; an ack's copy never replaces anything.
      return update(addMessages(thread, [message], provisional));
    },
    release() {
      return update(skipGaps(thread));
    },
    reset(nextConversationId) {
      conversationId = nextConversationId;
      thread = { messages: [], lastSeq: 0 };
      visible = [];
    },
  };
  return store;
}
