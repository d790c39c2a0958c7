/**
 * Where the SDK keeps the session token and the outbox.
 * @module
 */

/**
 * The part of the Web Storage API the SDK uses; `localStorage`, `sessionStorage` or your own object fit.
 *
 * @example
 * ```ts
 * const client = createClient({ serverUrl, widgetKey, storage: sessionStorage })
 * ```
 */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A storage that lives as long as the page: used when `localStorage` is missing or blocked.
 *
 * @example
 * ```ts
 * const client = createClient({ serverUrl, widgetKey, storage: createMemoryStorage() })
 * ```
 */
export function createMemoryStorage(): StorageLike {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

/**
 * Wraps `storage` so it never throws. Reading `localStorage` throws in sandboxed iframes and when third-party storage
 * is blocked, and writing throws when the quota is full; a chat must keep working for the page's lifetime anyway, so
 * failed writes are kept in memory, and those in-memory values win over what the real storage still holds.
 */
export function createSafeStorage(storage: StorageLike | undefined): StorageLike {
  const overlay = new Map<string, string | null>();
  return {
    getItem(key) {
      if (overlay.has(key)) return overlay.get(key) ?? null;
      try {
        return storage?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        if (!storage) throw new Error('no storage');
        storage.setItem(key, value);
        overlay.delete(key);
      } catch {
        overlay.set(key, value);
      }
    },
    removeItem(key) {
      try {
        if (!storage) throw new Error('no storage');
        storage.removeItem(key);
        overlay.delete(key);
      } catch {
        overlay.set(key, null);
      }
    },
  };
}

/** `globalThis.localStorage` when the page may use it, else undefined. Merely reading the property can throw. */
export function defaultStorage(): StorageLike | undefined {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return undefined;
  }
}
