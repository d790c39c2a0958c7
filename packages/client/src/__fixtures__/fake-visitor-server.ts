/**
 * An in-memory stand-in for the server's visitor namespace, for unit tests of the client. It follows the protocol the
 * real server implements (sessions by token, gapless seq, idempotent clientId, `message:created` echoed to the
 * sender's sockets) and the parts of Socket.IO's client socket behaviour the SDK relies on: `auth` read on every
 * connect, `connect_error` with `data` for refusals, `active` staying true across transport failures, acks failing on
 * timeout or disconnect. The real round trip is covered by the server's integration tests, which use this SDK.
 * @module
 */
import type {
  Ack,
  BotReplyEnd,
  ErrorBody,
  Message,
  MessageSent,
  MessagesPage,
  Session,
  VisitorConversation,
  VisitorHandshake,
} from '@parley/protocol';
import type { CreateVisitorSocket, VisitorSocket } from '../create-client.js';

type Listener = (...args: never[]) => void;
type AckFn = (error: Error | null, ack?: Ack<unknown>) => void;

interface Visitor {
  id: string;
  token: string;
  conversation: VisitorConversation | null;
  messages: Message[];
  sockets: Set<FakeSocket>;
  /** The newest seq the visitor has seen (`conversation:seen`), never lower than before. */
  seenSeq: number;
  /** The address a transcript goes to when `transcript:request` gives none. */
  email: string | null;
  /** The topic the conversation was started with (a known one, as the server routes by it), or null. */
  topic: string | null;
  /** Who the page said the visitor is: the handshake's `identity` and `contact:identify`, each field overwriting. */
  identity: { name: string | null; email: string | null; phone: string | null };
  /** The language the visitor reads, as `language:set` last said; null before one. */
  language: string | null;
}

const widget: Session['widget'] = {
  title: 'Support',
  greeting: 'Hi! How can we help?',
  accentColor: '#2563eb',
  position: 'right',
  theme: 'light',
  launcherLabel: '',
  offsetX: 20,
  offsetY: 20,
  teamName: '',
  showAgents: false,
  sound: false,
  locale: 'en',
  botName: 'Assistant',
  preChat: { name: 'off', email: 'off', phone: 'off' },
  proactive: [],
};

const bot: Message['author'] = { kind: 'bot', id: null, name: 'Assistant' };

/** One visitor-side socket connected to a {@link FakeServer}. */
export class FakeSocket {
  connected = false;
  active = false;
  /** Every `auth` presented, in order. */
  readonly handshakes: VisitorHandshake[] = [];
  /** Every `typing:set` that went out. */
  readonly typing: boolean[] = [];
  visitor: Visitor | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly inFlight = new Set<AckFn>();

  constructor(
    private readonly server: FakeServer,
    private readonly handshake: () => VisitorHandshake,
  ) {}

  on(event: string, listener: Listener) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  fire(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...values: unknown[]) => void)(...args);
  }

  connect() {
    if (this.connected) return this;
    this.active = true;
    queueMicrotask(() => this.server.attempt(this));
    return this;
  }

  disconnect() {
    const wasConnected = this.connected;
    this.active = false;
    this.leave();
    if (wasConnected) this.fire('disconnect', 'io client disconnect');
    return this;
  }

  /** The transport dropped (network loss, server restart): Socket.IO keeps the socket active and retries. */
  drop() {
    this.leave();
    this.fire('disconnect', 'transport close');
    this.server.waiting.add(this);
  }

  /** The server closed the socket on purpose (`socket.disconnect(true)`): Socket.IO does not retry by itself. */
  kick() {
    this.active = false;
    this.leave();
    this.fire('disconnect', 'io server disconnect');
  }

  private leave() {
    this.connected = false;
    this.visitor?.sockets.delete(this);
    this.server.waiting.delete(this);
    for (const ack of this.inFlight) ack(new Error('socket has been disconnected'));
    this.inFlight.clear();
  }

  presentHandshake() {
    const auth = this.handshake();
    this.handshakes.push(auth);
    return auth;
  }

  timeout(ms: number) {
    return {
      emit: (event: string, ...args: unknown[]) => {
        const callback = args.pop() as AckFn;
        let done = false;
        const ack: AckFn = (error, body) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.inFlight.delete(ack);
          callback(error, body);
        };
        const timer = setTimeout(() => ack(new Error('operation has timed out')), ms);
        this.inFlight.add(ack);
        if (!this.connected) return; // Socket.IO would buffer it; the SDK never emits while disconnected.
        const answer = this.server.handle(this, event, args[0], (late) => ack(null, late));
        if (answer) queueMicrotask(() => ack(null, answer));
      },
    };
  }

  get volatile() {
    return {
      emit: (event: string, payload: { typing: boolean }) => {
        if (this.connected && event === 'typing:set') this.typing.push(payload.typing);
      },
    };
  }
}

/** The server side: visitors, their conversation, and switches to make it fail in the ways the SDK must survive. */
export class FakeServer {
  /** While false, connection attempts fail like a network error and wait for {@link FakeServer.comeUp}. */
  up = true;
  /** When set, every handshake is refused with this error (e.g. `origin_not_allowed`). */
  refuseWith: ErrorBody | null = null;
  /** Messages longer than this are answered with `message_too_long`. */
  maxLength = 100;
  /** How many upcoming `message:send` acks to swallow (the message is stored anyway, as when an ack is lost). */
  loseAcks = 0;
  /** Answer `message:send` with these errors, in turn, before storing anything. */
  readonly sendErrors: ErrorBody[] = [];
  /** Answer `messages:sync` with these errors, in turn. */
  readonly syncErrors: ErrorBody[] = [];
  /** Whether the server sends e-mail: the session's `email`, and whether `transcript:request` works. */
  email = false;
  /** The widget's pre-chat topics, in the session when there are any. */
  topics: NonNullable<Session['topics']> = [];
  /** How many upcoming `conversation:seen` acks to hold back; {@link FakeServer.answerSeen} sends them. */
  holdSeen = 0;
  /** Answer `conversation:seen` with these errors, in turn. */
  readonly seenErrors: ErrorBody[] = [];
  private readonly heldSeen: Array<() => void> = [];
  /** Every event received, in order. */
  readonly received: Array<{ event: string; payload: unknown }> = [];
  readonly visitors = new Map<string, Visitor>();
  readonly waiting = new Set<FakeSocket>();
  readonly sockets: FakeSocket[] = [];
  private nextId = 1;

  /** The socket factory to pass to `createClientWithSocket`. */
  readonly createSocket: CreateVisitorSocket = (handshake) => {
    const socket = new FakeSocket(this, handshake);
    this.sockets.push(socket);
    return socket as unknown as VisitorSocket;
  };

  attempt(socket: FakeSocket) {
    if (!socket.active || socket.connected) return;
    if (!this.up) {
      this.waiting.add(socket);
      socket.fire('connect_error', Object.assign(new Error('websocket error'), { type: 'TransportError' }));
      return;
    }
    const auth = socket.presentHandshake();
    const refusal =
      this.refuseWith ??
      (auth.sessionToken && !this.visitors.has(auth.sessionToken)
        ? { code: 'unauthorized' as const, message: 'Your session has expired.' }
        : null);
    if (refusal) {
      socket.active = false;
      socket.fire('connect_error', Object.assign(new Error(refusal.message), { data: refusal }));
      return;
    }
    socket.visitor = auth.sessionToken ? this.visitors.get(auth.sessionToken)! : this.createVisitor();
    if (auth.identity) Object.assign(socket.visitor.identity, auth.identity);
    socket.visitor.sockets.add(socket);
    socket.connected = true;
    socket.fire('connect');
  }

  /** The network is back: every socket waiting to reconnect connects. */
  comeUp() {
    this.up = true;
    for (const socket of this.waiting) {
      this.waiting.delete(socket);
      this.attempt(socket);
    }
  }

  /** Network loss for everyone: sockets drop and wait for {@link FakeServer.comeUp}. */
  goDown() {
    this.up = false;
    for (const visitor of this.visitors.values()) for (const socket of visitor.sockets) socket.drop();
  }

  createVisitor(): Visitor {
    const visitor: Visitor = {
      id: `visitor-${this.nextId}`,
      token: `token-${this.nextId++}`,
      conversation: null,
      messages: [],
      sockets: new Set(),
      seenSeq: 0,
      email: null,
      topic: null,
      identity: { name: null, email: null, phone: null },
      language: null,
    };
    this.visitors.set(visitor.token, visitor);
    return visitor;
  }

  /** Forgets a visitor's token, as when it expires. */
  expire(visitor: Visitor) {
    this.visitors.delete(visitor.token);
  }

  /** The visitor's conversation, started (with the bot answering, as the real server does) when there is none. */
  conversationOf(visitor: Visitor): VisitorConversation {
    return (visitor.conversation ??= { id: `conversation-${this.nextId++}`, status: 'bot', lastSeq: 0 });
  }

  /**
   * As the server when a message or a request for a person may start the conversation: a new one takes the topic if it
   * is one of the widget's (an unknown one is ignored); an existing one ignores it. True when it started one.
   */
  private start(visitor: Visitor, topic: string | undefined): boolean {
    if (visitor.conversation) return false;
    this.conversationOf(visitor);
    visitor.topic = this.topics.some((known) => known.id === topic) ? topic! : null;
    return true;
  }

  /** Stores a message; `broadcast: false` models one the visitor's sockets missed. */
  store(visitor: Visitor, author: Message['author'], body: string, clientId: string | null, broadcast = true, id?: string): Message {
    const conversation = this.conversationOf(visitor);
    const seq = ++conversation.lastSeq;
    const message: Message = {
      id: id ?? `message-${this.nextId++}`,
      conversationId: conversation.id,
      seq,
      clientId,
      author,
      body,
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    };
    visitor.messages.push(message);
    if (broadcast) this.broadcast(visitor, 'message:created', message);
    return message;
  }

  agentSays(visitor: Visitor, body: string, broadcast = true) {
    return this.store(visitor, { kind: 'agent', id: 'agent-1', name: 'Ada' }, body, null, broadcast);
  }

  /**
   * Starts a streamed bot reply (`bot:reply-start`) and returns the steps that follow, for the test to take in the order
   * it needs: `delta`, `end`, and `store` (the stored message, same id, body = the deltas so far, `message:created`).
   */
  botReply(visitor: Visitor) {
    const conversationId = this.conversationOf(visitor).id;
    const messageId = `message-${this.nextId++}`;
    let text = '';
    this.broadcast(visitor, 'bot:reply-start', { conversationId, messageId, author: bot, createdAt: '2025-01-01T00:01:00.000Z' });
    return {
      messageId,
      delta: (delta: string) => {
        text += delta;
        this.broadcast(visitor, 'bot:reply-delta', { conversationId, messageId, delta });
      },
      end: (status: BotReplyEnd['status']) => this.broadcast(visitor, 'bot:reply-end', { conversationId, messageId, status }),
      store: (broadcast = true) => this.store(visitor, bot, text, null, broadcast, messageId),
    };
  }

  broadcast(visitor: Visitor, event: string, payload: unknown) {
    for (const socket of visitor.sockets) queueMicrotask(() => socket.fire(event, payload));
  }

  /** Answers an event; null means no answer now (a lost ack), though `reply` may still answer it later. */
  handle(socket: FakeSocket, event: string, payload: unknown, reply: (ack: Ack<unknown>) => void = () => {}): Ack<unknown> | null {
    this.received.push({ event, payload });
    const visitor = socket.visitor!;
    switch (event) {
      case 'session:get': {
        const session: Session = {
          sessionToken: visitor.token,
          visitorId: visitor.id,
          conversation: visitor.conversation && { ...visitor.conversation },
          widget,
          ...(this.email && { email: true }),
          ...(this.topics.length > 0 && { topics: this.topics }),
        };
        return { ok: true, data: session };
      }
      case 'messages:sync': {
        const syncFailure = this.syncErrors.shift();
        if (syncFailure) return { ok: false, error: syncFailure };
        const { afterSeq, limit = 200 } = payload as { afterSeq: number; limit?: number };
        const after = visitor.messages.filter((message) => message.seq > afterSeq);
        const page: MessagesPage = { messages: after.slice(0, limit), hasMore: after.length > limit };
        return { ok: true, data: page };
      }
      case 'message:send': {
        const { clientId, body, topic } = payload as { clientId: string; body: string; topic?: string };
        const failure = this.sendErrors.shift();
        if (failure) return { ok: false, error: failure };
        if (body.length > this.maxLength) {
          return { ok: false, error: { code: 'message_too_long', message: 'Messages can be at most 100 characters.' } };
        }
        const repeat = visitor.messages.find((held) => held.clientId === clientId);
        const started = !repeat && this.start(visitor, topic);
        const message = repeat ?? this.store(visitor, { kind: 'visitor', id: visitor.id, name: null }, body, clientId);
        // As the server, which announces a conversation a message started (after the message, before the ack).
        if (started) this.broadcast(visitor, 'conversation:updated', { ...visitor.conversation! });
        const sent: MessageSent = {
          id: message.id,
          conversationId: message.conversationId,
          seq: message.seq,
          createdAt: message.createdAt,
        };
        if (this.loseAcks > 0) {
          this.loseAcks--;
          return null;
        }
        return { ok: true, data: sent };
      }
      case 'handoff:request': {
        // As the server's state machine: only a conversation with the bot can be handed to a person.
        if (visitor.conversation && visitor.conversation.status !== 'bot') {
          return { ok: false, error: { code: 'transition_rejected', message: 'The conversation cannot do this in its current state.' } };
        }
        this.start(visitor, (payload as { topic?: string }).topic);
        const conversation = this.conversationOf(visitor);
        conversation.status = 'queued';
        this.broadcast(visitor, 'conversation:updated', { ...conversation });
        return { ok: true, data: { ...conversation } };
      }
      case 'conversation:seen': {
        const failure = this.seenErrors.shift();
        if (failure) return { ok: false, error: failure };
        visitor.seenSeq = Math.max(visitor.seenSeq, (payload as { seq: number }).seq);
        const answer: Ack<unknown> = { ok: true, data: { seenSeq: visitor.seenSeq } };
        if (this.holdSeen <= 0) return answer;
        this.holdSeen--;
        this.heldSeen.push(() => reply(answer));
        return null;
      }
      case 'contact:identify': {
        // As the server's schema: at least one field; it stores the fields given.
        const given = payload as { name?: string; email?: string; phone?: string };
        if (given.name === undefined && given.email === undefined && given.phone === undefined) {
          return { ok: false, error: { code: 'invalid_payload', message: 'Give a name, an e-mail address or a phone number.' } };
        }
        // As the server's phone parsing: a number without enough digits is refused, naming the field.
        if (given.phone !== undefined && given.phone.replace(/\D/g, '').length < 6) {
          return {
            ok: false,
            error: {
              code: 'invalid_payload',
              message: 'Invalid payload.',
              issues: [{ path: 'phone', message: 'That is not a phone number.' }],
            },
          };
        }
        Object.assign(visitor.identity, given);
        return { ok: true, data: { ...visitor.identity } };
      }
      case 'language:set': {
        // As the server: it stores the tag (the real one checks and canonicalizes it) and answers it.
        const { language } = payload as { language: string };
        visitor.language = language;
        return { ok: true, data: { language } };
      }
      case 'transcript:request': {
        if (!this.email) return { ok: false, error: { code: 'unavailable', message: 'This server does not send e-mail.' } };
        if (!visitor.conversation) return { ok: false, error: { code: 'not_found', message: 'There is no conversation yet.' } };
        const { email } = payload as { email?: string };
        if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) {
          return {
            ok: false,
            error: {
              code: 'invalid_payload',
              message: 'Invalid payload.',
              issues: [{ path: 'email', message: 'That is not an e-mail address.' }],
            },
          };
        }
        visitor.email = email ?? visitor.email;
        if (!visitor.email) return { ok: false, error: { code: 'invalid_payload', message: 'Give an e-mail address to send it to.' } };
        return { ok: true, data: { email: visitor.email } };
      }
      default:
        return { ok: false, error: { code: 'invalid_payload', message: `Unknown event ${event}.` } };
    }
  }

  /** Sends the `conversation:seen` acks held back by {@link FakeServer.holdSeen}, oldest first. */
  answerSeen() {
    for (const answer of this.heldSeen.splice(0)) answer();
  }

  /** The seqs of the `conversation:seen` events received, in order. */
  get seen() {
    return this.received.filter((entry) => entry.event === 'conversation:seen').map((entry) => (entry.payload as { seq: number }).seq);
  }

  /** Bodies of the `message:send` events received, in order, with their clientIds (and topics, when sent). */
  get sends() {
    return this.received
      .filter((entry) => entry.event === 'message:send')
      .map((entry) => entry.payload as { clientId: string; body: string; topic?: string });
  }
}
