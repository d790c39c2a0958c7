/**
 * `@parley/client`: the headless, framework-agnostic visitor SDK of Parley. It resumes the visitor's session, keeps the
 * conversation's messages deduplicated and in order across reconnects, sends idempotently through an outbox that
 * survives going offline and reloading, and reports everything as typed events.
 *
 * @example
 * ```ts
 * import { createClient } from '@parley/client'
 *
 * const client = createClient({ serverUrl: 'https://chat.example.com', widgetKey: 'pk_live_123' })
 * client.on('message', (message) => console.log(`${message.author.kind}: ${message.body}`))
 * client.on('draft', (drafts) => drafts.forEach((draft) => console.log(`${draft.author.name} is writing: ${draft.text}`)))
 * await client.send('Hello!')
 * ```
 * @module
 */
export { ParleyError } from '@parley/protocol';
export type {
  Attachment,
  ConversationStatus,
  ErrorCode,
  Message,
  MessageSent,
  MessagesPage,
  QueueStatus,
  Session,
  TypingChanged,
  VisitorConversation,
  VisitorConversationSummary,
  WidgetSettings,
} from '@parley/protocol';
export { createClient } from './create-client.js';
export type { ClientEvents, ClientOptions, ConnectionStatus, ParleyClient } from './create-client.js';
export { createEmitter } from './emitter.js';
export type { Emitter, EventMap } from './emitter.js';
export { hasConversationToResume } from './resume.js';
export type { BotDraft } from './thread/bot-draft.js';
export { createMemoryStorage } from './storage.js';
export type { StorageLike } from './storage.js';
export type { OutboxItem } from './outbox.js';
