/**
 * The knowledge base's drop zone (admins): files dropped on it, or chosen with its button, go to the page's uploads,
 * which refuse other types with a reason rather than drop them.
 * @module
 */
import { KNOWLEDGE_DOCUMENT_MAX_LENGTH, KNOWLEDGE_PDF_MAX_BYTES, knowledgeFileExtensions } from '@parley/protocol';
import { formatFileSize } from '../knowledge-labels.js';
import { useEffect, useId, useRef, useState } from 'preact/hooks';

/** Props of {@link KnowledgeDropZone}. */
export interface KnowledgeDropZoneProps {
  /** Every file dropped or chosen, whatever its type: refusing one is the uploads' job, which says why. */
  onFiles: (files: File[]) => void;
}

/** A drop zone with a "Choose files" button, which opens the browser's file picker. */
export function KnowledgeDropZone({ onFiles }: KnowledgeDropZoneProps) {
  const [dragOver, setDragOver] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();

  useEffect(() => {
    // A file dropped beside the zone would otherwise open in the tab, and the page (with its uploads) would be gone.
    const keepPage = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', keepPage);
    window.addEventListener('drop', keepPage);
    return () => {
      window.removeEventListener('dragover', keepPage);
      window.removeEventListener('drop', keepPage);
    };
  }, []);

  function acceptDrag(event: DragEvent) {
    // Without preventDefault the browser refuses the drop (or opens the file in the tab).
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    setDragOver(true);
  }

  return (
    <div
      class={dragOver ? 'knowledge-dropzone is-dragover' : 'knowledge-dropzone'}
      onDragEnter={acceptDrag}
      onDragOver={acceptDrag}
      onDragLeave={(event) => {
        // Leaving for one of the zone's own children is no leaving.
        const to = event.relatedTarget;
        if (!(to instanceof Node && event.currentTarget.contains(to))) setDragOver(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setDragOver(false);
        const files = [...(event.dataTransfer?.files ?? [])];
        if (files.length > 0) onFiles(files);
      }}
    >
      <p class="knowledge-dropzone-title">Drop files here</p>
      <p class="knowledge-dropzone-or">or</p>
      <button type="button" class="button button-primary" aria-describedby={hintId} onClick={() => inputRef.current?.click()}>
        Choose files
      </button>
      {/* Opened by the button, which keyboards reach: out of the tab order, but labelled for screen readers' browse mode. */}
      <input
        ref={inputRef}
        class="visually-hidden"
        type="file"
        multiple
        tabIndex={-1}
        aria-label="Upload documents"
        accept={knowledgeFileExtensions.join(',')}
        onChange={(event) => {
          const input = event.currentTarget;
          const files = [...(input.files ?? [])];
          // Cleared, so that choosing the same file again (after fixing it) is a change too.
          input.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      <p id={hintId} class="hint">
        Markdown or MDX, HTML, plain text, FAQ files (CSV with question and answer columns, or JSON Lines), or PDFs with a text layer:{' '}
        {knowledgeFileExtensions.join(' ')}, up to {KNOWLEDGE_DOCUMENT_MAX_LENGTH.toLocaleString('en-US')} characters each (a PDF up to{' '}
        {formatFileSize(KNOWLEDGE_PDF_MAX_BYTES)}). A file with the name of an existing document replaces it.
      </p>
    </div>
  );
}
