/**
 * What the forms and lists of Settings → API & webhooks share (API tokens, webhooks, bot actions, MCP servers): a server's refusal
 * shown on the fields it names, an action's busy state and failure, and a list loaded once then kept up to date, and the header lines and write-only secrets of bot actions and MCP servers. A
 * module of its own so that those sections, each in its file, use it without importing each other; it is only imported
 * by them, so it lands in their lazy chunk, not in the bundle every agent loads.
 * @module
 */
import { ParleyError } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { errorMessage } from '../console-controller.js';

/** A refusal: the reasons for the fields it names (`body.url`, `body.events.0`), and the rest as one message. */
export interface Refusal<Field extends string> {
  fields: Partial<Record<Field, string>>;
  message: string | null;
}

/**
 * The refusal in `error` for a form of the fields `named`. An issue under one of the `keyed` fields (a record:
 * `body.headers.Authorization`) names its key, since the field holds several.
 */
export function refusalOf<Field extends string>(error: unknown, named: readonly Field[], keyed: readonly Field[] = []): Refusal<Field> {
  const fields: Partial<Record<Field, string>> = {};
  const other: string[] = [];
  for (const issue of ParleyError.isInstance(error) ? (error.issues ?? []) : []) {
    const [field, ...key] = issue.path.replace(/^body\.?/, '').split('.') as [Field, ...string[]];
    if (named.includes(field)) {
      const message = keyed.includes(field) && key.length > 0 ? `${key.join('.')}: ${issue.message}` : issue.message;
      fields[field] = fields[field] ? `${fields[field]} ${message}` : message;
    } else other.push(issue.message);
  }
  const some = Object.keys(fields).length > 0;
  return { fields, message: some && other.length === 0 ? null : [errorMessage(error), ...other].join(' ') };
}

/**
 * A form's refusal shown on its fields: `invalid(field)` for the control (with the id of its hint, if it has one, so that
 * it is described by both), `error(field)` for the line under it.
 */
export function useFieldErrors<Field extends string>(refusal: Refusal<Field> | null) {
  const id = useId();
  const errors: Partial<Record<Field, string>> = refusal?.fields ?? {};
  return {
    invalid: (field: Field, hintId?: string) => ({
      'aria-invalid': errors[field] ? ('true' as const) : undefined,
      'aria-describedby': [hintId, errors[field] ? `${id}-${field}-error` : undefined].filter(Boolean).join(' ') || undefined,
    }),
    error: (field: Field) =>
      errors[field] && (
        <p id={`${id}-${field}-error`} class="field-error">
          {errors[field]}
        </p>
      ),
  };
}

/** An action's state: `run` marks it busy and keeps its failure, as text, for the line under it. */
export function useTask() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

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

  return { busy, error, setError, run };
}

/** A list the page asks the server for once, then keeps up to date itself; `load` asks again (Try again). */
export function useListing<Item>(fetchItems: () => Promise<Item[]>) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    setError(null);
    try {
      setItems(await fetchItems());
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  useEffect(() => {
    void load();
  }, []);

  return { items, setItems, error, load };
}

interface ListingProps<Item> {
  listing: ReturnType<typeof useListing<Item>>;
  /** What is said when there is nothing to list. */
  empty: string;
  children: (item: Item) => ComponentChildren;
}

/** A {@link useListing} list: its failure with Try again, Loading…, `empty`, or its items. */
export function Listing<Item>({ listing: { items, error, load }, empty, children }: ListingProps<Item>) {
  if (error) {
    return (
      <>
        <p class="form-error" role="alert">
          {error}
        </p>
        <div>
          <button type="button" class="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      </>
    );
  }
  if (items === null) return <p class="hint">Loading…</p>;
  if (items.length === 0) return <p class="hint">{empty}</p>;
  return <ul class="invitation-list">{items.map(children)}</ul>;
}

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

/** Props of {@link SecretRow}. */
export interface SecretRowProps {
  name: string;
  /** What the form does to it: undefined keeps it, a value replaces it (being typed), null removes it. */
  change: string | null | undefined;
  onReplace: (value: string) => void;
  onRemove: () => void;
  onKeep: () => void;
  /** The longest value the server keeps. */
  maxLength: number;
}

/** A secret a bot action or an MCP server has: its name only (its value never comes back), with Replace and Remove, or Keep to undo. */
export function SecretRow({ name, change, onReplace, onRemove, onKeep, maxLength }: SecretRowProps) {
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
