/**
 * Everything the signed-in console shows, as one immutable state and a pure reducer. Network effects live in
 * `console-controller.ts`, which dispatches what it learns here.
 * @module
 */
import {
  addPending,
  appendBotReply,
  confirmPending,
  discardPending,
  dropStreamingBotReplies,
  emptyThread,
  endBotReply,
  failPending,
  loadMessages,
  mergeMessages,
  retryPending,
  startBotReply,
  TYPING_EXPIRY_MS,
  type MessageThread,
} from '@parley/client/thread';
import type {
  AgentPresence,
  BotReplyDelta,
  BotReplyEnd,
  BotReplyStart,
  ConversationSummary,
  Message,
  MessageSent,
  PresenceChanged,
  TypingChanged,
} from '@parley/protocol';
import { applyMessage, upsertConversations } from './conversation-store.js';

/** Whether live updates are flowing. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Someone typing in a conversation, until `expiresAt` unless refreshed. */
export interface TypingState {
  kind: TypingChanged['author']['kind'];
  name: string | null;
  expiresAt: number;
}

/** The console's state once signed in. */
export interface ConsoleState {
  connection: ConnectionState;
  /** Conversation summaries, most recent activity first. */
  conversations: readonly ConversationSummary[];
  listStatus: 'loading' | 'ready' | 'error';
  listError: string | null;
  /** Messages per conversation id, for every conversation opened or heard from. */
  threads: Readonly<Record<string, MessageThread>>;
  /** Why a conversation's messages could not be loaded. */
  threadErrors: Readonly<Record<string, string>>;
  /** Who is typing, per conversation id. */
  typing: Readonly<Record<string, TypingState>>;
  /**
   * The last `seq` the agent has seen, per conversation. Null until the first list arrives, which becomes the baseline:
   * only activity after the console opened is marked unread, since the server keeps no read state.
   */
  readSeq: Readonly<Record<string, number>> | null;
  /** The conversation on screen. */
  openId: string | null;
  /** A failed action to tell the agent about (resolve, assign); cleared by the next action or on dismissal. */
  notice: string | null;
  /** The organization's agents and their presence, by user id; empty until `GET /api/presence` answered. */
  presence: Readonly<Record<string, AgentPresence>>;
  /**
   * Whether the server sends e-mail (`GET /api/me`), so that a reply a visitor who left has not seen reaches them by
   * e-mail; null until the server answered.
   */
  email: boolean | null;
}

/** Everything that can happen to the state. */
export type ConsoleAction =
  | { type: 'connection-changed'; connection: ConnectionState }
  | { type: 'list-loaded'; conversations: readonly ConversationSummary[] }
  | { type: 'list-failed'; error: string }
  | { type: 'conversation-updated'; conversation: ConversationSummary }
  | { type: 'conversation-opened'; conversationId: string | null }
  | { type: 'thread-loaded'; conversationId: string; messages: readonly Message[] }
  | { type: 'thread-failed'; conversationId: string; error: string }
  | { type: 'message-created'; message: Message }
  | { type: 'send-started'; conversationId: string; clientId: string; body: string; createdAt: string }
  | { type: 'send-retried'; conversationId: string; clientId: string }
  | { type: 'send-confirmed'; conversationId: string; clientId: string; sent: MessageSent; author: Message['author'] }
  | { type: 'send-failed'; conversationId: string; clientId: string; error: string }
  | { type: 'send-discarded'; conversationId: string; clientId: string }
  | { type: 'bot-reply-started'; start: BotReplyStart }
  | { type: 'bot-reply-delta'; delta: BotReplyDelta }
  | { type: 'bot-reply-ended'; end: BotReplyEnd }
  | { type: 'typing-changed'; typing: TypingChanged; now: number }
  | { type: 'typing-expired'; now: number }
  | { type: 'notice-changed'; notice: string | null }
  | { type: 'presence-loaded'; agents: readonly AgentPresence[] }
  | { type: 'presence-changed'; change: PresenceChanged }
  | { type: 'email-loaded'; email: boolean };

/**
 * How long a typing indicator stays without being refreshed: a lost "stopped typing" must not leave it on forever. The
 * shared timing, longer than the interval at which the other side repeats "typing".
 */
export const TYPING_TTL_MS = TYPING_EXPIRY_MS;

/** The state right after sign-in. */
export function initialConsoleState(openId: string | null = null): ConsoleState {
  return {
    connection: 'connecting',
    conversations: [],
    listStatus: 'loading',
    listError: null,
    threads: {},
    threadErrors: {},
    typing: {},
    readSeq: null,
    openId,
    notice: null,
    presence: {},
    email: null,
  };
}

function withThread(state: ConsoleState, conversationId: string, update: (thread: MessageThread) => MessageThread): ConsoleState {
  const thread = state.threads[conversationId] ?? emptyThread;
  const next = update(thread);
  return next === thread ? state : { ...state, threads: { ...state.threads, [conversationId]: next } };
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

/** Applies `update` to every thread; keeps the state when no thread changed. */
function withEveryThread(state: ConsoleState, update: (thread: MessageThread) => MessageThread): ConsoleState {
  let changed = false;
  const threads: Record<string, MessageThread> = {};
  for (const [conversationId, thread] of Object.entries(state.threads)) {
    const next = update(thread);
    if (next !== thread) changed = true;
    threads[conversationId] = next;
  }
  return changed ? { ...state, threads } : state;
}

function stopTyping(state: ConsoleState, conversationId: string, kind: TypingState['kind']): ConsoleState {
  return state.typing[conversationId]?.kind === kind ? { ...state, typing: withoutKey(state.typing, conversationId) } : state;
}

/** The open conversation is on screen, so whatever it contains counts as seen. */
function markOpenRead(state: ConsoleState): ConsoleState {
  const { openId, readSeq } = state;
  if (openId === null || readSeq === null) return state;
  const lastSeq = state.conversations.find((conversation) => conversation.id === openId)?.lastSeq ?? 0;
  if ((readSeq[openId] ?? -1) >= lastSeq) return state;
  return { ...state, readSeq: { ...readSeq, [openId]: lastSeq } };
}

function reduce(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'connection-changed': {
      if (action.connection === state.connection) return state;
      const next = { ...state, connection: action.connection };
      // Deltas sent while disconnected are lost for good, so a reply streaming across the gap would show wrong text.
      return action.connection === 'offline' ? withEveryThread(next, dropStreamingBotReplies) : next;
    }
    case 'list-loaded': {
      const readSeq =
        state.readSeq ?? Object.fromEntries(action.conversations.map((conversation) => [conversation.id, conversation.lastSeq]));
      return {
        ...state,
        conversations: upsertConversations(state.conversations, action.conversations),
        listStatus: 'ready',
        listError: null,
        readSeq,
      };
    }
    case 'list-failed':
      // A list already on screen stays; the error only replaces an empty one.
      return { ...state, listStatus: state.listStatus === 'ready' ? 'ready' : 'error', listError: action.error };
    case 'conversation-updated':
      return { ...state, conversations: upsertConversations(state.conversations, [action.conversation]) };
    case 'conversation-opened':
      return { ...state, openId: action.conversationId, notice: null };
    case 'thread-loaded':
      return {
        ...withThread(state, action.conversationId, (thread) => loadMessages(thread, action.messages)),
        threadErrors: withoutKey(state.threadErrors, action.conversationId),
      };
    case 'thread-failed':
      return { ...state, threadErrors: { ...state.threadErrors, [action.conversationId]: action.error } };
    case 'message-created': {
      const { message } = action;
      const next = withThread(state, message.conversationId, (thread) => mergeMessages(thread, [message]));
      const conversations = applyMessage(next.conversations, message);
      const withList = conversations === next.conversations ? next : { ...next, conversations };
      // A visitor who just sent a message has stopped typing it.
      return message.author.kind === 'visitor' ? stopTyping(withList, message.conversationId, 'visitor') : withList;
    }
    case 'send-started':
      return withThread(state, action.conversationId, (thread) => addPending(thread, action.clientId, action.body, action.createdAt));
    case 'send-retried':
      return withThread(state, action.conversationId, (thread) => retryPending(thread, action.clientId));
    case 'send-confirmed': {
      const next = withThread(state, action.conversationId, (thread) =>
        confirmPending(thread, action.clientId, action.sent, action.author),
      );
      const message = next.threads[action.conversationId]?.messages.find((held) => held.id === action.sent.id);
      if (!message) return next;
      const conversations = applyMessage(next.conversations, message);
      return conversations === next.conversations ? next : { ...next, conversations };
    }
    case 'send-failed':
      return withThread(state, action.conversationId, (thread) => failPending(thread, action.clientId, action.error));
    case 'send-discarded':
      return withThread(state, action.conversationId, (thread) => discardPending(thread, action.clientId));
    case 'bot-reply-started':
      return withThread(state, action.start.conversationId, (thread) => startBotReply(thread, action.start));
    case 'bot-reply-delta':
      return withThread(state, action.delta.conversationId, (thread) => appendBotReply(thread, action.delta));
    case 'bot-reply-ended':
      return withThread(state, action.end.conversationId, (thread) => endBotReply(thread, action.end));
    case 'typing-changed': {
      const { conversationId, author, typing } = action.typing;
      if (!typing) return stopTyping(state, conversationId, author.kind);
      const entry: TypingState = { kind: author.kind, name: author.name, expiresAt: action.now + TYPING_TTL_MS };
      return { ...state, typing: { ...state.typing, [conversationId]: entry } };
    }
    case 'typing-expired': {
      const entries = Object.entries(state.typing);
      const live = entries.filter(([, entry]) => entry.expiresAt > action.now);
      return live.length === entries.length ? state : { ...state, typing: Object.fromEntries(live) };
    }
    case 'notice-changed':
      return action.notice === state.notice ? state : { ...state, notice: action.notice };
    case 'presence-loaded':
      return { ...state, presence: Object.fromEntries(action.agents.map((entry) => [entry.userId, entry])) };
    case 'presence-changed': {
      const { userId, status } = action.change;
      const current = state.presence[userId];
      // An agent the list doesn't have yet (a new member) comes with the next list.
      if (!current || current.status === status) return state;
      return { ...state, presence: { ...state.presence, [userId]: { ...current, status } } };
    }
    case 'email-loaded':
      return action.email === state.email ? state : { ...state, email: action.email };
    default: {
      const unexpected: never = action;
      throw new Error(`Unknown console action ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Applies `action` to `state`. Pure: same input, same output, no I/O. */
export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  return markOpenRead(reduce(state, action));
}

/**
 * True when the last message leaves the visitor waiting for an answer. An agent's or the bot's message answered them,
 * so a conversation the bot handles does not ask for the agent's attention after every exchange.
 */
function awaitsAnswer(conversation: ConversationSummary): boolean {
  const kind = conversation.lastMessage?.authorKind;
  // A system line (someone joined, the conversation was queued or resolved) answers nobody and asks nothing.
  return kind !== 'agent' && kind !== 'bot' && kind !== 'system';
}

/**
 * True when a conversation has activity the agent has not seen: a message newer than the last one seen (or a
 * conversation that appeared after the console opened), not written by an agent or the bot, in a conversation not on
 * screen.
 */
export function isUnread(state: ConsoleState, conversation: ConversationSummary): boolean {
  if (state.readSeq === null || conversation.id === state.openId) return false;
  const seen = state.readSeq[conversation.id];
  if (seen === undefined) return awaitsAnswer(conversation);
  return conversation.lastSeq > seen && awaitsAnswer(conversation);
}
