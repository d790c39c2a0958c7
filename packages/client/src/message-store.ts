/**
 * The visitor's conversation as the client has seen it: each message once, in `seq` order, without gaps.
 * @module
 */
import type { Message } from '@parley/protocol';

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
  let list: Message[] = [];
  let snapshot: readonly Message[] | null = null;
  let lastSeq = 0;
  // Messages with seq > lastSeq + 1, waiting for the ones before them.
  const ahead = new Map<number, Message>();
  const provisionals = new WeakSet<Message>();

  // Moves the messages that follow `lastSeq` without a gap from `ahead` to the list.
  function drain(added: Message[]) {
    for (let next = ahead.get(lastSeq + 1); next; next = ahead.get(lastSeq + 1)) {
      ahead.delete(next.seq);
      list.push(next);
      added.push(next);
      lastSeq = next.seq;
      snapshot = null;
    }
  }

  const store: MessageStore = {
    get conversationId() {
      return conversationId;
    },
    get lastSeq() {
      return lastSeq;
    },
    get messages() {
      return (snapshot ??= list.slice());
    },
    get hasGap() {
      return ahead.size > 0;
    },
    add(message, provisional = false) {
      if (conversationId !== message.conversationId) {
        if (conversationId !== null) store.reset(message.conversationId);
        conversationId = message.conversationId;
      }
      if (provisional) provisionals.add(message);
      const added: Message[] = [];
      if (message.seq <= lastSeq) {
        // Seen already. If what we hold was built from an ack, take the server's copy (author name and id as stored).
        const index = list.findLastIndex((held) => held.seq === message.seq);
        const held = list[index];
        if (held && held.id === message.id && provisionals.has(held) && !provisional) {
          list[index] = message;
          snapshot = null;
        }
      } else {
        // New: wait in `ahead` (keeping the server's copy over one built from an ack), then take what is contiguous.
        const waiting = ahead.get(message.seq);
        if (!waiting || !provisional || provisionals.has(waiting)) ahead.set(message.seq, message);
        drain(added);
      }
      return added;
    },
    release() {
      const added: Message[] = [];
      while (ahead.size) {
        lastSeq = Math.min(...ahead.keys()) - 1;
        drain(added);
      }
      return added;
    },
    reset(nextConversationId) {
      conversationId = nextConversationId;
      list = [];
      snapshot = null;
      lastSeq = 0;
      ahead.clear();
    },
  };
  return store;
}
