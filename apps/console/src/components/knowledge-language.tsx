/**
 * The knowledge base's language (`/api/knowledge/settings`): how documents and questions are split into words and
 * stemmed. Admins choose it; every agent sees it, and how many documents are still being re-indexed after a change
 * (asked again every few seconds until none is left).
 * @module
 */
import type { KnowledgeSettings } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { languageLabel } from '../knowledge-source-labels.js';

/** Props of {@link KnowledgeLanguage}. */
export interface KnowledgeLanguageProps {
  api: Pick<ConsoleApi, 'getKnowledgeSettings' | 'updateKnowledgeSettings'>;
  /** Admins change the language; agents see it. */
  canEdit: boolean;
  /** How long to wait before asking again while documents are being re-indexed. */
  pollMs?: number;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The language select (admins) or the language (agents), with the re-indexing still to do. */
export function KnowledgeLanguage({ api, canEdit, pollMs = 3000 }: KnowledgeLanguageProps) {
  const [settings, setSettings] = useState<KnowledgeSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function reload() {
    try {
      setSettings(await api.getKnowledgeSettings());
      setError(null);
    } catch (failure) {
      setError(reasonOf(failure));
    }
  }

  useEffect(() => {
    void reload();
  }, []);

  useEffect(() => {
    if (!settings || settings.documentsToReindex === 0) return;
    const timer = setTimeout(() => void reload(), pollMs);
    return () => clearTimeout(timer);
  }, [settings]);

  async function change(language: string) {
    setSaving(true);
    try {
      setSettings(await api.updateKnowledgeSettings({ language }));
      setError(null);
    } catch (failure) {
      setError(reasonOf(failure));
    } finally {
      setSaving(false);
    }
  }

  const reindexing = settings?.documentsToReindex ?? 0;
  return (
    <div class="knowledge-language">
      {settings === null ? (
        error === null && <p>Loading…</p>
      ) : canEdit ? (
        <label class="field">
          <span class="field-label">Language</span>
          <select value={settings.language} disabled={saving} onChange={(event) => void change(event.currentTarget.value)}>
            {settings.languages.map((language) => (
              <option key={language} value={language}>
                {languageLabel(language)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p>Language: {languageLabel(settings.language)}</p>
      )}
      <p class="hint">How pages, documents and visitors' questions are split into words and matched (plurals, word endings).</p>
      <p role="status" class="knowledge-reindexing">
        {reindexing > 0 && `${reindexing.toLocaleString('en-US')} ${reindexing === 1 ? 'document is' : 'documents are'} being re-indexed.`}
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
