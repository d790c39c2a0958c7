/**
 * The knowledge base page: the documents the bot answers from, an upload for admins (Markdown, HTML, text, FAQ
 * CSV/JSON Lines; a file with the same name replaces its document), delete, and a search box that shows the passages
 * the bot would find for a question.
 * @module
 */
import { knowledgeFileExtensions, knowledgeFormatOfFileName, type KnowledgeDocument, type KnowledgeHit } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';

/** Props of {@link KnowledgeBase}. */
export interface KnowledgeBaseProps {
  api: ConsoleApi;
  /** Admins may upload and delete; agents read and search. */
  canEdit: boolean;
}

interface UploadState {
  name: string;
  status: 'importing' | 'created' | 'updated' | 'unchanged' | 'failed';
  message?: string;
}

const uploadLabels: Record<UploadState['status'], string> = {
  importing: 'Importing…',
  created: 'Added',
  updated: 'Updated',
  unchanged: 'Unchanged',
  failed: 'Failed',
};

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Lists, uploads, deletes and searches the organization's knowledge base. */
export function KnowledgeBase({ api, canEdit }: KnowledgeBaseProps) {
  const [documents, setDocuments] = useState<KnowledgeDocument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<KnowledgeHit[] | null>(null);

  async function reload() {
    try {
      setDocuments((await api.listKnowledgeDocuments()).documents);
      setError(null);
    } catch (failure) {
      setError(reasonOf(failure));
    }
  }

  useEffect(() => {
    void reload();
  }, []);

  async function upload(files: File[]) {
    const states: UploadState[] = files.map((file) => ({ name: file.name, status: 'importing' }));
    setUploads(states);
    const update = (index: number, state: UploadState) => {
      states[index] = state;
      setUploads([...states]);
    };
    // One at a time: each is its own transaction on the server, and a failure names its file.
    for (const [index, file] of files.entries()) {
      const format = knowledgeFormatOfFileName(file.name);
      if (!format) {
        update(index, { name: file.name, status: 'failed', message: `Not a supported file type (${knowledgeFileExtensions.join(', ')}).` });
        continue;
      }
      try {
        const result = await api.importKnowledgeDocument({ sourceKey: file.name, format, content: await file.text() });
        update(index, { name: file.name, status: result.status });
      } catch (failure) {
        update(index, { name: file.name, status: 'failed', message: reasonOf(failure) });
      }
    }
    await reload();
  }

  async function remove(document: KnowledgeDocument) {
    if (!confirm(`Delete "${document.title}" from the knowledge base?`)) return;
    try {
      await api.deleteKnowledgeDocument(document.id);
    } catch (failure) {
      setError(reasonOf(failure));
    }
    await reload();
  }

  async function search(event: Event) {
    event.preventDefault();
    if (!query.trim()) return;
    try {
      setHits((await api.searchKnowledge({ q: query, limit: 5 })).hits);
      setError(null);
    } catch (failure) {
      setError(reasonOf(failure));
    }
  }

  return (
    <section class="knowledge" aria-labelledby="knowledge-title">
      <h1 id="knowledge-title">Knowledge base</h1>
      <p class="knowledge-intro">The bot answers from these documents and cites them under its replies.</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}

      {canEdit && (
        <div class="knowledge-upload">
          <label>
            Upload documents
            <input
              type="file"
              multiple
              accept={knowledgeFileExtensions.join(',')}
              onChange={(event) => {
                const input = event.currentTarget;
                const files = [...(input.files ?? [])];
                input.value = '';
                if (files.length > 0) void upload(files);
              }}
            />
          </label>
          <p class="hint">
            Markdown, HTML, plain text, or FAQ files (CSV with question and answer columns, or JSON Lines). A file with the name of an
            existing document replaces it.
          </p>
          {uploads.length > 0 && (
            <ul class="knowledge-uploads" aria-label="Uploads">
              {uploads.map((state) => (
                <li key={state.name} class={`upload-${state.status}`}>
                  <span class="upload-name">{state.name}</span> <span class="upload-status">{uploadLabels[state.status]}</span>
                  {state.message && <span class="upload-message">: {state.message}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {documents === null ? (
        <p>Loading…</p>
      ) : documents.length === 0 ? (
        <p>No documents yet.</p>
      ) : (
        <table class="knowledge-documents">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">File</th>
              <th scope="col">Passages</th>
              <th scope="col">Updated</th>
              {canEdit && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {documents.map((document) => (
              <tr key={document.id}>
                <td>{document.url && /^https?:\/\//i.test(document.url) ? <a href={document.url}>{document.title}</a> : document.title}</td>
                <td>{document.sourceKey}</td>
                <td>{document.chunkCount}</td>
                <td>
                  <time dateTime={document.updatedAt}>{new Date(document.updatedAt).toLocaleDateString()}</time>
                </td>
                {canEdit && (
                  <td>
                    <button type="button" class="button button-ghost" onClick={() => void remove(document)}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form class="knowledge-search" onSubmit={search}>
        <label>
          Try a question
          <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
        </label>
        <button type="submit" class="button">
          Search
        </button>
      </form>
      {hits !== null &&
        (hits.length === 0 ? (
          <p>Nothing in the knowledge base matches: the bot would say it doesn't know and offer a person.</p>
        ) : (
          <ol class="knowledge-hits" aria-label="Passages found">
            {hits.map((hit) => (
              <li key={hit.chunkId}>
                <strong>{[hit.title, ...hit.headingPath].join(' › ')}</strong>{' '}
                <span class="hint">({Math.round(hit.coverage * 100)}% of the question's words)</span>
                <p>{hit.body}</p>
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}
