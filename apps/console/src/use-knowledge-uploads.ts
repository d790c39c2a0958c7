/**
 * The knowledge base page's uploads: each file is checked, read in the browser and sent as JSON (a PDF base64-encoded),
 * a few at a time, and keeps its progress and outcome so that the page can show one row per file.
 * @module
 */
import {
  KNOWLEDGE_DOCUMENT_MAX_LENGTH,
  KNOWLEDGE_PDF_MAX_BYTES,
  knowledgeFileExtensions,
  knowledgeFormatOfFileName,
  type KnowledgeDocument,
  type KnowledgeImportRequest,
  type KnowledgeImportResult,
} from '@parley/protocol';
import { formatFileSize } from './knowledge-labels.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi, UploadProgress } from './api.js';
import { readBase64 } from './read-base64.js';

/**
 * How many files are read and sent at once. One at a time wastes the wait for each import's transaction; all at once
 * would hold every file in memory and queue imports on the server that other agents' requests wait behind.
 */
export const MAX_CONCURRENT_UPLOADS = 3;

/**
 * Where a file is: `refused` before sending (its type, its size), `queued` for a free slot, then `reading`,
 * `uploading` (bytes sent), `importing` (the server has it all), and `done` or `failed`.
 */
export type KnowledgeUploadPhase = 'refused' | 'queued' | 'reading' | 'uploading' | 'importing' | 'done' | 'failed';

/** One file of the page's uploads. */
export interface KnowledgeUpload {
  /** Tells rows apart: two batches may hold files of the same name. */
  id: number;
  file: File;
  /** The document it creates or replaces: the file's name, or the `sourceKey` of the document it re-imports. */
  sourceKey: string;
  /** The document a re-import replaces; null for a file dropped or chosen. */
  replaces: KnowledgeDocument | null;
  phase: KnowledgeUploadPhase;
  /** Bytes sent, while uploading. */
  progress: UploadProgress | null;
  /** What the import did, once done. */
  result: KnowledgeImportResult | null;
  /** Why it was refused or failed. */
  message: string | null;
}

/** What {@link useKnowledgeUploads} gives the page. */
export interface KnowledgeUploads {
  /** The current batch, in the order the files were added. */
  uploads: readonly KnowledgeUpload[];
  /**
   * Queues files, or refuses them with a reason. With `replaces`, each replaces that document (a re-import). Files
   * added while nothing is in flight start a new batch; the rows of the last one go.
   */
  add(files: readonly File[], replaces?: KnowledgeDocument): void;
  /** Sends a failed file again. */
  retry(id: number): void;
}

const inFlightPhases = new Set<KnowledgeUploadPhase>(['queued', 'reading', 'uploading', 'importing']);

/** Whether the file is still waiting or being sent. */
export function isUploadInFlight(upload: KnowledgeUpload): boolean {
  return inFlightPhases.has(upload.phase);
}

const tooLong = `Longer than the ${KNOWLEDGE_DOCUMENT_MAX_LENGTH.toLocaleString('en-US')} characters a document may have: split it, or import it with the CLI.`;

/** Why a file cannot be imported, before reading it; null when it may be. */
export function uploadRefusalOf(file: File): string | null {
  const format = knowledgeFormatOfFileName(file.name);
  if (!format) return `Not a supported file type. Use ${knowledgeFileExtensions.join(', ')}.`;
  if (file.size === 0) return 'The file is empty.';
  if (format === 'pdf') {
    return file.size > KNOWLEDGE_PDF_MAX_BYTES
      ? `Larger than the ${formatFileSize(KNOWLEDGE_PDF_MAX_BYTES)} a PDF may have: split it, or import it with the CLI.`
      : null;
  }
  // UTF-8 takes at most 4 bytes a character: a file this big is too long whatever its script.
  if (file.size > KNOWLEDGE_DOCUMENT_MAX_LENGTH * 4) return tooLong;
  return null;
}

/** The batch in one line: "12 of 14 imported, 2 failed", with those refused and those still going. */
export function uploadSummary(uploads: readonly KnowledgeUpload[]): string {
  const count = (phase: KnowledgeUploadPhase) => uploads.filter((upload) => upload.phase === phase).length;
  const inFlight = uploads.filter(isUploadInFlight).length;
  const parts = [`${count('done')} of ${uploads.length} imported`];
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('refused') > 0) parts.push(`${count('refused')} refused`);
  if (inFlight > 0) parts.push(`${inFlight} in progress`);
  return parts.join(', ');
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The request that imports an upload: a PDF's bytes in base64, any other file's text. */
async function importRequestOf(upload: KnowledgeUpload): Promise<KnowledgeImportRequest> {
  // Refused files never get here: the name has a format.
  const format = knowledgeFormatOfFileName(upload.file.name)!;
  if (format === 'pdf') return { sourceKey: upload.sourceKey, format, contentBase64: await readBase64(upload.file) };
  const content = await upload.file.text();
  if (content.length > KNOWLEDGE_DOCUMENT_MAX_LENGTH) throw new Error(tooLong);
  return { sourceKey: upload.sourceKey, format, content };
}

/**
 * Runs the page's uploads, {@link MAX_CONCURRENT_UPLOADS} at a time. `onBatchDone` is called when the last file in
 * flight has finished, for the page to list the documents again. Uploads still running when the page goes are aborted.
 */
export function useKnowledgeUploads(api: Pick<ConsoleApi, 'uploadKnowledgeDocument'>, onBatchDone: () => void): KnowledgeUploads {
  const [uploads, setUploads] = useState<readonly KnowledgeUpload[]>([]);
  // The batch as the running uploads see it: they change it between renders, so state alone would lose updates.
  const batch = useRef<readonly KnowledgeUpload[]>([]);
  const running = useRef(0);
  const nextId = useRef(1);
  const aborts = useRef(new Set<AbortController>());
  const latest = useRef({ api, onBatchDone });
  latest.current = { api, onBatchDone };

  useEffect(
    () => () => {
      for (const controller of aborts.current) controller.abort(new Error('The page was closed.'));
    },
    [],
  );

  function publish(next: readonly KnowledgeUpload[]) {
    batch.current = next;
    setUploads(next);
  }

  function change(id: number, patch: Partial<KnowledgeUpload>) {
    publish(batch.current.map((upload) => (upload.id === id ? { ...upload, ...patch } : upload)));
  }

  async function send(upload: KnowledgeUpload) {
    const controller = new AbortController();
    aborts.current.add(controller);
    try {
      const request = await importRequestOf(upload);
      change(upload.id, { phase: 'uploading', progress: { loaded: 0, total: upload.file.size } });
      const result = await latest.current.api.uploadKnowledgeDocument(request, {
        signal: controller.signal,
        onProgress: (progress) => change(upload.id, { phase: progress.loaded < progress.total ? 'uploading' : 'importing', progress }),
      });
      change(upload.id, { phase: 'done', progress: null, result });
    } catch (failure) {
      // Aborted: the page is gone, and nobody sees the row.
      if (!controller.signal.aborted) change(upload.id, { phase: 'failed', progress: null, message: reasonOf(failure) });
    } finally {
      aborts.current.delete(controller);
    }
  }

  function startQueued() {
    while (running.current < MAX_CONCURRENT_UPLOADS) {
      const next = batch.current.find((upload) => upload.phase === 'queued');
      if (!next) return;
      running.current += 1;
      change(next.id, { phase: 'reading' });
      void send(next).finally(() => {
        running.current -= 1;
        startQueued();
        if (running.current === 0) latest.current.onBatchDone();
      });
    }
  }

  function add(files: readonly File[], replaces?: KnowledgeDocument) {
    const kept = batch.current.some(isUploadInFlight) ? batch.current : [];
    const added: KnowledgeUpload[] = [];
    for (const file of files) {
      const sourceKey = replaces?.sourceKey ?? file.name;
      // Two uploads of one document at once would race to replace it; the second could win with the older file.
      const twice = [...kept, ...added].some((upload) => upload.sourceKey === sourceKey && isUploadInFlight(upload));
      const refusal = uploadRefusalOf(file) ?? (twice ? `${sourceKey} is being uploaded already.` : null);
      added.push({
        id: nextId.current++,
        file,
        sourceKey,
        replaces: replaces ?? null,
        phase: refusal ? 'refused' : 'queued',
        progress: null,
        result: null,
        message: refusal,
      });
    }
    publish([...kept, ...added]);
    startQueued();
  }

  function retry(id: number) {
    change(id, { phase: 'queued', message: null, result: null });
    startQueued();
  }

  return { uploads, add, retry };
}
