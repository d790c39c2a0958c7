/**
 * A knowledge base in memory behind the console's own API, for the knowledge base page's tests: list, chunks, delete
 * and search over a fake `fetch`, and an upload whose progress and answer each test plays by hand.
 * @module
 */
import type { ErrorCode, KnowledgeChunk, KnowledgeDocument, KnowledgeImportRequest, KnowledgeImportResult } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { createApi, type ConsoleApi, type FetchFunction, type UploadOptions } from '../api.js';

/** A document of the fake knowledge base. */
export function knowledgeDocument(overrides: Partial<KnowledgeDocument> = {}): KnowledgeDocument {
  return {
    id: 'd1',
    sourceKey: 'returns.md',
    format: 'markdown',
    title: 'Returns',
    description: null,
    url: 'https://shop.example/returns',
    chunkCount: 2,
    characterCount: 60,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...overrides,
  };
}

/** The chunks the fake server holds for `returns.md`. */
export const returnsChunks: KnowledgeChunk[] = [
  { id: 11, position: 0, headingPath: [], body: 'Return anything within 30 days.', url: null, characterCount: 32 },
  { id: 12, position: 1, headingPath: ['Exchanges', 'Sizes'], body: 'Swap a size <b>free</b>.', url: null, characterCount: 24 },
];

/** An upload the page started: what it sent, and the handles to answer it. */
export interface PendingUpload {
  request: KnowledgeImportRequest;
  options: UploadOptions;
  /** Plays an `upload.onprogress` event. */
  progress(loaded: number, total: number): void;
  /** Answers with an import result (the document added to the list), or with an error. */
  succeed(status: KnowledgeImportResult['status'], overrides?: Partial<KnowledgeImportResult>): void;
  fail(code: ErrorCode, message: string): void;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake knowledge base server and the requests the page made to it. */
export function knowledgeServer(initial: KnowledgeDocument[] = [knowledgeDocument()]) {
  const requests: Array<{ method: string; path: string }> = [];
  const uploads: PendingUpload[] = [];
  let documents = [...initial];

  const fetch: FetchFunction = async (path, init) => {
    const method = init.method ?? 'GET';
    requests.push({ method, path });
    if (method === 'GET' && path === '/api/knowledge/documents') return json(200, { documents });
    // The page's Websites section: no sites, English.
    if (method === 'GET' && path === '/api/knowledge/sources') return json(200, { sources: [] });
    if (method === 'GET' && path === '/api/knowledge/settings') {
      return json(200, { language: 'english', languages: ['english', 'simple'], documentsToReindex: 0 });
    }
    const chunksOf = /^\/api\/knowledge\/documents\/([^/]+)\/chunks$/.exec(path);
    if (method === 'GET' && chunksOf) {
      const document = documents.find((candidate) => candidate.id === chunksOf[1]);
      if (!document) return json(404, { error: { code: 'not_found', message: 'No such document.' } });
      return json(200, { document, chunks: document.sourceKey === 'returns.md' ? returnsChunks : [] });
    }
    if (method === 'DELETE') {
      documents = documents.filter((document) => !path.endsWith(`/${document.id}`));
      return new Response(null, { status: 204 });
    }
    if (path.startsWith('/api/knowledge/search')) {
      return json(200, {
        hits: [
          {
            chunkId: 12,
            documentId: 'd1',
            title: 'Returns',
            headingPath: ['Exchanges'],
            body: '<b>30 days</b>',
            url: null,
            score: 3,
            coverage: 0.75,
            similarity: null,
          },
        ],
      });
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };

  function uploadKnowledgeDocument(request: KnowledgeImportRequest, options: UploadOptions = {}): Promise<KnowledgeImportResult> {
    return new Promise((resolve, reject) => {
      uploads.push({
        request,
        options,
        progress: (loaded, total) => options.onProgress?.({ loaded, total }),
        succeed(status, overrides = {}) {
          const existing = documents.find((document) => document.sourceKey === request.sourceKey);
          const document = knowledgeDocument({
            id: existing?.id ?? `d-${request.sourceKey}`,
            sourceKey: request.sourceKey,
            title: existing?.title ?? request.sourceKey.replace(/\.\w+$/, ''),
            url: null,
            chunkCount: 3,
          });
          documents = [...documents.filter((candidate) => candidate.id !== document.id), document];
          resolve({ status, document, warnings: [], ...overrides });
        },
        fail: (code, message) => reject(new ParleyError(code, message)),
      });
    });
  }

  const api: ConsoleApi = { ...createApi({ fetch }), uploadKnowledgeDocument };
  return { api, requests, uploads };
}
