/**
 * An in-memory {@link WidgetClient} for UI tests: the test sets its state and fires its events, as a real client would
 * after talking to the server.
 * @module
 */
import type {
  Attachment,
  BotDraft,
  ClientEvents,
  ConnectionStatus,
  ConversationStatus,
  Message,
  MessageSent,
  OutboxItem,
  QueueStatus,
  ParleyError,
  Session,
  VisitorConversation,
  VisitorConversationSummary,
} from '@parley/client';
import { systemEventText, type ContactIdentified, type PreChatSettings } from '@parley/protocol';
import type { WidgetClient } from '../widget-client.js';

type Listener = (...args: never[]) => void;

export const session: Session = {
  sessionToken: 'token',
  visitorId: 'visitor-1',
  conversation: { id: 'c1', status: 'bot', lastSeq: 0 },
  widget: {
    title: 'Acme support',
    greeting: 'Hi! Ask us anything.',
    accentColor: '#ff5500',
    position: 'right',
    locale: 'en',
    botName: 'Acme bot',
  },
};

let nextSeq = 1;

/** A bot reply in progress, as the client reports it. */
export function botDraft(messageId: string, text: string, streaming = true): BotDraft {
  return {
    messageId,
    conversationId: 'c1',
    author: { kind: 'bot', id: null, name: 'Acme bot' },
    text,
    createdAt: '2025-01-01T00:01:00.000Z',
    streaming,
  };
}

/** A message as the server would send it. */
export function message(kind: Message['author']['kind'], body: string, name: string | null = null): Message {
  const seq = nextSeq++;
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: null,
    author: { kind, id: kind === 'visitor' ? 'visitor-1' : `${kind}-1`, name },
    body,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
  };
}

export class FakeClient implements WidgetClient {
  status: ConnectionStatus = 'connected';
  error: ParleyError | undefined = undefined;
  session: Session | null = session;
  messages: readonly Message[] = [];
  pending: readonly OutboxItem[] = [];
  /** Bodies passed to `send`, and the answer each call gets. */
  readonly sent: string[] = [];
  /** The topic chosen (`topic`) when each message in `sent` was sent. */
  readonly sentTopics: Array<string | null> = [];
  /** The topic chosen with `chooseTopic`, and every call to it, in order. */
  topic: string | null = null;
  readonly topicsChosen: Array<string | null> = [];
  sendResult: () => Promise<MessageSent> = () =>
    Promise.resolve({ id: 'sent', conversationId: 'c1', seq: 1, createdAt: '2025-01-01T00:00:00.000Z' });
  readonly typing: boolean[] = [];
  drafts: readonly BotDraft[] = [];
  queue: QueueStatus | null = null;
  /** How many times the UI asked the client to connect. */
  connects = 0;
  /** Reasons passed to `requestHuman`, and the answer each call gets. */
  readonly humanRequests: Array<string | undefined> = [];
  requestHumanResult: () => Promise<VisitorConversation> = () => {
    this.setConversationStatus('queued');
    return Promise.resolve(this.session!.conversation!);
  };
  private readonly listeners = new Map<string, Set<Listener>>();

  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>) {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...values: unknown[]) => void)(...args);
  }

  listenerCount() {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  send(body: string, options?: { attachments?: readonly string[] }) {
    this.sent.push(body);
    if (options?.attachments) this.sentWithFiles.push([body, options.attachments]);
    this.sentTopics.push(this.topic);
    return this.sendResult();
  }

  chooseTopic(id: string | null) {
    this.topicsChosen.push(id);
    this.topic = id;
  }

  /** Every call to `answerProactive`, in order. */
  readonly proactiveAnswered: Array<string | null> = [];
  answerProactive(id: string | null) {
    this.proactiveAnswered.push(id);
  }

  /** A visitor without a conversation yet, of a widget that offers `topics` (undefined or empty: no choice). */
  offerTopics(topics: Session['topics']) {
    this.session = { ...this.session!, conversation: null, topics };
  }

  /** The visitor's first message started a conversation: reported as the client does (`conversation:updated`). */
  beginConversation(status: ConversationStatus = 'bot') {
    const conversation = { id: 'c1', status, lastSeq: 1 };
    this.session = { ...this.session!, conversation };
    this.emit('conversation', conversation);
  }

  connect() {
    this.connects++;
  }

  /** Every language the UI told the client the visitor reads (`setLocale`), in order. */
  readonly locales: string[] = [];
  setLocale(locale: string) {
    this.locales.push(locale);
  }

  setTyping(typing: boolean) {
    this.typing.push(typing);
  }

  requestHuman(reason?: string) {
    this.humanRequests.push(reason);
    return this.requestHumanResult();
  }

  /** Ratings passed to `rate`, and the answer each call gets (by default the `rated` line, received as a message). */
  readonly ratings: Array<[number, number, string | undefined]> = [];
  rateResult: (resolvedSeq: number, rating: number, comment?: string) => Promise<Message> = (resolvedSeq, rating, comment) => {
    const event = { type: 'rated' as const, rating, ...(comment ? { comment } : {}) };
    const line: Message = { ...message('system', systemEventText(event)), event };
    this.receive(line);
    return Promise.resolve(line);
  };

  /** Details passed to `saveContact`, and the answer each call gets (by default the `contact_saved` line). */
  readonly contactsSaved: Array<{ email?: string; phone?: string }> = [];
  saveContactResult: (details: { email?: string; phone?: string }) => Promise<Message> = (details) => {
    const event = { type: 'contact_saved' as const, ...details };
    const line: Message = { ...message('system', systemEventText(event)), event };
    this.receive(line);
    return Promise.resolve(line);
  };

  saveContact(details: { email?: string; phone?: string }) {
    this.contactsSaved.push(details);
    return this.saveContactResult(details);
  }

  /** Details passed to `submitContact`, and the answer each call gets (by default, the details as stored). */
  readonly contactsSubmitted: Array<{ name?: string; email?: string; phone?: string }> = [];
  submitContactResult: (details: { name?: string; email?: string; phone?: string }) => Promise<ContactIdentified> = (details) =>
    Promise.resolve({ name: null, email: null, phone: null, ...details });
  submitContact(details: { name?: string; email?: string; phone?: string }) {
    this.contactsSubmitted.push(details);
    return this.submitContactResult(details);
  }

  /**
   * A visitor without a conversation yet, of a widget whose pre-chat form asks for these fields: the server sends the
   * form as `session.preChat` while the visitor is to answer it (`answered`: it isn't). `defaultCountry` is the
   * widget's, for phone numbers written without a country code.
   */
  askBeforeChat(fields: Partial<PreChatSettings>, answered = false, defaultCountry?: string) {
    const preChat = { name: 'off', email: 'off', phone: 'off', ...fields } as const;
    const asked = Object.values(preChat).some((field) => field !== 'off');
    this.session = {
      ...this.session!,
      conversation: null,
      widget: { ...this.session!.widget, preChat, ...(defaultCountry && { defaultCountry }) },
      ...(asked && !answered && { preChat }),
    };
  }

  /** Seqs passed to `markSeen`, every call (the real client sends only news; the widget may call often). */
  readonly seen: number[] = [];
  markSeen(seq: number) {
    this.seen.push(seq);
  }

  /** Addresses passed to `requestTranscript`, and the answer each call gets (by default, sent to the address given). */
  readonly transcripts: Array<string | undefined> = [];
  requestTranscriptResult: (email?: string) => Promise<{ email: string }> = (email) =>
    Promise.resolve({ email: email ?? 'ada@example.com' });
  requestTranscript(email?: string) {
    this.transcripts.push(email);
    return this.requestTranscriptResult(email);
  }

  /** Calls to `startConversation`; by default the conversation closes and the client has none, as the real one. */
  startedOver = 0;
  startConversationResult: () => Promise<VisitorConversation> = () => {
    const closed = { ...this.session!.conversation!, status: 'closed' as const };
    this.session = { ...this.session!, conversation: null, pastConversations: (this.session!.pastConversations ?? 0) + 1 };
    this.messages = [];
    this.emit('conversation', closed);
    return Promise.resolve(closed);
  };
  startConversation() {
    this.startedOver++;
    return this.startConversationResult();
  }

  /** What `listConversations` answers, and the messages `readConversation` answers per conversation (500 a page). */
  conversationList: () => Promise<VisitorConversationSummary[]> = () => Promise.resolve([]);
  pastMessages: Record<string, Message[]> = {};
  readonly readRequests: Array<[string, number]> = [];
  listConversations() {
    return this.conversationList();
  }
  readConversation(conversationId: string, afterSeq = 0) {
    this.readRequests.push([conversationId, afterSeq]);
    const after = (this.pastMessages[conversationId] ?? []).filter((held) => held.seq > afterSeq);
    return Promise.resolve({ messages: after.slice(0, 500), hasMore: after.length > 500 });
  }

  /** Files passed to `upload`, and what each upload answers (by default: stored, a PDF unless its name says image). */
  readonly uploads: string[] = [];
  uploadResult: (file: Blob & { readonly name: string }) => Promise<Attachment> = (file) =>
    Promise.resolve({
      id: `file-${this.uploads.length}`,
      name: file.name,
      contentType: file.name.endsWith('.png') ? 'image/png' : 'application/pdf',
      size: file.size,
      inline: file.name.endsWith('.png'),
      thumbnail: file.name.endsWith('.png'),
    });
  upload(file: Blob & { readonly name: string }) {
    this.uploads.push(file.name);
    return this.uploadResult(file);
  }
  /** Messages sent with files: their body and the files' ids. */
  readonly sentWithFiles: Array<[string, readonly string[]]> = [];
  /** Ids asked for with `attachmentUrl`, in order. */
  readonly urlRequests: string[] = [];
  attachmentUrl(attachmentId: string) {
    this.urlRequests.push(attachmentId);
    return Promise.resolve({
      url: `https://chat.example.com/api/files/${attachmentId}?variant=file`,
      thumbnailUrl: `https://chat.example.com/api/files/${attachmentId}?variant=thumbnail`,
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    });
  }

  rate(resolvedSeq: number, rating: number, comment?: string) {
    this.ratings.push([resolvedSeq, rating, comment]);
    return this.rateResult(resolvedSeq, rating, comment);
  }

  /** Sets the queue place and reports it, as the client does on `queue:updated`. */
  setQueue(queue: QueueStatus | null) {
    this.queue = queue;
    this.emit('queue', queue);
  }

  /** Replaces the bot's drafts and reports them, as the client does on `bot:reply-*`. */
  setDrafts(drafts: readonly BotDraft[]) {
    this.drafts = drafts;
    this.emit('draft', drafts);
  }

  setConversationStatus(status: ConversationStatus) {
    const conversation = { ...this.session!.conversation!, status };
    this.session = { ...this.session!, conversation };
    this.emit('conversation', conversation);
  }

  /** Adds a message and reports it, as the client does when one arrives. */
  receive(incoming: Message) {
    this.messages = [...this.messages, incoming];
    this.emit('message', incoming);
  }

  setStatus(status: ConnectionStatus, error?: ParleyError) {
    this.status = status;
    this.error = error;
    this.emit('status', status, error);
  }
}
