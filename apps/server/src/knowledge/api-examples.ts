/**
 * Examples of the knowledge base's bodies and answers (documents, search, website sources, language), shown in the API
 * reference (`config.example`); openapi.test.ts checks each against its route's schema. The knowledge base is Acme
 * Outdoor's help center.
 * @module
 */
import type {
  KnowledgeChunk,
  KnowledgeDocument,
  KnowledgeDocumentChunks,
  KnowledgeDocumentList,
  KnowledgeHit,
  KnowledgeImportRequest,
  KnowledgeImportResult,
  KnowledgeSearchResult,
  KnowledgeSettings,
  KnowledgeSettingsPatch,
  KnowledgeSource,
  KnowledgeSourceCreate,
  KnowledgeSourceList,
  KnowledgeSourceUpdate,
} from '@parley/protocol';

const cleaningBody =
  'Shake out dirt and sand after every trip. Wash the fly and the inner tent by hand in lukewarm water with a mild, ' +
  'non-detergent soap; never put a tent in a washing machine or a dryer.';
const dryingBody =
  'Pitch the tent or hang it up until it is completely dry before you pack it away: a tent stored damp grows mildew ' +
  'within days. Store it loosely in a cool, dry place, not in its compression sack.';

/** A chunk of the tent-care guide. */
export const knowledgeChunkExample = {
  id: 18_343,
  position: 1,
  headingPath: ['Caring for your tent', 'Drying and storage'],
  body: dryingBody,
  url: null,
  page: null,
  characterCount: dryingBody.length,
} satisfies KnowledgeChunk;

const cleaningChunk = {
  id: 18_342,
  position: 0,
  headingPath: ['Caring for your tent', 'Cleaning'],
  body: cleaningBody,
  url: null,
  page: null,
  characterCount: cleaningBody.length,
} satisfies KnowledgeChunk;

/** The tent-care guide, imported from Markdown. */
export const knowledgeDocumentExample = {
  id: '4c9e2a7f-5b1d-4e8c-a3f6-7d0b9e1c2a58',
  sourceKey: 'care/tent-care.md',
  format: 'markdown',
  title: 'Caring for your tent',
  description: 'How to clean, dry and store your Acme Outdoor tent so that it lasts for years.',
  tags: ['tents', 'care'],
  url: 'https://help.acme-outdoor.example/care/tent-care',
  chunkCount: 2,
  characterCount: cleaningChunk.characterCount + knowledgeChunkExample.characterCount,
  createdAt: '2026-10-12T08:15:42.000Z',
  updatedAt: '2026-11-02T14:03:11.000Z',
} satisfies KnowledgeDocument;

/**
 * Body of `POST /api/knowledge/documents`: a Markdown file, its title, description and a tag in its front matter, and
 * a tag given with it (given tags come first).
 */
export const knowledgeImportExample = {
  sourceKey: knowledgeDocumentExample.sourceKey,
  format: 'markdown',
  url: knowledgeDocumentExample.url,
  tags: ['tents'],
  content: [
    '---',
    `title: ${knowledgeDocumentExample.title}`,
    `description: ${knowledgeDocumentExample.description}`,
    'tags: [care]',
    '---',
    '',
    `# ${knowledgeDocumentExample.title}`,
    '',
    '## Cleaning',
    '',
    cleaningBody,
    '',
    '## Drying and storage',
    '',
    dryingBody,
    '',
  ].join('\n'),
} satisfies KnowledgeImportRequest;

/** Answer of `POST /api/knowledge/documents`. */
export const knowledgeImportResultExample = {
  status: 'updated',
  document: knowledgeDocumentExample,
  warnings: [],
} satisfies KnowledgeImportResult;

/** Answer of `GET /api/knowledge/documents`: every document, by title. */
export const knowledgeDocumentListExample = {
  documents: [
    knowledgeDocumentExample,
    {
      id: 'a8f3d1b6-0c7e-4a9d-8b2f-3e6c5a1d9f70',
      sourceKey: 'legal/warranty-terms.pdf',
      format: 'pdf',
      title: 'Warranty terms',
      description: null,
      tags: ['warranty'],
      url: 'https://www.acme-outdoor.example/legal/warranty-terms.pdf',
      chunkCount: 9,
      characterCount: 14_212,
      createdAt: '2026-08-03T12:00:09.000Z',
      updatedAt: '2026-08-03T12:00:09.000Z',
    },
  ],
} satisfies KnowledgeDocumentList;

/** Answer of `GET /api/knowledge/documents/:documentId/chunks`. */
export const knowledgeDocumentChunksExample = {
  document: knowledgeDocumentExample,
  chunks: [cleaningChunk, knowledgeChunkExample],
} satisfies KnowledgeDocumentChunks;

/** A passage found for "how do I dry my tent". */
export const knowledgeHitExample = {
  chunkId: knowledgeChunkExample.id,
  documentId: knowledgeDocumentExample.id,
  title: knowledgeDocumentExample.title,
  headingPath: knowledgeChunkExample.headingPath,
  body: knowledgeChunkExample.body,
  url: knowledgeDocumentExample.url,
  page: null,
  score: 7.42,
  coverage: 0.83,
  similarity: 0.71,
} satisfies KnowledgeHit;

/** Answer of `GET /api/knowledge/search?q=how+do+I+dry+my+tent`. */
export const knowledgeSearchResultExample = { hits: [knowledgeHitExample] } satisfies KnowledgeSearchResult;

/** The help center, crawled daily; its last sync went through. */
export const knowledgeSourceExample = {
  id: '6b2f8d4a-1c9e-4f7b-b5d3-8a0e2c6f4b91',
  kind: 'website',
  url: 'https://help.acme-outdoor.example/',
  maxPages: 500,
  maxDepth: 5,
  resyncHours: 24,
  status: 'ok',
  lastSyncedAt: '2026-11-02T03:04:37.000Z',
  lastError: null,
  lastCounts: { added: 3, updated: 12, unchanged: 131, removed: 1, failed: 0, skipped: 4, stoppedBy: null },
  documentCount: 146,
  nextSyncAt: '2026-11-03T03:04:37.000Z',
  createdAt: '2026-06-18T09:30:00.000Z',
} satisfies KnowledgeSource;

/** Answer of `GET /api/knowledge/sources`: every source, by address. */
export const knowledgeSourceListExample = { sources: [knowledgeSourceExample] } satisfies KnowledgeSourceList;

/** Body of `POST /api/knowledge/sources`: crawl the help center, again every day. */
export const knowledgeSourceCreateExample = {
  url: knowledgeSourceExample.url,
  kind: knowledgeSourceExample.kind,
  maxPages: knowledgeSourceExample.maxPages,
  resyncHours: knowledgeSourceExample.resyncHours,
} satisfies KnowledgeSourceCreate;

/** Answer of `POST /api/knowledge/sources`: the new source, its first sync due. */
export const knowledgeSourceCreatedExample = {
  ...knowledgeSourceExample,
  status: 'pending',
  lastSyncedAt: null,
  lastCounts: null,
  documentCount: 0,
  nextSyncAt: knowledgeSourceExample.createdAt,
} satisfies KnowledgeSource;

/** Answer of `POST /api/knowledge/sources/:sourceId/sync`: a sync due now. */
export const knowledgeSourceSyncExample = {
  ...knowledgeSourceExample,
  status: 'pending',
  nextSyncAt: '2026-11-02T14:03:11.000Z',
} satisfies KnowledgeSource;

/** Body of `PATCH /api/knowledge/sources/:sourceId`: sync twice a day. */
export const knowledgeSourceUpdateExample = { resyncHours: 12 } satisfies KnowledgeSourceUpdate;

/** Answer of `PATCH /api/knowledge/sources/:sourceId`. */
export const knowledgeSourceUpdatedExample = {
  ...knowledgeSourceExample,
  ...knowledgeSourceUpdateExample,
  nextSyncAt: '2026-11-02T15:04:37.000Z',
} satisfies KnowledgeSource;

/** Answer of `GET /api/knowledge/settings`: English, every document indexed in it. */
export const knowledgeSettingsExample = {
  language: 'english',
  languages: [
    'arabic',
    'armenian',
    'basque',
    'catalan',
    'danish',
    'dutch',
    'english',
    'finnish',
    'french',
    'german',
    'greek',
    'hindi',
    'hungarian',
    'indonesian',
    'irish',
    'italian',
    'lithuanian',
    'nepali',
    'norwegian',
    'portuguese',
    'romanian',
    'russian',
    'serbian',
    'simple',
    'spanish',
    'swedish',
    'tamil',
    'turkish',
    'yiddish',
  ],
  documentsToReindex: 0,
} satisfies KnowledgeSettings;

/** Body of `PATCH /api/knowledge/settings`. */
export const knowledgeSettingsPatchExample = { language: 'german' } satisfies KnowledgeSettingsPatch;

/** Answer of `PATCH /api/knowledge/settings`: the documents are re-indexed in German in the background. */
export const knowledgeSettingsChangedExample = {
  ...knowledgeSettingsExample,
  ...knowledgeSettingsPatchExample,
  documentsToReindex: 148,
} satisfies KnowledgeSettings;
