/**
 * The console's REST client: a thin `fetch` wrapper that adds the agent's bearer token and turns the server's error
 * bodies (`{ error: { code, message, issues? } }`) into {@link ParleyError}s.
 * @module
 */
import type {
  AgentPreferences,
  AgentPreferencesUpdate,
  Contact,
  ContactEdit,
  ConversationList,
  ConversationListQuery,
  ConversationSummary,
  ConversationUpdate,
  ErrorCode,
  InboxCounts,
  InvitationAccept,
  InvitationCreate,
  InvitationPreview,
  InvitationSent,
  KnowledgeDocumentChunks,
  KnowledgeDocumentList,
  KnowledgeImportRequest,
  KnowledgeImportResult,
  KnowledgeSearchResult,
  KnowledgeSettings,
  KnowledgeSettingsPatch,
  KnowledgeSource,
  KnowledgeSourceCreate,
  KnowledgeSourceList,
  KnowledgeSourceUpdate,
  LoginRequest,
  LoginResponse,
  Me,
  MessageSent,
  MessagesPage,
  Note,
  NoteCreate,
  NoteList,
  PeopleList,
  Person,
  PersonUpdate,
  PresenceList,
  ReadRequest,
  ReadState,
  ReplyRequest,
  RoutingSettings,
  SavedReply,
  SavedReplyCreate,
  SavedReplyList,
  SavedReplyUpdate,
  Team,
  TeamCreate,
  TeamList,
  TeamUpdate,
  TicketCreate,
  TicketUpdate,
  ToolCallList,
  TransferRequest,
  WidgetAdmin,
  WidgetAdminList,
  WidgetAdminUpdate,
  WidgetRouting,
  WidgetRoutingUpdate,
} from '@parley/protocol';
import { errorTable, ParleyError } from '@parley/protocol';

/** The subset of `fetch` the API needs, so tests and embedders can pass their own. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createApi}. */
export interface ApiOptions {
  /** Prefix of every path, without a trailing slash. Defaults to `''`: the console is served by the server itself. */
  baseUrl?: string;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: FetchFunction;
  /** Returns the current bearer token, or null before sign-in. Read on every request. */
  getToken?: () => string | null;
  /** Makes the XMLHttpRequest of an upload (which reports its progress); defaults to `new XMLHttpRequest()`. */
  createXhr?: () => XMLHttpRequest;
}

/** How much of a request body has been sent, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of an upload: where its progress goes, and a signal that cancels it. */
export interface UploadOptions {
  /** Called as the body is sent; `loaded` reaches `total` when the server has it all and starts working. */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Every REST call the console makes. Each rejects with a {@link ParleyError}. */
export interface ConsoleApi {
  /** `POST /api/auth/login`. */
  login(request: LoginRequest): Promise<LoginResponse>;
  /**
   * `GET /api/me`: checks that a stored token is still valid; also says whether the server sends e-mail, and the agent's
   * alert preferences.
   */
  me(): Promise<Me>;
  /** `PATCH /api/me/preferences`: changes some of the agent's own alert preferences; answers all of them. */
  updatePreferences(update: AgentPreferencesUpdate): Promise<AgentPreferences>;
  /**
   * `GET /api/conversations`: a page of a view, with its filters, search and order (most recent change first by
   * default); `cursor` is the `nextCursor` of the page before. Each summary has the agent's `unreadCount`.
   */
  listConversations(query?: ConversationListQuery): Promise<ConversationList>;
  /** `GET /api/conversations/counts`: how many conversations each inbox view has for the agent. */
  inboxCounts(): Promise<InboxCounts>;
  /** `POST /api/conversations/:conversationId/read`: the agent has read the conversation up to `seq`. */
  markRead(conversationId: string, request: ReadRequest): Promise<ReadState>;
  /** `GET /api/conversations/:conversationId/messages`, messages after `afterSeq` in `seq` order. */
  listMessages(conversationId: string, query?: { afterSeq?: number; limit?: number }): Promise<MessagesPage>;
  /** `POST /api/conversations/:conversationId/messages`: an idempotent reply (same `clientId`, same answer). */
  sendReply(conversationId: string, request: ReplyRequest): Promise<MessageSent>;
  /** `GET /api/conversations/:conversationId/notes`: the agents' internal notes, oldest first. */
  listNotes(conversationId: string): Promise<NoteList>;
  /**
   * `POST /api/conversations/:conversationId/notes`: an internal note, which the visitor never sees; idempotent (same
   * `clientId`, same note). Unlike a reply, it leaves the conversation's status and assignee alone.
   */
  writeNote(conversationId: string, request: NoteCreate): Promise<Note>;
  /**
   * `GET /api/conversations/:conversationId/tool-calls`: the tools the bot called in the conversation, with their input
   * and result, in the order it called them. Agents only: the visitor never sees them.
   */
  listToolCalls(conversationId: string): Promise<ToolCallList>;
  /**
   * `PATCH /api/conversations/:conversationId`: resolve, reopen, take a conversation or hand it back to the bot
   * (`{ status: 'bot' }`). A change the conversation's state does not allow rejects with `transition_rejected` (409).
   */
  updateConversation(conversationId: string, update: ConversationUpdate): Promise<ConversationSummary>;
  /** `GET /api/contacts/:contactId`: the contact panel's visitor, with their newest conversations. */
  getContact(contactId: string): Promise<Contact>;
  /**
   * `PATCH /api/contacts/:contactId`: name, e-mail address or phone number (null clears one). A value the server refuses
   * rejects with `invalid_payload`, its `issues` naming the field (`body.email`, `phone`).
   */
  updateContact(contactId: string, edit: ContactEdit): Promise<Contact>;
  /** `GET /api/knowledge/documents`: the knowledge base's documents, by title. */
  listKnowledgeDocuments(): Promise<KnowledgeDocumentList>;
  /** `POST /api/knowledge/documents` (admins): imports a document, or replaces the one with the same `sourceKey`. */
  importKnowledgeDocument(request: KnowledgeImportRequest): Promise<KnowledgeImportResult>;
  /**
   * `POST /api/knowledge/documents` (admins), like {@link ConsoleApi.importKnowledgeDocument} but over XMLHttpRequest, so
   * that the page can show how much of a large file has been sent.
   */
  uploadKnowledgeDocument(request: KnowledgeImportRequest, options?: UploadOptions): Promise<KnowledgeImportResult>;
  /** `GET /api/knowledge/documents/:documentId/chunks`: a document and its chunks in order, for every agent. */
  getKnowledgeDocumentChunks(documentId: string): Promise<KnowledgeDocumentChunks>;
  /** `DELETE /api/knowledge/documents/:documentId` (admins). */
  deleteKnowledgeDocument(documentId: string): Promise<void>;
  /** `GET /api/knowledge/search`: the passages the bot would find for `q`. */
  searchKnowledge(query: { q: string; limit?: number }): Promise<KnowledgeSearchResult>;
  /** `GET /api/knowledge/sources`: the websites whose pages are documents, with their last sync. */
  listKnowledgeSources(): Promise<KnowledgeSourceList>;
  /** `POST /api/knowledge/sources` (admins): adds a website or sitemap and starts its first sync; `conflict` if it's there. */
  createKnowledgeSource(request: KnowledgeSourceCreate): Promise<KnowledgeSource>;
  /** `POST /api/knowledge/sources/:sourceId/sync` (admins): syncs the source now. */
  syncKnowledgeSource(sourceId: string): Promise<KnowledgeSource>;
  /** `PATCH /api/knowledge/sources/:sourceId` (admins): its limits or re-sync interval. */
  updateKnowledgeSource(sourceId: string, update: KnowledgeSourceUpdate): Promise<KnowledgeSource>;
  /** `DELETE /api/knowledge/sources/:sourceId` (admins): removes the source and its documents. */
  deleteKnowledgeSource(sourceId: string): Promise<void>;
  /** `GET /api/knowledge/settings`: the knowledge base's language, the languages there are, documents left to re-index. */
  getKnowledgeSettings(): Promise<KnowledgeSettings>;
  /** `PATCH /api/knowledge/settings` (admins): a new language; documents are re-indexed in it in the background. */
  updateKnowledgeSettings(update: KnowledgeSettingsPatch): Promise<KnowledgeSettings>;
  /** `GET /api/presence`: every agent of the organization with their presence (online, away, offline). */
  listPresence(): Promise<PresenceList>;
  /**
   * `POST /api/conversations/:conversationId/transfer`: to another agent, or to a team's queue, with an optional note
   * for the next agent.
   */
  transferConversation(conversationId: string, request: TransferRequest): Promise<ConversationSummary>;
  /** `GET /api/teams`: the organization's teams, by name. */
  listTeams(): Promise<TeamList>;
  /**
   * `POST /api/conversations/:conversationId/ticket`: makes the conversation a follow-up, its SLA clocks starting now.
   * One that is a follow-up already rejects with `conflict` (409), a closed one with `transition_rejected`.
   */
  openTicket(conversationId: string, request: TicketCreate): Promise<ConversationSummary>;
  /**
   * `PATCH /api/conversations/:conversationId/ticket`: a follow-up's priority, or whether it waits on the customer. One
   * that is not a follow-up rejects with `not_found`; waiting on the customer of a resolved one with `transition_rejected`.
   */
  updateTicket(conversationId: string, update: TicketUpdate): Promise<ConversationSummary>;
  /** `GET /api/saved-replies`: the organization's shared replies and the agent's personal ones, by shortcut. */
  listSavedReplies(): Promise<SavedReplyList>;
  /**
   * `POST /api/saved-replies`: a personal reply, or (admins) a shared one; a shortcut the scope has already rejects with
   * `conflict` (409), a shared one by an agent with `forbidden` (403).
   */
  createSavedReply(request: SavedReplyCreate): Promise<SavedReply>;
  /** `PATCH /api/saved-replies/:savedReplyId`: shared replies are admins' to change, personal ones their owner's. */
  updateSavedReply(savedReplyId: string, update: SavedReplyUpdate): Promise<SavedReply>;
  /** `DELETE /api/saved-replies/:savedReplyId`, with the same rules as a change. */
  deleteSavedReply(savedReplyId: string): Promise<void>;
  /** `GET /api/widgets` (admins): the organization's widgets with their settings, bot and routing, by name. */
  listWidgets(): Promise<WidgetAdminList>;
  /**
   * `PATCH /api/widgets/:widgetId` (admins): any of `name`, `allowedOrigins`, `settings`, `bot`, merged into what is
   * stored; a refusal is `invalid_payload` with `issues` naming the fields (`body.settings.title`).
   */
  updateWidget(widgetId: string, update: WidgetAdminUpdate): Promise<WidgetAdmin>;
  /** `PATCH /api/routing/widgets/:widgetId` (admins): the widget's strategy, team, business hours… */
  updateWidgetRouting(widgetId: string, update: WidgetRoutingUpdate): Promise<WidgetRouting>;
  /** `GET /api/routing` (admins): the organization's default capacity, each agent's own, and the widgets' routing. */
  getRouting(): Promise<RoutingSettings>;
  /** `PATCH /api/routing` (admins): the conversations an agent takes at once unless their own capacity says otherwise. */
  updateDefaultCapacity(update: { defaultMaxConversations: number }): Promise<RoutingSettings>;
  /** `PATCH /api/routing/agents/:userId` (admins): the agent's own capacity, or null for the organization's default. */
  updateAgentCapacity(userId: string, update: { maxConversations: number | null }): Promise<RoutingSettings>;
  /** `POST /api/teams` (admins): a team with its members; a name the organization has already rejects with `conflict`. */
  createTeam(request: TeamCreate): Promise<Team>;
  /** `PATCH /api/teams/:teamId` (admins): a new name, a new member list, or both. */
  updateTeam(teamId: string, update: TeamUpdate): Promise<Team>;
  /** `DELETE /api/teams/:teamId` (admins): its conversations lose their team, its widgets route to everyone. */
  deleteTeam(teamId: string): Promise<void>;
  /** `GET /api/people` (admins): the organization's members by name, its open invitations and its default capacity. */
  listPeople(): Promise<PeopleList>;
  /**
   * `PATCH /api/people/:userId`: a new role, deactivate or reactivate. Admins change agents; only owners change admins
   * and owners; nobody changes themselves (`forbidden`).
   */
  updatePerson(userId: string, update: PersonUpdate): Promise<Person>;
  /** `POST /api/invitations` (admins; owners to invite an admin or an owner): answers the link, shown once. */
  createInvitation(request: InvitationCreate): Promise<InvitationSent>;
  /** `POST /api/invitations/:invitationId/resend`: a new link (the old one stops working) and a new expiry. */
  resendInvitation(invitationId: string): Promise<InvitationSent>;
  /** `DELETE /api/invitations/:invitationId`: its link stops working. */
  revokeInvitation(invitationId: string): Promise<void>;
  /** `POST /api/invitations/lookup` (no sign-in): what an invitation link is for. */
  lookupInvitation(token: string): Promise<InvitationPreview>;
  /** `POST /api/invitations/accept` (no sign-in): joins the organization and signs in, answered like a login. */
  acceptInvitation(request: InvitationAccept): Promise<LoginResponse>;
  /**
   * Any other route, with the same headers and errors: for the calls of pages in chunks of their own (Settings →
   * Webhooks), which keep them out of the bundle every agent loads. The answer's type is the caller's word.
   */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * The code a bare HTTP status stands for, from the protocol's error table. Where several codes share a status, the
 * table lists the general one first (400 `invalid_payload` before `unknown_event`), and that one is taken. A proxy in
 * front of the server answers 502 and 504 when it cannot reach it: the server is unavailable.
 */
const statusCodes = new Map<number, ErrorCode>([
  [502, 'unavailable'],
  [504, 'unavailable'],
]);
for (const [code, { status }] of Object.entries(errorTable) as [ErrorCode, (typeof errorTable)[ErrorCode]][]) {
  if (!statusCodes.has(status)) statusCodes.set(status, code);
}

/**
 * Builds the error for a failed response. A body in the protocol's shape keeps its code and message; anything else
 * (a proxy's HTML error page, an empty body) gets the code that matches the HTTP status.
 */
async function errorFromResponse(response: Response): Promise<ParleyError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: fall back to the status below.
  }
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const { code, message, issues } = error as { code: string; message?: unknown; issues?: unknown };
    return ParleyError.fromBody({
      code,
      message: typeof message === 'string' ? message : undefined,
      issues: Array.isArray(issues) ? (issues as ParleyError['issues']) : undefined,
    });
  }
  return new ParleyError(statusCodes.get(response.status) ?? 'internal_error');
}

/** What a request that never got an answer (offline, DNS, the server down) rejects with. */
const UNREACHABLE_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

/** The parsed JSON body of a successful response (undefined for 204), or the {@link ParleyError} of a failed one. */
export async function bodyOf<T>(response: Response): Promise<T> {
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (cause) {
    throw new ParleyError('internal_error', 'The server sent an answer the console cannot read.', { cause });
  }
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function conversationPath(conversationId: string): string {
  return `/api/conversations/${encodeURIComponent(conversationId)}`;
}

/**
 * Creates the console's REST client.
 *
 * @example
 * ```ts
 * const api = createApi({ getToken: () => session?.token ?? null })
 * const { conversations } = await api.listConversations({ limit: 100 })
 * ```
 */
export function createApi(options: ApiOptions = {}): ConsoleApi {
  const baseUrl = options.baseUrl ?? '';
  // Called through a wrapper: a bare reference to window.fetch throws "Illegal invocation" when called as a method.
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const getToken = options.getToken ?? (() => null);
  const createXhr = options.createXhr ?? (() => new XMLHttpRequest());

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;

    let response: Response;
    try {
      response = await fetchFunction(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ParleyError('unavailable', UNREACHABLE_MESSAGE, { cause });
    }
    return bodyOf<T>(response);
  }

  /**
   * `request` over XMLHttpRequest, for a JSON body whose upload progress the page shows: `fetch` cannot report how much
   * of a request body has been sent. Same headers, same errors.
   */
  function upload<T>(method: string, path: string, body: unknown, { onProgress, signal }: UploadOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const xhr = createXhr();
      const abort = () => xhr.abort();
      signal?.addEventListener('abort', abort, { once: true });
      // Settles the promise once, whichever of load, error, timeout or abort comes.
      const settle = (outcome: () => void) => {
        signal?.removeEventListener('abort', abort);
        outcome();
      };
      xhr.open(method, `${baseUrl}${path}`);
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('content-type', 'application/json');
      const token = getToken();
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
      });
      xhr.addEventListener('load', () =>
        settle(() => {
          // Status 0 is a request the browser refused to complete (CORS, a blocked scheme): no answer came.
          if (xhr.status < 200 || xhr.status > 599) {
            reject(new ParleyError('unavailable', UNREACHABLE_MESSAGE));
            return;
          }
          // A Response around the answer, so that its body is read and its errors parsed exactly as fetch's are.
          const empty = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
          bodyOf<T>(new Response(empty ? null : xhr.responseText, { status: xhr.status })).then(resolve, reject);
        }),
      );
      const unreachable = () => settle(() => reject(new ParleyError('unavailable', UNREACHABLE_MESSAGE)));
      xhr.addEventListener('error', unreachable);
      xhr.addEventListener('timeout', unreachable);
      xhr.addEventListener('abort', () => settle(() => reject(signal?.reason ?? new ParleyError('unavailable', UNREACHABLE_MESSAGE))));
      xhr.send(JSON.stringify(body));
    });
  }

  return {
    login: (body) => request('POST', '/api/auth/login', body),
    me: () => request('GET', '/api/me'),
    updatePreferences: (body) => request('PATCH', '/api/me/preferences', body),
    listConversations: (query = {}) =>
      request(
        'GET',
        withQuery('/api/conversations', {
          view: query.view,
          status: query.status,
          teamId: query.teamId,
          widgetId: query.widgetId,
          q: query.q,
          sort: query.sort,
          cursor: query.cursor,
          limit: query.limit,
        }),
      ),
    inboxCounts: () => request('GET', '/api/conversations/counts'),
    markRead: (conversationId, body) => request('POST', `${conversationPath(conversationId)}/read`, body),
    listMessages: (conversationId, query = {}) =>
      request('GET', withQuery(`${conversationPath(conversationId)}/messages`, { afterSeq: query.afterSeq, limit: query.limit })),
    sendReply: (conversationId, body) => request('POST', `${conversationPath(conversationId)}/messages`, body),
    listNotes: (conversationId) => request('GET', `${conversationPath(conversationId)}/notes`),
    writeNote: (conversationId, body) => request('POST', `${conversationPath(conversationId)}/notes`, body),
    listToolCalls: (conversationId) => request('GET', `${conversationPath(conversationId)}/tool-calls`),
    updateConversation: (conversationId, body) => request('PATCH', conversationPath(conversationId), body),
    getContact: (contactId) => request('GET', `/api/contacts/${encodeURIComponent(contactId)}`),
    updateContact: (contactId, body) => request('PATCH', `/api/contacts/${encodeURIComponent(contactId)}`, body),
    listKnowledgeDocuments: () => request('GET', '/api/knowledge/documents'),
    importKnowledgeDocument: (body) => request('POST', '/api/knowledge/documents', body),
    uploadKnowledgeDocument: (body, uploadOptions) => upload('POST', '/api/knowledge/documents', body, uploadOptions),
    getKnowledgeDocumentChunks: (documentId) => request('GET', `/api/knowledge/documents/${encodeURIComponent(documentId)}/chunks`),
    deleteKnowledgeDocument: (documentId) => request('DELETE', `/api/knowledge/documents/${encodeURIComponent(documentId)}`),
    searchKnowledge: (query) => request('GET', withQuery('/api/knowledge/search', { q: query.q, limit: query.limit })),
    listKnowledgeSources: () => request('GET', '/api/knowledge/sources'),
    createKnowledgeSource: (body) => request('POST', '/api/knowledge/sources', body),
    syncKnowledgeSource: (sourceId) => request('POST', `/api/knowledge/sources/${encodeURIComponent(sourceId)}/sync`),
    updateKnowledgeSource: (sourceId, body) => request('PATCH', `/api/knowledge/sources/${encodeURIComponent(sourceId)}`, body),
    deleteKnowledgeSource: (sourceId) => request('DELETE', `/api/knowledge/sources/${encodeURIComponent(sourceId)}`),
    getKnowledgeSettings: () => request('GET', '/api/knowledge/settings'),
    updateKnowledgeSettings: (body) => request('PATCH', '/api/knowledge/settings', body),
    listPresence: () => request('GET', '/api/presence'),
    transferConversation: (conversationId, body) => request('POST', `${conversationPath(conversationId)}/transfer`, body),
    listTeams: () => request('GET', '/api/teams'),
    openTicket: (conversationId, body) => request('POST', `${conversationPath(conversationId)}/ticket`, body),
    updateTicket: (conversationId, body) => request('PATCH', `${conversationPath(conversationId)}/ticket`, body),
    listSavedReplies: () => request('GET', '/api/saved-replies'),
    createSavedReply: (body) => request('POST', '/api/saved-replies', body),
    updateSavedReply: (savedReplyId, body) => request('PATCH', `/api/saved-replies/${encodeURIComponent(savedReplyId)}`, body),
    deleteSavedReply: (savedReplyId) => request('DELETE', `/api/saved-replies/${encodeURIComponent(savedReplyId)}`),
    listWidgets: () => request('GET', '/api/widgets'),
    updateWidget: (widgetId, body) => request('PATCH', `/api/widgets/${encodeURIComponent(widgetId)}`, body),
    updateWidgetRouting: (widgetId, body) => request('PATCH', `/api/routing/widgets/${encodeURIComponent(widgetId)}`, body),
    getRouting: () => request('GET', '/api/routing'),
    updateDefaultCapacity: (body) => request('PATCH', '/api/routing', body),
    updateAgentCapacity: (userId, body) => request('PATCH', `/api/routing/agents/${encodeURIComponent(userId)}`, body),
    createTeam: (body) => request('POST', '/api/teams', body),
    updateTeam: (teamId, body) => request('PATCH', `/api/teams/${encodeURIComponent(teamId)}`, body),
    deleteTeam: (teamId) => request('DELETE', `/api/teams/${encodeURIComponent(teamId)}`),
    listPeople: () => request('GET', '/api/people'),
    updatePerson: (userId, body) => request('PATCH', `/api/people/${encodeURIComponent(userId)}`, body),
    createInvitation: (body) => request('POST', '/api/invitations', body),
    resendInvitation: (invitationId) => request('POST', `/api/invitations/${encodeURIComponent(invitationId)}/resend`),
    revokeInvitation: (invitationId) => request('DELETE', `/api/invitations/${encodeURIComponent(invitationId)}`),
    lookupInvitation: (token) => request('POST', '/api/invitations/lookup', { token }),
    acceptInvitation: (body) => request('POST', '/api/invitations/accept', body),
    request,
  };
}
