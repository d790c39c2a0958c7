/** Thrown when a source goes quiet for longer than the idle limit. */
export class StalledError extends Error {
  override readonly name = 'StalledError';
}

/**
 * Iterates `source` until `signal` aborts, then stops at once with the signal's reason, without waiting for the
 * source to notice. An upstream that stalls (a proxy holding a stream open, a body that ignores cancellation) can
 * then never keep a cancelled bot turn alive. With `idleMs`, a source that yields nothing for that long fails with
 * {@link StalledError}: a frozen stream must not leave the visitor looking at a half reply.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal, idleMs?: number): AsyncGenerator<T> {
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
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      const idle =
        idleMs === undefined
          ? null
          : new Promise<never>((_resolve, reject) => {
              idleTimer = setTimeout(() => reject(new StalledError(`No data from the model for ${idleMs} ms.`)), idleMs);
            });
      const next = await Promise.race(idle ? [iterator.next(), aborted, idle] : [iterator.next(), aborted]).finally(() =>
        clearTimeout(idleTimer),
      );
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort!);
    // Ask the source to clean up, but don't wait for it: it may be the thing that hangs.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
