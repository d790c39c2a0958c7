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
  AgentPreferences,
  AgentPresence,
  BotReplyDelta,
  BotReplyEnd,
  BotReplyStart,
  ConversationSummary,
  InboxCounts,
  Message,
  MessageSent,
  Note,
  PendingAction,
  PresenceChanged,
  ToolCall,
  TypingChanged,
  VisitorSeen,
} from '@parley/protocol';
import { applyMessage, applyVisitorSeen, upsertConversations } from './conversation-store.js';
import { defaultInboxQuery, type InboxQuery } from './inbox.js';

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
  /**
   * The agents' internal notes per conversation id, in `createdAt` order: for every conversation opened or heard from.
   * Never shown to the visitor; the transcript places each after the message with `seq === afterSeq`.
   */
  notes: Readonly<Record<string, readonly Note[]>>;
  /** Why a conversation's internal notes could not be loaded. */
  noteErrors: Readonly<Record<string, string>>;
  /**
   * The bot's tool calls per conversation id, in the order it made them: for every conversation opened. No event
   * announces them, so each load replaces the last (on opening, and after each bot message in the open conversation).
   */
  toolCalls: Readonly<Record<string, readonly ToolCall[]>>;
  /** Why a conversation's tool calls could not be loaded. */
  toolCallErrors: Readonly<Record<string, string>>;
  /**
   * Bot calls waiting (or that waited) for a decision, by id: those waiting at start and the open conversations' (any
   * status), kept current by `pending-action:updated`.
   */
  pendingActions: Readonly<Record<string, PendingAction>>;
  /** Who is typing, per conversation id. */
  typing: Readonly<Record<string, TypingState>>;
  /**
   * Visitor messages the agent has not read, per conversation id: the server's count (`unreadCount` of the list, kept
   * per agent in the database), raised by each visitor message heard live, zero for the conversation on screen.
   */
  unread: Readonly<Record<string, number>>;
  /** The inbox's query and what the server listed for it. */
  inbox: InboxListing;
  /** How many conversations each view has (`GET /api/conversations/counts`); null until the server answered. */
  counts: InboxCounts | null;
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
  /** The agent's alert preferences (sound, desktop notifications), from `GET /api/me`; null until the server answered. */
  preferences: AgentPreferences | null;
}

/** The inbox's query and the conversations the server listed for it. */
export interface InboxListing {
  query: InboxQuery;
  /** Ids of the conversations listed for the query, over every page loaded. */
  listed: ReadonlySet<string>;
  /** Ids of the conversations heard of live since the first page: shown when they fit the view. */
  live: ReadonlySet<string>;
  /** The cursor of the next page; null: no more pages. */
  nextCursor: string | null;
  /** A next page is on its way. */
  loadingMore: boolean;
}

/** Everything that can happen to the state. */
export type ConsoleAction =
  | { type: 'connection-changed'; connection: ConnectionState }
  | {
      type: 'list-loaded';
      conversations: readonly ConversationSummary[];
      /** The cursor of the page after this one (null: the last page). */
      nextCursor?: string | null;
      /** A next page, added to the pages loaded; otherwise the first page, which starts the listing over. */
      append?: boolean;
    }
  | { type: 'inbox-changed'; query: InboxQuery }
  | { type: 'more-requested' }
  | { type: 'more-failed'; error: string }
  | { type: 'counts-loaded'; counts: InboxCounts }
  | { type: 'read-confirmed'; conversationId: string; unreadCount: number }
  | { type: 'list-failed'; error: string }
  | { type: 'conversation-updated'; conversation: ConversationSummary }
  /** The visitor read further (`conversation:seen`): read receipts. */
  | { type: 'visitor-seen'; seen: VisitorSeen }
  | { type: 'conversation-opened'; conversationId: string | null }
  | { type: 'thread-loaded'; conversationId: string; messages: readonly Message[] }
  | { type: 'thread-failed'; conversationId: string; error: string }
  | { type: 'message-created'; message: Message }
  | { type: 'notes-loaded'; conversationId: string; notes: readonly Note[] }
  | { type: 'notes-failed'; conversationId: string; error: string }
  | { type: 'note-created'; note: Note }
  | { type: 'tool-calls-loaded'; conversationId: string; toolCalls: readonly ToolCall[] }
  | { type: 'tool-calls-failed'; conversationId: string; error: string }
  /**
   * Pending actions heard of (a list, an event, a decision's answer). `waiting`: the whole list of those waiting, so a
   * held one missing from it was decided while no events could arrive, and stops counting as waiting.
   */
  | { type: 'pending-actions-loaded'; actions: readonly PendingAction[]; waiting?: boolean }
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
  | { type: 'email-loaded'; email: boolean }
  | { type: 'preferences-changed'; preferences: AgentPreferences };

/**
 * How long a typing indicator stays without being refreshed: a lost "stopped typing" must not leave it on forever. The
 * shared timing, longer than the interval at which the other side repeats "typing".
 */
export const TYPING_TTL_MS = TYPING_EXPIRY_MS;

function emptyListing(query: InboxQuery): InboxListing {
  return { query, listed: new Set(), live: new Set(), nextCursor: null, loadingMore: false };
}

/** `listing` having heard of `conversationId` live. */
function heardLive(state: ConsoleState, conversationId: string): ConsoleState {
  const { inbox } = state;
  if (inbox.live.has(conversationId) || inbox.listed.has(conversationId)) return state;
  return { ...state, inbox: { ...inbox, live: new Set([...inbox.live, conversationId]) } };
}

/**
 * The unread counts of a page of summaries. A summary that has seen fewer messages than the one held (a live message
 * came while the page was on its way) keeps the count the console raised.
 */
function withListedUnread(state: ConsoleState, incoming: readonly ConversationSummary[]): Readonly<Record<string, number>> {
  let unread = state.unread;
  for (const conversation of incoming) {
    if (conversation.unreadCount === undefined) continue;
    const held = state.conversations.find((candidate) => candidate.id === conversation.id);
    if (held && held.lastSeq > conversation.lastSeq) continue;
    if ((unread[conversation.id] ?? 0) === conversation.unreadCount) continue;
    unread = { ...unread, [conversation.id]: conversation.unreadCount };
  }
  return unread;
}

/** The state right after sign-in. */
export function initialConsoleState(openId: string | null = null): ConsoleState {
  return {
    connection: 'connecting',
    conversations: [],
    listStatus: 'loading',
    listError: null,
    threads: {},
    threadErrors: {},
    notes: {},
    noteErrors: {},
    toolCalls: {},
    toolCallErrors: {},
    pendingActions: {},
    typing: {},
    unread: {},
    inbox: emptyListing(defaultInboxQuery),
    counts: null,
    openId,
    notice: null,
    presence: {},
    email: null,
    preferences: null,
  };
}

function withThread(state: ConsoleState, conversationId: string, update: (thread: MessageThread) => MessageThread): ConsoleState {
  const thread = state.threads[conversationId] ?? emptyThread;
  const next = update(thread);
  return next === thread ? state : { ...state, threads: { ...state.threads, [conversationId]: next } };
}

const noNotes: readonly Note[] = [];

function byCreatedAt(a: Note, b: Note): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || 0;
}

/**
 * `notes` with those of `incoming` it does not have (by id), in `createdAt` order; notes created at the same instant
 * keep the order they came in. The same array when nothing is new: a note heard twice (the list, then the event, or the
 * writer's own answer, then its event) shows once.
 */
export function mergeNotes(notes: readonly Note[], incoming: readonly Note[]): readonly Note[] {
  const known = new Set(notes.map((note) => note.id));
  const added: Note[] = [];
  for (const note of incoming) {
    if (known.has(note.id)) continue;
    known.add(note.id);
    added.push(note);
  }
  return added.length === 0 ? notes : [...notes, ...added].toSorted(byCreatedAt);
}

function withNotes(state: ConsoleState, conversationId: string, incoming: readonly Note[]): ConsoleState {
  const notes = state.notes[conversationId] ?? noNotes;
  const next = mergeNotes(notes, incoming);
  return next === notes ? state : { ...state, notes: { ...state.notes, [conversationId]: next } };
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

/** The open conversation is on screen, so whatever it contains counts as read. */
function markOpenRead(state: ConsoleState): ConsoleState {
  const { openId, unread } = state;
  if (openId === null || !unread[openId]) return state;
  return { ...state, unread: { ...unread, [openId]: 0 } };
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
      const ids = action.conversations.map((conversation) => conversation.id);
      const { inbox } = state;
      return {
        ...state,
        conversations: upsertConversations(state.conversations, action.conversations),
        listStatus: 'ready',
        listError: null,
        unread: withListedUnread(state, action.conversations),
        inbox: {
          ...inbox,
          listed: action.append ? new Set([...inbox.listed, ...ids]) : new Set(ids),
          live: action.append ? inbox.live : new Set(),
          nextCursor: action.nextCursor ?? null,
          loadingMore: false,
        },
      };
    }
    case 'inbox-changed':
      return { ...state, inbox: emptyListing(action.query), listStatus: 'loading', listError: null };
    case 'more-requested':
      return state.inbox.loadingMore ? state : { ...state, inbox: { ...state.inbox, loadingMore: true } };
    case 'more-failed':
      return { ...state, inbox: { ...state.inbox, loadingMore: false }, listError: action.error };
    case 'counts-loaded':
      return { ...state, counts: action.counts };
    case 'read-confirmed':
      if ((state.unread[action.conversationId] ?? 0) === action.unreadCount) return state;
      return { ...state, unread: { ...state.unread, [action.conversationId]: action.unreadCount } };
    case 'list-failed':
      // A list already on screen stays; the error only replaces an empty one.
      return { ...state, listStatus: state.listStatus === 'ready' ? 'ready' : 'error', listError: action.error };
    case 'conversation-updated':
      return heardLive(
        { ...state, conversations: upsertConversations(state.conversations, [action.conversation]) },
        action.conversation.id,
      );
    case 'visitor-seen': {
      const conversations = applyVisitorSeen(state.conversations, action.seen);
      return conversations === state.conversations ? state : { ...state, conversations };
    }
    case 'conversation-opened':
      return { ...state, openId: action.conversationId, notice: null };
    case 'thread-loaded':
      return {
        ...withThread(state, action.conversationId, (thread) => loadMessages(thread, action.messages)),
        threadErrors: withoutKey(state.threadErrors, action.conversationId),
      };
    case 'thread-failed':
      return { ...state, threadErrors: { ...state.threadErrors, [action.conversationId]: action.error } };
    case 'notes-loaded': {
      // Merged, not replaced: a note:created heard while the list was on its way stays.
      const next = withNotes(state, action.conversationId, action.notes);
      const noteErrors = withoutKey(next.noteErrors, action.conversationId);
      return noteErrors === next.noteErrors ? next : { ...next, noteErrors };
    }
    case 'notes-failed':
      return { ...state, noteErrors: { ...state.noteErrors, [action.conversationId]: action.error } };
    case 'note-created':
      // A note is no message: the inbox's preview, order and unread marks stay as they are.
      return withNotes(state, action.note.conversationId, [action.note]);
    case 'tool-calls-loaded':
      // The server's list is whole: it replaces the one held. Loads of a conversation run one at a time, in order.
      return {
        ...state,
        toolCalls: { ...state.toolCalls, [action.conversationId]: action.toolCalls },
        toolCallErrors: withoutKey(state.toolCallErrors, action.conversationId),
      };
    case 'tool-calls-failed':
      return { ...state, toolCallErrors: { ...state.toolCallErrors, [action.conversationId]: action.error } };
    case 'pending-actions-loaded': {
      const held: Record<string, PendingAction> = {};
      for (const pending of Object.values(state.pendingActions))
        if (!action.waiting || pending.status !== 'pending') held[pending.id] = pending;
      // A decision is final: a list that left before it came must not put the call back to waiting.
      for (const pending of action.actions) {
        if (pending.status !== 'pending' || (held[pending.id]?.status ?? 'pending') === 'pending') held[pending.id] = pending;
      }
      return { ...state, pendingActions: held };
    }
    case 'message-created': {
      const { message } = action;
      const next = withThread(state, message.conversationId, (thread) => mergeMessages(thread, [message]));
      const held = next.conversations.find((conversation) => conversation.id === message.conversationId);
      const conversations = applyMessage(next.conversations, message);
      const withList = heardLive(conversations === next.conversations ? next : { ...next, conversations }, message.conversationId);
      if (message.author.kind !== 'visitor') return withList;
      // A visitor message not seen before is one more unread (the one on screen is read at once, below).
      const isNew = !held || message.seq > held.lastSeq;
      const unread = isNew
        ? { ...withList.unread, [message.conversationId]: (withList.unread[message.conversationId] ?? 0) + 1 }
        : withList.unread;
      // A visitor who just sent a message has stopped typing it.
      return stopTyping({ ...withList, unread }, message.conversationId, 'visitor');
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
    case 'preferences-changed': {
      const current = state.preferences;
      const next = action.preferences;
      if (current?.sound === next.sound && current.desktopNotifications === next.desktopNotifications) return state;
      return { ...state, preferences: { sound: next.sound, desktopNotifications: next.desktopNotifications } };
    }
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

/** Visitor messages of a conversation the agent has not read; 0 for the conversation on screen. */
export function unreadCount(state: ConsoleState, conversationId: string): number {
  return conversationId === state.openId ? 0 : (state.unread[conversationId] ?? 0);
}

/** True when a conversation has visitor messages the agent has not read (see {@link unreadCount}). */
export function isUnread(state: ConsoleState, conversation: ConversationSummary): boolean {
  return unreadCount(state, conversation.id) > 0;
}
