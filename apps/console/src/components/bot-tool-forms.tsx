/**
 * What the two kinds of HTTP tool the bot calls share, bot actions (bot-actions.tsx) and MCP servers (mcp-servers.tsx):
 * header lines and write-only secrets, a timeout in seconds, Enabled, what an edit sends, and a list of them by name,
 * each with Edit, Enable or Disable, and Delete after confirming. A module of its own so that the two sections use it
 * without importing each other; only they import it, so it lands in the webhooks page's lazy chunk with them.
 * @module
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useListing, useTask, type EditForm } from './settings-forms.js';

/** Header lines (`Name: value`, one a line) as a record; the number of the first line that is not one, if any. */
export function parseHeaders(text: string): { headers: Record<string, string>; badLine: number | null } {
  const headers: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim() === '') return { headers, badLine: index + 1 };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers, badLine: null };
}

/** A record of headers as lines, `Name: value`, the way {@link parseHeaders} reads them. */
export const headerLines = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');

/** Whether two records hold the same keys and values, in whatever order. */
export function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** What the headers and secrets fields send: the headers, and the secrets to set (a value) or remove (null). */
export interface HeadersAndSecrets {
  headers: Record<string, string>;
  secrets: Record<string, string | null>;
}

/** The fields of {@link HeadersAndSecrets}, records whose issues name the key (`body.headers.Authorization`), said with the message. */
export const recordFields: readonly (keyof HeadersAndSecrets)[] = ['headers', 'secrets'];

/** Props of a tool's form, which adds one or edits one. */
export interface ToolFormProps<Tool, Values> {
  /** The tool edited; none for a new one. */
  initial?: Tool;
  submitLabel: string;
  busyLabel: string;
  /** Saves; rejects with the server's refusal, shown next to the fields it names. */
  onSubmit: (values: Values) => Promise<void>;
  onCancel?: () => void;
}

/** The secrets a new tool is created with: those set (a removal means nothing before it exists). */
export function secretsToSet(secrets: HeadersAndSecrets['secrets']): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) if (value !== null) set[name] = value;
  return set;
}

/**
 * What an edit changes of `saved`: only those fields are sent, so that a concurrent edit of another one is kept. Headers
 * (and an MCP server's tool policies) are the same whatever their order; secrets are sent when any is set or removed (`{ NAME: null }`), since their values
 * never come back to compare; any other field is compared as JSON.
 */
export function changesOf<Values extends HeadersAndSecrets>(
  saved: Record<Exclude<keyof Values, 'secrets'>, unknown>,
  values: Values,
): Partial<Values> {
  const changes: Partial<Values> = {};
  for (const key of Object.keys(values) as (keyof Values & string)[]) {
    const changed =
      key === 'secrets'
        ? Object.keys(values.secrets).length > 0
        : key === 'headers' || key === 'toolPolicies'
          ? !sameRecord(values[key] as Record<string, unknown>, saved[key as Exclude<keyof Values, 'secrets'>] as Record<string, unknown>)
          : JSON.stringify(values[key]) !== JSON.stringify(saved[key as Exclude<keyof Values, 'secrets'>]);
    if (changed) changes[key] = values[key];
  }
  return changes;
}

/**
 * The headers and secrets of a form, as typed: `saved` is the tool edited (none for a new one), whose secrets are known
 * by name only. `read` gives what to send, or what is wrong with it, said on the headers or secrets field.
 */
export function useHeadersAndSecrets(saved?: { headers: Record<string, string>; secretNames: string[] }) {
  const [headers, setHeaders] = useState(saved ? headerLines(saved.headers) : '');
  // The secrets to set (a value) or remove (null); the others are kept as they are.
  const [secrets, setSecrets] = useState<HeadersAndSecrets['secrets']>({});
  const [newSecret, setNewSecret] = useState({ name: '', value: '' });
  const existing = saved?.secretNames ?? [];
  // Secrets added in this form (not yet on the server), in the order they were added.
  const added = Object.keys(secrets).filter((secret) => !existing.includes(secret));

  function read(): { values: HeadersAndSecrets; issues: Partial<Record<keyof HeadersAndSecrets, string>> } {
    const issues: Partial<Record<keyof HeadersAndSecrets, string>> = {};
    const parsed = parseHeaders(headers);
    if (parsed.badLine !== null) issues.headers = `Line ${parsed.badLine}: write a header as Name: value.`;
    // A secret typed in the add row but not added yet is sent too: leaving it out silently would lose it.
    const pending = { ...secrets };
    const secretName = newSecret.name.trim();
    if (secretName !== '' && newSecret.value !== '') pending[secretName] = newSecret.value;
    else if (secretName !== '' || newSecret.value !== '') issues.secrets = 'Give the secret a name and a value.';
    const unfilled = Object.keys(pending).filter((secret) => pending[secret] === '');
    if (unfilled.length > 0) issues.secrets = `Type the new value of ${unfilled.join(', ')}, or cancel its replacement.`;
    return { values: { headers: parsed.headers, secrets: pending }, issues };
  }

  return { headers, setHeaders, secrets, setSecrets, newSecret, setNewSecret, existing, added, read };
}

/** Props of {@link HeadersAndSecretsFields}. */
export interface HeadersAndSecretsFieldsProps {
  group: ReturnType<typeof useHeadersAndSecrets>;
  form: Pick<EditForm<keyof HeadersAndSecrets>, 'invalid' | 'error' | 'hint' | 'refuse'>;
  /** An example header using a secret, such as `Authorization: Bearer {{secrets.SHOP_KEY}}`. */
  headersPlaceholder: string;
  /** An example secret name, the one {@link headersPlaceholder} uses. */
  secretPlaceholder: string;
  /** The longest secret value the server keeps. */
  secretMaxLength: number;
}

/**
 * The Headers field and the Secrets group: the secrets saved, by name, with Replace and Remove; those added here, with
 * Remove; and a row to add one.
 */
export function HeadersAndSecretsFields({
  group,
  form,
  headersPlaceholder,
  secretPlaceholder,
  secretMaxLength,
}: HeadersAndSecretsFieldsProps) {
  const { headers, setHeaders, secrets, setSecrets, newSecret, setNewSecret, existing, added } = group;
  const { invalid, error: fieldError, hint } = form;

  function addSecret() {
    const secretName = newSecret.name.trim();
    if (secretName === '' || newSecret.value === '') {
      form.refuse({ secrets: 'Give the secret a name and a value.' });
      return;
    }
    setSecrets({ ...secrets, [secretName]: newSecret.value });
    setNewSecret({ name: '', value: '' });
    form.refuse(null);
  }

  function forget(secretName: string) {
    const { [secretName]: _forgotten, ...rest } = secrets;
    setSecrets(rest);
  }

  return (
    <>
      <label class="field">
        <span class="field-label">Headers</span>
        <textarea
          rows={3}
          spellcheck={false}
          placeholder={headersPlaceholder}
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
                maxLength={secretMaxLength}
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
              placeholder={secretPlaceholder}
              value={newSecret.name}
              onInput={(event) => setNewSecret({ ...newSecret, name: event.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span class="field-label">Secret value</span>
            <input
              type="password"
              autocomplete="new-password"
              maxLength={secretMaxLength}
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
    </>
  );
}

interface SecretRowProps {
  name: string;
  /** What the form does to it: undefined keeps it, a value replaces it (being typed), null removes it. */
  change: string | null | undefined;
  onReplace: (value: string) => void;
  onRemove: () => void;
  onKeep: () => void;
  /** The longest value the server keeps. */
  maxLength: number;
}

/** A secret saved: its name only (its value never comes back), with Replace and Remove, or Keep to undo. */
function SecretRow({ name, change, onReplace, onRemove, onKeep, maxLength }: SecretRowProps) {
  return (
    <li class="people-row-actions" aria-label={name}>
      <code>{name}</code>
      {change === null ? (
        <>
          <span class="people-status">Removed when saved</span>
          <button type="button" class="button" onClick={onKeep}>
            Keep
          </button>
        </>
      ) : change === undefined ? (
        <>
          <button type="button" class="button" onClick={() => onReplace('')}>
            Replace
          </button>
          <button type="button" class="button" onClick={onRemove}>
            Remove
          </button>
        </>
      ) : (
        <>
          <label class="field">
            <span class="field-label">New value of {name}</span>
            <input
              type="password"
              autocomplete="new-password"
              maxLength={maxLength}
              value={change}
              onInput={(event) => onReplace(event.currentTarget.value)}
            />
          </label>
          <button type="button" class="button button-ghost" onClick={onKeep}>
            Cancel
          </button>
        </>
      )}
    </li>
  );
}

/** The shortest and longest timeouts the server takes, in milliseconds. */
export interface TimeoutLimits {
  minMs: number;
  maxMs: number;
}

/** A timeout typed in seconds: starts at `savedMs`; `read` gives it in milliseconds, or what is wrong with it. */
export function useTimeoutSeconds(savedMs: number, limits: TimeoutLimits) {
  const [seconds, setSeconds] = useState(String(savedMs / 1000));

  function read(): { timeoutMs: number; issue: string | null } {
    const number = Number(seconds);
    const timeoutMs = Math.round(number * 1000);
    const inRange = seconds.trim() !== '' && Number.isFinite(number) && timeoutMs >= limits.minMs && timeoutMs <= limits.maxMs;
    return { timeoutMs, issue: inRange ? null : `The timeout is from ${limits.minMs / 1000} to ${limits.maxMs / 1000} seconds.` };
  }

  return { seconds, setSeconds, limits, read };
}

/** The Timeout (seconds) field of a {@link useTimeoutSeconds} timeout; its refusal is the `timeoutMs` field's. */
export function TimeoutField({
  timeout: { seconds, setSeconds, limits },
  form: { invalid, error },
}: {
  timeout: ReturnType<typeof useTimeoutSeconds>;
  form: Pick<EditForm<'timeoutMs'>, 'invalid' | 'error'>;
}) {
  return (
    <>
      <label class="field">
        <span class="field-label">Timeout (seconds)</span>
        <input
          class="capacity-input"
          type="number"
          min={limits.minMs / 1000}
          max={limits.maxMs / 1000}
          step={0.5}
          value={seconds}
          {...invalid('timeoutMs')}
          onInput={(event) => setSeconds(event.currentTarget.value)}
        />
      </label>
      {error('timeoutMs')}
    </>
  );
}

/** The Enabled checkbox of a form, and its refusal. */
export function EnabledField({
  checked,
  onChange,
  form: { invalid, error },
}: {
  checked: boolean;
  onChange: (enabled: boolean) => void;
  form: Pick<EditForm<'enabled'>, 'invalid' | 'error'>;
}) {
  return (
    <>
      <label class="checkbox-field">
        <input type="checkbox" checked={checked} {...invalid('enabled')} onChange={(event) => onChange(event.currentTarget.checked)} />
        Enabled
      </label>
      {error('enabled')}
    </>
  );
}

/** A bot action or an MCP server, as listed. */
export interface BotTool {
  id: string;
  name: string;
  enabled: boolean;
}

/** Sorts by name, as the server lists them: one added or renamed goes where a reload would put it. */
const byName = (a: BotTool, b: BotTool) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A {@link useListing} list of tools in name order: `put` puts the server's copy of one in place (or in, for a new one), `drop` takes one out. */
export function useToolListing<Tool extends BotTool>(fetchTools: () => Promise<Tool[]>) {
  const listing = useListing(fetchTools);
  return {
    listing,
    put: (tool: Tool) =>
      listing.setItems((current) => [...(current ?? []).filter((candidate) => candidate.id !== tool.id), tool].toSorted(byName)),
    drop: (toolId: string) => listing.setItems((current) => current?.filter((candidate) => candidate.id !== toolId) ?? null),
  };
}

/** What {@link useToolActions} acts on, and how. */
export interface ToolActionsOptions<Tool extends BotTool, Values extends HeadersAndSecrets & { name: string }> {
  tool: Tool & Record<Exclude<keyof Values, 'secrets'>, unknown>;
  /** What the tool is called in messages: `action`, `MCP server`. */
  noun: string;
  /** What deleting it does, said when asking to confirm. */
  deleteConsequence: string;
  /** Sends a PATCH of `changes`, answers the server's copy. */
  update: (toolId: string, changes: Partial<Values> | { enabled: boolean }) => Promise<Tool>;
  remove: (toolId: string) => Promise<void>;
  /** The server's copy after a change, and what to say about it. */
  onChange: (tool: Tool, status: string) => void;
  onDeleted: () => void;
}

/**
 * What a listed tool's buttons do: `setEnabled`, `remove` (after confirming) and `saveEdit` (a PATCH of what the edit
 * changed, nothing if nothing did). Enabling and deleting are busy and fail as one task, said under the buttons; an edit
 * rejects, for its form to show.
 */
export function useToolActions<Tool extends BotTool, Values extends HeadersAndSecrets & { name: string }>({
  tool,
  noun,
  deleteConsequence,
  update,
  remove,
  onChange,
  onDeleted,
}: ToolActionsOptions<Tool, Values>) {
  const { busy, error, run } = useTask();

  return {
    busy,
    error,
    setEnabled: (enabled: boolean) =>
      run(async () => {
        const updated = await update(tool.id, { enabled });
        onChange(updated, `${enabled ? 'Enabled' : 'Disabled'} the ${noun} “${updated.name}”.`);
      }),
    remove() {
      if (!confirm(`Delete the ${noun} “${tool.name}”? ${deleteConsequence}`)) return;
      void run(async () => {
        await remove(tool.id);
        onDeleted();
      });
    },
    async saveEdit(values: Values) {
      const changes = changesOf(tool, values);
      // Nothing changed: nothing to send.
      if (Object.keys(changes).length > 0) onChange(await update(tool.id, changes), `Saved the ${noun} “${values.name}”.`);
    },
  };
}

/** Props of {@link ToolButtons}. */
export interface ToolButtonsProps {
  tool: BotTool;
  actions: Pick<ReturnType<typeof useToolActions>, 'busy' | 'setEnabled' | 'remove'>;
  onEdit: () => void;
  /** More buttons, before Delete. */
  children?: ComponentChildren;
}

/** A listed tool's Edit, Enable or Disable, any more, and Delete, disabled while one of them runs. */
export function ToolButtons({ tool, actions: { busy, setEnabled, remove }, onEdit, children }: ToolButtonsProps) {
  return (
    <div class="people-row-actions">
      <button type="button" class="button" disabled={busy} onClick={onEdit}>
        Edit
      </button>
      <button type="button" class="button" disabled={busy} onClick={() => void setEnabled(!tool.enabled)}>
        {tool.enabled ? 'Disable' : 'Enable'}
      </button>
      {children}
      <button type="button" class="button button-danger" disabled={busy} onClick={remove}>
        Delete
      </button>
    </div>
  );
}
