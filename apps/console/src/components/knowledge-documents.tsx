/**
 * The knowledge base's documents, as a table: title and source file, format, chunk count, last update, and actions:
 * View chunks for every agent; Re-import (a replacement file) and Delete for admins.
 * @module
 */
import { knowledgeFileExtensions, type KnowledgeDocument } from '@parley/protocol';
import { useRef } from 'preact/hooks';
import { knowledgeFormatLabel } from '../knowledge-labels.js';

/** Props of {@link KnowledgeDocumentTable}. */
export interface KnowledgeDocumentTableProps {
  documents: readonly KnowledgeDocument[];
  /** Admins may re-import and delete. */
  canEdit: boolean;
  onViewChunks: (document: KnowledgeDocument) => void;
  /** A replacement file was picked for the document. */
  onReimport: (document: KnowledgeDocument, file: File) => void;
  onDelete: (document: KnowledgeDocument) => void;
}

/** Only http(s) links are links: a document's URL comes from its file, which anyone with a file could have written. */
const isWebUrl = (url: string | null): url is string => url !== null && /^https?:\/\//i.test(url);

/** Lists the documents; its buttons are named after their document ("View chunks of Returns"). */
export function KnowledgeDocumentTable({ documents, canEdit, onViewChunks, onReimport, onDelete }: KnowledgeDocumentTableProps) {
  const replacementInput = useRef<HTMLInputElement>(null);
  // The document whose Re-import opened the picker; one input serves every row.
  const reimporting = useRef<KnowledgeDocument | null>(null);

  return (
    // Scrolls sideways inside itself on a narrow screen, rather than the page.
    <div class="knowledge-table-scroll">
      <table class="knowledge-documents">
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Format</th>
            <th scope="col">Chunks</th>
            <th scope="col">Updated</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {documents.map((document) => (
            <tr key={document.id}>
              <th scope="row" class="knowledge-document-title">
                {isWebUrl(document.url) ? <a href={document.url}>{document.title}</a> : document.title}
                <span class="knowledge-document-source">{document.sourceKey}</span>
              </th>
              <td>{knowledgeFormatLabel(document.format)}</td>
              <td class="knowledge-number">{document.chunkCount.toLocaleString('en-US')}</td>
              <td>
                <time dateTime={document.updatedAt}>{new Date(document.updatedAt).toLocaleDateString()}</time>
              </td>
              <td>
                <div class="knowledge-actions">
                  <button
                    type="button"
                    class="button"
                    aria-label={`View chunks of ${document.title}`}
                    onClick={() => onViewChunks(document)}
                  >
                    View chunks
                  </button>
                  {canEdit && (
                    <>
                      <button
                        type="button"
                        class="button"
                        aria-label={`Re-import ${document.title}`}
                        onClick={() => {
                          reimporting.current = document;
                          replacementInput.current?.click();
                        }}
                      >
                        Re-import
                      </button>
                      <button
                        type="button"
                        class="button button-ghost knowledge-delete"
                        aria-label={`Delete ${document.title}`}
                        onClick={() => onDelete(document)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <input
          ref={replacementInput}
          class="visually-hidden"
          type="file"
          tabIndex={-1}
          aria-label="Replacement file"
          accept={knowledgeFileExtensions.join(',')}
          onChange={(event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            input.value = '';
            const document = reimporting.current;
            reimporting.current = null;
            if (file && document) onReimport(document, file);
          }}
        />
      )}
    </div>
  );
}
