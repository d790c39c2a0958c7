/**
 * The agent's live connection: Socket.IO on the `/agent` namespace behind a small {@link AgentConnection} interface,
 * so the rest of the console (and its tests) never deal with Socket.IO's reconnection rules.
 * @module
 */
import type {
  Ack,
  AgentClientEvents,
  AgentMessageSend,
  AgentServerEvents,
  AgentTypingSet,
  AssistAccepted,
  AssistRequest,
  AttachmentPrepare,
  AttachmentUpload,
  AttachmentUrl,
  ErrorBody,
  MessageSent,
  PresenceSet,
  PresenceStatus,
} from '@parley/protocol';
import { AGENT_NAMESPACE, ParleyError } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';

/** A change of the connection's state. `connected` fires on the first connection and on every reconnection. */
export type ConnectionEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  /** The server refused the handshake. After `unauthorized` the connection gives up; otherwise it retries. */
  | { type: 'refused'; error: ErrorBody };

/** What the console needs from its live connection. */
export interface AgentConnection {
  /** True while events flow. */
  readonly connected: boolean;
  /** Listens to connection state changes. */
  onConnection(listener: (event: ConnectionEvent) => void): void;
  /** Listens to a server event. */
  on<E extends keyof AgentServerEvents>(event: E, listener: AgentServerEvents[E]): void;
  /**
   * Sends a reply and resolves with its ack. Rejects with a {@link ParleyError}: the server's own, or `unavailable` when
   * no ack came in time (the reply may still have been stored; retrying with the same `clientId` is safe).
   */
  send(payload: AgentMessageSend): Promise<MessageSent>;
  /** Tells the visitor whether the agent is typing. Dropped while disconnected: it is only a hint. */
  setTyping(payload: AgentTypingSet): void;
  /** Sets the agent online or away for the whole organization; resolves with the status now in force. */
  setPresence(payload: PresenceSet): Promise<PresenceStatus>;
  /**
   * Asks for AI help on a conversation; resolves with the id of the `assist:delta` and `assist:end` events that follow.
   * Rejects with a {@link ParleyError}, `unavailable` when no ack came in time.
   */
  requestAssist(payload: AssistRequest): Promise<AssistAccepted>;
  /** Where to upload a file the agent is about to send (`attachment:prepare`); rejects like {@link send}. */
  prepareAttachment(payload: AttachmentPrepare): Promise<AttachmentUpload>;
  /** Signed URLs of a file, valid for five minutes (`attachment:url`); rejects like {@link send}. */
  attachmentUrl(attachmentId: string): Promise<AttachmentUrl>;
  /** Disconnects for good. */
  close(): void;
}

/** Options of {@link connectAgent}. */
export interface AgentConnectionOptions {
  /** The bearer token from `POST /api/auth/login`, sent as the handshake's `auth.token`. */
  token: string;
  /** Origin of the server; defaults to the page's own origin. */
  url?: string;
}

/** How long a send waits for its ack before it is reported as failed. */
export const SEND_TIMEOUT_MS = 10_000;

// Socket.IO retries network failures by itself but not a handshake its middleware refused (e.g. `unavailable` while
// the database restarts) nor a disconnect decided by the server; those are retried here, backing off to 30 s.
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 30_000;
const late = 'The server did not answer in time.';

/** The error body of a refused handshake (`err.data`), if the server sent one. */
export function handshakeError(error: Error): ErrorBody | null {
  const data = (error as Error & { data?: unknown }).data;
  if (typeof data === 'object' && data !== null && typeof (data as { code?: unknown }).code === 'string') {
    const { code, message } = data as { code: string; message?: unknown };
    return ParleyError.fromBody({ code, message: typeof message === 'string' ? message : undefined }).toBody();
  }
  return null;
}

/**
 * Opens the agent's live connection at once.
 *
 * @example
 * ```ts
 * const connection = connectAgent({ token })
 * connection.on('message:created', (message) => dispatch({ type: 'message-created', message }))
 * ```
 */
export function connectAgent(options: AgentConnectionOptions): AgentConnection {
  const socket: Socket<AgentServerEvents, AgentClientEvents> = io(options.url ? `${options.url}${AGENT_NAMESPACE}` : AGENT_NAMESPACE, {
    auth: { token: options.token },
    // One manager per sign-in: a shared one would keep the previous agent's handshake.
    forceNew: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });
  const listeners = new Set<(event: ConnectionEvent) => void>();
  let retryDelay = RETRY_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function notify(event: ConnectionEvent) {
    for (const listener of listeners) listener(event);
  }

  function retryLater() {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(function retryConnection() {
      retryTimer = undefined;
      if (!closed && !socket.connected) socket.connect();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  socket.on('connect', function handleConnect() {
    retryDelay = RETRY_MIN_MS;
    notify({ type: 'connected' });
  });
  socket.on('disconnect', function handleDisconnect(reason) {
    notify({ type: 'disconnected', reason });
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', function handleConnectError(error) {
    const body = handshakeError(error);
    if (body) {
      notify({ type: 'refused', error: body });
      if (body.code !== 'unauthorized') retryLater();
      return;
    }
    notify({ type: 'disconnected', reason: error.message });
    // Transport errors are retried by Socket.IO itself while `active`.
    if (!socket.active) retryLater();
  });

  /** Emits an acked event; resolves with its data, rejects with the server's error or `unavailable` (no ack in time). */
  async function ask<T>(event: keyof AgentClientEvents, payload: unknown, timeoutMessage = late): Promise<T> {
    let ack: Ack<T>;
    try {
      // The event name is generic here; the interface above types each payload and answer.
      ack = await (socket.timeout(SEND_TIMEOUT_MS).emitWithAck as (event: string, payload: unknown) => Promise<Ack<T>>)(event, payload);
    } catch (cause) {
      throw new ParleyError('unavailable', timeoutMessage, { cause });
    }
    if (ack.ok) return ack.data;
    throw ParleyError.fromBody(ack.error);
  }

  return {
    get connected() {
      return socket.connected;
    },
    onConnection(listener) {
      listeners.add(listener);
    },
    on(event, listener) {
      // The generic event name defeats Socket.IO's overloads; the map type above keeps callers honest.
      (socket.on as (event: string, listener: (...args: never[]) => void) => void)(event, listener);
    },
    send: (payload) => ask('message:send', payload),
    setPresence: async (payload) => (await ask<{ status: PresenceStatus }>('presence:set', payload)).status,
    requestAssist: (payload) => ask('assist:request', payload),
    prepareAttachment: (payload) => ask('attachment:prepare', payload),
    attachmentUrl: (attachmentId) => ask('attachment:url', { attachmentId }),
    setTyping(payload) {
      // `volatile`: a typing hint buffered through a disconnection would arrive late and wrong.
      if (socket.connected) socket.volatile.emit('typing:set', payload);
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      listeners.clear();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
