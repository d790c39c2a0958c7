/**
 * Imports files and folders into a knowledge base, as `parley kb import` does: each file is one document in its own
 * transaction, a file that fails is reported with the reason and the rest go on.
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Database } from '@parley/db';
import { sourceKeyUnder } from './document-url.js';
import { EmbeddingsError } from './embeddings.js';
import { importDocument, type DocumentInput, type ImportOutcome } from './import-document.js';
import { knowledgeFormatOfFileName } from '@parley/protocol';
import { DocumentFormatError, type KnowledgeFormat } from './parse-document.js';
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
  /** Runs after each file. */
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
 * Imports `files` one by one into the organization's knowledge base. Errors that are the file's fault (format,
 * encoding, no text) are collected; anything else (the database went away) is thrown.
 */
export async function importFiles(
  db: Database,
  organizationId: string,
  files: readonly FileToImport[],
  options: ImportFilesOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, failed: [], warned: [], chunks: 0 };
  let done = 0;
  for (const file of files) {
    let result: FileImportResult;
    try {
      const bytes = await readFile(file.path);
      const format = formatOfFile(file.path)!;
      const fields = { organizationId, sourceKey: file.sourceKey, baseUrl: options.baseUrl };
      // A PDF is read as bytes; every other format is UTF-8 text.
      const input: DocumentInput =
        format === 'pdf'
          ? { ...fields, format, content: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
          : { ...fields, format, content: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
      const outcome = await importDocument(db, input, { semantic: options.semantic });
      summary[outcome.status]++;
      summary.chunks += outcome.chunkCount;
      if (outcome.warnings.length > 0) summary.warned.push({ file, warnings: outcome.warnings });
      result = { file, ok: true, outcome };
    } catch (error) {
      if (error instanceof TypeError && (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
        result = { file, ok: false, reason: 'The file is not UTF-8 text.' };
      } else if (error instanceof DocumentFormatError || error instanceof EmbeddingsError) {
        result = { file, ok: false, reason: error.message };
      } else throw error;
      summary.failed.push(result);
    }
    options.onProgress?.(++done, result);
  }
  return summary;
}
