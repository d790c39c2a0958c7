/**
 * Whether a page should connect at once, before the visitor touches the chat.
 * @module
 */
import type { ConversationStatus } from '@parley/protocol';
import { storageKeys, type ClientOptions } from './create-client.js';
import { createOutbox } from './outbox.js';
import { createSafeStorage, defaultStorage } from './storage.js';

/** Statuses in which someone may answer at any moment: the bot, a person, or a person about to join. */
const liveStatuses: ReadonlySet<string> = new Set<ConversationStatus>(['bot', 'queued', 'agent']);

/**
 * True when this browser has a conversation to resume with the widget `widgetKey`: messages written but not yet sent
 * (the outbox), or a session token together with a conversation last known to be open. A UI that connects only when
 * the visitor opens it (`autoConnect: false`) connects at once in that case, so replies reach the visitor and queued
 * messages go out without waiting for a click. A new visitor, or one whose conversation was resolved or closed, has
 * none: their page views open no socket. It reads the storage the client uses (the same `storage` option); the
 * client keeps the conversation's status there up to date.
 *
 * @example
 * ```ts
 * const client = createClient({ serverUrl, widgetKey, autoConnect: false })
 * if (hasConversationToResume({ widgetKey })) client.connect()
 * launcher.addEventListener('click', () => client.connect())
 * ```
 */
export function hasConversationToResume(options: Pick<ClientOptions, 'widgetKey' | 'storage'>): boolean {
  const storage = createSafeStorage(options.storage ?? defaultStorage());
  const keys = storageKeys(options.widgetKey);
  if (createOutbox(storage, keys.outbox).items.length > 0) return true;
  return storage.getItem(keys.session) !== null && liveStatuses.has(storage.getItem(keys.conversation) ?? '');
}
