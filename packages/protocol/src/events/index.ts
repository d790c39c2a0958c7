/**
 * Typed Socket.IO event maps, derived from the schemas, for `Server<…>` and `Socket<…>` on both sides.
 * Types don't validate: the server parses every payload at the edge with the schemas.
 * @module
 */
import type { z } from 'zod';
import type { AckCallback } from '../ack.js';
import {
  attachmentPrepareSchema,
  attachmentUrlRequestSchema,
  type AttachmentPrepare,
  type AttachmentUpload,
  type AttachmentUrl,
  type AttachmentUrlRequest,
} from '../attachment.js';
import { assistRequestSchema, type AssistAccepted, type AssistDelta, type AssistEnd, type AssistRequest } from './assist.js';
import { handoffRequestSchema, type BotReplyDelta, type BotReplyEnd, type BotReplyStart, type HandoffRequest } from './bot.js';
import { languageSetSchema, type LanguageSet } from './language.js';
import type { ConversationSummary, Message, QueueStatus, VisitorConversation } from '../models.js';
import type { VisitorConversationList } from './history.js';
import type { Note } from '../rest/notes.js';
import type { PendingAction } from '../rest/pending-actions.js';
import type { WebhookSubscription } from '../rest/webhooks.js';
import {
  agentMessageSendSchema,
  visitorMessageSendSchema,
  visitorMessagesSyncSchema,
  type AgentMessageSend,
  type MessageSent,
  type MessagesPage,
  type VisitorMessageSend,
  type VisitorMessagesSync,
} from './message.js';
import { contactIdentifySchema, contactUpdateSchema, type ContactIdentified, type ContactIdentify, type ContactUpdate } from './contact.js';
import {
  conversationSeenSchema,
  transcriptRequestSchema,
  type ConversationSeen,
  type ConversationSeenAck,
  type TranscriptRequest,
  type VisitorSeen,
  type TranscriptRequestAck,
} from './email.js';
import { presenceSetSchema, type PresenceChanged, type PresenceSet, type PresenceStatus } from './presence.js';
import { ratingSubmitSchema, type RatingSubmit } from './rating.js';
import type { Session } from './session.js';
import { agentTypingSetSchema, visitorTypingSetSchema, type AgentTypingSet, type TypingChanged, type VisitorTypingSet } from './typing.js';

export * from './assist.js';
export * from './bot.js';
export * from './contact.js';
export * from './email.js';
export * from './handshake.js';
export * from './history.js';
export * from './language.js';
export * from './message.js';
export * from './presence.js';
export * from './rating.js';
export * from './session.js';
export * from './typing.js';

/** Events a visitor socket sends. Payloads are `unknown` to the server until parsed. */
export interface VisitorClientEvents {
  'session:get': (ack: AckCallback<Session>) => void;
  'message:send': (payload: VisitorMessageSend, ack: AckCallback<MessageSent>) => void;
  'messages:sync': (payload: VisitorMessagesSync, ack: AckCallback<MessagesPage>) => void;
  'typing:set': (payload: VisitorTypingSet) => void;
  'handoff:request': (payload: HandoffRequest, ack: AckCallback<VisitorConversation>) => void;
  /** Rates the resolved conversation; the ack carries the `rated` status line, also sent as `message:created`. */
  'rating:submit': (payload: RatingSubmit, ack: AckCallback<Message>) => void;
  /** Leaves an e-mail address or phone number for a reply; the ack carries the `contact_saved` status line. */
  'contact:update': (payload: ContactUpdate, ack: AckCallback<Message>) => void;
  /**
   * Who the visitor is, as the site's page says (unverified): stores the fields given on their contact, silently (no
   * status line). The ack carries the contact's details as now stored.
   */
  'contact:identify': (payload: ContactIdentify, ack: AckCallback<ContactIdentified>) => void;
  /**
   * The visitor reads another language now: what the server writes to them next is in it, when it has sentences in
   * it. The ack carries the tag as stored (canonical case).
   */
  'language:set': (payload: LanguageSet, ack: AckCallback<LanguageSet>) => void;
  /** The visitor has read up to `seq` in the widget: replies up to there are not e-mailed. */
  'conversation:seen': (payload: ConversationSeen, ack: AckCallback<ConversationSeenAck>) => void;
  /** E-mails the conversation's transcript to the visitor; refused with `unavailable` when the server sends no e-mail. */
  'transcript:request': (payload: TranscriptRequest, ack: AckCallback<TranscriptRequestAck>) => void;
  /** The visitor's conversations, the newest first (their past ones, to read with `messages:sync`'s `conversationId`). */
  'conversations:list': (ack: AckCallback<VisitorConversationList>) => void;
  /**
   * The visitor is done with their resolved conversation: it is closed, and their next message starts a new one. The
   * ack carries it, closed; `transition_rejected` while it is still open, `not_found` without one.
   */
  'conversation:close': (ack: AckCallback<VisitorConversation>) => void;
  /** A file the visitor is about to send: where to upload it (`attachment.ts`). */
  'attachment:prepare': (payload: AttachmentPrepare, ack: AckCallback<AttachmentUpload>) => void;
  /** Signed URLs of a file of the visitor's conversations (or one they uploaded), valid for five minutes. */
  'attachment:url': (payload: AttachmentUrlRequest, ack: AckCallback<AttachmentUrl>) => void;
}

/** Events the server sends to a visitor socket. */
export interface VisitorServerEvents {
  'message:created': (message: Message) => void;
  'typing:changed': (typing: TypingChanged) => void;
  'conversation:updated': (conversation: VisitorConversation) => void;
  'bot:reply-start': (start: BotReplyStart) => void;
  'bot:reply-delta': (delta: BotReplyDelta) => void;
  'bot:reply-end': (end: BotReplyEnd) => void;
  /** The visitor's queued conversation moved up, or the usual wait changed. */
  'queue:updated': (queue: QueueStatus) => void;
}

/** Events an agent socket sends. */
export interface AgentClientEvents {
  'message:send': (payload: AgentMessageSend, ack: AckCallback<MessageSent>) => void;
  'typing:set': (payload: AgentTypingSet) => void;
  /** Sets the agent online or away in every tab; the ack carries the status now in force. */
  'presence:set': (payload: PresenceSet, ack: AckCallback<{ status: PresenceStatus }>) => void;
  /** Asks for AI help (a summary, a suggested reply); the ack's `requestId` names the `assist:delta`/`assist:end` that follow. */
  'assist:request': (payload: AssistRequest, ack: AckCallback<AssistAccepted>) => void;
  /** A file the agent is about to send: where to upload it (`attachment.ts`). */
  'attachment:prepare': (payload: AttachmentPrepare, ack: AckCallback<AttachmentUpload>) => void;
  /** Signed URLs of a file of the organization's conversations, valid for five minutes. */
  'attachment:url': (payload: AttachmentUrlRequest, ack: AckCallback<AttachmentUrl>) => void;
}

/** Events the server sends to agent sockets of an organization. */
export interface AgentServerEvents {
  'message:created': (message: Message) => void;
  'typing:changed': (typing: TypingChanged) => void;
  'conversation:updated': (conversation: ConversationSummary) => void;
  /** A visitor saw more of their conversation: its `visitorSeenSeq` rose (only then; never lower). */
  'conversation:seen': (seen: VisitorSeen) => void;
  'bot:reply-start': (start: BotReplyStart) => void;
  'bot:reply-delta': (delta: BotReplyDelta) => void;
  'bot:reply-end': (end: BotReplyEnd) => void;
  'presence:changed': (presence: PresenceChanged) => void;
  /** An agent wrote an internal note; agents only, never a visitor socket. */
  'note:created': (note: Note) => void;
  /** More text of the AI help this socket asked for; to the requesting socket only. */
  'assist:delta': (delta: AssistDelta) => void;
  /** The AI help this socket asked for ended (with its sources, or an error); to the requesting socket only. */
  'assist:end': (end: AssistEnd) => void;
  /**
   * A call of the bot's actions started waiting for a decision, or was decided (approved, rejected, confirmed, cancelled,
   * expired, withdrawn); to the organization's agents.
   */
  'pending-action:updated': (action: PendingAction) => void;
  /** Parley paused a webhook subscription that kept failing; to the organization's admins only. */
  'webhook:paused': (webhook: WebhookSubscription) => void;
}

/** Each event's payload schema, `null` for an event without a payload: what a server parses incoming events with. */
export type EventSchemas<Events> = { readonly [E in keyof Events]: z.ZodType | null };

/**
 * The payload schema of every event a visitor socket sends. Keyed by {@link VisitorClientEvents}, so an event added to
 * one and not the other, or misspelled, does not compile.
 */
export const visitorEventSchemas = {
  'session:get': null,
  'message:send': visitorMessageSendSchema,
  'messages:sync': visitorMessagesSyncSchema,
  'typing:set': visitorTypingSetSchema,
  'handoff:request': handoffRequestSchema,
  'rating:submit': ratingSubmitSchema,
  'contact:update': contactUpdateSchema,
  'contact:identify': contactIdentifySchema,
  'language:set': languageSetSchema,
  'conversation:seen': conversationSeenSchema,
  'transcript:request': transcriptRequestSchema,
  'conversations:list': null,
  'conversation:close': null,
  'attachment:prepare': attachmentPrepareSchema,
  'attachment:url': attachmentUrlRequestSchema,
} as const satisfies EventSchemas<VisitorClientEvents>;

/** The payload schema of every event an agent socket sends, keyed by {@link AgentClientEvents}. */
export const agentEventSchemas = {
  'message:send': agentMessageSendSchema,
  'typing:set': agentTypingSetSchema,
  'presence:set': presenceSetSchema,
  'assist:request': assistRequestSchema,
  'attachment:prepare': attachmentPrepareSchema,
  'attachment:url': attachmentUrlRequestSchema,
} as const satisfies EventSchemas<AgentClientEvents>;

/** What the ack of event `E` carries: the `T` of its `AckCallback<T>`, or `null` for an event without an ack. */
export type AckDataOf<Events, E extends keyof Events> = Events[E] extends (...args: infer A) => void
  ? A extends [...unknown[], AckCallback<infer T>]
    ? T
    : null
  : never;
