/**
 * Settings → Webhooks (admins), a chunk of its own: the organization's webhook subscriptions, a form to add one (its
 * signing secret shown once), and for each one editing, pausing and resuming, rotating its secret (the new one shown
 * once), deleting, and its deliveries, each with what was sent and answered, to replay. The calls to `/api/webhooks` are
 * made here, over the API's generic `request`, so that the bundle every agent loads does not carry them.
 * @module
 */
import {
  ParleyError,
  type WebhookCreate,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookDeliveryStatus,
  type WebhookEventType,
  type WebhookSubscription,
  type WebhookSubscriptionList,
  type WebhookUpdate,
  type WebhookWithSecret,
} from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { formatFullTime } from '../format.js';

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

// The protocol's limits (WEBHOOK_URL_MAX_LENGTH…), copied: a value imported from its webhooks module would bring that
// module's zod schemas, and zod, into this chunk. webhooks-page.test.tsx checks that they match.
export const URL_MAX_LENGTH = 2000;
export const DESCRIPTION_MAX_LENGTH = 200;
export const OVERLAP_MAX_HOURS = 168;

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
  'rating.submitted': 'A visitor rates a conversation',
  'ticket.sla_breached': 'A follow-up misses its SLA',
};

/** The events a subscription can ask for, in the protocol's order. */
export const eventTypes = Object.keys(webhookEventLabels) as WebhookEventType[];

const deliveryStatusLabels: Record<WebhookDeliveryStatus, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
};

type Field = 'url' | 'description' | 'events';

/** A refusal: the reasons for the fields it names (`body.url`, `body.events.0`), and the rest as one message. */
interface Refusal {
  fields: Partial<Record<Field, string>>;
  message: string | null;
}

function refusalOf(error: unknown): Refusal {
  const fields: Partial<Record<Field, string>> = {};
  const other: string[] = [];
  for (const issue of ParleyError.isInstance(error) ? (error.issues ?? []) : []) {
    const field = issue.path.replace(/^body\.?/, '').split('.')[0];
    if (field === 'url' || field === 'description' || field === 'events') {
      fields[field] = fields[field] ? `${fields[field]} ${issue.message}` : issue.message;
    } else other.push(issue.message);
  }
  const named = Object.keys(fields).length > 0;
  return { fields, message: named && other.length === 0 ? null : [errorMessage(error), ...other].join(' ') };
}

/** Props of {@link WebhooksPage}. */
export interface WebhooksPageProps {
  api: Pick<ConsoleApi, 'request'>;
  /** The last subscription Parley paused (`webhook:paused`), shown as it is now when it arrives. */
  paused?: WebhookSubscription | null;
  /** Only admins manage webhooks; anyone else is told so, and nothing is asked of the server. */
  isAdmin: boolean;
}

/** A secret the server answered once, with the subscription it signs for. */
interface ShownSecret {
  webhook: WebhookSubscription;
  secret: string;
  rotated: boolean;
}

/** The Settings → Webhooks page. */
export function WebhooksPage({ isAdmin, ...props }: WebhooksPageProps) {
  return isAdmin ? <Subscriptions {...props} /> : <p class="hint">Only admins can manage webhooks.</p>;
}

/** The page itself, for admins. */
function Subscriptions({ api, paused }: Omit<WebhooksPageProps, 'isAdmin'>) {
  const calls = useRef(webhooksApi(api)).current;
  const [webhooks, setWebhooks] = useState<WebhookSubscription[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each subscription added: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  async function load() {
    setLoadError(null);
    try {
      setWebhooks((await calls.list()).webhooks);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  useEffect(() => {
    void load();
  }, []);

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
      <h1 id="webhooks-title">Webhooks</h1>
      <p class="knowledge-intro">
        Parley sends a signed HTTP POST to each address when one of the events it asks for happens. A subscription that keeps failing is
        paused, and the console alerts its admins.
      </p>
      {secret && <SecretPanel shown={secret} onDone={() => setSecret(null)} />}
      <p class="settings-saved" role="status">
        {status}
      </p>
      <section class="settings-section" aria-labelledby="webhook-add-title">
        <h2 id="webhook-add-title">Add webhook</h2>
        <WebhookForm key={formKey} submitLabel="Add webhook" busyLabel="Adding…" onSubmit={create} />
      </section>
      <section class="settings-section" aria-labelledby="webhook-list-title">
        <h2 id="webhook-list-title">Subscriptions</h2>
        {loadError ? (
          <>
            <p class="form-error" role="alert">
              {loadError}
            </p>
            <div>
              <button type="button" class="button" onClick={() => void load()}>
                Try again
              </button>
            </div>
          </>
        ) : webhooks === null ? (
          <p class="hint">Loading…</p>
        ) : webhooks.length === 0 ? (
          <p class="hint">No webhook yet. Add one above to have Parley tell another system what happens.</p>
        ) : (
          <ul class="invitation-list">
            {webhooks.map((webhook) => (
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
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

/** The secret the server answered, this once, with a Copy button. */
function SecretPanel({ shown, onDone }: { shown: ShownSecret; onDone: () => void }) {
  const [copyStatus, setCopyStatus] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const { webhook, secret, rotated } = shown;
  // Brought to the admin's attention, wherever on the page they asked for it (a rotation is far down the list).
  useEffect(() => inputRef.current?.focus(), [shown]);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(secret);
      setCopyStatus('Copied.');
    } catch {
      inputRef.current?.select();
      setCopyStatus('Could not copy: the secret is selected, press Ctrl+C (⌘C on a Mac).');
    }
  }

  return (
    <section class="settings-section invitation-link" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {rotated ? 'New signing secret' : 'Signing secret'} for {webhook.url}
      </h2>
      <label class="field">
        <span class="field-label">Signing secret</span>
        <input ref={inputRef} class="invitation-link-url" readOnly value={secret} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p class="hint">
        Copy it now and keep it with your receiver, which checks each delivery’s signature with it: it won’t be shown again.
        {rotated && webhook.previousSecretExpiresAt
          ? ` The previous secret keeps signing deliveries too until ${formatFullTime(webhook.previousSecretExpiresAt)}.`
          : ''}
      </p>
      <div class="settings-actions">
        <button type="button" class="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="button button-ghost" onClick={onDone}>
          Done
        </button>
        <span class="settings-saved" role="status">
          {copyStatus}
        </span>
      </div>
    </section>
  );
}

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
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const errors = refusal?.fields ?? {};
  const invalid = (field: Field) => ({
    'aria-invalid': errors[field] ? ('true' as const) : undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });
  const fieldError = (field: Field) =>
    errors[field] && (
      <p id={`${id}-${field}-error`} class="field-error">
        {errors[field]}
      </p>
    );

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
      setRefusal(refusalOf(error));
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [overlap, setOverlap] = useState('24');
  // Counts the resumes answered: each one has the open deliveries list reloaded (Parley sends again what waited).
  const [resumes, setResumes] = useState(0);
  const deliveriesId = useId();
  const isPaused = webhook.status === 'paused';

  async function run(task: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await task();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

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
  /** Settings → Webhooks. */
  href: string;
  /** Opens Settings → Webhooks. */
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
          Settings → Webhooks
        </a>
        .
      </span>
      <button type="button" class="button button-ghost" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
