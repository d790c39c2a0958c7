/**
 * `createClient`: the visitor side of a Parley conversation over Socket.IO.
 * @module
 */
import {
  ParleyError,
  VISITOR_NAMESPACE,
  type Ack,
  type ContactIdentified,
  type ContactIdentity,
  type AckDataOf,
  type ErrorBody,
  type ErrorCode,
  type Message,
  type Attachment,
  type MessageSent,
  type MessagesPage,
  type QueueStatus,
  type Session,
  type TypingChanged,
  type VisitorClientEvents,
  type VisitorConversation,
  type VisitorConversationSummary,
  type VisitorHandshake,
  type VisitorServerEvents,
} from '@parley/protocol';
import { Manager, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { createDraftStore, type BotDraft } from './draft-store.js';
import { createEmitter } from './emitter.js';
import { createMessageStore } from './message-store.js';
import { createOutbox, type OutboxItem } from './outbox.js';
import { randomId } from './random-id.js';
import { createSafeStorage, defaultStorage, type StorageLike } from './storage.js';
import { createTypingNotifier } from './thread/typing-notifier.js';

/** How many messages one `messages:sync` page asks for (the protocol allows 1 to 500). */
const SYNC_PAGE_SIZE = 200;
/** First delay before retrying a failed handshake or send; doubles up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** Error codes after which a queued message stays queued and is sent again later. */
const retryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unavailable', 'rate_limited', 'unauthorized']);

/**
 * The connection as the visitor should understand it: `connecting` until the session is loaded and synced,
 * `connected`, `offline` (the transport is down and the client retries by itself), or `error` (the server refused the
 * connection, e.g. `origin_not_allowed`; nothing is retried until {@link ParleyClient.connect} is called).
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'offline' | 'error';

/**
 * The client's events and their listeners' signatures.
 *
 * @example
 * ```ts
 * client.on('message', (message) => console.log(message.author.kind, message.body))
 * client.on('status', (status, error) => { if (status === 'error') console.error(error?.code) })
 * client.on('draft', (drafts) => console.log(drafts.map((draft) => draft.text)))
 * ```
 */
export interface ClientEvents {
  /** A message became visible: each message once, in `seq` order (after a gap is filled, several in a row). */
  message: (message: Message) => void;
  /**
   * The bot's replies in progress changed: one started, grew, ended, or was replaced by its stored message (reported by
   * `message` right after). Carries every current draft; see {@link ParleyClient.drafts}.
   */
  draft: (drafts: readonly BotDraft[]) => void;
  /** Someone on the other side (an agent) started or stopped typing. */
  typing: (typing: TypingChanged) => void;
  /** The conversation changed: status, `lastSeq`, or a new conversation replacing a closed one. */
  conversation: (conversation: VisitorConversation) => void;
  /** The connection status changed; `error` is set for `error` and may be set for `offline`. */
  status: (status: ConnectionStatus, error: ParleyError | undefined) => void;
  /** The conversation's place in the queue changed, or it left the queue (`null`); see {@link ParleyClient.queue}. */
  queue: (queue: QueueStatus | null) => void;
  /** A session was loaded, on every (re)connect. */
  session: (session: Session) => void;
  /** The outbox changed: a message was queued, acknowledged or rejected. */
  pending: (pending: readonly OutboxItem[]) => void;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The Parley server, e.g. `https://chat.example.com`. Only its origin is used; set `io.path` for another path. */
  serverUrl: string;
  /** The widget's public key (`pk_…`). */
  widgetKey: string;
  /**
   * Keeps the session token and the outbox, under keys that include the widget key. Defaults to `localStorage` when the
   * page may use it, else to memory (the conversation then ends with the page).
   */
  storage?: StorageLike;
  /** Extra Socket.IO client options, e.g. `{ transports: ['websocket'] }` or `extraHeaders` in Node. */
  io?: Omit<Partial<ManagerOptions & SocketOptions>, 'auth' | 'autoConnect'>;
  /** How long to wait for the server to acknowledge an event before treating it as lost. Default 10 000 ms. */
  ackTimeoutMs?: number;
  /** Connect at once (the default). With `false`, call {@link ParleyClient.connect} yourself. */
  autoConnect?: boolean;
}

/**
 * A visitor's connection to a Parley server: resumes the session, keeps messages in order, queues sends while offline.
 *
 * @example
 * ```ts
 * const client = createClient({ serverUrl: 'https://chat.example.com', widgetKey: 'pk_live_123' })
 * const stop = client.on('message', (message) => show(message))
 * await client.send('Hello!')
 * stop()
 * client.close()
 * ```
 */
export interface ParleyClient {
  /** The current connection status; the `status` event reports changes. */
  readonly status: ConnectionStatus;
  /** Why the status is `error` (or `offline` after a failed handshake); undefined otherwise. */
  readonly error: ParleyError | undefined;
  /**
   * The last session loaded from the server; null before the first connection. Reloaded on every (re)connect (the
   * `session` event). Besides the visitor and the widget's settings it says what the server offers: `email` is true when
   * the server sends e-mail, so {@link ParleyClient.requestTranscript} can work (false or missing: it cannot), and
   * `topics` what the visitor may pick before their first message ({@link ParleyClient.chooseTopic}; missing or empty:
   * no choice).
   *
   * @example
   * ```ts
   * client.on('session', (session) => (transcriptButton.hidden = !session.email))
   * ```
   */
  readonly session: Session | null;
  /** The current conversation's messages, deduplicated and sorted by `seq`. The same array until the next change. */
  readonly messages: readonly Message[];
  /** Messages written but not yet acknowledged by the server, oldest first. */
  readonly pending: readonly OutboxItem[];
  /**
   * The bot's replies still streaming in, oldest first; show them after `messages`. The same array until the next
   * `draft` event. A draft grows with each delta, disappears when the reply is cancelled (a person took over) or
   * failed, and is replaced by the stored message with the same id once that is in `messages`, so a reply never shows
   * twice. A draft cut off by a disconnect is dropped; the stored reply comes back with the sync on reconnect.
   *
   * @example
   * ```ts
   * client.on('draft', () => render([...client.messages, ...client.drafts]))
   * ```
   */
  readonly drafts: readonly BotDraft[];
  /**
   * While the conversation waits for a person: its place in the queue and the usual wait in seconds (null when the
   * server has too few recent waits to say), kept up to date by the server; null otherwise.
   *
   * @example
   * ```ts
   * client.on('queue', (queue) => banner.textContent = queue ? `You're number ${queue.position} in the queue.` : '')
   * ```
   */
  readonly queue: QueueStatus | null;
  /**
   * The topic chosen with {@link ParleyClient.chooseTopic} (an id of `session.topics`); null when none is. Kept in
   * memory only: a new page starts without one.
   *
   * @example
   * ```ts
   * for (const button of topicButtons) button.setAttribute('aria-pressed', String(button.value === client.topic))
   * ```
   */
  readonly topic: string | null;
  /**
   * Subscribes to an event and returns the function that unsubscribes.
   *
   * @example
   * ```ts
   * const stop = client.on('typing', ({ typing }) => indicator.toggle(typing))
   * ```
   */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /**
   * Sends a message. It goes to the outbox first (persisted in storage), is sent at once when connected and otherwise
   * on the next connection, and resolves with the server's ack. A message the server refuses for good (for example
   * `message_too_long` or `invalid_payload`) rejects with a `ParleyError` and leaves the outbox; network failures and
   * `rate_limited` keep it queued. Closing the client rejects the promise, but the message stays queued for the next
   * client using the same storage. Before the visitor has a conversation it carries the topic chosen with
   * {@link ParleyClient.chooseTopic}.
   *
   * @example
   * ```ts
   * try {
   *   const { seq } = await client.send('Where is my order?')
   * } catch (error) {
   *   if (ParleyError.isInstance(error)) showError(error.message)
   * }
   * ```
   */
  send(body: string, options?: { attachments?: readonly string[] }): Promise<MessageSent>;
  /**
   * Uploads a file the visitor attaches (a `File` from an `<input type="file">`, or a `Blob` with a name): prepares the
   * upload (`attachment:prepare`), then `PUT`s the bytes to the server. Resolves with the file as the server read it
   * (its real type, `inline` for an image shown in place); send it with `send(body, { attachments: [id] })`. Rejects
   * with `invalid_payload` for a type not accepted (checked by content, not by name), an empty file or one over
   * 10 MiB, `unavailable` when not connected or the upload failed.
   *
   * @example
   * ```ts
   * const file = input.files[0]
   * const attachment = await client.upload(file)
   * await client.send(file.name, { attachments: [attachment.id] })
   * ```
   */
  upload(file: Blob & { readonly name: string }): Promise<Attachment>;
  /**
   * Where to fetch a file of the visitor's conversations for the next five minutes: absolute URLs of the file and of its
   * preview (images), and when they expire. Rejects with `not_found` for a file that isn't theirs.
   *
   * @example
   * ```ts
   * const { url, thumbnailUrl } = await client.attachmentUrl(message.attachments[0].id)
   * ```
   */
  attachmentUrl(attachmentId: string): Promise<{ url: string; thumbnailUrl: string | null; expiresAt: string }>;
  /**
   * Tells the other side whether the visitor is typing. Call it on every keystroke: repeats are throttled, and typing
   * stops by itself after a few idle seconds or when a message is sent. Dropped while offline.
   *
   * @example
   * ```ts
   * textarea.addEventListener('input', () => client.setTyping(textarea.value.length > 0))
   * ```
   */
  setTyping(typing: boolean): void;
  /**
   * Asks for a person to take over from the bot, and resolves with the conversation as it is now (status `queued`); the
   * bot's reply in progress, if any, ends `cancelled`. Rejects with a `ParleyError`: `transition_rejected` when the
   * conversation cannot be handed over (e.g. a person is already there), `unavailable` at once when not connected
   * (the request is not queued) or when the server does not answer. When it starts the conversation (the visitor has
   * none yet), it carries the topic chosen with {@link ParleyClient.chooseTopic}.
   *
   * @example
   * ```ts
   * try {
   *   await client.requestHuman('Wants to talk about a refund')
   * } catch (error) {
   *   if (ParleyError.isInstance(error) && error.code === 'transition_rejected') show("You're already talking to our team")
   * }
   * ```
   */
  requestHuman(reason?: string): Promise<VisitorConversation>;
  /**
   * Chooses the topic of the conversation the visitor's next first message will start: the `id` of one of
   * `session.topics` (the server routes the conversation to that topic's team), or `null` to clear the choice. Kept in
   * memory until changed. While the visitor has no conversation (`session.conversation` is null), every
   * {@link ParleyClient.send} and {@link ParleyClient.requestHuman} carries it as its `topic`, and the one that starts
   * the conversation decides; once there is a conversation, none does. A message written while offline keeps the topic
   * chosen when it was written, also across a reload, and carries it when it goes out if there is still no
   * conversation then. A topic the server no longer offers is ignored (the conversation goes to the widget's team), but
   * pass only ids from `session.topics`: one that is no topic id at all (lowercase letters, digits and `-`) makes the
   * server refuse the message with `invalid_payload`.
   *
   * @example
   * ```ts
   * client.on('session', (session) => showTopics(session.conversation ? [] : (session.topics ?? [])))
   * billingButton.addEventListener('click', () => client.chooseTopic('billing'))
   * await client.send('My invoice is wrong') // starts a conversation for the billing team
   * ```
   */
  chooseTopic(id: string | null): void;
  /**
   * The visitor answers the widget's proactive message `id` (one of `session.widget.proactive`, shown by the widget as
   * a bubble), or `null` when they no longer do. Carried like the topic of {@link ParleyClient.chooseTopic}, as
   * `proactive`: the message or request that starts the conversation opens it with that message, as the bot's, so that
   * agents and the bot read what the visitor is answering. An id the widget no longer has is ignored.
   *
   * @example
   * ```ts
   * bubble.addEventListener('click', () => client.answerProactive('pricing-help'))
   * ```
   */
  answerProactive(id: string | null): void;
  /**
   * Rates the resolved conversation, 1 (bad) to 5 (great), with an optional comment: the resolution announced by the
   * `resolved` status line at `resolvedSeq`, once. Resolves with the `rated` status line, which also arrives as a
   * message. Rejects with `conflict` when it was rated already and `transition_rejected` once the conversation reopened.
   *
   * @example
   * ```ts
   * const resolved = client.messages.findLast((message) => message.event?.type === 'resolved')
   * if (resolved) await client.rate(resolved.seq, 5, 'Quick and kind')
   * ```
   */
  rate(resolvedSeq: number, rating: number, comment?: string): Promise<Message>;
  /**
   * Starts over after a resolved conversation: closes it (the agents see it closed), so that the visitor's next message
   * starts a new conversation instead of reopening it. The client then has no conversation (`session.conversation` is
   * null, `messages` empty) until that message; the closed one is among {@link ParleyClient.listConversations}. Rejects
   * with `transition_rejected` while the conversation is still open, `not_found` without one, `unavailable` when not
   * connected.
   *
   * @example
   * ```ts
   * newConversationButton.addEventListener('click', () => client.startConversation())
   * ```
   */
  startConversation(): Promise<VisitorConversation>;
  /**
   * The visitor's conversations, the newest first (at most 50), the current one included: each with its status, when it
   * started and the start of its last message that isn't a status line. `session.pastConversations` says how many there
   * are besides the current one. Rejects with `unavailable` when not connected.
   *
   * @example
   * ```ts
   * for (const past of await client.listConversations()) console.log(past.createdAt, past.lastMessage?.body)
   * ```
   */
  listConversations(): Promise<VisitorConversationSummary[]>;
  /**
   * The messages of one of the visitor's conversations (an id from {@link ParleyClient.listConversations}) after
   * `afterSeq` (default 0: from the first), oldest first, up to 500 at a time (`hasMore` when there are more: ask again
   * after the last one's `seq`), to read a past conversation again; it doesn't change the current one. Rejects with
   * `not_found` for an id that isn't one of theirs, `unavailable` when not connected.
   *
   * @example
   * ```ts
   * const transcript = []
   * for (let page; !page || page.hasMore; ) {
   *   page = await client.readConversation(past.id, transcript.at(-1)?.seq ?? 0)
   *   transcript.push(...page.messages)
   * }
   * ```
   */
  readConversation(conversationId: string, afterSeq?: number): Promise<MessagesPage>;
  /**
   * Leaves an e-mail address and/or phone number for a reply while nobody can answer (after an `away` status line).
   * Resolves with the `contact_saved` line, which also arrives as a message; rejects with `invalid_payload` (its
   * message says what is wrong) for an address or number that isn't one.
   *
   * @example
   * ```ts
   * await client.saveContact({ email: 'ada@example.com' })
   * ```
   */
  saveContact(details: { email?: string; phone?: string }): Promise<Message>;
  /**
   * Tells the server the visitor has read the conversation up to `seq` (the newest message on their screen), so that a
   * reply they have already seen is not e-mailed to them. Call it whenever the visitor can see the messages: the chat is
   * open, the page visible (`document.visibilityState === 'visible'`) and the newest message changed. Cheap to call
   * often: only a `seq` higher than any sent (or acknowledged by the server) for this conversation on this connection
   * goes out, one at a time (one asked for meanwhile goes once the one in flight is acknowledged), and failures are
   * ignored, as it is only a hint. Dropped while not connected; after a reconnect the next call sends again.
   *
   * @example
   * ```ts
   * const seen = () => {
   *   if (panel.open && document.visibilityState === 'visible') client.markSeen(client.messages.at(-1)?.seq ?? 0)
   * }
   * client.on('message', seen)
   * document.addEventListener('visibilitychange', seen)
   * ```
   */
  markSeen(seq: number): void;
  /**
   * E-mails the conversation's transcript to `email`, or, without one (or with `''`), to the address the visitor left
   * before; a new address is kept for the visitor, as {@link ParleyClient.saveContact} would. Resolves with the address
   * it goes to (it is sent within a minute). Rejects with a `ParleyError`: `unavailable` when the server sends no
   * e-mail (see `session.email`) or when not connected, `not_found` before the visitor has a conversation,
   * `invalid_payload` for an address that isn't one.
   *
   * @example
   * ```ts
   * if (client.session?.email) {
   *   const { email } = await client.requestTranscript('ada@example.com')
   *   show(`Sent to ${email}.`)
   * }
   * ```
   */
  requestTranscript(email?: string): Promise<{ email: string }>;
  /**
   * Connects, or reconnects after `close()` or a refused connection. Does nothing when already connecting or connected.
   *
   * @example
   * ```ts
   * const client = createClient({ serverUrl, widgetKey, autoConnect: false })
   * client.connect()
   * ```
   */
  connect(): void;
  /**
   * Tells Parley who the visitor is, as the site knows them (the signed-in user): a name, an e-mail address, a phone
   * number (any common format; stored in E.164, one without a country code read as one of the widget's default
   * country). The agents see them on the visitor's contact; nothing appears in the conversation.
   *
   * The client remembers the latest details (in memory, merged with those of earlier calls: a field left out keeps its
   * value) and presents them in the handshake of every (re)connect, so they apply however early the page calls this; it
   * never connects by itself. While connected it also sends them at once (`contact:identify`). The details are not
   * verified: any script on the page can claim any of them, so never treat them as proof of who the visitor is. An
   * invalid field (an address that isn't one, a name over 200 characters) is dropped by the server.
   *
   * `token` proves who the visitor is (identity verification): a short-lived JWT the site's server signs with the
   * widget's secret or its own key (see docs/identity-verification.md). With it, the visitor continues as the site's
   * user: what they wrote before signing in, and their conversations on other devices, are theirs, and the agents see
   * the contact as verified. Given while connected, the server reconnects the client once it has verified it. Whether
   * the token was accepted is in `session.identity` (the handshake's) or in `contact:identify`'s answer.
   *
   * @example
   * ```ts
   * const client = createClient({ serverUrl, widgetKey, autoConnect: false })
   * client.identify({ name: user.fullName, email: user.email })
   * client.connect()
   * // Later, when the user adds a phone number:
   * client.identify({ phone: '+44 20 7946 0958' })
   * // A signed-in user, proven by the site's server:
   * client.identify({ token: await fetch('/parley-token').then((response) => response.text()) })
   * ```
   */
  identify(details: ContactIdentity): void;
  /**
   * Tells Parley which language the visitor reads, a BCP 47 tag such as `es` or `pt-BR` (the widget calls it with the
   * language it shows). The server writes to the visitor in it: the status lines ("You're number 2 in the queue"), the
   * offline answerer's sentences and its "Talk to a person" quick reply, the bot's questions; in the widget's language
   * when the server has no sentences in it. The agents see it on the contact. Without a call, the browser's language
   * (`navigator.language`) is reported.
   *
   * The client presents it in the handshake of every (re)connect, so it applies however early the page calls this; it
   * never connects by itself. While connected it also sends it at once (`language:set`), so the next lines follow it.
   * A tag that isn't one is dropped by the server.
   *
   * @example
   * ```ts
   * const client = createClient({ serverUrl, widgetKey, autoConnect: false })
   * client.setLocale(document.documentElement.lang)
   * client.connect()
   * // Later, when the visitor picks another language on the site:
   * client.setLocale('de')
   * ```
   */
  setLocale(locale: string): void;
  /**
   * The visitor gives their contact details themselves (the widget's pre-chat form): sends them at once
   * (`contact:identify`; call it while connected) and resolves with what the contact now holds (the
   * phone in E.164). Rejects with a `ParleyError`: `invalid_payload` with an issue per field the server refused (its
   * `path` the field's name: a phone number that isn't one), `unavailable` without an answer in time. The client
   * keeps them in storage for its widget key and presents them in the handshake of every later connection, by
   * this client or the next on this browser, as {@link ParleyClient.identify} does, until `close({ forget: true })`:
   * the server then knows the form was answered (`session.preChat` absent) and keeps the details for the contact its
   * first message creates.
   *
   * @example
   * ```ts
   * try {
   *   await client.submitContact({ name: 'Ada', email: 'ada@example.com' })
   * } catch (error) {
   *   if (ParleyError.isInstance(error)) for (const issue of error.issues ?? []) showNextTo(issue.path, issue.message)
   * }
   * ```
   */
  submitContact(details: ContactIdentity): Promise<ContactIdentified>;
  /**
   * Disconnects and stops retrying. Queued messages stay in storage, and the next client on this browser resumes the
   * same visitor and conversation.
   *
   * With `forget: true` (the visitor signed out of the site), it also removes everything this client stored for its
   * widget key (the session token, the last conversation's status, the queued messages, which are not sent) and forgets
   * what it held in memory (messages, drafts, the session, the details given to {@link ParleyClient.identify}), so the
   * next connection, by this client or another on this browser, starts as a new visitor. The server keeps the old
   * visitor's conversation for the agents.
   *
   * @example
   * ```ts
   * window.addEventListener('pagehide', () => client.close())
   * ```
   *
   * @example
   * ```ts
   * signOutButton.addEventListener('click', () => client.close({ forget: true }))
   * ```
   */
  close(options?: { forget?: boolean }): void;
}

/** The part of a Socket.IO client socket the SDK uses; the seam unit tests drive with a fake. */
export type VisitorSocket = Pick<
  Socket<VisitorServerEvents, VisitorClientEvents>,
  'connected' | 'active' | 'connect' | 'disconnect' | 'on' | 'timeout' | 'volatile'
>;

/** Makes the socket; `handshake` returns the `auth` to present, and must be called on every (re)connect. */
export type CreateVisitorSocket = (handshake: () => VisitorHandshake) => VisitorSocket;

/**
 * Storage keys of a widget; the widget key is part of them so two widgets on one site don't share a visitor.
 * `conversation` holds the status of the visitor's last known conversation, so a later page can tell without a socket
 * whether there is one to resume ({@link hasConversationToResume}).
 * @internal
 */
export function storageKeys(widgetKey: string) {
  return {
    session: `parley:${widgetKey}:session`,
    outbox: `parley:${widgetKey}:outbox`,
    conversation: `parley:${widgetKey}:conversation`,
    identity: `parley:${widgetKey}:identity`,
  };
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).code === 'string';
}

/**
 * An ack callback for `socket.timeout(…).emit(…)` that settles a promise: the ack's data, the server's error, or
 * `unavailable` when no ack came in time or the socket disconnected first.
 */
function settle<T>(resolve: (data: T) => void, reject: (error: ParleyError) => void) {
  return function handleAck(timeout: Error | null, ack: Ack<T>) {
    if (timeout) reject(new ParleyError('unavailable', 'The server did not answer in time.', { cause: timeout }));
    else if (ack?.ok === true) resolve(ack.data);
    else reject(isErrorBody(ack?.error) ? ParleyError.fromBody(ack.error) : new ParleyError('internal_error'));
  };
}

/** The events whose ack carries an answer, and what each one sends before its ack. */
type AckedEvent = Exclude<keyof VisitorClientEvents, 'typing:set'>;
type PayloadOf<E extends AckedEvent> = VisitorClientEvents[E] extends (ack: never) => void
  ? []
  : VisitorClientEvents[E] extends (payload: infer P, ack: never) => void
    ? [P]
    : never;

function toParleyError(cause: unknown): ParleyError {
  return ParleyError.isInstance(cause) ? cause : new ParleyError('internal_error', undefined, { cause });
}

/**
 * Creates a visitor client and, unless `autoConnect` is false, connects it.
 *
 * @example
 * ```ts
 * import { createClient } from '@parley/client'
 *
 * const client = createClient({ serverUrl: 'https://chat.example.com', widgetKey: 'pk_live_123' })
 * client.on('message', (message) => console.log(`${message.author.kind}: ${message.body}`))
 * client.on('status', (status, error) => console.log(status, error?.message))
 * await client.send('Hi there')
 * ```
 */
export function createClient(options: ClientOptions): ParleyClient {
  return createClientWithSocket(options, function createVisitorSocket(handshake) {
    // From protocol's zod-free constants module, so the widget bundle stays free of schemas.
    // A Manager of its own rather than `io()`, whose cache shares one between clients of a server: each client is one
    // visitor with one socket.
    const manager = new Manager(new URL(options.serverUrl).origin, {
      // A WebSocket at once: one connection, without Socket.IO's HTTP long-polling handshake and upgrade first.
      transports: ['websocket'],
      ...options.io,
      autoConnect: false,
    });
    // A function, not an object: Socket.IO calls it on every (re)connect, so reconnects present the latest token.
    const socket = manager.socket(VISITOR_NAMESPACE, { ...options.io, auth: (callback) => callback(handshake()) });
    // Where a WebSocket can't connect (a proxy or firewall that blocks them), the attempts after a failure start with
    // long-polling and upgrade when they can, as Socket.IO's documentation suggests. Unless the caller chose transports.
    if (!options.io?.transports) {
      socket.io.once('error', () => {
        void import('./polling-transport.js').then(({ registerPolling }) => {
          registerPolling();
          socket.io.opts.transports = ['polling', 'websocket'];
        });
      });
    }
    return socket;
  });
}

/**
 * {@link createClient} with the socket made by `createSocket`.
 * @internal Exported for unit tests; not part of the package's entry point.
 */
export function createClientWithSocket(options: ClientOptions, createSocket: CreateVisitorSocket): ParleyClient {
  const { widgetKey } = options;
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const storage = createSafeStorage(options.storage ?? defaultStorage());
  const keys = storageKeys(widgetKey);
  const events = createEmitter<ClientEvents>();
  const store = createMessageStore();
  const drafts = createDraftStore(function isStored(messageId) {
    return store.messages.some((message) => message.id === messageId);
  });
  const outbox = createOutbox(storage, keys.outbox);
  // Promises of `send` calls made by this client, by clientId. Items queued by an earlier page have none.
  const waiting = new Map<string, { resolve: (sent: MessageSent) => void; reject: (error: ParleyError) => void }>();

  let status: ConnectionStatus = 'offline';
  let queue: QueueStatus | null = null;
  let error: ParleyError | undefined;
  let session: Session | null = null;
  let closed = true;
  // Bumped on every connect and disconnect: async work started for an older connection checks it and stops.
  let connection = 0;
  // True once the current connection has loaded the session and synced; sends wait for it.
  let ready = false;
  // Set after dropping a refused token, so a second refusal is reported instead of looping.
  let startedFresh = false;
  let flushing = false;
  let syncing: Promise<void> | null = null;
  let syncAgain = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = FIRST_RETRY_MS;
  // `conversation:seen`, for conversation `seenIn` on this connection: the highest seq sent or acknowledged, the highest
  // asked for, and whether one is in flight.
  let seenIn: string | null = null;
  let seen = 0;
  let wantSeen = 0;
  let seeing = false;
  // The topic chosen for the conversation the next first message starts (`chooseTopic`), and the proactive message the
  // visitor answers (`answerProactive`).
  let topic: string | null = null;
  let proactive: string | null = null;
  // Who the visitor is, presented in every handshake: what the page says (`identify`, in memory: the page says it on
  // every load) over the pre-chat form's answer (`submitContact`). The answer is kept in storage only until a
  // conversation exists: before that the server holds it per connection, so a reload or another page must present it
  // again; after, the contact holds it, and presenting it again would undo later edits (an agent's, the follow-up
  // form's).
  let pageIdentity: ContactIdentity | undefined;
  let answers: ContactIdentity | undefined;
  // The language the visitor reads, as the page or the widget says (`setLocale`); until then the browser's, read once
  // (a change in the browser's settings counts from the next page).
  let locale = globalThis.navigator?.language;
  try {
    answers = JSON.parse(storage.getItem(keys.identity)!) ?? undefined;
  } catch {
    // Unreadable: as if the form was never answered.
  }

  const socket = createSocket(function handshake(): VisitorHandshake {
    // Where the visitor is, for the agents' contact panel: read on every (re)connect, so a reconnect reports the page
    // they are on now (`document.URL` is `location.href`). Outside a browser (Node) there is no page; undefined fields
    // are not sent, and the server drops any value it cannot use (an empty referrer).
    const page = globalThis.document;
    return {
      widgetKey,
      sessionToken: storage.getItem(keys.session) || undefined,
      page: page?.URL,
      referrer: page?.referrer,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: locale,
      identity: answers || pageIdentity ? { ...answers, ...pageIdentity } : undefined,
    };
  });

  function setStatus(next: ConnectionStatus, nextError?: ParleyError) {
    if (next === status && nextError === error) return;
    status = next;
    error = nextError;
    events.emit('status', status, error);
  }

  function emitPending() {
    events.emit('pending', outbox.items);
  }

  function emitDrafts(changed: boolean) {
    if (changed) events.emit('draft', drafts.drafts);
  }

  /** Drops the drafts whose message is now visible, and those of another conversation than the current one. */
  function pruneDrafts() {
    const { conversationId, messages } = store;
    return drafts.retain((draft) => draft.conversationId === conversationId && !messages.some((message) => message.id === draft.messageId));
  }

  function addMessages(messages: readonly Message[], provisional = false) {
    const added = messages.flatMap((message) => store.add(message, provisional));
    // Drafts first: by the time `message` reports a bot reply, its draft is gone from `drafts`.
    if (added.length) emitDrafts(pruneDrafts());
    for (const message of added) events.emit('message', message);
    if (store.hasGap && ready) catchUp();
  }

  /**
   * Emits `event` (with its payload, if it has one) and resolves with the data of the server's ack; see {@link settle}.
   * Every request goes through here rather than writing the same few lines each (bytes of the widget's main chunk).
   */
  function ask<E extends AckedEvent>(event: E, ...payload: PayloadOf<E>) {
    return new Promise<AckDataOf<VisitorClientEvents, E>>((resolve, reject) => {
      // Socket.IO types `emit` one event at a time; the cast lets one call serve them all, and `ask`'s own signature
      // checks each event's payload. Still called on the socket, so `emit` keeps its `this`.
      (socket.timeout(ackTimeoutMs).emit as (...args: unknown[]) => void)(event, ...payload, settle(resolve, reject));
    });
  }

  /** Sends what the next handshake presents anyway, only while connected: a failure is ignored. */
  function sendIfConnected<E extends 'contact:identify' | 'language:set'>(event: E, ...payload: PayloadOf<E>) {
    if (socket.connected) ask(event, ...payload).catch(() => {});
  }

  /** `request()` when connected and ready; otherwise a rejection with `unavailable`, asking to try (or ask) again later. */
  function whenReady<T>(request: () => Promise<T>, again = 'Try'): Promise<T> {
    return ready ? request() : Promise.reject(new ParleyError('unavailable', `Not connected. ${again} again when the connection is back.`));
  }

  function requestSession() {
    return ask('session:get');
  }

  function requestPage(afterSeq: number) {
    return ask('messages:sync', { afterSeq, limit: SYNC_PAGE_SIZE });
  }

  /**
   * `{ topic, proactive }` while the visitor has no conversation, which a message or request may then start; else
   * nothing. A choice not made is left out.
   */
  function openingIfNew(chosen: { topic?: string | null | undefined; proactive?: string | null | undefined }) {
    return session?.conversation
      ? {}
      : { ...(chosen.topic && { topic: chosen.topic }), ...(chosen.proactive && { proactive: chosen.proactive }) };
  }

  function requestSend(item: OutboxItem) {
    return ask('message:send', { clientId: item.clientId, body: item.body, attachments: item.attachments, ...openingIfNew(item) });
  }

  /**
   * Fetches every message after the last one held, page by page. One sync runs at a time; asking again while one runs
   * makes it run once more, since the running one may have read its page before the news that caused the request.
   */
  function syncMessages(): Promise<void> {
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    syncing = (async () => {
      try {
        do {
          syncAgain = false;
          for (;;) {
            const afterSeq = store.lastSeq;
            const page = await requestPage(afterSeq);
            addMessages(page.messages);
            // A page that moved nothing forward would loop forever; the next sync starts over.
            if (!page.hasMore || store.lastSeq === afterSeq) break;
          }
        } while (syncAgain);
        // Anything still held back is ahead of messages the server no longer has: show it rather than hide it.
        addMessages(store.release());
      } finally {
        syncing = null;
      }
    })();
    return syncing;
  }

  /**
   * Fetches what a push said was missed. A fetch that fails (a timeout, `rate_limited`) is tried again after a pause,
   * so a missed message is not left missing until the next reconnect.
   */
  function catchUp() {
    syncMessages().catch(() => {
      if (ready) scheduleRetry(catchUp);
    });
  }

  function setQueue(next: QueueStatus | null) {
    if (next === queue) return;
    queue = next;
    events.emit('queue', queue);
  }

  /** No current conversation (none yet, or the last one closed): the next message starts one. */
  function leaveConversation() {
    storage.removeItem(keys.conversation);
    store.reset(null);
    emitDrafts(pruneDrafts());
    setQueue(null);
  }

  function applyConversation(conversation: VisitorConversation) {
    if (conversation.status === 'closed') {
      // Closed for good (the visitor started over, or it sat resolved too long): it is a past conversation now. Only
      // the current one: news of an older one, arriving late, changes nothing here.
      if (session?.conversation?.id !== conversation.id) return;
      leaveConversation();
      session = { ...session, conversation: null, pastConversations: (session.pastConversations ?? 0) + 1 };
      events.emit('conversation', conversation);
      return;
    }
    // The proactive message answered opens the conversation that exists now; a later one starts without it.
    proactive = null;
    storage.setItem(keys.conversation, conversation.status);
    // The contact holds the pre-chat answer now (see `answers`).
    answers = undefined;
    storage.removeItem(keys.identity);
    // Only a queued conversation has a place; a status push carries none, so the last one known stays until it leaves.
    if (conversation.status !== 'queued') setQueue(null);
    else if (conversation.queue) setQueue(conversation.queue);
    // A closed conversation is followed by a new one whose seq restarts at 1: forget the old messages.
    if (store.conversationId !== conversation.id) {
      store.reset(conversation.id);
      emitDrafts(pruneDrafts());
    }
    if (session) session = { ...session, conversation };
    events.emit('conversation', conversation);
  }

  /** News about the conversation, pushed or in an ack: apply it and fetch what it says was missed. */
  function updateConversation(conversation: VisitorConversation) {
    applyConversation(conversation);
    // A closed one is left behind: nothing of it to fetch.
    if (ready && conversation.status !== 'closed' && conversation.lastSeq > store.lastSeq) catchUp();
  }

  function scheduleRetry(retry: () => void) {
    if (closed) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  /** Drops a token the server refused and connects again as a new visitor, once; a second refusal is an error. */
  function startFresh(failure: ParleyError) {
    if (startedFresh || storage.getItem(keys.session) === null) {
      setStatus('error', failure);
      return;
    }
    startedFresh = true;
    storage.removeItem(keys.session);
    session = null;
    store.reset(null);
    emitDrafts(pruneDrafts());
    setQueue(null);
    setStatus('connecting');
    if (socket.connected) socket.disconnect();
    socket.connect();
  }

  async function start(current: number) {
    try {
      const next = await requestSession();
      if (current !== connection) return;
      storage.setItem(keys.session, next.sessionToken);
      session = next;
      if (next.conversation) applyConversation(next.conversation);
      else leaveConversation();
      events.emit('session', next);
      // On every (re)connect, fetch what was missed while away: everything after the last message seen.
      if (next.conversation && next.conversation.lastSeq > store.lastSeq) await syncMessages();
      if (current !== connection) return;
      ready = true;
      startedFresh = false;
      retryDelay = FIRST_RETRY_MS;
      setStatus('connected');
      void flush();
    } catch (cause) {
      if (current !== connection || closed) return;
      const failure = toParleyError(cause);
      if (failure.code === 'unauthorized') return startFresh(failure);
      // The socket is up but the session could not be loaded: start over after a pause.
      socket.disconnect();
      setStatus(failure.code === 'unavailable' ? 'offline' : 'error', failure);
      scheduleRetry(() => {
        if (!closed) socket.connect();
      });
    }
  }

  /** Sends queued messages one at a time, oldest first, so the server numbers them in the order they were written. */
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      for (;;) {
        // `ready` changes while a send is awaited: a disconnect stops the loop, the next connection flushes again.
        const item = outbox.items[0];
        if (!item || !ready) return;
        let sent: MessageSent;
        try {
          sent = await requestSend(item);
        } catch (cause) {
          const failure = toParleyError(cause);
          if (retryableCodes.has(failure.code)) {
            if (failure.code === 'unauthorized') startFresh(failure);
            else scheduleRetry(() => void flush());
            return;
          }
          outbox.remove(item.clientId);
          waiting.get(item.clientId)?.reject(failure);
          waiting.delete(item.clientId);
          emitPending();
          continue;
        }
        retryDelay = FIRST_RETRY_MS;
        outbox.remove(item.clientId);
        // Show the message from its ack at once; the server's `message:created` for it is then recognised by id.
        addMessages(
          [
            {
              id: sent.id,
              conversationId: sent.conversationId,
              seq: sent.seq,
              clientId: item.clientId,
              author: { kind: 'visitor', id: session?.visitorId ?? null, name: null },
              body: item.body,
              createdAt: sent.createdAt,
            },
          ],
          true,
        );
        waiting.get(item.clientId)?.resolve(sent);
        waiting.delete(item.clientId);
        emitPending();
      }
    } finally {
      flushing = false;
    }
  }

  // The throttle and timings the console uses too.
  const typingNotifier = createTypingNotifier({
    send(typing) {
      // Volatile: a typing notice that cannot go out now is worthless later.
      if (ready) socket.volatile.emit('typing:set', { typing });
    },
  });

  socket.on('connect', () => {
    clearTimeout(retryTimer);
    void start(++connection);
  });

  socket.on('disconnect', (reason) => {
    connection++;
    ready = false;
    // The next connection tells the server again what the visitor has seen.
    seen = wantSeen = 0;
    typingNotifier.reset();
    // A stream cut off here never resumes (the server does not replay it): drop it, and let the sync on reconnect
    // bring the stored reply. A draft that ended `complete` already holds its final text, so it stays.
    emitDrafts(drafts.retain((draft) => !draft.streaming));
    // Our own disconnects set their status themselves.
    if (reason === 'io client disconnect' || closed) return;
    setStatus('offline');
    // The server closing the socket on purpose is not retried by Socket.IO: a restart, or a session that now continues
    // as another contact (a verified identity, a merge), which the next handshake picks up. Spread out, so that the
    // widgets of a restarting server don't all come back in the same instant.
    if (reason === 'io server disconnect') {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => closed || socket.connect(), FIRST_RETRY_MS * (0.5 + Math.random()));
    }
  });

  socket.on('connect_error', (cause) => {
    if (closed) return;
    const body: unknown = (cause as Error & { data?: unknown }).data;
    if (isErrorBody(body)) {
      const failure = ParleyError.fromBody(body);
      if (failure.code === 'unauthorized') startFresh(failure);
      else setStatus('error', failure);
    } else if (socket.active) {
      // A transport failure: Socket.IO retries with backoff by itself.
      setStatus('offline');
    } else {
      setStatus('error', new ParleyError('unavailable', cause.message));
    }
  });

  socket.on('message:created', (message) => addMessages([message]));
  socket.on('typing:changed', (typing) => events.emit('typing', typing));
  socket.on('conversation:updated', updateConversation);
  socket.on('queue:updated', (update) => {
    if (update.conversationId === store.conversationId && session?.conversation?.status === 'queued') setQueue(update);
  });
  socket.on('bot:reply-start', (replyStart) => emitDrafts(drafts.start(replyStart)));
  socket.on('bot:reply-delta', (delta) => emitDrafts(drafts.delta(delta)));
  socket.on('bot:reply-end', (end) => emitDrafts(drafts.end(end)));

  /** `close({ forget: true })`: removes what this client stored for its widget key and what it holds in memory. */
  function forget() {
    for (const key of Object.values(keys)) storage.removeItem(key);
    outbox.clear();
    const unsent = new ParleyError('unavailable', 'The client forgot its visitor; the message was not sent.');
    for (const { reject } of waiting.values()) reject(unsent);
    waiting.clear();
    pageIdentity = answers = undefined;
    topic = proactive = null;
    session = null;
    store.reset(null);
    emitDrafts(drafts.retain(() => false));
    setQueue(null);
    emitPending();
  }

  const client: ParleyClient = {
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    get session() {
      return session;
    },
    get messages() {
      return store.messages;
    },
    get pending() {
      return outbox.items;
    },
    get drafts() {
      return drafts.drafts;
    },
    get queue() {
      return queue;
    },
    get topic() {
      return topic;
    },
    on: events.on,
    send(body, extra) {
      if (!body.trim()) return Promise.reject(new ParleyError('invalid_payload', 'Message is empty.'));
      // The topic (and proactive message) go into the (stored) outbox with the message: a message queued offline keeps them across a reload, and
      // the flush sends it only if there is still no conversation then.
      const item: OutboxItem = {
        clientId: randomId(),
        body,
        createdAt: new Date().toISOString(),
        ...openingIfNew({ topic, proactive }),
        ...(extra?.attachments?.length && { attachments: [...extra.attachments] }),
      };
      const sent = new Promise<MessageSent>((resolve, reject) => waiting.set(item.clientId, { resolve, reject }));
      outbox.add(item);
      emitPending();
      client.setTyping(false);
      void flush();
      return sent;
    },
    requestHuman(reason) {
      // Not queued like a message: a request for a person should not fire minutes later, when it may be unwanted.
      return whenReady(
        () => ask('handoff:request', { ...(reason !== undefined && { reason }), ...openingIfNew({ topic, proactive }) }),
        'Ask',
      ).then((conversation) => {
        updateConversation(conversation);
        return conversation;
      });
    },
    rate(resolvedSeq, rating, comment) {
      return whenReady(() => ask('rating:submit', { resolvedSeq, rating, ...(comment ? { comment } : {}) })).then((line) => {
        addMessages([line]);
        return line;
      });
    },
    startConversation() {
      return whenReady(() => ask('conversation:close')).then((conversation) => {
        updateConversation(conversation);
        return conversation;
      });
    },
    upload(file) {
      return whenReady(() => ask('attachment:prepare', { name: file.name, size: file.size })).then(async ({ uploadPath }) => {
        const response = await fetch(new URL(uploadPath, options.serverUrl), { method: 'PUT', body: file }).catch((cause: unknown) => {
          throw new ParleyError('unavailable', 'The file could not be uploaded.', { cause });
        });
        const answer = (await response.json().catch(() => null)) as { error?: ErrorBody } | Attachment | null;
        if (!response.ok)
          throw answer && 'error' in answer && isErrorBody(answer.error)
            ? ParleyError.fromBody(answer.error)
            : new ParleyError('unavailable');
        return answer as Attachment;
      });
    },
    attachmentUrl(attachmentId) {
      return whenReady(() => ask('attachment:url', { attachmentId })).then(({ path, thumbnailPath, expiresAt }) => ({
        url: new URL(path, options.serverUrl).href,
        thumbnailUrl: thumbnailPath && new URL(thumbnailPath, options.serverUrl).href,
        expiresAt,
      }));
    },
    listConversations() {
      return whenReady(() => ask('conversations:list')).then((list) => list.conversations);
    },
    readConversation(conversationId, afterSeq = 0) {
      return whenReady(() => ask('messages:sync', { conversationId, afterSeq, limit: 500 }));
    },
    saveContact(details) {
      return whenReady(() => ask('contact:update', details)).then((line) => {
        addMessages([line]);
        return line;
      });
    },
    markSeen(seq) {
      const id = store.conversationId;
      // A new conversation restarts seq at 1.
      if (id !== seenIn) {
        seenIn = id;
        seen = wantSeen = 0;
      }
      if (!ready) return;
      // Not Math.max: a seq that is no number (NaN, undefined from JavaScript) is ignored rather than sent.
      if (seq > wantSeen) wantSeen = seq;
      if (seeing || wantSeen <= seen) return;
      seeing = true;
      seen = wantSeen;
      socket.timeout(ackTimeoutMs).emit('conversation:seen', { seq: seen }, (failed, ack) => {
        seeing = false;
        // A hint: a failure is ignored, and what was asked for meanwhile waits for the next call.
        if (failed || !ack?.ok) return;
        // The server's figure is higher when the visitor read further in another tab.
        if (id === store.conversationId) seen = Math.max(seen, ack.data.seenSeq);
        client.markSeen(0);
      });
    },
    requestTranscript(email) {
      return whenReady(() => ask('transcript:request', email ? { email } : {}));
    },
    chooseTopic(id) {
      topic = id;
    },
    answerProactive(id) {
      proactive = id;
    },
    setTyping(typing) {
      if (typing) typingNotifier.input();
      else typingNotifier.stop();
    },
    connect() {
      if (!closed && (status === 'connected' || status === 'connecting' || socket.active)) return;
      closed = false;
      startedFresh = false;
      setStatus('connecting');
      socket.connect();
    },
    identify(details) {
      const given: ContactIdentity = {};
      for (const field of ['name', 'email', 'phone', 'token'] as const) {
        const value = details?.[field];
        if (typeof value === 'string') given[field] = value;
      }
      if (Object.keys(given).length === 0) return;
      pageIdentity = { ...pageIdentity, ...given };
      // Failures are ignored: the next handshake presents the details again, and the server drops invalid fields there.
      sendIfConnected('contact:identify', given);
    },
    setLocale(language) {
      locale = language;
      // Failures are ignored: the next handshake presents it again (the server drops a tag that isn't one there).
      sendIfConnected('language:set', { language });
    },
    submitContact(details) {
      // Kept for the handshakes too, in storage: a reconnect or the next page before the first message still brings
      // them (the server drops a field it refuses there, so a refused answer is kept harmlessly until the next one).
      answers = details;
      storage.setItem(keys.identity, JSON.stringify(details));
      return ask('contact:identify', details);
    },
    close(closing) {
      if (closing?.forget) forget();
      if (closed) return;
      closed = true;
      ready = false;
      connection++;
      clearTimeout(retryTimer);
      typingNotifier.reset();
      socket.disconnect();
      setStatus('offline');
      const closedError = new ParleyError('unavailable', 'The client was closed; the message stays queued.');
      for (const { reject } of waiting.values()) reject(closedError);
      waiting.clear();
    },
  };

  if (options.autoConnect !== false) client.connect();
  return client;
}
