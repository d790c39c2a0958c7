/**
 * Turns keystrokes into few `typing:set` events, with the one set of timings both sides of a conversation use: `true` on
 * the first keystroke and again at most every {@link TYPING_REPEAT_MS} while typing goes on, `false` after
 * {@link TYPING_IDLE_MS} without one; the other side drops an indicator not refreshed within {@link TYPING_EXPIRY_MS}.
 * @module
 */

import { TYPING_IDLE_MS, TYPING_REPEAT_MS } from '@parley/protocol';

export { TYPING_EXPIRY_MS, TYPING_IDLE_MS, TYPING_REPEAT_MS } from '@parley/protocol';

/** Options of {@link createTypingNotifier}. */
export interface TypingNotifierOptions {
  /** Sends the typing state. */
  send: (typing: boolean) => void;
  /** Minimum time between two `true` sends. Default {@link TYPING_REPEAT_MS}. */
  throttleMs?: number;
  /** Quiet time after which `false` is sent. Default {@link TYPING_IDLE_MS}. */
  idleMs?: number;
  /** The clock; injectable for tests. */
  now?: () => number;
}

/** Handle returned by {@link createTypingNotifier}. */
export interface TypingNotifier {
  /** Call on every keystroke that changes the draft. */
  input(): void;
  /** Call when the draft is sent, emptied or left: sends `false` if `true` was sent. */
  stop(): void;
  /**
   * Forgets that `true` was sent, without sending `false`, and cancels the idle timer: for when the connection dropped
   * (the server forgets a gone socket's typing), so the next keystroke sends `true` at once.
   */
  reset(): void;
}

/**
 * Creates a typing notifier for one conversation.
 *
 * @example
 * ```ts
 * const typing = createTypingNotifier({ send: (typing) => socket.emit('typing:set', { conversationId, typing }) })
 * textarea.addEventListener('input', () => (textarea.value ? typing.input() : typing.stop()))
 * ```
 */
export function createTypingNotifier(options: TypingNotifierOptions): TypingNotifier {
  // `Date.now` looked up on each call, not captured here, so a clock swapped in later (fake timers) is used.
  const { send, throttleMs = TYPING_REPEAT_MS, idleMs = TYPING_IDLE_MS, now = () => Date.now() } = options;
  // When `true` was last sent; -Infinity while `true` is not in force, so the next keystroke sends it at once.
  let sentAt = -Infinity;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  function reset() {
    clearTimeout(idleTimer);
    sentAt = -Infinity;
  }

  function stop() {
    const typing = sentAt > -Infinity;
    reset();
    if (typing) send(false);
  }

  return {
    input() {
      const time = now();
      if (time - sentAt >= throttleMs) {
        sentAt = time;
        send(true);
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stop, idleMs);
    },
    stop,
    reset,
  };
}
