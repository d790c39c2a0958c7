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
import type { BotAction, BotActionCreate, BotActionList, BotActionUpdate, Team } from '@parley/protocol';
import { useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import {
  EnabledField,
  HeadersAndSecretsFields,
  recordFields,
  secretsToSet,
  TimeoutField,
  ToolButtons,
  useHeadersAndSecrets,
  useTimeoutSeconds,
  useToolActions,
  useToolListing,
  type HeadersAndSecrets,
  type ToolFormProps,
} from './bot-tool-forms.js';
import { FormError, FormFooter, Listing, useEditForm, type Refusal } from './settings-forms.js';
import { PolicyFields, policySummary, usePolicy } from './bot-action-policy.js';

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

/** The bot's actions: the form to add one, and the list. */
export function BotActions({ api, teams }: { api: Pick<ConsoleApi, 'request'>; teams: readonly Team[] }) {
  const calls = useRef(botActionsApi(api)).current;
  const { listing, put, drop } = useToolListing(async () => (await calls.list()).actions);
  // The approver team's choices.
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each action added: the next one starts empty.
  const [formKey, setFormKey] = useState(0);

  async function create(values: ActionValues) {
    const action = await calls.create({ ...values, secrets: secretsToSet(values.secrets) });
    put(action);
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
        <ActionForm key={formKey} teams={teams} submitLabel="Add action" busyLabel="Adding…" onSubmit={create} />
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
              teams={teams}
              onChange={(updated, message) => {
                put(updated);
                setStatus(message);
              }}
              onDeleted={() => {
                drop(action.id);
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
  | 'enabled'
  | 'policy'
  | 'confirmationText'
  | 'approverTeamId'
  | 'decisionTimeoutSeconds';
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
  'policy',
  'confirmationText',
  'approverTeamId',
  'decisionTimeoutSeconds',
];
/** What the form sends: every field, and the secrets to set (a value) or remove (null). */
export type ActionValues = Required<Omit<BotActionCreate, 'secrets'>> & Pick<HeadersAndSecrets, 'secrets'>;

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * An action's fields: adds one, or edits one. What can be checked here (header lines, the input schema's JSON, the
 * timeout, a secret half filled) is said on its field before anything is sent; the server checks the rest.
 */
function ActionForm({
  initial,
  teams,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
}: ToolFormProps<BotAction, ActionValues> & { teams: readonly Team[] }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [method, setMethod] = useState<BotAction['method']>(initial?.method ?? 'GET');
  const [url, setUrl] = useState(initial?.url ?? '');
  const headersAndSecrets = useHeadersAndSecrets(initial);
  const [inputSchema, setInputSchema] = useState(initial ? JSON.stringify(initial.inputSchema, null, 2) : DEFAULT_INPUT_SCHEMA);
  const [responseFields, setResponseFields] = useState(initial?.responseFields.join('\n') ?? '');
  const timeout = useTimeoutSeconds(initial?.timeoutMs ?? 10_000, { minMs: ACTION_TIMEOUT_MIN_MS, maxMs: ACTION_TIMEOUT_MAX_MS });
  const [requiresVerifiedContact, setRequiresVerifiedContact] = useState(initial?.requiresVerifiedContact ?? false);
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const policy = usePolicy(initial);
  const form = useEditForm(actionFields, recordFields, 'name');
  const { invalid, error: fieldError, hint } = form;

  async function submit(event: Event) {
    event.preventDefault();
    if (form.busy) return;
    const { values: headersAndSecretsValues, issues } = headersAndSecrets.read();
    const fields: Refusal<ActionField>['fields'] = { ...issues };
    let parsedSchema: unknown;
    try {
      parsedSchema = JSON.parse(inputSchema);
      if (typeof parsedSchema !== 'object' || parsedSchema === null || Array.isArray(parsedSchema)) {
        fields.inputSchema = 'The input schema is a JSON object, such as {"type":"object","properties":{}}.';
      }
    } catch (failure) {
      fields.inputSchema = `This is not valid JSON: ${failure instanceof Error ? failure.message : String(failure)}`;
    }
    const { timeoutMs, issue: timeoutIssue } = timeout.read();
    if (timeoutIssue) fields.timeoutMs = timeoutIssue;
    const { values: policyValues, issue: decisionTimeoutIssue } = policy.read();
    if (decisionTimeoutIssue) fields.decisionTimeoutSeconds = decisionTimeoutIssue;
    if (Object.keys(fields).length > 0) {
      form.refuse(fields);
      return;
    }
    await form.save(() =>
      onSubmit({
        name: name.trim(),
        description: description.trim(),
        method,
        url: url.trim(),
        headers: headersAndSecretsValues.headers,
        secrets: headersAndSecretsValues.secrets,
        inputSchema: parsedSchema as ActionValues['inputSchema'],
        responseFields: lines(responseFields),
        timeoutMs,
        requiresVerifiedContact,
        enabled,
        ...policyValues,
      }),
    );
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
      <HeadersAndSecretsFields
        group={headersAndSecrets}
        form={form}
        headersPlaceholder="Authorization: Bearer {{secrets.SHOP_KEY}}"
        secretPlaceholder="SHOP_KEY"
        secretMaxLength={ACTION_SECRET_MAX_LENGTH}
      />
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
      <TimeoutField timeout={timeout} form={form} />
      <PolicyFields policy={policy} teams={teams} form={form} />
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
      <EnabledField checked={enabled} onChange={setEnabled} form={form} />
      <FormFooter form={form} submitLabel={submitLabel} busyLabel={busyLabel} onCancel={onCancel} />
    </form>
  );
}

interface ActionItemProps {
  calls: BotActionsApi;
  action: BotAction;
  /** The organization's teams, for the approver team's choices and name. */
  teams: readonly Team[];
  /** The server's copy after a change, and what to say about it. */
  onChange: (action: BotAction, status: string) => void;
  onDeleted: () => void;
}

/** One action: its name, method and address, whether it is enabled, and Edit, Enable or Disable, Delete. */
function ActionItem({ calls, action, teams, onChange, onDeleted }: ActionItemProps) {
  const [editing, setEditing] = useState(false);
  const actions = useToolActions<BotAction, ActionValues>({
    tool: action,
    noun: 'action',
    deleteConsequence: 'The bot can no longer call it, and its secrets are deleted.',
    update: calls.update,
    remove: calls.remove,
    onChange,
    onDeleted,
  });

  return (
    <li class="settings-section" aria-label={action.name}>
      {editing ? (
        <ActionForm
          initial={action}
          teams={teams}
          submitLabel="Save changes"
          busyLabel="Saving…"
          onSubmit={async (values) => {
            await actions.saveEdit(values);
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
            <p class="hint">{policySummary(action, teams)}</p>
            {action.secretNames.length > 0 && <p class="hint">Secrets: {action.secretNames.join(', ')}</p>}
            {action.requiresVerifiedContact && <p class="hint">Only for visitors whose identity your site verified.</p>}
          </div>
          <ToolButtons tool={action} actions={actions} onEdit={() => setEditing(true)} />
          <FormError message={actions.error} />
        </>
      )}
    </li>
  );
}
