/**
 * Iterates `source` until `signal` aborts, then stops at once with the signal's reason, without waiting for the
 * source to notice. An upstream that stalls (a proxy holding a stream open, a body that ignores cancellation) can
 * then never keep a cancelled bot turn alive.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  signal.throwIfAborted();
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // The abort promise may settle while nothing awaits it; that is not an unhandled rejection.
  aborted.catch(() => undefined);
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort!);
    // Ask the source to clean up, but don't wait for it: it may be the thing that hangs.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
