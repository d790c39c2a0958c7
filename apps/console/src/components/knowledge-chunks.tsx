/**
 * A document's chunks, in a dialog: the passages search finds and the bot cites, in order, each with its section and
 * length, so that a site owner can see how a file was cut up.
 * @module
 */
import type { KnowledgeChunk, KnowledgeDocument } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { chunkCountLabel, knowledgeFormatLabel } from '../knowledge-labels.js';
import { ModalDialog } from './modal-dialog.js';

/** Props of {@link KnowledgeChunksDialog}. */
export interface KnowledgeChunksDialogProps {
  api: Pick<ConsoleApi, 'getKnowledgeDocumentChunks'>;
  /** The document as the list shows it; its chunks are loaded when the dialog opens. */
  document: KnowledgeDocument;
  onClose: () => void;
}

/** Where a chunk is: its section, and a PDF's page. */
function chunkPlace(chunk: KnowledgeChunk): string {
  const section = chunk.headingPath.join(' › ');
  if (chunk.page) return section ? `${section}, page ${chunk.page}` : `Page ${chunk.page}`;
  return section || 'Before the first heading';
}

type Loaded = { state: 'loading' } | { state: 'loaded'; chunks: KnowledgeChunk[] } | { state: 'failed'; message: string };

/** Loads and lists a document's chunks. */
export function KnowledgeChunksDialog({ api, document, onClose }: KnowledgeChunksDialogProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    let current = true;
    api.getKnowledgeDocumentChunks(document.id).then(
      ({ chunks }) => current && setLoaded({ state: 'loaded', chunks }),
      (failure: unknown) =>
        current && setLoaded({ state: 'failed', message: failure instanceof Error ? failure.message : String(failure) }),
    );
    return () => {
      current = false;
    };
  }, [document.id]);

  return (
    <ModalDialog title={`Chunks of ${document.title}`} class="dialog-wide" onClose={onClose}>
      <p class="hint knowledge-chunks-about">
        {document.sourceKey} · {knowledgeFormatLabel(document.format)} · {chunkCountLabel(document.chunkCount)} ·{' '}
        {document.characterCount.toLocaleString('en-US')} characters
      </p>
      {loaded.state === 'loading' && <p role="status">Loading chunks…</p>}
      {loaded.state === 'failed' && (
        <p class="form-error" role="alert">
          {loaded.message}
        </p>
      )}
      {loaded.state === 'loaded' &&
        (loaded.chunks.length === 0 ? (
          <p>This document has no chunks.</p>
        ) : (
          <ol class="knowledge-chunk-list" aria-label="Chunks">
            {loaded.chunks.map((chunk) => (
              <li key={chunk.id} class="knowledge-chunk">
                <p class="knowledge-chunk-meta">
                  <span class="knowledge-chunk-number">{chunk.position + 1}</span>
                  <span class="knowledge-chunk-section">{chunkPlace(chunk)}</span>
                  <span class="knowledge-chunk-length">{chunk.characterCount.toLocaleString('en-US')} characters</span>
                </p>
                <p class="knowledge-chunk-body">{chunk.body}</p>
                {chunk.url && /^https?:\/\//i.test(chunk.url) && (
                  <a class="knowledge-chunk-link" href={chunk.url}>
                    {chunk.url}
                  </a>
                )}
              </li>
            ))}
          </ol>
        ))}
    </ModalDialog>
  );
}
