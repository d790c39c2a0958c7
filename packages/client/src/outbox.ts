/**
 * Messages written but not yet acknowledged, persisted so they survive going offline and reloading the page.
 * @module
 */
import type { StorageLike } from './storage.js';

/** A message waiting for the server's ack. It keeps its `clientId`, so sending it again never stores it twice. */
export interface OutboxItem {
  clientId: string;
  body: string;
  /** When the visitor wrote it (ISO 8601), for display. */
  createdAt: string;
  /**
   * The topic chosen when it was written, if the visitor had no conversation then (`ParleyClient.chooseTopic`). Kept
   * with the message, so it still routes the conversation the message starts when it goes out after a reload; sent
   * only if the visitor still has no conversation by then.
   */
  topic?: string;
  /** As `topic`: the proactive message the visitor answered, if it was written before any conversation. */
  proactive?: string;
  /** The files sent with it (uploaded already, by id). */
  attachments?: string[];
}

/** The queue of unsent messages, oldest first. */
export interface Outbox {
  /** The queued items, oldest first. The same array until the next change. */
  readonly items: readonly OutboxItem[];
  add(item: OutboxItem): void;
  remove(clientId: string): void;
  /** Drops every queued item, stored ones of other tabs included. */
  clear(): void;
}

function isOutboxItem(value: unknown): value is OutboxItem {
  const item = value as OutboxItem | null;
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof item.clientId === 'string' &&
    typeof item.body === 'string' &&
    typeof item.createdAt === 'string'
  );
}

/**
 * Creates an outbox stored under `key`. Every change re-reads the stored list before writing it back, so two tabs of
 * the same site lose as little as possible of each other's changes; a message queued by both is harmless because the
 * server answers a repeated `clientId` with the first ack.
 *
 * @example
 * ```ts
 * const outbox = createOutbox(localStorage, 'parley:pk_demo:outbox')
 * outbox.add({ clientId: crypto.randomUUID(), body: 'Hi', createdAt: new Date().toISOString() })
 * ```
 */
export function createOutbox(storage: StorageLike, key: string): Outbox {
  function load(): OutboxItem[] {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isOutboxItem) : [];
    } catch {
      // Corrupt data must not stop the chat; what cannot be read cannot be sent either.
      return [];
    }
  }

  let items: readonly OutboxItem[] = load();

  function save(next: OutboxItem[]) {
    items = next;
    if (next.length) storage.setItem(key, JSON.stringify(next));
    else storage.removeItem(key);
  }

  return {
    get items() {
      return items;
    },
    add(item) {
      const stored = load().filter((held) => held.clientId !== item.clientId);
      save([...stored, item]);
    },
    remove(clientId) {
      save(load().filter((held) => held.clientId !== clientId));
    },
    clear() {
      save([]);
    },
  };
}
