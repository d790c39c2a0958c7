/**
 * The knowledge base page: for admins a drop zone whose files upload with their progress and outcome; the websites
 * whose pages are documents and the language (see `knowledge-websites.tsx`); the documents
 * the bot answers from, each with its chunks to view and, for admins, re-import and delete; and a search box that shows
 * the passages the bot would find for a question.
 * @module
 */
import type { KnowledgeDocument } from '@parley/protocol';
import { useEffect, useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { useKnowledgeUploads } from '../use-knowledge-uploads.js';
import { KnowledgeChunksDialog } from './knowledge-chunks.js';
import { KnowledgeDocumentTable } from './knowledge-documents.js';
import { KnowledgeSearch } from './knowledge-search.js';
import { KnowledgeUploadList } from './knowledge-upload-list.js';
import { KnowledgeDropZone } from './knowledge-upload.js';
import { KnowledgeWebsites } from './knowledge-websites.js';

/** Props of {@link KnowledgeBase}. */
export interface KnowledgeBaseProps {
  api: ConsoleApi;
  /** Admins may upload, re-import and delete; agents read and search. */
  canEdit: boolean;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Lists, uploads, shows, deletes and searches the organization's knowledge base. */
export function KnowledgeBase({ api, canEdit }: KnowledgeBaseProps) {
  const addTitleId = useId();
  const documentsTitleId = useId();
  const [documents, setDocuments] = useState<KnowledgeDocument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [viewing, setViewing] = useState<KnowledgeDocument | null>(null);

  async function reload() {
    try {
      setDocuments((await api.listKnowledgeDocuments()).documents);
      setError(null);
    } catch (failure) {
      setError(reasonOf(failure));
    }
  }

  const uploads = useKnowledgeUploads(api, () => void reload());

  useEffect(() => {
    void reload();
  }, []);

  async function remove(document: KnowledgeDocument) {
    if (!confirm(`Delete "${document.title}" from the knowledge base?`)) return;
    try {
      await api.deleteKnowledgeDocument(document.id);
    } catch (failure) {
      setError(reasonOf(failure));
      return;
    }
    await reload();
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
        <section class="knowledge-section" aria-labelledby={addTitleId}>
          <h2 id={addTitleId}>Add documents</h2>
          <KnowledgeDropZone onFiles={(files) => uploads.add(files)} />
          <KnowledgeUploadList uploads={uploads.uploads} onRetry={uploads.retry} />
        </section>
      )}

      <KnowledgeWebsites api={api} canEdit={canEdit} onDocumentsChanged={() => void reload()} />

      <section class="knowledge-section" aria-labelledby={documentsTitleId}>
        <h2 id={documentsTitleId}>Documents</h2>
        {documents === null ? (
          <p>Loading…</p>
        ) : documents.length === 0 ? (
          <p>No documents yet.</p>
        ) : (
          <KnowledgeDocumentTable
            documents={documents}
            canEdit={canEdit}
            onViewChunks={setViewing}
            onReimport={(document, file) => uploads.add([file], document)}
            onDelete={(document) => void remove(document)}
          />
        )}
      </section>

      <KnowledgeSearch api={api} />

      {viewing && <KnowledgeChunksDialog api={api} document={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
