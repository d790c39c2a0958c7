/**
 * The optional semantic side of search: chunk embeddings in pgvector, next to the lexical index. It exists only when
 * embeddings are configured and the database has pgvector (PGlite ships it as an extension; on Postgres the
 * `vector` extension must be installed). Its table is made here at start-up rather than by a migration, because
 * Postgres may lack the extension and the vector length is the configured model's.
 * @module
 */
import type { Database, DbHandle, Transaction } from '@parley/db';
import { rowsOf } from '@parley/db';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { createOpenAiCompatibleEmbeddings, type EmbeddingModel } from './embeddings.js';
import { chunkInScope, isWholeBase, type KnowledgeScope } from './scope.js';

/** Chunk vectors of one embedding model, and nearest-neighbour search over them. */
export interface SemanticIndex {
  readonly embeddings: EmbeddingModel;
  /** Stores the vectors of chunks, in the import's transaction. */
  store(tx: Transaction, rows: ReadonlyArray<{ chunkId: number; organizationId: string; vector: readonly number[] }>): Promise<void>;
  /**
   * The organization's chunks nearest to `vector` by cosine distance, nearest first, with cosine similarity; with a
   * `scope`, of the documents in it only.
   */
  nearest(
    db: Database,
    organizationId: string,
    vector: readonly number[],
    limit: number,
    scope?: KnowledgeScope | null | undefined,
  ): Promise<Array<{ chunkId: number; similarity: number }>>;
  /** Called when embedding a query fails: search then serves lexical results alone. */
  onSearchError(error: unknown): void;
}

/** Why semantic search is off although embeddings are configured. */
export class SemanticIndexUnavailable extends Error {
  override readonly name = 'SemanticIndexUnavailable';
}

// Any constant works; it only has to be the same in every Parley process.
const SETUP_LOCK_ID = 7_161_757_114;

const vectorLiteral = (vector: readonly number[]) => `[${vector.join(',')}]`;

/**
 * Prepares pgvector and the embeddings table for `embeddings`, and returns the index. Throws
 * {@link SemanticIndexUnavailable} when the database has no pgvector, or holds vectors of another length.
 */
export async function openSemanticIndex(
  handle: Pick<DbHandle, 'db'>,
  embeddings: EmbeddingModel,
  onSearchError: (error: unknown) => void,
): Promise<SemanticIndex> {
  const dimensions = embeddings.dimensions;
  await handle.db.transaction(async (tx) => {
    // Several processes may start at once: one creates, the others wait and find it made.
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_ID})`);
    try {
      await tx.execute(sql`create extension if not exists vector`);
    } catch (cause) {
      throw new SemanticIndexUnavailable(`pgvector is not available in this database (${(cause as Error).message}).`, { cause });
    }
    await tx.execute(sql`
      create table if not exists knowledge_embeddings (
        chunk_id bigint primary key references knowledge_chunks (id) on delete cascade,
        organization_id uuid not null references organizations (id) on delete cascade,
        model text not null,
        embedding vector(${sql.raw(String(Math.trunc(dimensions)))}) not null
      )`);
    await tx.execute(
      sql`create index if not exists knowledge_embeddings_hnsw_idx on knowledge_embeddings using hnsw (embedding vector_cosine_ops)`,
    );
    const [column] = rowsOf<{ dimensions: number }>(
      await tx.execute(
        sql`select atttypmod as dimensions from pg_attribute where attrelid = 'knowledge_embeddings'::regclass and attname = 'embedding'`,
      ),
    );
    if (Number(column?.dimensions) !== dimensions) {
      throw new SemanticIndexUnavailable(
        `knowledge_embeddings holds ${column?.dimensions}-dimension vectors, but PARLEY_EMBEDDINGS_DIMENSIONS is ${dimensions}. ` +
          'Drop the table (and re-import) to switch models.',
      );
    }
  });

  return {
    embeddings,
    onSearchError,
    async store(tx, rows) {
      // In batches: one statement takes at most 65,535 parameters.
      for (let start = 0; start < rows.length; start += 1000) {
        const values = rows
          .slice(start, start + 1000)
          .map((row) => sql`(${row.chunkId}, ${row.organizationId}::uuid, ${embeddings.model}, ${vectorLiteral(row.vector)}::vector)`);
        await tx.execute(sql`
          insert into knowledge_embeddings (chunk_id, organization_id, model, embedding) values ${sql.join(values, sql`, `)}
          on conflict (chunk_id) do update set model = excluded.model, embedding = excluded.embedding`);
      }
    },
    async nearest(db, organizationId, vector, limit, scope) {
      const literal = vectorLiteral(vector);
      // An HNSW scan filters the neighbours it found: a narrow scope can get fewer than `limit` of them, which the
      // lexical side of a hybrid search makes up for.
      const inScope = isWholeBase(scope) ? sql`` : sql` and ${chunkInScope(sql`chunk_id`, organizationId, scope)}`;
      const result = await db.execute(sql`
        select chunk_id, 1 - (embedding <=> ${literal}::vector) as similarity
        from knowledge_embeddings
        where organization_id = ${organizationId} and model = ${embeddings.model}${inScope}
        order by embedding <=> ${literal}::vector
        limit ${limit}`);
      return rowsOf<{ chunk_id: string | number; similarity: string | number }>(result).map((row) => ({
        chunkId: Number(row.chunk_id),
        similarity: Number(row.similarity),
      }));
    },
  };
}

/**
 * The semantic index for the configured embeddings, or null: when none are configured, or when the database can't
 * hold vectors (then a warning says why, and lexical search serves alone).
 */
export async function semanticIndexFromConfig(
  handle: Pick<DbHandle, 'db'>,
  config: Config['embeddings'],
  log: { warn(object: unknown, message?: string): void },
): Promise<SemanticIndex | null> {
  if (!config) return null;
  const embeddings = createOpenAiCompatibleEmbeddings({
    baseUrl: config.url,
    model: config.model,
    dimensions: config.dimensions,
    apiKey: config.apiKey,
  });
  try {
    return await openSemanticIndex(handle, embeddings, (error) =>
      log.warn({ err: error }, 'could not embed a search query; lexical results only'),
    );
  } catch (error) {
    if (!(error instanceof SemanticIndexUnavailable)) throw error;
    log.warn({ reason: error.message }, `${error.message} Semantic search is off; lexical search serves alone.`);
    return null;
  }
}

/** How many chunks {@link embedMissingChunks} embeds per request and transaction. */
const BACKFILL_BATCH = 64;

/**
 * Embeds the organization's chunks that have no vector of the index's model yet: documents imported before
 * embeddings were turned on, or under another model. Returns how many it embedded; `onProgress` gets the running count.
 */
export async function embedMissingChunks(
  db: Database,
  organizationId: string,
  semantic: SemanticIndex,
  onProgress: (embedded: number) => void = () => {},
): Promise<number> {
  let embedded = 0;
  for (;;) {
    const rows = rowsOf<{ id: string | number; title: string; about: string; section: string; body: string }>(
      await db.execute(sql`
        select c.id, c.title, c.about, c.section, c.body from knowledge_chunks c
        where c.organization_id = ${organizationId}
          and not exists (select 1 from knowledge_embeddings e where e.chunk_id = c.id and e.model = ${semantic.embeddings.model})
        order by c.id
        limit ${BACKFILL_BATCH}`),
    );
    if (rows.length === 0) return embedded;
    // The same text as an import embeds: title, what the document is about, section, body.
    const vectors = await semantic.embeddings.embed(
      rows.map((row) => [row.title, row.about, row.section, row.body].filter(Boolean).join('\n')),
    );
    await db.transaction((tx) =>
      semantic.store(
        tx,
        rows.map((row, index) => ({ chunkId: Number(row.id), organizationId, vector: vectors[index]! })),
      ),
    );
    embedded += rows.length;
    onProgress(embedded);
  }
}
