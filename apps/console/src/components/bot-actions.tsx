/**
 * Settings → API & webhooks → Bot actions (admins), in the page's lazy chunk (webhooks-page.tsx imports it). The
 * organization's HTTP actions, which the bot may call as tools: the list (name, method and address, enabled or not),
 * a form to add one, and for each one editing, enabling or disabling, and deleting (after confirming). Secrets are
 * write-only: the server only ever answers their names, so the form sets, replaces or removes a secret without showing
 * a value back. An edit sends only what changed. Everything is shown as text, never as HTML: names, addresses and
 * descriptions come from admins, and reach other admins' browsers. The calls to `/api/bot/actions` are made here, over
 * the API's generic `request`, so that the bundle every agent loads does not carry them.
 * @module
 */
import { ParleyError, type BotAction, type BotActionCreate, type BotActionList, type BotActionUpdate } from '@parley/protocol';
import { useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import {
  headerLines,
  Listing,
  parseHeaders,
  refusalOf,
  sameRecord,
  SecretRow,
  useFieldErrors,
  useListing,
  useTask,
  type Refusal,
} from './settings-forms.js';

const path = (actionId: string) => `/api/bot/actions/${encodeURIComponent(actionId)}`;

/** The `/api/bot/actions` routes, over the console's generic request (same token, same errors). */
export function botActionsApi({ request }: Pick<ConsoleApi, 'request'>) {
  return {
    list: () => request<BotActionList>('GET', '/api/bot/actions'),
    create: (body: BotActionCreate) => request<BotAction>('POST', '/api/bot/actions', body),
    update: (actionId: string, body: BotActionUpdate) => request<BotAction>('PATCH', path(actionId), body),
    remove: (actionId: string) => request<void>('DELETE', path(actionId)),
  };
}

type BotActionsApi = ReturnType<typeof botActionsApi>;

// The protocol's BOT_ACTION_METHODS and BOT_ACTION_LIMITS, copied: a value imported from its bot-actions module would
// bring that module's zod schemas, and zod, into this chunk. bot-actions.test.tsx checks that they match.
export const ACTION_METHODS: readonly BotAction['method'][] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const ACTION_DESCRIPTION_MAX_LENGTH = 1000;
export const ACTION_URL_MAX_LENGTH = 2000;
export const ACTION_SECRET_MAX_LENGTH = 4000;
export const ACTION_TIMEOUT_MAX_MS = 30_000;
/** The protocol's shortest timeout (its timeout schema's minimum). */
export const ACTION_TIMEOUT_MIN_MS = 500;

/** A new action's input schema: an object with no input yet, for the admin to fill. */
export const DEFAULT_INPUT_SCHEMA = '{"type":"object","properties":{},"required":[]}';

/** Sorts by name, as the server lists them: an action added or renamed goes where a reload would put it. */
const byName = (a: BotAction, b: BotAction) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The bot's actions: the form to add one, and the list. */
export function BotActions({ api }: { api: Pick<ConsoleApi, 'request'> }) {
  const calls = useRef(botActionsApi(api)).current;
  const listing = useListing(async () => (await calls.list()).actions);
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each action added: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  /** Puts the server's copy of an action in place (or in, for a new one), in name order. */
  function changed(action: BotAction) {
    listing.setItems((current) => [...(current ?? []).filter((candidate) => candidate.id !== action.id), action].toSorted(byName));
  }

  async function create(values: ActionValues) {
    const secrets: Record<string, string> = {};
    for (const [name, value] of Object.entries(values.secrets)) if (value !== null) secrets[name] = value;
    const action = await calls.create({ ...values, secrets });
    changed(action);
    setStatus(`Added the action “${action.name}”.`);
    setFormKey(formKey + 1);
  }

  return (
    <section class="people-page" aria-labelledby="bot-actions-title">
      <h2 id="bot-actions-title">Bot actions</h2>
      <p class="knowledge-intro">
        HTTP requests the bot may make while it answers a visitor, such as looking up an order. The bot picks an action from its
        description, fills the action’s input, and sees only the response fields listed. Secrets are sent in headers and never shown again.
      </p>
      <p class="settings-saved" role="status">
        {status}
      </p>
      <section class="settings-section" aria-labelledby="bot-action-add-title">
        <h3 id="bot-action-add-title" class="team-settings-name">
          New action
        </h3>
        <ActionForm key={formKey} submitLabel="Add action" busyLabel="Adding…" onSubmit={create} />
      </section>
      <section class="settings-section" aria-labelledby="bot-action-list-title">
        <h3 id="bot-action-list-title" class="team-settings-name">
          Actions
        </h3>
        <Listing listing={listing} empty="No action yet. Add one above for the bot to call another system.">
          {(action) => (
            <ActionItem
              key={action.id}
              calls={calls}
              action={action}
              onChange={(updated, message) => {
                changed(updated);
                setStatus(message);
              }}
              onDeleted={() => {
                listing.setItems((current) => current?.filter((candidate) => candidate.id !== action.id) ?? null);
                setStatus(`Deleted the action “${action.name}”.`);
              }}
            />
          )}
        </Listing>
      </section>
    </section>
  );
}

type ActionField =
  | 'name'
  | 'description'
  | 'method'
  | 'url'
  | 'headers'
  | 'secrets'
  | 'inputSchema'
  | 'responseFields'
  | 'timeoutMs'
  | 'requiresVerifiedContact'
  | 'enabled';
const actionFields: readonly ActionField[] = [
  'name',
  'description',
  'method',
  'url',
  'headers',
  'secrets',
  'inputSchema',
  'responseFields',
  'timeoutMs',
  'requiresVerifiedContact',
  'enabled',
];
// Record fields: their issues name the key (`body.headers.Authorization`), said with the message.
const keyedFields: readonly ActionField[] = ['headers', 'secrets'];

/** What the form sends: every field, and the secrets to set (a value) or remove (null). */
export type ActionValues = Required<Omit<BotActionCreate, 'secrets' | 'policy'>> & { secrets: Record<string, string | null> };

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** What an edit changes of `action`: only those fields are sent, so that a concurrent edit of another one is kept. */
export function changesOf(action: BotAction, values: ActionValues): BotActionUpdate {
  const changes: BotActionUpdate = {};
  if (values.name !== action.name) changes.name = values.name;
  if (values.description !== action.description) changes.description = values.description;
  if (values.method !== action.method) changes.method = values.method;
  if (values.url !== action.url) changes.url = values.url;
  if (!sameRecord(values.headers, action.headers)) changes.headers = values.headers;
  if (Object.keys(values.secrets).length > 0) changes.secrets = values.secrets;
  if (JSON.stringify(values.inputSchema) !== JSON.stringify(action.inputSchema)) changes.inputSchema = values.inputSchema;
  if (values.responseFields.join('\n') !== action.responseFields.join('\n')) changes.responseFields = values.responseFields;
  if (values.timeoutMs !== action.timeoutMs) changes.timeoutMs = values.timeoutMs;
  if (values.requiresVerifiedContact !== action.requiresVerifiedContact) changes.requiresVerifiedContact = values.requiresVerifiedContact;
  if (values.enabled !== action.enabled) changes.enabled = values.enabled;
  return changes;
}

interface ActionFormProps {
  /** The action edited; none for a new one. */
  initial?: BotAction;
  submitLabel: string;
  busyLabel: string;
  /** Saves; rejects with the server's refusal, shown next to the fields it names. */
  onSubmit: (values: ActionValues) => Promise<void>;
  onCancel?: () => void;
}

/**
 * An action's fields: adds one, or edits one. What can be checked here (header lines, the input schema's JSON, the
 * timeout, a secret half filled) is said on its field before anything is sent; the server checks the rest.
 */
function ActionForm({ initial, submitLabel, busyLabel, onSubmit, onCancel }: ActionFormProps) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [method, setMethod] = useState<BotAction['method']>(initial?.method ?? 'GET');
  const [url, setUrl] = useState(initial?.url ?? '');
  const [headers, setHeaders] = useState(initial ? headerLines(initial.headers) : '');
  // The secrets to set (a value) or remove (null); the others are kept as they are.
  const [secrets, setSecrets] = useState<Record<string, string | null>>({});
  const [newSecret, setNewSecret] = useState({ name: '', value: '' });
  const [inputSchema, setInputSchema] = useState(initial ? JSON.stringify(initial.inputSchema, null, 2) : DEFAULT_INPUT_SCHEMA);
  const [responseFields, setResponseFields] = useState(initial?.responseFields.join('\n') ?? '');
  const [timeoutSeconds, setTimeoutSeconds] = useState(String((initial?.timeoutMs ?? 10_000) / 1000));
  const [requiresVerifiedContact, setRequiresVerifiedContact] = useState(initial?.requiresVerifiedContact ?? false);
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [refusal, setRefusal] = useState<Refusal<ActionField> | null>(null);
  const [busy, setBusy] = useState(false);
  const { invalid, error: fieldError } = useFieldErrors(refusal);
  const id = useId();
  const hint = (field: ActionField) => `${id}-${field}-hint`;
  const existing = initial?.secretNames ?? [];
  // Secrets added in this form (not yet on the server), in the order they were added.
  const added = Object.keys(secrets).filter((secret) => !existing.includes(secret));

  function addSecret() {
    const secretName = newSecret.name.trim();
    if (secretName === '' || newSecret.value === '') {
      setRefusal({ fields: { secrets: 'Give the secret a name and a value.' }, message: null });
      return;
    }
    setSecrets({ ...secrets, [secretName]: newSecret.value });
    setNewSecret({ name: '', value: '' });
    setRefusal(null);
  }

  function forget(secretName: string) {
    const { [secretName]: _forgotten, ...rest } = secrets;
    setSecrets(rest);
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const fields: Refusal<ActionField>['fields'] = {};
    const parsedHeaders = parseHeaders(headers);
    if (parsedHeaders.badLine !== null) fields.headers = `Line ${parsedHeaders.badLine}: write a header as Name: value.`;
    let parsedSchema: unknown;
    try {
      parsedSchema = JSON.parse(inputSchema);
      if (typeof parsedSchema !== 'object' || parsedSchema === null || Array.isArray(parsedSchema)) {
        fields.inputSchema = 'The input schema is a JSON object, such as {"type":"object","properties":{}}.';
      }
    } catch (failure) {
      fields.inputSchema = `This is not valid JSON: ${failure instanceof Error ? failure.message : String(failure)}`;
    }
    const seconds = Number(timeoutSeconds);
    const timeoutMs = Math.round(seconds * 1000);
    if (
      timeoutSeconds.trim() === '' ||
      !Number.isFinite(seconds) ||
      timeoutMs < ACTION_TIMEOUT_MIN_MS ||
      timeoutMs > ACTION_TIMEOUT_MAX_MS
    ) {
      fields.timeoutMs = `The timeout is from ${ACTION_TIMEOUT_MIN_MS / 1000} to ${ACTION_TIMEOUT_MAX_MS / 1000} seconds.`;
    }
    // A secret typed in the add row but not added yet is sent too: leaving it out silently would lose it.
    const pending = { ...secrets };
    const secretName = newSecret.name.trim();
    if (secretName !== '' && newSecret.value !== '') pending[secretName] = newSecret.value;
    else if (secretName !== '' || newSecret.value !== '') fields.secrets = 'Give the secret a name and a value.';
    const unfilled = Object.keys(pending).filter((secret) => pending[secret] === '');
    if (unfilled.length > 0) fields.secrets = `Type the new value of ${unfilled.join(', ')}, or cancel its replacement.`;
    if (Object.keys(fields).length > 0) {
      setRefusal({ fields, message: null });
      return;
    }
    setBusy(true);
    setRefusal(null);
    try {
      await onSubmit({
        name: name.trim(),
        description: description.trim(),
        method,
        url: url.trim(),
        headers: parsedHeaders.headers,
        secrets: pending,
        inputSchema: parsedSchema as ActionValues['inputSchema'],
        responseFields: lines(responseFields),
        timeoutMs,
        requiresVerifiedContact,
        enabled,
      });
    } catch (failure) {
      // Another action has this name: said on the name, where it is fixed.
      if (ParleyError.isInstance(failure) && failure.code === 'conflict') setRefusal({ fields: { name: failure.message }, message: null });
      else setRefusal(refusalOf(failure, actionFields, keyedFields));
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
          spellcheck={false}
          maxLength={64}
          placeholder="lookup_order"
          value={name}
          {...invalid('name', hint('name'))}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      <p id={hint('name')} class="hint">
        The tool’s name for the bot: lowercase letters, digits and underscores.
      </p>
      {fieldError('name')}
      <label class="field">
        <span class="field-label">Description for the bot</span>
        <textarea
          required
          rows={3}
          maxLength={ACTION_DESCRIPTION_MAX_LENGTH}
          placeholder="Looks up an order by its number: its status, carrier and tracking link. Use it when a visitor asks where their order is."
          value={description}
          {...invalid('description', hint('description'))}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
      </label>
      <p id={hint('description')} class="hint">
        What it does and when to use it: the bot decides from this.
      </p>
      {fieldError('description')}
      <label class="field">
        <span class="field-label">Method</span>
        <select value={method} {...invalid('method')} onChange={(event) => setMethod(event.currentTarget.value as BotAction['method'])}>
          {ACTION_METHODS.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      </label>
      {fieldError('method')}
      <label class="field">
        <span class="field-label">URL</span>
        <input
          type="url"
          required
          autocomplete="off"
          spellcheck={false}
          maxLength={ACTION_URL_MAX_LENGTH}
          placeholder="https://shop.example/api/orders/{{order_number}}"
          value={url}
          {...invalid('url', hint('url'))}
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
      </label>
      <p id={hint('url')} class="hint">
        <code>{'{{input_name}}'}</code> inserts an input, URL-encoded. Secrets only go in headers.
      </p>
      {fieldError('url')}
      <label class="field">
        <span class="field-label">Headers</span>
        <textarea
          rows={3}
          spellcheck={false}
          placeholder="Authorization: Bearer {{secrets.SHOP_KEY}}"
          value={headers}
          {...invalid('headers', hint('headers'))}
          onInput={(event) => setHeaders(event.currentTarget.value)}
        />
      </label>
      <p id={hint('headers')} class="hint">
        One a line, as <code>Name: value</code>. <code>{'{{secrets.NAME}}'}</code> inserts a secret.
      </p>
      {fieldError('headers')}
      <fieldset class="member-choices" {...invalid('secrets', hint('secrets'))}>
        <legend>Secrets</legend>
        <p id={hint('secrets')} class="hint">
          Values are never shown again: replace one to change it.
        </p>
        {existing.length + added.length > 0 && (
          <ul class="invitation-list">
            {existing.map((secret) => (
              <SecretRow
                key={secret}
                name={secret}
                change={secrets[secret]}
                onReplace={(value) => setSecrets({ ...secrets, [secret]: value })}
                onRemove={() => setSecrets({ ...secrets, [secret]: null })}
                onKeep={() => forget(secret)}
                maxLength={ACTION_SECRET_MAX_LENGTH}
              />
            ))}
            {added.map((secret) => (
              <li key={secret} class="people-row-actions" aria-label={secret}>
                <code>{secret}</code> <span class="people-status">New</span>
                <button type="button" class="button" onClick={() => forget(secret)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div class="settings-actions">
          <label class="field">
            <span class="field-label">Secret name</span>
            <input
              autocomplete="off"
              spellcheck={false}
              maxLength={64}
              placeholder="SHOP_KEY"
              value={newSecret.name}
              onInput={(event) => setNewSecret({ ...newSecret, name: event.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span class="field-label">Secret value</span>
            <input
              type="password"
              autocomplete="new-password"
              maxLength={ACTION_SECRET_MAX_LENGTH}
              value={newSecret.value}
              onInput={(event) => setNewSecret({ ...newSecret, value: event.currentTarget.value })}
            />
          </label>
          <button type="button" class="button" onClick={addSecret}>
            Add secret
          </button>
        </div>
      </fieldset>
      {fieldError('secrets')}
      <label class="field">
        <span class="field-label">Input schema</span>
        <textarea
          rows={6}
          spellcheck={false}
          value={inputSchema}
          {...invalid('inputSchema', hint('inputSchema'))}
          onInput={(event) => setInputSchema(event.currentTarget.value)}
        />
      </label>
      <p id={hint('inputSchema')} class="hint">
        The input the bot fills, as a JSON Schema of an object: its properties and which are required.
      </p>
      {fieldError('inputSchema')}
      <label class="field">
        <span class="field-label">Response fields</span>
        <textarea
          rows={3}
          spellcheck={false}
          placeholder={'status\nshipment.carrier'}
          value={responseFields}
          {...invalid('responseFields', hint('responseFields'))}
          onInput={(event) => setResponseFields(event.currentTarget.value)}
        />
      </label>
      <p id={hint('responseFields')} class="hint">
        One dotted path a line: what the bot sees of the response. Empty shows it the whole response. Either way, at most 4,000 characters.
      </p>
      {fieldError('responseFields')}
      <label class="field">
        <span class="field-label">Timeout (seconds)</span>
        <input
          class="capacity-input"
          type="number"
          min={ACTION_TIMEOUT_MIN_MS / 1000}
          max={ACTION_TIMEOUT_MAX_MS / 1000}
          step={0.5}
          value={timeoutSeconds}
          {...invalid('timeoutMs')}
          onInput={(event) => setTimeoutSeconds(event.currentTarget.value)}
        />
      </label>
      {fieldError('timeoutMs')}
      <label class="checkbox-field">
        <input
          type="checkbox"
          checked={requiresVerifiedContact}
          {...invalid('requiresVerifiedContact')}
          onChange={(event) => setRequiresVerifiedContact(event.currentTarget.checked)}
        />
        Only for visitors whose identity your site verified
      </label>
      {fieldError('requiresVerifiedContact')}
      <label class="checkbox-field">
        <input type="checkbox" checked={enabled} {...invalid('enabled')} onChange={(event) => setEnabled(event.currentTarget.checked)} />
        Enabled
      </label>
      {fieldError('enabled')}
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

interface ActionItemProps {
  calls: BotActionsApi;
  action: BotAction;
  /** The server's copy after a change, and what to say about it. */
  onChange: (action: BotAction, status: string) => void;
  onDeleted: () => void;
}

/** One action: its name, method and address, whether it is enabled, and Edit, Enable or Disable, Delete. */
function ActionItem({ calls, action, onChange, onDeleted }: ActionItemProps) {
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useTask();

  const setEnabled = (enabled: boolean) =>
    run(async () => {
      const updated = await calls.update(action.id, { enabled });
      onChange(updated, `${enabled ? 'Enabled' : 'Disabled'} the action “${updated.name}”.`);
    });

  function remove() {
    if (!confirm(`Delete the action “${action.name}”? The bot can no longer call it, and its secrets are deleted.`)) return;
    void run(async () => {
      await calls.remove(action.id);
      onDeleted();
    });
  }

  return (
    <li class="settings-section" aria-label={action.name}>
      {editing ? (
        <ActionForm
          initial={action}
          submitLabel="Save changes"
          busyLabel="Saving…"
          onSubmit={async (values) => {
            const changes = changesOf(action, values);
            // Nothing changed: nothing to send.
            if (Object.keys(changes).length > 0) onChange(await calls.update(action.id, changes), `Saved the action “${values.name}”.`);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          <div>
            <strong>{action.name}</strong> <span class="people-status">{action.enabled ? 'Enabled' : 'Disabled'}</span>
            <p>
              <code class="invitation-link-url">
                {action.method} {action.url}
              </code>
            </p>
            <p class="hint">{action.description}</p>
            {action.secretNames.length > 0 && <p class="hint">Secrets: {action.secretNames.join(', ')}</p>}
            {action.requiresVerifiedContact && <p class="hint">Only for visitors whose identity your site verified.</p>}
          </div>
          <div class="people-row-actions">
            <button type="button" class="button" disabled={busy} onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => void setEnabled(!action.enabled)}>
              {action.enabled ? 'Disable' : 'Enable'}
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
    </li>
  );
}
