/**
 * The console's effects: REST calls and the live connection feed {@link consoleReducer}; components read the state and
 * call the controller's commands. Holds no DOM and no Preact, so it can be driven directly in tests.
 * @module
 */
import { createTypingNotifier, emptyThread, hasGap, syncedSeq, type TypingNotifier } from '@parley/client/thread';
import type {
  AgentPreferences,
  AgentPreferencesUpdate,
  AgentServerEvents,
  ConversationSummary,
  ConversationUpdate,
  Message,
  PendingActionList,
  PresenceSet,
  Team,
  TicketPriority,
  TicketUpdate,
  TransferRequest,
  WebhookSubscription,
} from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import type { ConsoleApi } from './api.js';
import { createAssistStore, type AssistStore } from './assist.js';
import { createClientId } from './client-id.js';
import { consoleReducer, initialConsoleState, TYPING_TTL_MS, type ConsoleAction, type ConsoleState } from './console-state.js';
import { listQueryOf, sameInboxQuery, type InboxQuery } from './inbox.js';
import type { Session } from './session.js';
import type { AgentConnection } from './socket.js';

/**
 * A live event as the controller applied it, for the alerts (`alerts.ts`): the state after it, the conversation's
 * summary before it, and for a `conversation:updated` whether the agent's own action (a change they made, a reply they
 * sent) could have caused it.
 */
export type LiveEvent =
  | { type: 'message:created'; message: Message; previous: ConversationSummary | undefined; state: ConsoleState }
  | {
      type: 'conversation:updated';
      conversation: ConversationSummary;
      previous: ConversationSummary | undefined;
      own: boolean;
      state: ConsoleState;
    };

/** How long after the agent's own change of a conversation its `conversation:updated` counts as theirs. */
export const OWN_CHANGE_GRACE_MS = 5_000;

/** Options of {@link createConsoleController}. */
export interface ConsoleControllerOptions {
  api: ConsoleApi;
  session: Session;
  /** Opens the live connection; `connectAgent` in the browser. */
  connect: (token: string) => AgentConnection;
  /** Called once when the server no longer accepts the session (token expired or revoked). */
  onSessionEnded: (message: string) => void;
  /** The conversation to open at start, e.g. from the URL. */
  openId?: string | null;
  /** The clock; injectable for tests. */
  now?: () => number;
  /** Called after each `message:created` and `conversation:updated` is applied (the alerts listen here). */
  onLiveEvent?: (event: LiveEvent) => void;
  /** Called when Parley paused a webhook subscription that kept failing (`webhook:paused`, sent to admins only). */
  onWebhookPaused?: (webhook: WebhookSubscription) => void;
}

/**
 * What the console's file UI needs of the live connection: it, when there is one (file uploads and signed URLs go over
 * the socket, never REST); throws `unavailable` otherwise.
 */
export type ConsoleFiles = () => Pick<AgentConnection, 'prepareAttachment' | 'attachmentUrl'>;

/** The console's state and commands. */
export interface ConsoleController {
  getState(): ConsoleState;
  /** Calls `listener` after every state change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Loads the inbox and opens the live connection. */
  start(): void;
  /** Closes the connection and stops every timer; the controller is not usable afterwards. */
  stop(): void;
  /**
   * Shows a conversation (or none) and loads what is missing of its messages, its internal notes the first time, and the
   * bot's tool calls (every time: no event announces them).
   */
  open(conversationId: string | null): void;
  /** Reloads the inbox. */
  refresh(): void;
  /**
   * Changes the inbox's view, search, filters or order (the rest stays), and lists the first page of the new query
   * (`GET /api/conversations`). Nothing happens when nothing changed.
   */
  setInbox(change: Partial<InboxQuery>): void;
  /** Lists the next page of the inbox's query, after the cursor of the last one; nothing when there is none. */
  loadMore(): void;
  /**
   * Sends a reply, with the quick replies (buttons) the agent attached, if any; it shows as pending until the server
   * stores it.
   */
  send(conversationId: string, body: string, quickReplies?: readonly string[], attachments?: string[]): void;
  /**
   * The live connection for file uploads and signed file URLs (a refusal rejects with the server's error); throws
   * `unavailable` before it is opened. Messages name the uploaded files through {@link send}'s `attachments`.
   */
  readonly files: ConsoleFiles;
  /** Sends a failed reply again, with its original `clientId` (and its quick replies). */
  retry(conversationId: string, clientId: string): void;
  /** Drops a failed reply. */
  discard(conversationId: string, clientId: string): void;
  /**
   * Writes an internal note, which only agents see: no reply, so the conversation keeps its status and assignee.
   * Resolves true once the server stored it (it then shows in the transcript); a refusal becomes the notice.
   */
  writeNote(conversationId: string, body: string): Promise<boolean>;
  /**
   * Changes a conversation's status or assignee: take over, hand back to the bot, resolve, reopen. Resolves once the
   * server answered; a refusal (e.g. `transition_rejected`) becomes the notice, in the server's words.
   */
  update(conversationId: string, update: ConversationUpdate): Promise<void>;
  /** Transfers a conversation to an agent or a team; resolves true once done, false when refused (the notice says why). */
  transfer(conversationId: string, request: TransferRequest): Promise<boolean>;
  /**
   * Makes a conversation a follow-up. A refusal becomes the notice; when the server says it is one already, the inbox
   * reloads to show it.
   */
  openTicket(conversationId: string, priority: TicketPriority): Promise<void>;
  /**
   * Changes a follow-up's priority or whether it waits on the customer. A refusal becomes the notice; when the server
   * says it is no follow-up, the inbox reloads to show that.
   */
  updateTicket(conversationId: string, update: TicketUpdate): Promise<void>;
  /** The organization's teams, for the transfer menu; a failure becomes the notice and gives none. */
  listTeams(): Promise<Team[]>;
  /** Call on every keystroke in the reply box; sends throttled `typing:set`. */
  typing(conversationId: string): void;
  /** The agent stopped typing (draft sent, emptied or left). */
  stopTyping(): void;
  /** Hides the notice. */
  dismissNotice(): void;
  /**
   * Changes some of the agent's alert preferences: shown at once, saved (`PATCH /api/me/preferences`), and put back
   * when the server refuses. Resolves null once saved, or with what went wrong.
   */
  setPreferences(change: AgentPreferencesUpdate): Promise<string | null>;
  /** Sets the agent online or away; a failure becomes the notice. */
  setPresence(status: PresenceSet['status']): Promise<void>;
  /** AI help (summaries, suggested replies) as it streams in over the live connection; the AI help panel reads it. */
  readonly assist: AssistStore;
}

// Longest a setTimeout can wait; a later expiry is checked again when this fires.
const MAX_TIMER_MS = 2_147_483_647;
// A conversation's history is fetched in pages; this bounds a runaway loop if the server kept saying `hasMore`.
const MAX_PAGES = 100;
const PAGE_SIZE = 200;
/** Conversations per page of the inbox; "Load more" fetches the next. */
export const INBOX_PAGE_SIZE = 50;
/** How long the counts wait after a `conversation:updated`, so that a burst of changes costs one request. */
export const COUNTS_DEBOUNCE_MS = 500;

/** A message people can read for any failure. */
export function errorMessage(error: unknown): string {
  return ParleyError.isInstance(error) ? error.message : 'Something went wrong. Try again.';
}

/** Runs `task` now, or once more after the run in progress, so bursts of triggers cost at most two runs. */
function coalesce(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  return function run() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void task().finally(() => {
      running = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
}

/**
 * Creates the controller of a signed-in console.
 *
 * @example
 * ```ts
 * const controller = createConsoleController({ api, session, connect: (token) => connectAgent({ token }), onSessionEnded })
 * controller.start()
 * ```
 */
export function createConsoleController(options: ConsoleControllerOptions): ConsoleController {
  const { api, session, connect, onSessionEnded } = options;
  const now = options.now ?? Date.now;
  const author = { kind: 'agent' as const, id: session.agent.id, name: session.agent.name };
  const listeners = new Set<() => void>();
  const threadSyncs = new Map<string, () => void>();
  const noteSyncs = new Map<string, () => void>();
  // Conversations whose notes are loaded since the last (re)connection: note:created keeps them current from then on.
  const notesSynced = new Set<string>();
  const toolCallSyncs = new Map<string, () => void>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let state = initialConsoleState(options.openId ?? null);
  let connection: AgentConnection | null = null;
  let typingNotifier: { conversationId: string; notifier: TypingNotifier } | null = null;
  let countsTimer: ReturnType<typeof setTimeout> | null = null;
  // The greatest seq each conversation was marked read up to (or is being marked), so each read is sent once.
  const markedSeq = new Map<string, number>();
  let stopped = false;
  // Until when a conversation:updated of each conversation counts as the agent's own doing (Infinity: still on its way).
  const ownChangeUntil = new Map<string, number>();

  function ownChangeStarted(conversationId: string) {
    ownChangeUntil.set(conversationId, Number.POSITIVE_INFINITY);
  }

  function ownChangeEnded(conversationId: string) {
    ownChangeUntil.set(conversationId, now() + OWN_CHANGE_GRACE_MS);
  }

  function isOwnChange(conversationId: string): boolean {
    return (ownChangeUntil.get(conversationId) ?? 0) > now();
  }

  function dispatch(action: ConsoleAction) {
    if (stopped) return;
    const next = consoleReducer(state, action);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  }

  function later(task: () => void, delay: number) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) task();
    }, delay);
    timers.add(timer);
  }

  function endSession(message: string) {
    if (stopped) return;
    controller.stop();
    onSessionEnded(message);
  }

  /** Ends the session on `unauthorized`; returns the message to show for anything else. */
  function handleError(error: unknown): string {
    if (ParleyError.isInstance(error) && error.code === 'unauthorized') endSession('Your session has ended. Sign in again.');
    return errorMessage(error);
  }

  const refreshList = coalesce(async function loadConversations() {
    const { query } = state.inbox;
    try {
      // The first page of the inbox's query; a reload starts the listing over (what changed while no events could
      // arrive is in it, in its place).
      const page = await api.listConversations(listQueryOf(query, INBOX_PAGE_SIZE));
      // The agent asked for something else meanwhile: that answer is on its way.
      if (!sameInboxQuery(query, state.inbox.query)) return;
      dispatch({ type: 'list-loaded', conversations: page.conversations, nextCursor: page.nextCursor ?? null });
    } catch (error) {
      if (sameInboxQuery(query, state.inbox.query)) dispatch({ type: 'list-failed', error: handleError(error) });
    }
  });

  async function loadNextPage() {
    const { query, nextCursor, loadingMore } = state.inbox;
    if (!nextCursor || loadingMore) return;
    dispatch({ type: 'more-requested' });
    try {
      const page = await api.listConversations(listQueryOf(query, INBOX_PAGE_SIZE, nextCursor));
      if (!sameInboxQuery(query, state.inbox.query) || state.inbox.nextCursor !== nextCursor) return;
      dispatch({ type: 'list-loaded', conversations: page.conversations, nextCursor: page.nextCursor ?? null, append: true });
    } catch (error) {
      dispatch({ type: 'more-failed', error: handleError(error) });
    }
  }

  const refreshCounts = coalesce(async function loadCounts() {
    try {
      dispatch({ type: 'counts-loaded', counts: await api.inboxCounts() });
    } catch (error) {
      // The counts are a hint on the tabs: a failed load leaves the last ones, and the next change retries.
      handleError(error);
    }
  });

  /** Counts again once changes have been quiet for {@link COUNTS_DEBOUNCE_MS}. */
  function scheduleCounts() {
    if (countsTimer !== null) {
      clearTimeout(countsTimer);
      timers.delete(countsTimer);
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      countsTimer = null;
      if (!stopped) refreshCounts();
    }, COUNTS_DEBOUNCE_MS);
    countsTimer = timer;
    timers.add(timer);
  }

  /**
   * Tells the server that the agent has read the open conversation up to what the console holds of it (the summary's
   * `lastSeq`, or the messages loaded), once per seq; the answer brings the count left unread.
   */
  async function markOpenRead() {
    const conversationId = state.openId;
    if (!conversationId) return;
    const summary = state.conversations.find((conversation) => conversation.id === conversationId);
    const seq = Math.max(summary?.lastSeq ?? 0, syncedSeq(state.threads[conversationId] ?? emptyThread));
    if (seq <= 0 || seq <= (markedSeq.get(conversationId) ?? 0)) return;
    markedSeq.set(conversationId, seq);
    try {
      const read = await api.markRead(conversationId, { seq });
      dispatch({ type: 'read-confirmed', conversationId, unreadCount: read.unreadCount });
    } catch (error) {
      // Sent again with the next message or opening.
      if ((markedSeq.get(conversationId) ?? 0) === seq) markedSeq.delete(conversationId);
      handleError(error);
    }
  }

  /**
   * Runs a change the server answers with the conversation's new summary and shows that summary; a refusal becomes the
   * notice. Resolves true once done. `isStale` tells the refusals that mean the inbox missed an update (the socket was
   * down when it came): the inbox reloads after those.
   */
  async function changeConversation(
    conversationId: string,
    change: () => Promise<ConversationSummary>,
    isStale: (error: ParleyError) => boolean = () => false,
  ): Promise<boolean> {
    dispatch({ type: 'notice-changed', notice: null });
    ownChangeStarted(conversationId);
    try {
      dispatch({ type: 'conversation-updated', conversation: await change() });
      return true;
    } catch (error) {
      dispatch({ type: 'notice-changed', notice: handleError(error) });
      if (ParleyError.isInstance(error) && isStale(error)) refreshList();
      return false;
    } finally {
      ownChangeEnded(conversationId);
    }
  }

  function syncThread(conversationId: string) {
    let sync = threadSyncs.get(conversationId);
    if (!sync) {
      sync = coalesce(async function loadMessagePages() {
        try {
          for (let page = 0; page < MAX_PAGES; page++) {
            if (stopped) return;
            const afterSeq = syncedSeq(state.threads[conversationId] ?? emptyThread);
            const { messages, hasMore } = await api.listMessages(conversationId, { afterSeq, limit: PAGE_SIZE });
            dispatch({ type: 'thread-loaded', conversationId, messages });
            if (conversationId === state.openId) void markOpenRead();
            const advanced = syncedSeq(state.threads[conversationId] ?? emptyThread) > afterSeq;
            if (!hasMore || !advanced) break;
          }
        } catch (error) {
          dispatch({ type: 'thread-failed', conversationId, error: handleError(error) });
        }
      });
      threadSyncs.set(conversationId, sync);
    }
    sync();
  }

  function syncNotes(conversationId: string) {
    let sync = noteSyncs.get(conversationId);
    if (!sync) {
      sync = coalesce(async function loadNotes() {
        try {
          const { notes } = await api.listNotes(conversationId);
          dispatch({ type: 'notes-loaded', conversationId, notes });
          notesSynced.add(conversationId);
        } catch (error) {
          dispatch({ type: 'notes-failed', conversationId, error: handleError(error) });
        }
      });
      noteSyncs.set(conversationId, sync);
    }
    sync();
  }

  /**
   * Loads the bot's tool calls of a conversation, whole. No event announces them (the bot logs them when its turn ends),
   * so this runs on opening, after a reconnection and after each bot message in the open conversation.
   */
  function syncToolCalls(conversationId: string) {
    let sync = toolCallSyncs.get(conversationId);
    if (!sync) {
      sync = coalesce(async function loadToolCalls() {
        try {
          const { toolCalls } = await api.listToolCalls(conversationId);
          dispatch({ type: 'tool-calls-loaded', conversationId, toolCalls });
        } catch (error) {
          dispatch({ type: 'tool-calls-failed', conversationId, error: handleError(error) });
        }
      });
      toolCallSyncs.set(conversationId, sync);
    }
    sync();
  }

  /**
   * Loads pending actions (`GET /api/pending-actions?…`): those `waiting` (`status=pending`, a whole list) or one
   * conversation's. A hint, like presence: a failure leaves what is held, and the next (re)connection or opening retries.
   */
  async function loadPendingActions(query: string, waiting?: boolean) {
    try {
      const { actions } = await api.request<PendingActionList>('GET', `/api/pending-actions?${query}`);
      dispatch({ type: 'pending-actions-loaded', actions, waiting });
    } catch (error) {
      handleError(error);
    }
  }

  const refreshPresence = coalesce(async function loadPresence() {
    try {
      const { agents } = await api.listPresence();
      dispatch({ type: 'presence-loaded', agents });
    } catch (error) {
      // Presence is a hint next to the inbox: a failed load leaves the last one shown, and the next reconnection retries.
      handleError(error);
    }
  });

  // Asked again after every reconnection: a server restarted with (or without) PARLEY_SMTP_URL changes the answer.
  const refreshEmail = coalesce(async function loadMe() {
    try {
      const { email, preferences } = await api.me();
      dispatch({ type: 'email-loaded', email });
      // Not while a change of the agent's is on its way: the answer may predate it.
      if (preferences && preferencesSaving === 0) dispatch({ type: 'preferences-changed', preferences });
    } catch (error) {
      // A hint next to the reply box: a failed load leaves the last answer (or none), and the next reconnection retries.
      handleError(error);
    }
  });

  /** After a (re)connection, fetch whatever happened while no events could arrive. */
  function resync() {
    refreshList();
    refreshCounts();
    refreshPresence();
    refreshEmail();
    void loadPendingActions('status=pending', true);
    // Notes written while no events could arrive: the open conversation's now, the others' when opened again.
    notesSynced.clear();
    if (state.openId) {
      syncThread(state.openId);
      syncNotes(state.openId);
      syncToolCalls(state.openId);
      void loadPendingActions(`conversationId=${state.openId}`);
    }
  }

  let preferencesSaving = 0;

  // The quick replies and files of the replies not stored yet, by `clientId`, for a retry: a pending reply holds its body only.
  const pendingExtras = new Map<string, { quickReplies?: string[]; attachments?: string[] }>();

  async function deliver(conversationId: string, clientId: string, body: string) {
    // A reply can assign the conversation to the agent: that update is their own doing.
    ownChangeStarted(conversationId);
    try {
      const live = connection?.connected ? connection : null;
      const extras = pendingExtras.get(clientId);
      // Over the socket when it is up; otherwise REST, which is just as idempotent.
      const sent = live
        ? await live.send({ conversationId, clientId, body, ...extras })
        : await api.sendReply(conversationId, { clientId, body, ...extras });
      pendingExtras.delete(clientId);
      dispatch({ type: 'send-confirmed', conversationId, clientId, sent, author });
    } catch (error) {
      dispatch({ type: 'send-failed', conversationId, clientId, error: handleError(error) });
    } finally {
      ownChangeEnded(conversationId);
    }
  }

  function watchExpiry() {
    const remaining = Date.parse(session.expiresAt) - now();
    if (Number.isNaN(remaining)) return;
    later(
      () => (Date.parse(session.expiresAt) <= now() ? endSession('Your session has expired. Sign in again.') : watchExpiry()),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }

  /** The live connection (its events wait while it reconnects); `unavailable` before it is opened or once closed. */
  function openConnection(): AgentConnection {
    if (!connection) throw new ParleyError('unavailable', 'The console is not connected.');
    return connection;
  }

  /** AI help: a store of its own (`assist.ts`); the controller sends its requests and carries its events. */
  const assist = createAssistStore({
    request: async (payload) => openConnection().requestAssist(payload),
    describeError: handleError,
  });

  const serverEvents: AgentServerEvents = {
    'message:created'(message) {
      const previous = state.conversations.find((conversation) => conversation.id === message.conversationId);
      dispatch({ type: 'message-created', message });
      if (!stopped) options.onLiveEvent?.({ type: 'message:created', message, previous, state });
      // A message of a conversation the list does not have yet: its summary comes with the next list.
      if (!state.conversations.some((conversation) => conversation.id === message.conversationId)) refreshList();
      const thread = state.threads[message.conversationId];
      if (thread?.loaded && hasGap(thread)) syncThread(message.conversationId);
      // Seen as it arrives in the conversation on screen.
      if (message.conversationId === state.openId) void markOpenRead();
      // The bot logs its tool calls with its reply: the ones this reply led to are there now.
      if (message.author.kind === 'bot' && message.conversationId === state.openId) syncToolCalls(message.conversationId);
    },
    'conversation:updated'(conversation) {
      const previous = state.conversations.find((candidate) => candidate.id === conversation.id);
      dispatch({ type: 'conversation-updated', conversation });
      scheduleCounts();
      if (!stopped)
        options.onLiveEvent?.({ type: 'conversation:updated', conversation, previous, own: isOwnChange(conversation.id), state });
    },
    'conversation:seen'(seen) {
      dispatch({ type: 'visitor-seen', seen });
    },
    'typing:changed'(typing) {
      dispatch({ type: 'typing-changed', typing, now: now() });
      if (typing.typing) later(() => dispatch({ type: 'typing-expired', now: now() }), TYPING_TTL_MS + 100);
    },
    'bot:reply-start'(start) {
      dispatch({ type: 'bot-reply-started', start });
    },
    'bot:reply-delta'(delta) {
      dispatch({ type: 'bot-reply-delta', delta });
    },
    'bot:reply-end'(end) {
      dispatch({ type: 'bot-reply-ended', end });
    },
    'presence:changed'(change) {
      if (!state.presence[change.userId]) refreshPresence();
      dispatch({ type: 'presence-changed', change });
    },
    'note:created'(note) {
      dispatch({ type: 'note-created', note });
    },
    'assist:delta'(delta) {
      assist.delta(delta);
    },
    'assist:end'(end) {
      assist.end(end);
    },
    'pending-action:updated'(action) {
      dispatch({ type: 'pending-actions-loaded', actions: [action] });
    },
    'webhook:paused'(webhook) {
      if (!stopped) options.onWebhookPaused?.(webhook);
    },
  };

  const controller: ConsoleController = {
    assist,
    files: openConnection,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      watchExpiry();
      resync();
      connection = connect(session.token);
      connection.onConnection(function handleConnection(event) {
        switch (event.type) {
          case 'connected':
            dispatch({ type: 'connection-changed', connection: 'online' });
            resync();
            break;
          case 'disconnected':
            dispatch({ type: 'connection-changed', connection: 'offline' });
            assist.connectionLost();
            break;
          case 'refused':
            if (event.error.code === 'unauthorized') endSession(event.error.message);
            else dispatch({ type: 'connection-changed', connection: 'offline' });
            break;
        }
      });
      connection.on('message:created', serverEvents['message:created']);
      connection.on('conversation:updated', serverEvents['conversation:updated']);
      connection.on('conversation:seen', serverEvents['conversation:seen']);
      connection.on('typing:changed', serverEvents['typing:changed']);
      connection.on('bot:reply-start', serverEvents['bot:reply-start']);
      connection.on('bot:reply-delta', serverEvents['bot:reply-delta']);
      connection.on('bot:reply-end', serverEvents['bot:reply-end']);
      connection.on('presence:changed', serverEvents['presence:changed']);
      connection.on('note:created', serverEvents['note:created']);
      connection.on('assist:delta', serverEvents['assist:delta']);
      connection.on('assist:end', serverEvents['assist:end']);
      connection.on('webhook:paused', serverEvents['webhook:paused']);
      connection.on('pending-action:updated', serverEvents['pending-action:updated']);
    },
    stop() {
      if (stopped) return;
      controller.stopTyping();
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listeners.clear();
      connection?.close();
      connection = null;
      assist.clear();
    },
    open(conversationId) {
      if (typingNotifier && typingNotifier.conversationId !== conversationId) controller.stopTyping();
      dispatch({ type: 'conversation-opened', conversationId });
      if (!conversationId) return;
      void markOpenRead();
      syncThread(conversationId);
      if (!notesSynced.has(conversationId)) syncNotes(conversationId);
      syncToolCalls(conversationId);
      void loadPendingActions(`conversationId=${conversationId}`);
    },
    refresh: refreshList,
    setInbox(change) {
      const query = { ...state.inbox.query, ...change };
      query.q = query.q.trim();
      if (sameInboxQuery(query, state.inbox.query)) return;
      dispatch({ type: 'inbox-changed', query });
      refreshList();
    },
    loadMore() {
      void loadNextPage();
    },
    send(conversationId, body, quickReplies, attachments) {
      if (body.trim() === '') return;
      controller.stopTyping();
      const clientId = createClientId();
      pendingExtras.set(clientId, {
        quickReplies: quickReplies?.length ? [...quickReplies] : undefined,
        // Ids of uploaded files, at least one when given (the reply box sends none otherwise).
        attachments,
      });
      dispatch({ type: 'send-started', conversationId, clientId, body, createdAt: new Date(now()).toISOString() });
      void deliver(conversationId, clientId, body);
    },
    retry(conversationId, clientId) {
      const item = state.threads[conversationId]?.pending.find((pending) => pending.clientId === clientId);
      if (!item || item.status !== 'failed') return;
      dispatch({ type: 'send-retried', conversationId, clientId });
      void deliver(conversationId, clientId, item.body);
    },
    discard(conversationId, clientId) {
      pendingExtras.delete(clientId);
      dispatch({ type: 'send-discarded', conversationId, clientId });
    },
    async writeNote(conversationId, body) {
      if (body.trim() === '') return false;
      dispatch({ type: 'notice-changed', notice: null });
      try {
        // REST only, never `message:send` or the reply path: a note is not a message and must not reach the visitor.
        const note = await api.writeNote(conversationId, { clientId: createClientId(), body });
        dispatch({ type: 'note-created', note });
        return true;
      } catch (error) {
        dispatch({ type: 'notice-changed', notice: handleError(error) });
        return false;
      }
    },
    async update(conversationId, update) {
      await changeConversation(conversationId, () => api.updateConversation(conversationId, update));
    },
    transfer: (conversationId, request) => changeConversation(conversationId, () => api.transferConversation(conversationId, request)),
    async openTicket(conversationId, priority) {
      await changeConversation(
        conversationId,
        () => api.openTicket(conversationId, { priority }),
        (error) => error.code === 'conflict',
      );
    },
    async updateTicket(conversationId, update) {
      await changeConversation(
        conversationId,
        () => api.updateTicket(conversationId, update),
        (error) => error.code === 'not_found',
      );
    },
    async listTeams() {
      try {
        return (await api.listTeams()).teams;
      } catch (error) {
        dispatch({ type: 'notice-changed', notice: handleError(error) });
        return [];
      }
    },
    typing(conversationId) {
      if (typingNotifier?.conversationId !== conversationId) {
        controller.stopTyping();
        const notifier = createTypingNotifier({
          send: (typing) => connection?.setTyping({ conversationId, typing }),
          now,
        });
        typingNotifier = { conversationId, notifier };
      }
      typingNotifier.notifier.input();
    },
    stopTyping() {
      typingNotifier?.notifier.stop();
      typingNotifier = null;
    },
    dismissNotice() {
      dispatch({ type: 'notice-changed', notice: null });
    },
    async setPreferences(change) {
      const before: AgentPreferences = state.preferences ?? { sound: true, desktopNotifications: false };
      const wanted = { ...before };
      for (const key of Object.keys(change) as Array<keyof AgentPreferences>) wanted[key] = change[key] ?? before[key];
      dispatch({ type: 'preferences-changed', preferences: wanted });
      preferencesSaving++;
      try {
        dispatch({ type: 'preferences-changed', preferences: await api.updatePreferences(change) });
        return null;
      } catch (error) {
        const message = handleError(error);
        // Only what this change touched goes back: another one made meanwhile stays.
        const current = state.preferences ?? before;
        const reverted = { ...current };
        for (const key of Object.keys(change) as Array<keyof AgentPreferences>) reverted[key] = before[key];
        dispatch({ type: 'preferences-changed', preferences: reverted });
        return message;
      } finally {
        preferencesSaving--;
      }
    },
    async setPresence(status) {
      dispatch({ type: 'notice-changed', notice: null });
      try {
        if (!connection?.connected) throw new ParleyError('unavailable', 'You are offline; your status changes once you are back.');
        const current = await connection.setPresence({ status });
        dispatch({ type: 'presence-changed', change: { userId: session.agent.id, status: current } });
      } catch (error) {
        dispatch({ type: 'notice-changed', notice: handleError(error) });
      }
    },
  };
  return controller;
}
