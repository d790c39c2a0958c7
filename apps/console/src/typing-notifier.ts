/**
 * Turns keystrokes into few `typing:set` events: `true` on the first keystroke and again at most every `throttleMs`
 * while the agent keeps typing (so the visitor's indicator does not time out), `false` after `idleMs` without one.
 * @module
 */

/** Options of {@link createTypingNotifier}. */
export interface TypingNotifierOptions {
  /** Sends the agent's typing state. */
  send: (typing: boolean) => void;
  /** Minimum time between two `true` sends. */
  throttleMs?: number;
  /** Quiet time after which `false` is sent. */
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
}

/**
 * Creates a typing notifier for one conversation.
 *
 * @example
 * ```ts
 * const typing = createTypingNotifier({ send: (typing) => socket.emit('typing:set', { conversationId, typing }) })
 * textarea.addEventListener('input', () => typing.input())
 * ```
 */
export function createTypingNotifier(options: TypingNotifierOptions): TypingNotifier {
  const { send, throttleMs = 3000, idleMs = 4000, now = Date.now } = options;
  let typing = false;
  let lastSentAt = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  function stop() {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (!typing) return;
    typing = false;
    send(false);
  }

  return {
    input() {
      const time = now();
      if (!typing || time - lastSentAt >= throttleMs) {
        typing = true;
        lastSentAt = time;
        send(true);
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stop, idleMs);
    },
    stop,
  };
}
