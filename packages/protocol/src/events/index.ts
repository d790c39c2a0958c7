/**
 * Typed Socket.IO event maps, derived from the schemas, for `Server<…>` and `Socket<…>` on both sides.
 * Types don't validate: the server parses every payload at the edge with the schemas.
 * @module
 */
import type { AckCallback } from '../ack.js';
import type { BotReplyDelta, BotReplyEnd, BotReplyStart, HandoffRequest } from './bot.js';
import type { ConversationSummary, Message, VisitorConversation } from '../models.js';
import type { AgentMessageSend, MessageSent, MessagesPage, VisitorMessageSend, VisitorMessagesSync } from './message.js';
import type { Session } from './session.js';
import type { AgentTypingSet, TypingChanged, VisitorTypingSet } from './typing.js';

export * from './bot.js';
export * from './handshake.js';
export * from './message.js';
export * from './session.js';
export * from './typing.js';

/** Events a visitor socket sends. Payloads are `unknown` to the server until parsed. */
export interface VisitorClientEvents {
  'session:get': (ack: AckCallback<Session>) => void;
  'message:send': (payload: VisitorMessageSend, ack: AckCallback<MessageSent>) => void;
  'messages:sync': (payload: VisitorMessagesSync, ack: AckCallback<MessagesPage>) => void;
  'typing:set': (payload: VisitorTypingSet) => void;
  'handoff:request': (payload: HandoffRequest, ack: AckCallback<VisitorConversation>) => void;
}

/** Events the server sends to a visitor socket. */
export interface VisitorServerEvents {
  'message:created': (message: Message) => void;
  'typing:changed': (typing: TypingChanged) => void;
  'conversation:updated': (conversation: VisitorConversation) => void;
  'bot:reply-start': (start: BotReplyStart) => void;
  'bot:reply-delta': (delta: BotReplyDelta) => void;
  'bot:reply-end': (end: BotReplyEnd) => void;
}

/** Events an agent socket sends. */
export interface AgentClientEvents {
  'message:send': (payload: AgentMessageSend, ack: AckCallback<MessageSent>) => void;
  'typing:set': (payload: AgentTypingSet) => void;
}

/** Events the server sends to agent sockets of an organization. */
export interface AgentServerEvents {
  'message:created': (message: Message) => void;
  'typing:changed': (typing: TypingChanged) => void;
  'conversation:updated': (conversation: ConversationSummary) => void;
  'bot:reply-start': (start: BotReplyStart) => void;
  'bot:reply-delta': (delta: BotReplyDelta) => void;
  'bot:reply-end': (end: BotReplyEnd) => void;
}
