import {
  ParleyError,
  type ApiScope,
  type AuditEventList,
  type AuditEventQuery,
  type BotReplyList,
  type Contact,
  type ContactList,
  type ContactListQuery,
  type ConversationDetail,
  type ConversationList,
  type ConversationListQuery,
  type ConversationSummary,
  type ConversationUpdate,
  type ContactEdit,
  type ErrorBody,
  type KnowledgeDocumentChunks,
  type KnowledgeDocumentList,
  type KnowledgeImportRequest,
  type KnowledgeImportResult,
  type KnowledgeSearchResult,
  type KnowledgeSettings,
  type KnowledgeSettingsPatch,
  type KnowledgeSource,
  type KnowledgeSourceCreate,
  type KnowledgeSourceList,
  type KnowledgeSourceUpdate,
  type MessageListQuery,
  type MessageSent,
  type MessagesPage,
  type Note,
  type NoteCreate,
  type NoteList,
  type PresenceList,
  type ReplyRequest,
  type TeamList,
  type ToolCallList,
  type TransferRequest,
  type WebhookCreate,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookDeliveryStatus,
  type WebhookSubscription,
  type WebhookSubscriptionList,
  type WebhookUpdate,
  type WebhookWithSecret,
  type WidgetAdmin,
  type WidgetAdminList,
  type WidgetAdminUpdate,
} from '@parley/protocol';

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Where Parley runs, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** An API token (`parley_…`) an admin made in the console, with the scopes the calls need. */
  token: string;
  /**
   * How many times a call refused with 429 `rate_limited` is tried again, after the `Retry-After` the server sends
   * (at most 60 s). Default 2; 0 never retries.
   */
  maxRetries?: number;
  /** The fetch to use (a test's, a proxy's); by default the global one. */
  fetch?: typeof fetch;
}

/** A refused call: a {@link ParleyError} with what the server said about it. */
export class ParleyApiError extends ParleyError {
  /** The HTTP status Parley answered with (the error table's for the code, or another one from a proxy in between). */
  readonly httpStatus: number;
  /** The request's `X-Request-Id`: quote it when reporting a problem. */
  readonly requestId: string | null;
  /** For `rate_limited`: seconds to wait before trying again. */
  readonly retryAfterSeconds: number | null;

  constructor(body: ErrorBody, status: number, requestId: string | null, retryAfterSeconds: number | null) {
    const error = ParleyError.fromBody(body);
    super(error.code, error.message, { issues: error.issues });
    this.httpStatus = status;
    this.requestId = requestId;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const segment = encodeURIComponent;
const conversation = (conversationId: string) => `/api/conversations/${segment(conversationId)}`;
const source = (sourceId: string) => `/api/knowledge/sources/${segment(sourceId)}`;
const webhook = (webhookId: string) => `/api/webhooks/${segment(webhookId)}`;

function queryOf(values: { [key: string]: string | number | undefined }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, String(value));
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * A typed client of Parley's REST API for a site's backend, authenticated with an API token. Each method is one route
 * of the OpenAPI document (`/api/openapi.json`), with the protocol's types for its body and answer; `request` reaches
 * any other route. A refused call throws a {@link ParleyApiError}.
 *
 * @example
 * ```ts
 * import { createApiClient } from '@parley/client/server'
 *
 * const parley = createApiClient({ baseUrl: 'https://chat.example.com', token: process.env.PARLEY_API_TOKEN! })
 * const contact = await parley.contacts.update(contactId, { email: 'maya@example.com' })
 * ```
 */
export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const maxRetries = options.maxRetries ?? 2;
  const fetchImpl = options.fetch ?? fetch;

  /** Calls `method path` with `body` as JSON; resolves with the answer's JSON (undefined for 204). */
  async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
      const header = response.headers.get('retry-after');
      const retryAfter = header === null || header.trim() === '' ? Number.NaN : Number(header);
      const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null;
      if (response.status === 429 && attempt < maxRetries) {
        // Without a Retry-After (a limit that doesn't say), a second, then two: never a burst of retries.
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterSeconds ?? 2 ** attempt, 60) * 1000));
        continue;
      }
      const answer = (await response.json().catch(() => null)) as { error?: ErrorBody } | null;
      const error = answer?.error ?? { code: 'internal_error', message: `Parley answered ${response.status}.` };
      throw new ParleyApiError(error as ErrorBody, response.status, response.headers.get('x-request-id'), retryAfterSeconds);
    }
  }

  return {
    request,
    conversations: {
      /** `conversations:read`: a page of the organization's conversations, newest change first; pass `nextCursor` as `cursor`. */
      list: (query: ConversationListQuery = {}) => request<ConversationList>('GET', `/api/conversations${queryOf(query)}`),
      /** `conversations:read`: a conversation with its first messages. */
      get: (conversationId: string) => request<ConversationDetail>('GET', conversation(conversationId)),
      /** `conversations:write`: a reply as the agent `asAgentId` names, or as the bot (`asBot: true`). */
      reply: (conversationId: string, reply: ReplyRequest) =>
        request<MessageSent>('POST', `${conversation(conversationId)}/messages`, reply),
      /** `conversations:write`: an internal note, as the agent `asAgentId` names; never shown to the visitor. */
      note: (conversationId: string, note: NoteCreate) => request<Note>('POST', `${conversation(conversationId)}/notes`, note),
      /** `conversations:write`: resolve, queue, hand back to the bot, or assign (`assignToMe` gives it to `asAgentId`). */
      update: (conversationId: string, change: ConversationUpdate) =>
        request<ConversationSummary>('PATCH', conversation(conversationId), change),
      /** `conversations:write`: to an agent or a team's queue, as the agent `asAgentId` names. */
      transfer: (conversationId: string, transfer: TransferRequest) =>
        request<ConversationSummary>('POST', `${conversation(conversationId)}/transfer`, transfer),
      /** `conversations:read`: a page of a conversation's messages after `afterSeq`. */
      messages: (conversationId: string, query: MessageListQuery = {}) =>
        request<MessagesPage>('GET', `${conversation(conversationId)}/messages${queryOf(query)}`),
      /** `conversations:read`: the agents' internal notes. */
      notes: (conversationId: string) => request<NoteList>('GET', `${conversation(conversationId)}/notes`),
      /** `conversations:read`: the bot's tool calls. */
      toolCalls: (conversationId: string) => request<ToolCallList>('GET', `${conversation(conversationId)}/tool-calls`),
      /** `conversations:read`: how each bot reply was made, with the passages it was shown. */
      botReplies: (conversationId: string) => request<BotReplyList>('GET', `${conversation(conversationId)}/bot-replies`),
    },
    contacts: {
      /** `contacts:read`. */
      get: (contactId: string) => request<Contact>('GET', `/api/contacts/${segment(contactId)}`),
      /**
       * `contacts:read`: a page of the organization's contacts, newest first, found by `q` (name words, e-mail prefix),
       * `email`, `phone` (with its country code) or `externalId` (your user id, for verified visitors); pass `next` as `cursor`.
       */
      list: (query: Partial<ContactListQuery> = {}) => request<ContactList>('GET', `/api/contacts${queryOf(query)}`),
      /** `contacts:write`: name, e-mail, phone (null clears one). */
      update: (contactId: string, change: ContactEdit) => request<Contact>('PATCH', `/api/contacts/${segment(contactId)}`, change),
      /**
       * `contacts:write`: merges contact `mergeContactId` into `contactId` (its conversations and the details it lacks);
       * the merged one is gone afterwards. Answers the kept contact.
       */
      merge: (contactId: string, mergeContactId: string) =>
        request<Contact>('POST', `/api/contacts/${segment(contactId)}/merge`, { mergeContactId }),
    },
    teams: {
      /** `conversations:read`. */
      list: () => request<TeamList>('GET', '/api/teams'),
    },
    events: {
      /** `conversations:read`: the audit log after `after`, oldest first; keep `next` to catch up later. */
      list: (query: AuditEventQuery = {}) => request<AuditEventList>('GET', `/api/events${queryOf(query)}`),
    },
    agents: {
      /** `conversations:read`: every active agent with their id (for `asAgentId`), name and whether they are online. */
      list: () => request<PresenceList>('GET', '/api/presence'),
    },
    knowledge: {
      /** `knowledge:read`. */
      documents: () => request<KnowledgeDocumentList>('GET', '/api/knowledge/documents'),
      /** `knowledge:write`: adds a document, or replaces the one with the same `sourceKey`. */
      importDocument: (document: KnowledgeImportRequest) => request<KnowledgeImportResult>('POST', '/api/knowledge/documents', document),
      /** `knowledge:read`: a document with its chunks as search finds them. */
      chunks: (documentId: string) => request<KnowledgeDocumentChunks>('GET', `/api/knowledge/documents/${segment(documentId)}/chunks`),
      /** `knowledge:write`. */
      deleteDocument: (documentId: string) => request<void>('DELETE', `/api/knowledge/documents/${segment(documentId)}`),
      /** `knowledge:read`: the passages that answer `q`, best first. */
      search: (q: string, limit?: number) => request<KnowledgeSearchResult>('GET', `/api/knowledge/search${queryOf({ q, limit })}`),
      /** `knowledge:read`. */
      settings: () => request<KnowledgeSettings>('GET', '/api/knowledge/settings'),
      /** `knowledge:write`: the text-search language. */
      updateSettings: (change: KnowledgeSettingsPatch) => request<KnowledgeSettings>('PATCH', '/api/knowledge/settings', change),
      sources: {
        /** `knowledge:read`. */
        list: () => request<KnowledgeSourceList>('GET', '/api/knowledge/sources'),
        /** `knowledge:write`: a website or sitemap, its first sync scheduled at once. */
        create: (body: KnowledgeSourceCreate) => request<KnowledgeSource>('POST', '/api/knowledge/sources', body),
        /** `knowledge:write`: syncs it now. */
        sync: (sourceId: string) => request<KnowledgeSource>('POST', `${source(sourceId)}/sync`),
        /** `knowledge:write`. */
        update: (sourceId: string, change: KnowledgeSourceUpdate) => request<KnowledgeSource>('PATCH', source(sourceId), change),
        /** `knowledge:write`: the source and its documents. */
        delete: (sourceId: string) => request<void>('DELETE', source(sourceId)),
      },
    },
    widgets: {
      /** `widgets:write`. */
      list: () => request<WidgetAdminList>('GET', '/api/widgets'),
      /** `widgets:write`: merges the change into the widget's settings. */
      update: (widgetId: string, change: WidgetAdminUpdate) => request<WidgetAdmin>('PATCH', `/api/widgets/${segment(widgetId)}`, change),
    },
    webhooks: {
      /** `webhooks:write`. */
      list: () => request<WebhookSubscriptionList>('GET', '/api/webhooks'),
      /** `webhooks:write`: the answer holds the signing secret, shown this once. */
      create: (body: WebhookCreate) => request<WebhookWithSecret>('POST', '/api/webhooks', body),
      /** `webhooks:write`: `status: 'active'` resumes a paused one. */
      update: (webhookId: string, change: WebhookUpdate) => request<WebhookSubscription>('PATCH', webhook(webhookId), change),
      /** `webhooks:write`. */
      delete: (webhookId: string) => request<void>('DELETE', webhook(webhookId)),
      /** `webhooks:write`: a new secret; the old one keeps signing for `overlapHours` (default 24). */
      rotateSecret: (webhookId: string, overlapHours?: number) =>
        request<WebhookWithSecret>('POST', `${webhook(webhookId)}/rotate-secret`, overlapHours === undefined ? {} : { overlapHours }),
      /** `webhooks:write`: deliveries, newest first; pass `nextCursor` as `before` for the next page. */
      deliveries: (webhookId: string, query: { status?: WebhookDeliveryStatus; before?: string; limit?: number } = {}) =>
        request<WebhookDeliveryList>('GET', `${webhook(webhookId)}/deliveries${queryOf(query)}`),
      /** `webhooks:write`: sends a delivery's event again, as a new delivery. */
      replay: (webhookId: string, deliveryId: string) =>
        request<WebhookDelivery>('POST', `${webhook(webhookId)}/deliveries/${segment(deliveryId)}/replay`),
    },
  };
}

/** A client made by {@link createApiClient}. */
export type ParleyApiClient = ReturnType<typeof createApiClient>;

/** The scopes an API token can carry, re-exported for integrations that build tokens' scope lists. */
export type { ApiScope };
