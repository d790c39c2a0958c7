/**
 * Capacity: how many conversations routing gives a person at once. Each person has their own, or (empty) the
 * organization's default; both are saved through `/api/routing`, whose answer carries every capacity.
 * @module
 */
import { MAX_CAPACITY, type Person, type RoutingSettings } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';

const rangeMessage = `Enter a whole number from 1 to ${MAX_CAPACITY}.`;

/** A capacity typed in a field: a number in range, or null for a blank, or undefined for anything else. */
function parseCapacity(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= 1 && value <= MAX_CAPACITY ? value : undefined;
}

/** Props of {@link CapacityField}. */
export interface CapacityFieldProps {
  api: Pick<ConsoleApi, 'updateAgentCapacity'>;
  person: Pick<Person, 'id' | 'name' | 'maxConversations'>;
  defaultCapacity: number;
  onRoutingChange: (routing: RoutingSettings) => void;
}

/** A person's own capacity, blank for the organization's default, with a Save button once it is changed. */
export function CapacityField({ api, person, defaultCapacity, onRoutingChange }: CapacityFieldProps) {
  const stored = person.maxConversations === null ? '' : String(person.maxConversations);
  const [draft, setDraft] = useState(stored);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const errorId = useId();

  const dirty = draft.trim() !== stored;

  async function save(event: Event) {
    event.preventDefault();
    const value = parseCapacity(draft);
    if (value === undefined) {
      setError(`${rangeMessage} Leave it empty for the default (${defaultCapacity}).`);
      return;
    }
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const routing = await api.updateAgentCapacity(person.id, { maxConversations: value });
      onRoutingChange(routing);
      // What the server stored, written the way this field writes it ("07" comes back as "7").
      const savedValue = routing.agents.find((entry) => entry.userId === person.id)?.maxConversations ?? value;
      setDraft(savedValue === null ? '' : String(savedValue));
      setSaved(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="capacity-form" noValidate onSubmit={(event) => void save(event)}>
      <input
        class="capacity-input"
        type="number"
        min={1}
        max={MAX_CAPACITY}
        inputMode="numeric"
        aria-label={`Capacity of ${person.name}`}
        placeholder={`default (${defaultCapacity})`}
        value={draft}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? errorId : undefined}
        onInput={(event) => {
          setDraft(event.currentTarget.value);
          setSaved(false);
        }}
      />
      {(dirty || busy) && (
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      )}
      <span class="settings-saved" role="status">
        {saved && !dirty ? 'Saved.' : ''}
      </span>
      {error && (
        <p id={errorId} class="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** Props of {@link DefaultCapacityForm}. */
export interface DefaultCapacityFormProps {
  api: Pick<ConsoleApi, 'updateDefaultCapacity'>;
  defaultCapacity: number;
  onRoutingChange: (routing: RoutingSettings) => void;
}

/** The organization's default capacity, for everyone whose own is blank. */
export function DefaultCapacityForm({ api, defaultCapacity, onRoutingChange }: DefaultCapacityFormProps) {
  const [draft, setDraft] = useState(String(defaultCapacity));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const titleId = useId();
  const hintId = useId();

  async function save(event: Event) {
    event.preventDefault();
    const value = parseCapacity(draft);
    if (value === undefined || value === null) {
      setError(rangeMessage);
      return;
    }
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const routing = await api.updateDefaultCapacity({ defaultMaxConversations: value });
      onRoutingChange(routing);
      setDraft(String(routing.defaultMaxConversations));
      setSaved(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="settings-section" aria-labelledby={titleId} noValidate onSubmit={(event) => void save(event)}>
      <h2 id={titleId}>Default capacity</h2>
      <label class="field">
        <span class="field-label">Conversations each person takes at once</span>
        <input
          class="capacity-input"
          type="number"
          min={1}
          max={MAX_CAPACITY}
          inputMode="numeric"
          required
          value={draft}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={hintId}
          onInput={(event) => {
            setDraft(event.currentTarget.value);
            setSaved(false);
          }}
        />
      </label>
      <p id={hintId} class="hint">
        For everyone whose own capacity is empty in the list above. From 1 to {MAX_CAPACITY}.
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="settings-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save default capacity'}
        </button>
        <span class="settings-saved" role="status">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
