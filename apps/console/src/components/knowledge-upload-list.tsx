/**
 * The knowledge base's uploads, one row per file: name and size, a progress bar while it is read and sent, then what
 * the import did (with its warnings), or why it failed with a Retry button. A summary line above is announced.
 * @module
 */
import type { KnowledgeImportResult } from '@parley/protocol';
import { chunkCountLabel, formatFileSize } from '../knowledge-labels.js';
import { isUploadInFlight, uploadSummary, type KnowledgeUpload } from '../use-knowledge-uploads.js';

/** Props of {@link KnowledgeUploadList}. */
export interface KnowledgeUploadListProps {
  uploads: readonly KnowledgeUpload[];
  onRetry: (id: number) => void;
}

const outcomeLabels: Record<KnowledgeImportResult['status'], string> = {
  created: 'Added',
  updated: 'Updated',
  unchanged: 'Unchanged',
};

/** What an upload in flight is doing, as its row says it. */
function phaseLabel(upload: KnowledgeUpload): string {
  switch (upload.phase) {
    case 'queued':
      return 'Waiting…';
    case 'reading':
      return 'Reading…';
    case 'uploading': {
      const { loaded, total } = upload.progress ?? { loaded: 0, total: 0 };
      return total > 0 ? `Uploading… ${Math.floor((loaded / total) * 100)}%` : 'Uploading…';
    }
    default:
      return 'Importing…';
  }
}

function UploadRow({ upload, onRetry }: { upload: KnowledgeUpload; onRetry: (id: number) => void }) {
  const { file, phase, progress, result, message, replaces } = upload;
  const status = isUploadInFlight(upload) ? phaseLabel(upload) : null;
  return (
    <li class={`knowledge-upload is-${phase}`}>
      <p class="knowledge-upload-file">
        <span class="knowledge-upload-name">{file.name}</span> <span class="knowledge-upload-size">{formatFileSize(file.size)}</span>
      </p>
      {replaces && (
        <p class="hint">
          Replaces {replaces.title} ({replaces.sourceKey})
        </p>
      )}
      {status !== null && (
        <div class="knowledge-upload-progress">
          {/* Determinate while bytes are sent; indeterminate (no value) while waiting, reading or importing. */}
          {phase === 'uploading' && progress ? (
            <progress key="bytes" aria-label={`${file.name}: uploading`} max={progress.total} value={progress.loaded} />
          ) : (
            <progress key="busy" aria-label={`${file.name}: ${status}`} />
          )}
          <span class="knowledge-upload-phase">{status}</span>
        </div>
      )}
      {phase === 'done' && result && (
        <>
          <p class="knowledge-upload-outcome">
            <span class="knowledge-upload-status">{outcomeLabels[result.status]}</span> · {chunkCountLabel(result.document.chunkCount)}
          </p>
          {result.warnings.length > 0 && (
            <ul class="knowledge-upload-warnings" aria-label={`Warnings for ${file.name}`}>
              {result.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
        </>
      )}
      {(phase === 'failed' || phase === 'refused') && (
        <div class="knowledge-upload-failure">
          <p class="knowledge-upload-error">
            <span class="knowledge-upload-status">{phase === 'failed' ? 'Failed' : 'Refused'}</span>: {message}
          </p>
          {phase === 'failed' && (
            <button type="button" class="button" aria-label={`Retry ${file.name}`} onClick={() => onRetry(upload.id)}>
              Retry
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** The summary line and a row for each file of the batch. */
export function KnowledgeUploadList({ uploads, onRetry }: KnowledgeUploadListProps) {
  return (
    <div class="knowledge-upload-results">
      {/* Always in the page, so that screen readers announce its first text too. */}
      <p class="knowledge-upload-summary" role="status">
        {uploads.length > 0 ? uploadSummary(uploads) : ''}
      </p>
      {uploads.length > 0 && (
        <ul class="knowledge-upload-list" aria-label="Uploads">
          {uploads.map((upload) => (
            <UploadRow key={upload.id} upload={upload} onRetry={onRetry} />
          ))}
        </ul>
      )}
    </div>
  );
}
