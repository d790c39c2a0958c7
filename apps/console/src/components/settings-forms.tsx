/**
 * What the forms and lists of Settings → API & webhooks share (API tokens, webhooks, bot actions, MCP servers): a server's refusal
 * shown on the fields it names, a create/edit form's state, an action's busy state and failure, and a list loaded once then kept
 * up to date. What only bot actions and MCP servers share (headers, secrets, timeout) is in bot-tool-forms.tsx. A module of its
 * own so that those sections, each in its file, use it without importing each other; it is only imported by them, so it lands
 * in their lazy chunk, not in the bundle every agent loads.
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
 * `body.headers.Authorization`) names its key, since the field holds several; one whose whole path is named
 * (`toolPolicies.find_customer`) goes to that field.
 */
export function refusalOf<Field extends string>(error: unknown, named: readonly Field[], keyed: readonly Field[] = []): Refusal<Field> {
  const fields: Partial<Record<Field, string>> = {};
  const other: string[] = [];
  for (const issue of ParleyError.isInstance(error) ? (error.issues ?? []) : []) {
    const whole = issue.path.replace(/^body\.?/, '') as Field;
    const [field, ...key] = whole.split('.') as [Field, ...string[]];
    // A key a form shows by itself (`toolPolicies.find_customer`, named as such): its issue goes there.
    if (key.length > 0 && named.includes(whole)) fields[whole] = fields[whole] ? `${fields[whole]} ${issue.message}` : issue.message;
    else if (named.includes(field)) {
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

/**
 * A create/edit form's state: its refusal shown on its fields ({@link useFieldErrors}), busy while it saves, and `hint(field)`,
 * the id of a field's hint. `save` sends, and shows a refusal on the fields it names; a conflict (another one has this
 * name) is said on `conflictField`, where it is fixed.
 */
export function useEditForm<Field extends string>(fields: readonly Field[], keyed: readonly Field[], conflictField: Field) {
  const [refusal, setRefusal] = useState<Refusal<Field> | null>(null);
  const [busy, setBusy] = useState(false);
  const { invalid, error } = useFieldErrors(refusal);
  const id = useId();

  /** Shows what was found wrong before sending, on the fields named; null clears it. */
  function refuse(found: Refusal<Field>['fields'] | null) {
    setRefusal(found && { fields: found, message: null });
  }

  async function save(send: () => Promise<void>) {
    setBusy(true);
    setRefusal(null);
    try {
      await send();
    } catch (failure) {
      if (ParleyError.isInstance(failure) && failure.code === 'conflict')
        refuse({ [conflictField]: failure.message } as Refusal<Field>['fields']);
      else setRefusal(refusalOf(failure, fields, keyed));
    } finally {
      setBusy(false);
    }
  }

  return { refusal, busy, invalid, error, hint: (field: Field) => `${id}-${field}-hint`, refuse, save };
}

/** A form of {@link useEditForm}. */
export type EditForm<Field extends string> = ReturnType<typeof useEditForm<Field>>;

/** A failure said for a form or an action as a whole (an alert); nothing when there is none. */
export function FormError({ message }: { message: string | null | undefined }) {
  return message ? (
    <p class="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

/** Props of {@link FormFooter}. */
export interface FormFooterProps {
  form: Pick<EditForm<string>, 'refusal' | 'busy'>;
  submitLabel: string;
  /** Said on the submit button while the form saves. */
  busyLabel: string;
  /** Shows Cancel, which does this (an edit closes its form); none for a form that stays open. */
  onCancel?: () => void;
}

/** The end of an {@link useEditForm} form: the refusal that names no field, then the submit button and Cancel. */
export function FormFooter({ form: { refusal, busy }, submitLabel, busyLabel, onCancel }: FormFooterProps) {
  return (
    <>
      <FormError message={refusal?.message} />
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
    </>
  );
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
