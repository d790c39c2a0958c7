/**
 * The knowledge base's websites: for admins a form that adds a site (or a sitemap) with its re-sync interval; for
 * every agent the sites with their status, last sync and what it did; for admins "Sync now" and "Remove" on each.
 * While a sync is due or running the list asks the server again every few seconds, and tells the page when a sync
 * ended, so the documents list shows its pages.
 * @module
 */
import type { KnowledgeSource } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { pageCountLabel, RESYNC_CHOICES, resyncLabel, sourceStatusLabel, syncCountsLabel } from '../knowledge-source-labels.js';

/** Props of {@link KnowledgeSources}. */
export interface KnowledgeSourcesProps {
  api: Pick<ConsoleApi, 'listKnowledgeSources' | 'createKnowledgeSource' | 'syncKnowledgeSource' | 'deleteKnowledgeSource'>;
  /** Admins add, sync and remove sites; agents see them. */
  canEdit: boolean;
  /** A sync ended or a site was removed: the documents changed. */
  onDocumentsChanged: () => void;
  /** How long to wait before asking again while a sync is due or running. */
  pollMs?: number;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isBusy = (source: KnowledgeSource) => source.status === 'pending' || source.status === 'syncing';

/** The sites whose pages are documents, and the form that adds one. */
export function KnowledgeSources({ api, canEdit, onDocumentsChanged, pollMs = 3000 }: KnowledgeSourcesProps) {
  const urlId = useId();
  const [sources, setSources] = useState<KnowledgeSource[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [sitemap, setSitemap] = useState(false);
  const [resyncIndex, setResyncIndex] = useState(0);
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  /** Each source's last sync as last seen: a new one means its documents changed. */
  const lastSynced = useRef(new Map<string, string | null>());

  async function reload() {
    try {
      const next = (await api.listKnowledgeSources()).sources;
      const synced = next.some((source) => lastSynced.current.has(source.id) && lastSynced.current.get(source.id) !== source.lastSyncedAt);
      lastSynced.current = new Map(next.map((source) => [source.id, source.lastSyncedAt]));
      setSources(next);
      setError(null);
      if (synced) onDocumentsChanged();
    } catch (failure) {
      setError(reasonOf(failure));
    }
  }

  useEffect(() => {
    void reload();
  }, []);

  // Asks again while a sync is due or running; stops when none is, or when the page closes.
  useEffect(() => {
    if (!sources?.some(isBusy)) return;
    const timer = setTimeout(() => void reload(), pollMs);
    return () => clearTimeout(timer);
  }, [sources]);

  async function add(event: Event) {
    event.preventDefault();
    setAdding(true);
    try {
      const source = await api.createKnowledgeSource({
        url: url.trim(),
        kind: sitemap ? 'sitemap' : 'website',
        resyncHours: RESYNC_CHOICES[resyncIndex]!.hours,
      });
      setUrl('');
      setSitemap(false);
      setAddError(null);
      setAnnouncement(`Added ${source.url}; its first sync has started.`);
      await reload();
    } catch (failure) {
      setAddError(reasonOf(failure));
    } finally {
      setAdding(false);
    }
  }

  /** Runs an admin's action, then lists the sources again; false when the server refused it (its reason is shown). */
  async function act(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
    } catch (failure) {
      setError(reasonOf(failure));
      return false;
    }
    await reload();
    return true;
  }

  async function remove(source: KnowledgeSource) {
    const documents = source.documentCount === 1 ? 'its document' : `its ${source.documentCount.toLocaleString('en-US')} documents`;
    if (!confirm(`Remove ${source.url} and ${documents} from the knowledge base?`)) return;
    if (await act(() => api.deleteKnowledgeSource(source.id))) onDocumentsChanged();
  }

  return (
    <div class="knowledge-sources">
      {canEdit && (
        <form class="knowledge-source-form" onSubmit={(event) => void add(event)}>
          <label class="field knowledge-source-url" for={urlId}>
            <span class="field-label">Website address</span>
            <input
              id={urlId}
              type="url"
              required
              placeholder="https://help.example.com/"
              value={url}
              aria-invalid={addError ? 'true' : undefined}
              onInput={(event) => setUrl(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field-label">Re-sync</span>
            <select value={String(resyncIndex)} onChange={(event) => setResyncIndex(Number(event.currentTarget.value))}>
              {RESYNC_CHOICES.map((choice, index) => (
                <option key={choice.label} value={String(index)}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          <label class="checkbox-field">
            <input type="checkbox" checked={sitemap} onChange={(event) => setSitemap(event.currentTarget.checked)} />
            It's a sitemap
          </label>
          <button type="submit" class="button" disabled={adding}>
            Add website
          </button>
          {addError && (
            <p class="form-error knowledge-source-form-error" role="alert">
              {addError}
            </p>
          )}
        </form>
      )}
      <p class="visually-hidden" role="status">
        {announcement}
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {sources === null ? (
        <p>Loading…</p>
      ) : sources.length === 0 ? (
        <p>No websites yet.</p>
      ) : (
        <ul class="knowledge-source-list" aria-label="Websites">
          {sources.map((source) => (
            <li key={source.id} class={`knowledge-source is-${source.status}`}>
              <div class="knowledge-source-head">
                <a class="knowledge-source-address" href={source.url}>
                  {source.url}
                </a>
                {source.kind === 'sitemap' && <span class="hint">Sitemap</span>}
                <span class="knowledge-source-status">{sourceStatusLabel(source.status)}</span>
              </div>
              <p class="hint">
                {pageCountLabel(source.documentCount)} · {resyncLabel(source.resyncHours)}
                {source.lastSyncedAt && (
                  <>
                    {' · Last synced '}
                    <time dateTime={source.lastSyncedAt}>{new Date(source.lastSyncedAt).toLocaleString()}</time>
                  </>
                )}
              </p>
              {source.lastCounts && <p class="knowledge-source-counts">Last sync: {syncCountsLabel(source.lastCounts)}</p>}
              {source.status === 'failed' && source.lastError && <p class="knowledge-source-error">{source.lastError}</p>}
              {canEdit && (
                <div class="knowledge-actions">
                  <button
                    type="button"
                    class="button"
                    aria-label={`Sync now ${source.url}`}
                    disabled={isBusy(source)}
                    onClick={() => void act(() => api.syncKnowledgeSource(source.id))}
                  >
                    Sync now
                  </button>
                  <button
                    type="button"
                    class="button button-ghost knowledge-delete"
                    aria-label={`Remove ${source.url}`}
                    onClick={() => void remove(source)}
                  >
                    Remove
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
