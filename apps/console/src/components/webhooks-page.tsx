/**
 * Settings → API & webhooks (admins), a chunk of its own. API tokens: the organization's tokens, which integrations
 * send to the REST API, each with its hint, scopes, creator, last use and expiry; a form to create one (its secret
 * shown once), and a revoke (after confirming) for each. Webhooks: the organization's webhook subscriptions, a form to
 * add one (its signing secret shown once), and for each one editing, pausing and resuming, rotating its secret (the
 * new one shown once), deleting, and its deliveries, each with what was sent and answered, to replay. Both show a
 * secret once the same way ({@link OnceSecret}). Then the bot's HTTP actions ({@link BotActions}) and its MCP servers
 * ({@link McpServers}), imported here so that they land in this chunk. The calls to `/api/tokens` and `/api/webhooks`
 * are made here, over the API's generic `request`, so that the bundle every agent loads does not carry them.
 * @module
 */
import type {
  ApiScope,
  ApiToken,
  ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenList,
  WebhookCreate,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryStatus,
  WebhookEventType,
  WebhookSubscription,
  WebhookSubscriptionList,
  WebhookUpdate,
  WebhookWithSecret,
} from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { formatFullTime } from '../format.js';
import { useTeams } from './bot-action-policy.js';
import { BotActions } from './bot-actions.js';
import { McpServers } from './mcp-servers.js';
import { OnceSecret } from './once-secret.js';
import { Listing, refusalOf, useFieldErrors, useListing, useTask, type Refusal } from './settings-forms.js';

const path = (webhookId: string) => `/api/webhooks/${encodeURIComponent(webhookId)}`;

/** The `/api/webhooks` routes, over the console's generic request (same token, same errors). */
export function webhooksApi({ request }: Pick<ConsoleApi, 'request'>) {
  return {
    list: () => request<WebhookSubscriptionList>('GET', '/api/webhooks'),
    create: (body: WebhookCreate) => request<WebhookWithSecret>('POST', '/api/webhooks', body),
    update: (webhookId: string, body: WebhookUpdate) => request<WebhookSubscription>('PATCH', path(webhookId), body),
    remove: (webhookId: string) => request<void>('DELETE', path(webhookId)),
    rotateSecret: (webhookId: string, overlapHours: number) =>
      request<WebhookWithSecret>('POST', `${path(webhookId)}/rotate-secret`, { overlapHours }),
    deliveries(webhookId: string, query: { status?: WebhookDeliveryStatus; before?: string }) {
      const params = new URLSearchParams();
      if (query.status) params.set('status', query.status);
      if (query.before) params.set('before', query.before);
      const search = params.toString();
      return request<WebhookDeliveryList>('GET', `${path(webhookId)}/deliveries${search ? `?${search}` : ''}`);
    },
    replay: (webhookId: string, deliveryId: string) =>
      request<WebhookDelivery>('POST', `${path(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`),
  };
}

type WebhooksApi = ReturnType<typeof webhooksApi>;

/** The `/api/tokens` routes, over the console's generic request (same token, same errors). */
export function apiTokensApi({ request }: Pick<ConsoleApi, 'request'>) {
  return {
    list: () => request<ApiTokenList>('GET', '/api/tokens'),
    create: (body: ApiTokenCreate) => request<ApiTokenCreated>('POST', '/api/tokens', body),
    revoke: (tokenId: string) => request<void>('DELETE', `/api/tokens/${encodeURIComponent(tokenId)}`),
  };
}

type ApiTokensApi = ReturnType<typeof apiTokensApi>;

// The protocol's limits (WEBHOOK_URL_MAX_LENGTH…, API_TOKEN_NAME_MAX_LENGTH), copied: a value imported from its webhooks
// or API tokens module would bring that module's zod schemas, and zod, into this chunk. webhooks-page.test.tsx and
// api-tokens.test.tsx check that they match.
export const URL_MAX_LENGTH = 2000;
export const DESCRIPTION_MAX_LENGTH = 200;
export const OVERLAP_MAX_HOURS = 168;
export const TOKEN_NAME_MAX_LENGTH = 100;

/**
 * Each event in words, in the order of the protocol's WEBHOOK_EVENT_TYPES (typed by it: an event added there does not
 * compile until it has its words here; the test checks the order).
 */
export const webhookEventLabels: Record<WebhookEventType, string> = {
  'conversation.created': 'A conversation starts',
  'message.created': 'A message is sent (visitor, agent or bot)',
  'conversation.queued': 'A conversation waits for an agent',
  'conversation.assigned': 'A conversation is assigned to an agent',
  'conversation.resolved': 'A conversation is resolved',
  'conversation.reopened': 'A conversation is reopened',
  'contact.updated': 'A contact’s details change',
  'contact.merged': 'Two contacts are merged into one',
  'rating.submitted': 'A visitor rates a conversation',
  'ticket.sla_breached': 'A follow-up misses its SLA',
};

/** The events a subscription can ask for, in the protocol's order. */
export const eventTypes = Object.keys(webhookEventLabels) as WebhookEventType[];

/**
 * What each scope lets a token do, in the order of the protocol's API_SCOPES (typed by it: a scope added there does not
 * compile until it has its words here; api-tokens.test.tsx checks the order).
 */
export const apiScopeLabels: Record<ApiScope, string> = {
  'conversations:read': 'Read conversations, their messages, notes and history, and the agents',
  'conversations:write': 'Act on conversations: reply, assign, resolve',
  'contacts:read': 'Read contacts',
  'contacts:write': 'Update contacts',
  'knowledge:read': 'Read the knowledge base',
  'knowledge:write': 'Change the knowledge base: documents and sources',
  'widgets:write': 'List and configure the chat widgets',
  'webhooks:write': 'Manage webhook subscriptions and their deliveries (with both read scopes above)',
  'reports:read': 'Read reports (no report API yet: grants nothing today)',
};

/** The scopes a token can have, in the protocol's order. */
export const apiScopes = Object.keys(apiScopeLabels) as ApiScope[];

/** How long a new token works, in days (null: until it is revoked); each at most the protocol's API_TOKEN_MAX_DAYS. */
export const tokenExpiryChoices: readonly { days: number | null; label: string }[] = [
  { days: null, label: 'No expiry' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '365 days' },
];

const deliveryStatusLabels: Record<WebhookDeliveryStatus, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
};

/** Props of {@link WebhooksPage}. */
export interface WebhooksPageProps {
  /** `listTeams`: the bot actions' approver team choices. */
  api: Pick<ConsoleApi, 'request' | 'listTeams'>;
  /** The last subscription Parley paused (`webhook:paused`), shown as it is now when it arrives. */
  paused?: WebhookSubscription | null;
  /** Only admins manage API tokens and webhooks; anyone else is told so, and nothing is asked of the server. */
  isAdmin: boolean;
}

/** A secret the server answered once, with the subscription it signs for. */
interface ShownSecret {
  webhook: WebhookSubscription;
  secret: string;
  rotated: boolean;
}

/** The Settings → API & webhooks page: API tokens, webhook subscriptions, then the bot's actions and MCP servers. */
export function WebhooksPage({ isAdmin, api, paused }: WebhooksPageProps) {
  if (!isAdmin) return <p class="hint">Only admins can manage API tokens and webhooks.</p>;
  return <AdminWebhooksPage api={api} paused={paused} />;
}

function AdminWebhooksPage({ api, paused }: Omit<WebhooksPageProps, 'isAdmin'>) {
  // The approver teams of the actions and of the MCP servers: asked once for both.
  const teams = useTeams(api);
  return (
    <div class="people-page">
      <h1>API &amp; webhooks</h1>
      <ApiTokens api={api} />
      <Subscriptions api={api} paused={paused} />
      <BotActions api={api} teams={teams} />
      <McpServers api={api} teams={teams} />
    </div>
  );
}

/** The API tokens: the secret of the one just created, the form to create one, and the list. */
function ApiTokens({ api }: { api: Pick<ConsoleApi, 'request'> }) {
  const calls = useRef(apiTokensApi(api)).current;
  const listing = useListing(async () => (await calls.list()).tokens);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each token created: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  async function create(body: ApiTokenCreate) {
    const answer = await calls.create(body);
    listing.setItems((current) => [answer.token, ...(current ?? []).filter((token) => token.id !== answer.token.id)]);
    setCreated(answer);
    setStatus(`Created the token “${answer.token.name}”. Copy it now: it won’t be shown again.`);
    setFormKey(formKey + 1);
  }

  return (
    <section class="people-page" aria-labelledby="api-tokens-title">
      <h2 id="api-tokens-title">API tokens</h2>
      <p class="knowledge-intro">
        An integration calls Parley’s REST API with a token, sent as <code>Authorization: Bearer parley_…</code>. Each token does only what
        its scopes allow. Revoke a token that leaked or is no longer used.
      </p>
      {created && (
        <OnceSecret
          title={`API token “${created.token.name}”`}
          label="API token"
          secret={created.secret}
          note="Copy it now and keep it with the integration that uses it: it won’t be shown again."
          onDone={() => {
            setCreated(null);
            setStatus(null);
          }}
        />
      )}
      <p class="settings-saved" role="status">
        {status}
      </p>
      <section class="settings-section" aria-labelledby="api-token-add-title">
        <h3 id="api-token-add-title" class="team-settings-name">
          New token
        </h3>
        <TokenForm key={formKey} onSubmit={create} />
      </section>
      <section class="settings-section" aria-labelledby="api-token-list-title">
        <h3 id="api-token-list-title" class="team-settings-name">
          Tokens
        </h3>
        <Listing listing={listing} empty="No API token yet. Create one above for an integration to call the API.">
          {(token) => (
            <TokenItem
              key={token.id}
              calls={calls}
              token={token}
              onRevoked={() => {
                listing.setItems((current) => current?.filter((candidate) => candidate.id !== token.id) ?? null);
                if (created?.token.id === token.id) setCreated(null);
                setStatus(`Revoked the token “${token.name}”.`);
              }}
            />
          )}
        </Listing>
      </section>
    </section>
  );
}

type TokenField = 'name' | 'scopes' | 'expiresInDays';
const tokenFields: readonly TokenField[] = ['name', 'scopes', 'expiresInDays'];

/** Name, a checkbox per scope and an expiry: creates a token. What is missing is said before anything is sent. */
function TokenForm({ onSubmit }: { onSubmit: (body: ApiTokenCreate) => Promise<void> }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([]);
  const [expiry, setExpiry] = useState('30');
  const [refusal, setRefusal] = useState<Refusal<TokenField> | null>(null);
  const [busy, setBusy] = useState(false);
  const { invalid, error } = useFieldErrors(refusal);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const fields: Refusal<TokenField>['fields'] = {};
    if (name.trim() === '') fields.name = 'Name the token after what uses it.';
    if (scopes.length === 0) fields.scopes = 'Pick at least one scope.';
    if (fields.name || fields.scopes) {
      setRefusal({ fields, message: null });
      return;
    }
    setBusy(true);
    setRefusal(null);
    try {
      // Scopes in the protocol's order, whichever order they were ticked in.
      await onSubmit({
        name: name.trim(),
        scopes: apiScopes.filter((scope) => scopes.includes(scope)),
        expiresInDays: expiry === '' ? null : Number(expiry),
      });
    } catch (failure) {
      setRefusal(refusalOf(failure, tokenFields));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="settings-field" noValidate onSubmit={(event) => void submit(event)}>
      <label class="field">
        <span class="field-label">Name</span>
        <input
          required
          autocomplete="off"
          maxLength={TOKEN_NAME_MAX_LENGTH}
          placeholder="CRM sync"
          value={name}
          {...invalid('name')}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      {error('name')}
      <fieldset class="member-choices" {...invalid('scopes')}>
        <legend>Scopes</legend>
        {apiScopes.map((scope) => (
          <label key={scope} class="checkbox-field">
            <input
              type="checkbox"
              value={scope}
              checked={scopes.includes(scope)}
              onChange={(event) =>
                setScopes(event.currentTarget.checked ? [...scopes, scope] : scopes.filter((ticked) => ticked !== scope))
              }
            />
            <span>
              <code>{scope}</code> {apiScopeLabels[scope]}
            </span>
          </label>
        ))}
      </fieldset>
      {error('scopes')}
      <label class="field">
        <span class="field-label">Expires after</span>
        <select value={expiry} {...invalid('expiresInDays')} onChange={(event) => setExpiry(event.currentTarget.value)}>
          {tokenExpiryChoices.map(({ days, label }) => (
            <option key={label} value={days === null ? '' : String(days)}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {error('expiresInDays')}
      {refusal?.message && (
        <p class="form-error" role="alert">
          {refusal.message}
        </p>
      )}
      <div class="settings-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

/** One token: its name and hint, scopes, who made it when, its last use and expiry, and Revoke (after confirming). */
function TokenItem({ calls, token, onRevoked }: { calls: ApiTokensApi; token: ApiToken; onRevoked: () => void }) {
  const { busy, error, run } = useTask();
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();

  function revoke() {
    if (!confirm(`Revoke the token “${token.name}”? Whatever uses it can no longer call the API.`)) return;
    void run(async () => {
      await calls.revoke(token.id);
      onRevoked();
    });
  }

  return (
    <li class="settings-section" aria-label={token.name}>
      <div>
        <strong>{token.name}</strong> <code class="invitation-link-url">{token.hint}</code>{' '}
        {expired && <span class="people-status">Expired</span>}
        <p class="hint">Scopes: {token.scopes.join(', ')}</p>
        <p class="hint">
          Created by {token.createdBy?.name ?? 'a removed member'} on {formatFullTime(token.createdAt)}.{' '}
          {token.lastUsedAt === null ? 'Never used.' : `Last used ${formatFullTime(token.lastUsedAt)}.`}{' '}
          {token.expiresAt === null ? 'Never expires.' : `${expired ? 'Expired' : 'Expires'} ${formatFullTime(token.expiresAt)}.`}
        </p>
      </div>
      <div class="people-row-actions">
        <button type="button" class="button button-danger" disabled={busy} onClick={revoke}>
          Revoke
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** The webhook subscriptions. */
function Subscriptions({ api, paused }: Omit<WebhooksPageProps, 'isAdmin'>) {
  const calls = useRef(webhooksApi(api)).current;
  const listing = useListing(async () => (await calls.list()).webhooks);
  const setWebhooks = listing.setItems;
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each subscription added: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  /** Puts the server's copy of a subscription in place (or first, for a new one). */
  function changed(webhook: WebhookSubscription) {
    setWebhooks((current) =>
      current?.some((candidate) => candidate.id === webhook.id)
        ? current.map((candidate) => (candidate.id === webhook.id ? webhook : candidate))
        : [webhook, ...(current ?? [])],
    );
  }

  useEffect(() => {
    if (paused) setWebhooks((current) => current?.map((candidate) => (candidate.id === paused.id ? paused : candidate)) ?? null);
  }, [paused]);

  async function create(values: WebhookCreate) {
    const answer = await calls.create(values);
    changed(answer.webhook);
    setSecret({ ...answer, rotated: false });
    setStatus(null);
    setFormKey(formKey + 1);
  }

  return (
    <section class="people-page" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p class="knowledge-intro">
        Parley sends a signed HTTP POST to each address when one of the events it asks for happens. A subscription that keeps failing is
        paused, and the console alerts its admins.
      </p>
      {secret && <SecretPanel shown={secret} onDone={() => setSecret(null)} />}
      <p class="settings-saved" role="status">
        {status}
      </p>
      <section class="settings-section" aria-labelledby="webhook-add-title">
        <h3 id="webhook-add-title" class="team-settings-name">
          Add webhook
        </h3>
        <WebhookForm key={formKey} submitLabel="Add webhook" busyLabel="Adding…" onSubmit={create} />
      </section>
      <section class="settings-section" aria-labelledby="webhook-list-title">
        <h3 id="webhook-list-title" class="team-settings-name">
          Subscriptions
        </h3>
        <Listing listing={listing} empty="No webhook yet. Add one above to have Parley tell another system what happens.">
          {(webhook) => (
            <WebhookItem
              key={webhook.id}
              calls={calls}
              webhook={webhook}
              onChange={changed}
              onSecret={(answer) => {
                changed(answer.webhook);
                setSecret({ ...answer, rotated: true });
              }}
              onDeleted={() => {
                setWebhooks((current) => current?.filter((candidate) => candidate.id !== webhook.id) ?? null);
                if (secret?.webhook.id === webhook.id) setSecret(null);
                setStatus(`Deleted the webhook ${webhook.url}.`);
              }}
            />
          )}
        </Listing>
      </section>
    </section>
  );
}

/** A subscription's signing secret, new or rotated. */
function SecretPanel({ shown: { webhook, secret, rotated }, onDone }: { shown: ShownSecret; onDone: () => void }) {
  return (
    <OnceSecret
      title={`${rotated ? 'New signing secret' : 'Signing secret'} for ${webhook.url}`}
      label="Signing secret"
      secret={secret}
      note={`Copy it now and keep it with your receiver, which checks each delivery’s signature with it: it won’t be shown again.${
        rotated && webhook.previousSecretExpiresAt
          ? ` The previous secret keeps signing deliveries too until ${formatFullTime(webhook.previousSecretExpiresAt)}.`
          : ''
      }`}
      onDone={onDone}
    />
  );
}

type WebhookField = 'url' | 'description' | 'events';
const webhookFields: readonly WebhookField[] = ['url', 'description', 'events'];

interface FormValues {
  url: string;
  description: string;
  events: WebhookEventType[];
}

interface WebhookFormProps {
  initial?: FormValues;
  submitLabel: string;
  busyLabel: string;
  /** Saves; rejects with the server's refusal, shown next to the fields it names. */
  onSubmit: (values: FormValues) => Promise<void>;
  onCancel?: () => void;
}

/** URL, description and a checkbox per event: adds a subscription, or edits one. */
function WebhookForm({ initial = { url: '', description: '', events: [] }, submitLabel, busyLabel, onSubmit, onCancel }: WebhookFormProps) {
  const [values, setValues] = useState(initial);
  const [refusal, setRefusal] = useState<Refusal<WebhookField> | null>(null);
  const [busy, setBusy] = useState(false);
  const { invalid, error: fieldError } = useFieldErrors(refusal);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setRefusal(null);
    try {
      // Events in the protocol's order, whichever order they were ticked in.
      const events = eventTypes.filter((type) => values.events.includes(type));
      await onSubmit({ url: values.url.trim(), description: values.description.trim(), events });
    } catch (error) {
      setRefusal(refusalOf(error, webhookFields));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="settings-field" noValidate onSubmit={(event) => void submit(event)}>
      <label class="field">
        <span class="field-label">URL</span>
        <input
          type="url"
          required
          autocomplete="off"
          spellcheck={false}
          maxLength={URL_MAX_LENGTH}
          placeholder="https://hooks.example.com/parley"
          value={values.url}
          {...invalid('url')}
          onInput={(event) => setValues({ ...values, url: event.currentTarget.value })}
        />
      </label>
      {fieldError('url')}
      <label class="field">
        <span class="field-label">Description (optional)</span>
        <input
          autocomplete="off"
          maxLength={DESCRIPTION_MAX_LENGTH}
          value={values.description}
          {...invalid('description')}
          onInput={(event) => setValues({ ...values, description: event.currentTarget.value })}
        />
      </label>
      {fieldError('description')}
      <fieldset class="member-choices" {...invalid('events')}>
        <legend>Events</legend>
        {eventTypes.map((type) => (
          <label key={type} class="checkbox-field">
            <input
              type="checkbox"
              value={type}
              checked={values.events.includes(type)}
              onChange={(event) =>
                setValues({
                  ...values,
                  events: event.currentTarget.checked ? [...values.events, type] : values.events.filter((ticked) => ticked !== type),
                })
              }
            />
            {webhookEventLabels[type]}
          </label>
        ))}
      </fieldset>
      {fieldError('events')}
      {refusal?.message && (
        <p class="form-error" role="alert">
          {refusal.message}
        </p>
      )}
      <div class="settings-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="button button-ghost" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

interface WebhookItemProps {
  calls: WebhooksApi;
  webhook: WebhookSubscription;
  onChange: (webhook: WebhookSubscription) => void;
  onSecret: (answer: WebhookWithSecret) => void;
  onDeleted: () => void;
}

/** One subscription: what it sends where, whether it is paused and why, its actions and (expanded) its deliveries. */
function WebhookItem({ calls, webhook, onChange, onSecret, onDeleted }: WebhookItemProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'rotate'>('view');
  const [showDeliveries, setShowDeliveries] = useState(false);
  const { busy, error, setError, run } = useTask();
  const [overlap, setOverlap] = useState('24');
  // Counts the resumes answered: each one has the open deliveries list reloaded (Parley sends again what waited).
  const [resumes, setResumes] = useState(0);
  const deliveriesId = useId();
  const isPaused = webhook.status === 'paused';

  const setStatus = (status: WebhookSubscription['status']) =>
    run(async () => {
      onChange(await calls.update(webhook.id, { status }));
      if (status === 'active') setResumes((count) => count + 1);
    });

  function remove() {
    if (!confirm(`Delete the webhook ${webhook.url}? Parley stops sending to it, and its deliveries are deleted.`)) return;
    void run(async () => {
      await calls.remove(webhook.id);
      onDeleted();
    });
  }

  function rotate(event: Event) {
    event.preventDefault();
    const hours = Number(overlap);
    if (!Number.isInteger(hours) || hours < 0 || hours > OVERLAP_MAX_HOURS) {
      setError(`The overlap is a whole number of hours from 0 to ${OVERLAP_MAX_HOURS}.`);
      return;
    }
    void run(async () => {
      onSecret(await calls.rotateSecret(webhook.id, hours));
      setMode('view');
    });
  }

  return (
    <li class="settings-section" aria-label={webhook.url}>
      {mode === 'edit' ? (
        <WebhookForm
          initial={{ url: webhook.url, description: webhook.description, events: webhook.events }}
          submitLabel="Save changes"
          busyLabel="Saving…"
          onSubmit={async (values) => {
            onChange(await calls.update(webhook.id, values));
            setMode('view');
          }}
          onCancel={() => setMode('view')}
        />
      ) : (
        <>
          <div>
            <strong class="invitation-link-url">{webhook.url}</strong> <span class="people-status">{isPaused ? 'Paused' : 'Active'}</span>
            {webhook.description && <p>{webhook.description}</p>}
            <p class="hint">Events: {webhook.events.map((type) => webhookEventLabels[type]).join(', ')}</p>
            {webhook.consecutiveFailures > 0 && (
              <p class="settings-warning">
                {webhook.consecutiveFailures === 1 ? '1 failed attempt' : `${webhook.consecutiveFailures} failed attempts`} in a row.
              </p>
            )}
            {webhook.previousSecretExpiresAt && (
              <p class="hint">The previous secret also signs deliveries until {formatFullTime(webhook.previousSecretExpiresAt)}.</p>
            )}
          </div>
          {isPaused && (
            <div class="people-confirm">
              <p class="form-error">{webhook.pausedReason ?? 'Paused: Parley sends nothing to it until it is resumed.'}</p>
              <div>
                <button type="button" class="button button-primary" disabled={busy} onClick={() => void setStatus('active')}>
                  Resume
                </button>
              </div>
            </div>
          )}
          {mode === 'rotate' && (
            <form class="capacity-form" onSubmit={rotate}>
              <label class="field">
                <span class="field-label">Old secret keeps signing for (hours)</span>
                <input
                  class="capacity-input"
                  type="number"
                  min={0}
                  max={OVERLAP_MAX_HOURS}
                  step={1}
                  value={overlap}
                  onInput={(event) => setOverlap(event.currentTarget.value)}
                />
              </label>
              <button type="submit" class="button button-primary" disabled={busy}>
                Rotate secret
              </button>
              <button type="button" class="button button-ghost" disabled={busy} onClick={() => setMode('view')}>
                Cancel
              </button>
            </form>
          )}
          <div class="people-row-actions">
            <button
              type="button"
              class="button"
              aria-expanded={showDeliveries}
              aria-controls={showDeliveries ? deliveriesId : undefined}
              onClick={() => setShowDeliveries(!showDeliveries)}
            >
              {showDeliveries ? 'Hide deliveries' : 'Deliveries'}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setMode('edit')}>
              Edit
            </button>
            {!isPaused && (
              <button type="button" class="button" disabled={busy} onClick={() => void setStatus('paused')}>
                Pause
              </button>
            )}
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => {
                setOverlap('24');
                setMode('rotate');
              }}
            >
              Rotate secret…
            </button>
            <button type="button" class="button button-danger" disabled={busy} onClick={remove}>
              Delete
            </button>
          </div>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
      {showDeliveries && <Deliveries id={deliveriesId} calls={calls} webhook={webhook} resumes={resumes} />}
    </li>
  );
}

interface DeliveriesProps {
  id: string;
  calls: WebhooksApi;
  webhook: WebhookSubscription;
  /** How many times the subscription was resumed: each new resume reloads the first page. */
  resumes: number;
}

/**
 * A subscription's deliveries, newest first, by status, a page at a time; each one's details, and a replay. Reloaded
 * (the first page, same filter) on Refresh and after the subscription is resumed.
 */
function Deliveries({ id, calls, webhook, resumes }: DeliveriesProps) {
  const [filter, setFilter] = useState<WebhookDeliveryStatus | ''>('');
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  // What is being loaded: the first page (a new filter, a refresh) or the next one.
  const [loading, setLoading] = useState<'first' | 'more' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  // The deliveries being replayed: their Replay buttons are disabled until the server answers (a ref as well as state,
  // so that a second click before the next render is refused too).
  const [replaying, setReplaying] = useState<ReadonlySet<string>>(new Set());
  const replayingNow = useRef(new Set<string>());
  // The latest listing asked for: an answer to an earlier one (another filter) is dropped.
  const latest = useRef(0);
  // The filter shown now, for answers that arrive after it changed.
  const filterNow = useRef(filter);
  filterNow.current = filter;
  const resumesSeen = useRef(resumes);

  async function load(before?: string) {
    const ticket = ++latest.current;
    setLoading(before ? 'more' : 'first');
    setError(null);
    if (!before) setStatus(null);
    try {
      const page = await calls.deliveries(webhook.id, { status: filterNow.current || undefined, before });
      if (ticket !== latest.current) return;
      setDeliveries((current) => (before ? [...(current ?? []), ...page.deliveries] : page.deliveries));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      if (ticket === latest.current) setError(errorMessage(failure));
    } finally {
      if (ticket === latest.current) setLoading(null);
    }
  }

  useEffect(() => {
    setDeliveries(null);
    void load();
  }, [filter]);

  useEffect(() => {
    if (resumes === resumesSeen.current) return;
    resumesSeen.current = resumes;
    void load();
  }, [resumes]);

  async function replay(delivery: WebhookDelivery) {
    if (replayingNow.current.has(delivery.id)) return;
    replayingNow.current.add(delivery.id);
    setReplaying(new Set(replayingNow.current));
    setError(null);
    setStatus(null);
    try {
      const replayed = await calls.replay(webhook.id, delivery.id);
      // A replay is a new delivery, pending: listed (first) only where the filter shows pending ones.
      const shown = filterNow.current === '' || filterNow.current === replayed.status;
      if (shown) {
        setDeliveries((current) =>
          current === null
            ? current
            : current.some((candidate) => candidate.id === replayed.id)
              ? current.map((candidate) => (candidate.id === replayed.id ? replayed : candidate))
              : [replayed, ...current],
        );
        setStatus('Replay queued: it is listed first.');
      } else {
        const filterLabel = filterNow.current ? deliveryStatusLabels[filterNow.current] : '';
        setStatus(
          `Replay queued: it is ${deliveryStatusLabels[replayed.status].toLowerCase()}, so it is not listed under “${filterLabel}”.`,
        );
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      replayingNow.current.delete(delivery.id);
      setReplaying(new Set(replayingNow.current));
    }
  }

  const toggle = (deliveryId: string) => {
    const next = new Set(open);
    if (!next.delete(deliveryId)) next.add(deliveryId);
    setOpen(next);
  };

  return (
    <section id={id} class="settings-field" aria-label={`Deliveries to ${webhook.url}`}>
      <div class="settings-actions">
        <label class="field">
          <span class="field-label">Status</span>
          <select value={filter} onChange={(event) => setFilter(event.currentTarget.value as WebhookDeliveryStatus | '')}>
            <option value="">All</option>
            {(Object.keys(deliveryStatusLabels) as WebhookDeliveryStatus[]).map((value) => (
              <option key={value} value={value}>
                {deliveryStatusLabels[value]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button" disabled={loading !== null} onClick={() => void load()}>
          {loading === 'first' && deliveries !== null ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <p class="settings-saved" role="status">
        {status}
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {deliveries === null ? (
        loading !== null && <p class="hint">Loading…</p>
      ) : deliveries.length === 0 ? (
        <p class="hint">{filter ? 'No delivery with this status.' : 'No delivery yet.'}</p>
      ) : (
        <div class="people-table-scroll">
          <table class="people-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Event</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Latency</th>
                <th scope="col">Time</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => {
                const expanded = open.has(delivery.id);
                const detailsId = `${id}-${delivery.id}`;
                return [
                  <tr key={delivery.id}>
                    <td class="people-status">{deliveryStatusLabels[delivery.status]}</td>
                    <td>
                      <code>{delivery.eventType}</code>
                    </td>
                    <td class="people-count">{delivery.attempts}</td>
                    <td class="people-count">{delivery.responseStatus ?? '—'}</td>
                    <td class="people-count">{delivery.latencyMs === null ? '—' : `${delivery.latencyMs} ms`}</td>
                    <td>{formatFullTime(delivery.createdAt)}</td>
                    <td>
                      <span class="knowledge-actions">
                        <button
                          type="button"
                          class="button"
                          aria-expanded={expanded}
                          aria-controls={expanded ? detailsId : undefined}
                          onClick={() => toggle(delivery.id)}
                        >
                          Details
                        </button>
                        <button
                          type="button"
                          class="button"
                          disabled={replaying.has(delivery.id)}
                          aria-busy={replaying.has(delivery.id) || undefined}
                          onClick={() => void replay(delivery)}
                        >
                          {replaying.has(delivery.id) ? 'Replaying…' : 'Replay'}
                        </button>
                      </span>
                    </td>
                  </tr>,
                  expanded && (
                    <tr key={`${delivery.id}-details`} id={detailsId} class="people-row-detail">
                      <td colSpan={7}>
                        <DeliveryDetails delivery={delivery} />
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor !== null && deliveries !== null && (
        <div>
          <button type="button" class="button" disabled={loading !== null} onClick={() => void load(nextCursor)}>
            {loading === 'more' ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}

/** What was sent and what came back, as text: a receiver's answer is never rendered as HTML. */
function DeliveryDetails({ delivery }: { delivery: WebhookDelivery }) {
  return (
    <dl class="tool-call-body">
      <dt>Body sent</dt>
      <dd>
        <pre class="tool-call-json">{delivery.requestBody}</pre>
      </dd>
      <dt>Response</dt>
      <dd>
        {delivery.responseBody === null ? <span class="hint">No answer.</span> : <pre class="tool-call-json">{delivery.responseBody}</pre>}
      </dd>
      {delivery.error && (
        <>
          <dt>Error</dt>
          <dd class="field-error">{delivery.error}</dd>
        </>
      )}
      {delivery.nextAttemptAt && delivery.status === 'pending' && (
        <>
          <dt>Next attempt</dt>
          <dd>{formatFullTime(delivery.nextAttemptAt)}</dd>
        </>
      )}
      {delivery.replayOf && (
        <>
          <dt>Replay of</dt>
          <dd>
            <code>{delivery.replayOf}</code>
          </dd>
        </>
      )}
    </dl>
  );
}

/** Props of {@link PausedWebhookAlert}. */
export interface PausedWebhookAlertProps {
  webhook: WebhookSubscription;
  /** Settings → API & webhooks. */
  href: string;
  /** Opens Settings → API & webhooks. */
  onOpen: () => void;
  onDismiss: () => void;
}

/** Tells an admin that Parley paused a subscription that kept failing (`webhook:paused`), over whichever page is shown. */
export function PausedWebhookAlert({ webhook, href, onOpen, onDismiss }: PausedWebhookAlertProps) {
  return (
    <div class="notice webhook-alert" role="alert">
      <span>
        Parley paused the webhook {webhook.url}. {webhook.pausedReason ?? 'It kept failing.'} See{' '}
        <a
          href={href}
          onClick={(event) => {
            event.preventDefault();
            onDismiss();
            onOpen();
          }}
        >
          Settings → API &amp; webhooks
        </a>
        .
      </span>
      <button type="button" class="button button-ghost" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
