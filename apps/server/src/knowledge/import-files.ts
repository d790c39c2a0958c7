/**
 * Imports files and folders into a knowledge base, as `parley kb import` does: each file is one document, imported in
 * batches of files (one transaction each); a file that fails is reported with the reason and the rest go on.
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Database } from '@parley/db';
import { sourceKeyUnder } from './document-url.js';
import { prepareDocuments, writeDocuments, type DocumentInput, type ImportOutcome } from './import-document.js';
import { knowledgeFormatOfFileName } from '@parley/protocol';
import type { KnowledgeFormat } from './parse-document.js';
import type { SemanticIndex } from './semantic-index.js';

/** The format a file is imported as, by its extension; undefined for other files. */
export function formatOfFile(path: string): KnowledgeFormat | undefined {
  return knowledgeFormatOfFileName(basename(path));
}

/** A file to import: where it is, and the key that names its document. */
export interface FileToImport {
  path: string;
  /** The path relative to the folder given on the command line (a lone file: its name), with `/` separators. */
  sourceKey: string;
}

/** Lists the importable files under `paths` (files or folders, recursively; hidden entries are skipped). */
export async function collectFiles(paths: readonly string[]): Promise<{ files: FileToImport[]; skipped: string[] }> {
  const files: FileToImport[] = [];
  const skipped: string[] = [];
  const visit = async (path: string, root: string | null) => {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (!entry.name.startsWith('.')) await visit(join(path, entry.name), root ?? path);
      }
      return;
    }
    if (!formatOfFile(path)) {
      skipped.push(path);
      return;
    }
    files.push({ path, sourceKey: root ? relative(root, path).split(sep).join('/') : basename(path) });
  };
  for (const path of paths) await visit(path, null);
  return { files, skipped };
}

/** The result of importing one file. */
export type FileImportResult = { file: FileToImport; ok: true; outcome: ImportOutcome } | { file: FileToImport; ok: false; reason: string };

/**
 * The URL of a file's document under `baseUrl` when the document has no address or slug of its own (see
 * `documentUrl`): `returns.md` under `https://help.example.com/` is `https://help.example.com/returns`.
 */
export function urlUnder(baseUrl: string, file: FileToImport): string {
  return sourceKeyUnder(baseUrl, file.sourceKey, { keepExtension: formatOfFile(file.path) === 'pdf' });
}

/** Options of {@link importFiles}. */
export interface ImportFilesOptions {
  /**
   * Gives each document a URL under this address: its front matter slug, else its path (see `documentUrl`); a URL of
   * the document's own (front matter `url`, HTML canonical link) wins. Citations link to it.
   */
  baseUrl?: string | undefined;
  /** Runs after each file, in order (a batch's files once the batch is written). */
  onProgress?: (done: number, result: FileImportResult) => void;
  /** Embeds each document's chunks too (semantic search). */
  semantic?: SemanticIndex | null | undefined;
}

/** Counts of {@link importFiles}. */
export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: FileImportResult[];
  /** The files imported with warnings (dropped macros, unreadable front matter), with them. */
  warned: Array<{ file: FileToImport; warnings: string[] }>;
  chunks: number;
}

/**
 * Files per batch, and bytes: a batch is parsed whole, then written in one transaction. 64 articles of a help centre
 * (a few hundred chunks) amortize the statements' fixed costs; more gains little and holds more in memory.
 */
const BATCH_FILES = 64;
const BATCH_BYTES = 8 * 1024 * 1024;

/** A file read for its batch: its document, or why it can't be one. */
type ReadFile = { file: FileToImport; input: DocumentInput } | { file: FileToImport; reason: string };

/** Reads a file as its format's input; a file that isn't UTF-8 text gets its reason. */
async function readInput(organizationId: string, file: FileToImport, baseUrl: string | undefined): Promise<ReadFile> {
  const bytes = await readFile(file.path);
  const format = formatOfFile(file.path)!;
  const fields = { organizationId, sourceKey: file.sourceKey, baseUrl };
  // A PDF is read as bytes; every other format is UTF-8 text.
  if (format === 'pdf')
    return { file, input: { ...fields, format, content: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) } };
  try {
    return { file, input: { ...fields, format, content: new TextDecoder('utf-8', { fatal: true }).decode(bytes) } };
  } catch (error) {
    if (error instanceof TypeError && (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      return { file, reason: 'The file is not UTF-8 text.' };
    }
    throw error;
  }
}

/**
 * Imports `files` into the organization's knowledge base, in batches (`importDocuments`: parsed first, then written
 * in one transaction each). A file that fails for its own reasons (format, encoding, no text, the embeddings service)
 * is reported with the reason and nothing of it is written; the rest go on. Anything else (the database went away) is
 * thrown. While a batch is written, the next one is read and parsed: on Postgres the database works in another
 * process meanwhile.
 */
export async function importFiles(
  db: Database,
  organizationId: string,
  files: readonly FileToImport[],
  options: ImportFilesOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, failed: [], warned: [], chunks: 0 };
  let done = 0;
  const report = (result: FileImportResult) => {
    if (result.ok) {
      summary[result.outcome.status]++;
      summary.chunks += result.outcome.chunkCount;
      if (result.outcome.warnings.length > 0) summary.warned.push({ file: result.file, warnings: result.outcome.warnings });
    } else summary.failed.push(result);
    options.onProgress?.(++done, result);
  };
  // The batch being written; awaited before the next one is written, so that batches commit in order.
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let start = 0; start < files.length;) {
      const batch: ReadFile[] = [];
      let bytes = 0;
      while (start < files.length && batch.length < BATCH_FILES && bytes < BATCH_BYTES) {
        const read = await readInput(organizationId, files[start++]!, options.baseUrl);
        if ('input' in read) bytes += read.input.content.length;
        batch.push(read);
      }
      const readable = batch.filter((read) => 'input' in read);
      const prepared = await prepareDocuments(
        db,
        readable.map((read) => read.input),
        { semantic: options.semantic },
      );
      await writing;
      writing = writeDocuments(db, prepared).then((results) => {
        // The results are the readable files', in order.
        let next = 0;
        for (const read of batch) {
          if (!('input' in read)) {
            report({ file: read.file, ok: false, reason: read.reason });
            continue;
          }
          const result = results[next++]!;
          if (result.ok) report({ file: read.file, ok: true, outcome: result.outcome });
          else report({ file: read.file, ok: false, reason: result.error.message });
        }
      });
      // Awaited in the next round or below; this only keeps a failure from counting as unhandled meanwhile.
      writing.catch(() => {});
    }
  } catch (error) {
    await writing.catch(() => {});
    throw error;
  }
  await writing;
  return summary;
}
