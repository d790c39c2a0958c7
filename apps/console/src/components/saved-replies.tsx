/**
 * The saved replies page: the organization's shared replies and the agent's personal ones, with a form to add and edit
 * them, and delete. Agents manage their personal replies; admins the shared ones too.
 * @module
 */
import {
  ParleyError,
  SAVED_REPLY_GAP,
  SAVED_REPLY_SHORTCUT_MAX_LENGTH,
  SAVED_REPLY_TITLE_MAX_LENGTH,
  savedReplyVariables,
  type SavedReply,
  type SavedReplyScope,
} from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';

/** Props of {@link SavedReplies}. */
export interface SavedRepliesProps {
  api: ConsoleApi;
  /** Admins may add, edit and delete shared replies; agents only their personal ones. */
  canShare: boolean;
}

interface Draft {
  /** The reply being edited; null: a new one. */
  id: string | null;
  shortcut: string;
  title: string;
  body: string;
  scope: SavedReplyScope;
}

const newDraft: Draft = { id: null, shortcut: '', title: '', body: '', scope: 'personal' };

/** The server's message, with the reasons it gave for each field it refused. */
function describe(error: unknown): string {
  const issues = ParleyError.isInstance(error) ? (error.issues ?? []) : [];
  return [errorMessage(error), ...issues.map((issue) => issue.message)].join(' ');
}

/** Lists, adds, edits and deletes saved replies. */
export function SavedReplies({ api, canShare }: SavedRepliesProps) {
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(newDraft);
  const [busy, setBusy] = useState(false);
  const shortcutRef = useRef<HTMLInputElement>(null);
  const formTitleId = useId();
  const hintId = useId();

  async function reload() {
    try {
      setReplies((await api.listSavedReplies()).savedReplies);
    } catch (failure) {
      setError(describe(failure));
    }
  }

  useEffect(() => {
    void reload();
  }, []);

  const change = (field: 'shortcut' | 'title' | 'body' | 'scope', value: string) => setDraft({ ...draft, [field]: value });

  function edit(reply: SavedReply) {
    setDraft({ id: reply.id, shortcut: reply.shortcut, title: reply.title, body: reply.body, scope: reply.scope });
    setError(null);
    setStatus(null);
    shortcutRef.current?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setStatus(null);
    const fields = { shortcut: draft.shortcut, title: draft.title, body: draft.body };
    try {
      const saved = draft.id
        ? await api.updateSavedReply(draft.id, canShare ? { ...fields, scope: draft.scope } : fields)
        : await api.createSavedReply({ ...fields, scope: canShare ? draft.scope : 'personal' });
      setStatus(`${draft.id ? 'Saved' : 'Added'} /${saved.shortcut}.`);
      setDraft(newDraft);
      await reload();
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  }

  async function remove(reply: SavedReply) {
    if (!confirm(`Delete the saved reply /${reply.shortcut}?`)) return;
    setError(null);
    setStatus(null);
    try {
      await api.deleteSavedReply(reply.id);
      if (draft.id === reply.id) setDraft(newDraft);
      setStatus(`Deleted /${reply.shortcut}.`);
    } catch (failure) {
      setError(describe(failure));
    }
    await reload();
  }

  function list(scope: SavedReplyScope, heading: string, empty: string) {
    const shown = (replies ?? []).filter((reply) => reply.scope === scope);
    const editable = scope === 'personal' || canShare;
    return (
      <section class="saved-reply-group" aria-label={heading}>
        <h2>{heading}</h2>
        {replies === null ? (
          <p class="hint">Loading…</p>
        ) : shown.length === 0 ? (
          <p class="hint">{empty}</p>
        ) : (
          <ul class="saved-reply-list">
            {shown.map((reply) => (
              <li key={reply.id} class="saved-reply-item">
                <div class="saved-reply-heading">
                  <span class="saved-reply-shortcut">/{reply.shortcut}</span>
                  <span class="saved-reply-title">{reply.title}</span>
                </div>
                <p class="saved-reply-body">{reply.body}</p>
                {editable && (
                  <div class="saved-reply-actions">
                    <button type="button" class="button" onClick={() => edit(reply)}>
                      Edit
                    </button>
                    <button type="button" class="button button-ghost" onClick={() => void remove(reply)}>
                      Delete
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  }

  return (
    <section class="saved-replies" aria-labelledby="saved-replies-title">
      <h1 id="saved-replies-title">Saved replies</h1>
      <p class="knowledge-intro">
        Type <kbd>/</kbd> and a shortcut in a reply, or use the Saved replies button next to it, to insert one.
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <p class="saved-reply-saved" role="status">
        {status}
      </p>

      <form class="saved-reply-form" aria-labelledby={formTitleId} onSubmit={(event) => void submit(event)}>
        <h2 id={formTitleId}>{draft.id ? `Edit /${draft.shortcut}` : 'Add a saved reply'}</h2>
        <label class="field">
          <span>Shortcut</span>
          <input
            ref={shortcutRef}
            required
            maxLength={SAVED_REPLY_SHORTCUT_MAX_LENGTH}
            pattern="[a-z0-9][a-z0-9\-]*"
            autocomplete="off"
            spellcheck={false}
            placeholder="refund"
            value={draft.shortcut}
            onInput={(event) => change('shortcut', event.currentTarget.value)}
          />
        </label>
        <p class="hint">Lowercase letters, digits and dashes.</p>
        <label class="field">
          <span>Title</span>
          <input
            required
            maxLength={SAVED_REPLY_TITLE_MAX_LENGTH}
            value={draft.title}
            onInput={(event) => change('title', event.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Text</span>
          <textarea
            required
            rows={5}
            aria-describedby={hintId}
            value={draft.body}
            onInput={(event) => change('body', event.currentTarget.value)}
          />
        </label>
        <p id={hintId} class="hint">
          Variables: {savedReplyVariables.map((name) => `{${name}}`).join(', ')}. One without a value is left as {SAVED_REPLY_GAP} for you
          to fill in.
        </p>
        {canShare && (
          <label class="field">
            <span>Who can use it</span>
            <select value={draft.scope} onChange={(event) => change('scope', event.currentTarget.value)}>
              <option value="personal">Only me</option>
              <option value="shared">Everyone in the organization</option>
            </select>
          </label>
        )}
        <div class="transfer-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            {draft.id ? 'Save changes' : 'Add'}
          </button>
          {draft.id && (
            <button type="button" class="button" disabled={busy} onClick={() => setDraft(newDraft)}>
              Cancel
            </button>
          )}
        </div>
      </form>

      {list('shared', 'Shared with the organization', 'No shared replies yet.')}
      {list('personal', 'Only you', 'No personal replies yet.')}
    </section>
  );
}
