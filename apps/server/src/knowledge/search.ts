/**
 * Lexical search over an organization's knowledge base: BM25 computed in SQL from Parley's own inverted index, with
 * the organization's text-search language, typo tolerance through pg_trgm, and a bounded read of each query term's
 * postings so that common words cannot make a query slow. The same SQL runs on PGlite and on Postgres. The design and
 * its measurements are in docs/knowledge.md.
 * @module
 */
import { organizations, rowsOf, type Database } from '@parley/db';
import { eq, sql } from 'drizzle-orm';
import { BM25 } from './bm25.js';
import { DEFAULT_PASSAGES_PER_DOCUMENT, diversifyByDocument } from './diversify.js';
import { pageUrl } from './document-url.js';
import { reciprocalRankFusion } from './rank-fusion.js';
import { chunkInScope, isWholeBase, type KnowledgeScope } from './scope.js';
import type { SemanticIndex } from './semantic-index.js';
import { correctableWords, typoCandidates } from './typos.js';

/** A passage found by {@link searchKnowledge}. */
export interface KnowledgeHit {
  chunkId: number;
  documentId: string;
  /** The document's `sourceKey`: a file path or an API caller's key. */
  sourceKey: string;
  title: string;
  headingPath: string[];
  body: string;
  /** The passage's own URL, else its document's (for a PDF with `#page=N`); null when neither has one. */
  url: string | null;
  /** The page of a PDF the passage is on, from 1; null for other formats. */
  page: number | null;
  /** BM25 score, comparable within one query only; 0 for a passage found by semantic search alone. */
  score: number;
  /**
   * The share (0–1) of the query's weight (the sum of its words' IDF) that this passage contains: 1 when every query
   * word is in it. Unlike the score it can be compared across queries, so thresholds use it.
   */
  coverage: number;
  /** Cosine similarity to the query (−1–1) when semantic search found the passage; null otherwise. */
  similarity: number | null;
}

/** Options of {@link searchKnowledge}. */
export interface SearchOptions {
  organizationId: string;
  query: string;
  /** How many passages to return. */
  limit?: number;
  /**
   * How many postings of the query's rarest term are read, best first by their indexed weight; a commoner term gets
   * a share in proportion to its IDF (at least 100). Terms with fewer postings are read whole; a common term, which
   * adds little to any score, contributes its strongest chunks only. This bounds a query's cost on a large base.
   */
  postingsPerTerm?: number;
  /** With a semantic index, lexical and nearest-neighbour results are fused (reciprocal rank fusion). */
  semantic?: SemanticIndex | null | undefined;
  /**
   * How many passages of one document come before other documents' next-best passages (see
   * {@link diversifyByDocument}): the bot sees the best few documents rather than several chunks of one. Default 1.
   */
  passagesPerDocument?: number;
  /**
   * The part of the base to search (a bot profile's knowledge scope): passages of other documents are never returned,
   * and the limits above count in-scope passages only. None, or both lists empty: the whole base.
   */
  scope?: KnowledgeScope | null | undefined;
}

/** How many passages a search returns unless told otherwise. */
export const DEFAULT_SEARCH_LIMIT = 5;
/** See {@link SearchOptions.postingsPerTerm}; measured in bench/knowledge-search.mjs. */
export const DEFAULT_POSTINGS_PER_TERM = 2000;
/** However common a query term, its best postings up to this many are read. */
const MIN_POSTINGS_PER_TERM = 100;
/** Query words are read up to this many characters; a search request is a question, not a document. */
const MAX_QUERY_CHARACTERS = 2000;
/**
 * A query word that may be misspelt ({@link typoCandidates}: no dictionary of the language knows it) and that the
 * base doesn't have as written stands for the closest word of the base, as written, within TYPO_MAX_EDITS edits
 * (Levenshtein; a swap of two letters counts two), and so for that word's lexeme.
 */
const TYPO_MAX_EDITS = 2;
/**
 * Field boosts. A help center names an article and its sections after what they answer, so a query word in the
 * document's title or in the chunk's heading path is a strong signal on top of BM25 over the whole chunk (where the
 * title and headings already count once, like any word). Each query term found in the field adds this share of its
 * IDF (times its repeats and typo weight); for comparison, BM25 gives a term at most (k1 + 1) = 1.9 × IDF. A field is
 * short, so a match counts once however often the word occurs in it (BM25F with a saturation of one). Chosen on the
 * help-center development set, where anything from 0.3 to 0.6 for either field does about as well (nDCG@10
 * 0.77–0.79); SciFact, whose abstracts have titles, prefers the title's at 0.4 or under (docs/knowledge.md).
 */
export const TITLE_MATCH_WEIGHT = 0.4;
/** See {@link TITLE_MATCH_WEIGHT}: the chunk's heading path (section), outermost heading first. */
export const SECTION_MATCH_WEIGHT = 0.4;
/**
 * The field boosts re-rank this many of BM25's best passages (or the requested number, if more): a passage below them
 * would need a field match on most query words to climb that far, and reading fields is a cost per candidate.
 */
const RESCORE_CANDIDATES = 100;

interface HitRow {
  chunk_id: string | number;
  document_id: string;
  source_key: string;
  title: string;
  // Both drivers parse text[] into an array.
  heading_path: string[];
  body: string;
  url: string | null;
  page: number | null;
  score: number | string;
  coverage: number | string;
}

/** A text[] literal of `values`, one parameter each. */
const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

/** How deep each list goes into reciprocal rank fusion. */
const FUSION_DEPTH = 30;

/**
 * Searches the organization's knowledge base; returns the best passages first, or none when nothing matches. With a
 * semantic index, lexical and semantic results are fused; if the query can't be embedded, lexical results serve.
 * Results are diversified by document ({@link SearchOptions.passagesPerDocument}).
 */
export async function searchKnowledge(db: Database, options: SearchOptions): Promise<KnowledgeHit[]> {
  if (!options.query.trim()) return [];
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const hits = options.semantic ? await hybridSearch(db, options, options.semantic) : await lexicalSearch(db, options);
  return diversifyByDocument(hits, options.passagesPerDocument ?? DEFAULT_PASSAGES_PER_DOCUMENT).slice(0, limit);
}

async function hybridSearch(db: Database, options: SearchOptions, semantic: SemanticIndex): Promise<KnowledgeHit[]> {
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const depth = Math.max(limit, FUSION_DEPTH);
  // Fused in score order; the fused list is diversified.
  const lexical = await lexicalSearch(db, { ...options, limit: depth, passagesPerDocument: depth });
  let vector: number[] | undefined;
  try {
    [vector] = await semantic.embeddings.embed([options.query.slice(0, MAX_QUERY_CHARACTERS)]);
  } catch (error) {
    semantic.onSearchError(error);
    return lexical;
  }
  const nearest = await semantic.nearest(db, options.organizationId, vector!, depth, options.scope);
  // Deeper than `limit`: searchKnowledge diversifies the fused list by document before cutting it.
  const fused = reciprocalRankFusion([lexical.map((hit) => hit.chunkId), nearest.map((hit) => hit.chunkId)]).slice(0, depth);
  const hits = new Map(lexical.map((hit) => [hit.chunkId, hit]));
  const missing = fused.filter((chunkId) => !hits.has(chunkId));
  if (missing.length > 0) for (const hit of await passagesById(db, missing)) hits.set(hit.chunkId, hit);
  const similarity = new Map(nearest.map((hit) => [hit.chunkId, hit.similarity]));
  return fused.flatMap((chunkId) => {
    const hit = hits.get(chunkId);
    return hit ? [{ ...hit, similarity: similarity.get(chunkId) ?? null }] : [];
  });
}

/** Passages found by semantic search alone: no BM25 score, no lexical coverage. */
async function passagesById(db: Database, chunkIds: readonly number[]): Promise<KnowledgeHit[]> {
  const result = await db.execute(sql`
    select c.id as chunk_id, c.document_id, d.source_key, c.title, c.heading_path, c.body, coalesce(c.url, d.url) as url, c.page,
           0 as score, 0 as coverage
    from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
    where c.id in (${sql.join(
      chunkIds.map((id) => sql`${id}`),
      sql`, `,
    )})`);
  return rowsOf<HitRow>(result).map(hitOf);
}

function hitOf(row: HitRow): KnowledgeHit {
  return {
    chunkId: Number(row.chunk_id),
    documentId: row.document_id,
    sourceKey: row.source_key,
    title: row.title,
    headingPath: row.heading_path,
    body: row.body,
    url: pageUrl(row.url, row.page),
    page: row.page,
    score: Number(row.score),
    coverage: Number(row.coverage),
    similarity: null,
  };
}

async function lexicalSearch(db: Database, options: SearchOptions): Promise<KnowledgeHit[]> {
  const query = options.query.slice(0, MAX_QUERY_CHARACTERS);
  let typoWords: string[] = [];
  if (correctableWords(query).length > 0) {
    const [organization] = await db
      .select({ language: organizations.knowledgeLanguage })
      .from(organizations)
      .where(eq(organizations.id, options.organizationId));
    if (organization) typoWords = await typoCandidates(query, organization.language);
  }
  return rowsOf<HitRow>(await db.execute(searchSql({ ...options, query }, typoWords))).map(hitOf);
}

/**
 * The lexical statement behind {@link searchKnowledge}: BM25's best passages (at least {@link RESCORE_CANDIDATES}),
 * re-ranked with the field boosts and diversified by document: the best `limit`.
 */
function searchSql(options: SearchOptions, typoWords: readonly string[]) {
  const query = options.query;
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const postingsPerTerm = options.postingsPerTerm ?? DEFAULT_POSTINGS_PER_TERM;
  const perDocument = Math.max(1, Math.floor(options.passagesPerDocument ?? DEFAULT_PASSAGES_PER_DOCUMENT));
  const { k1, b } = BM25;
  const organizationId = options.organizationId;
  // Out-of-scope chunks are skipped while each term's postings are read, so that the postings budget and the
  // candidates are spent on passages the search may return. The whole base adds nothing: its statement is unchanged.
  const inScope = isWholeBase(options.scope) ? sql`` : sql` and ${chunkInScope(sql`chunk_id`, organizationId, options.scope)}`;

  // query_words: the query's lexemes (with repeats) in the organization's language.
  // candidates, corrections: each possibly misspelt word the base doesn't have as written, and the closest word it has
  //   (surface forms), weighted down by how far it is. Candidates: similar words by trigrams (`%`, GIN index: catches
  //   most slips in long words), and the word with one letter dropped or two neighbours swapped (exact lookups:
  //   catches slips in short words, which share too few trigrams).
  // known: each query lexeme's vocabulary entry, or for an unknown one the lexeme of its correction.
  // weighted: IDF per term. total: the query's weight, which coverage is a share of; a word found nowhere counts in it
  //   with the mean IDF of the query's known words (a name, a slip no word of the base is near, or a topic the base
  //   lacks: nothing says which), so one unknown word doesn't sink a question the base answers.
  // scored: BM25 over the whole chunk (title, about, heading path, body), its best candidates only; in scope only.
  // fields, rescored: the field boosts, from the candidates' title and heading path in their own language.
  // diversified: each document's best passages first (diversifyByDocument, in SQL so that only `limit` rows are read).
  return sql`
    with stats as (
      select greatest(chunk_count, 1)::float8 as n, greatest(token_count::float8 / nullif(chunk_count, 0), 1) as average_length
      from knowledge_stats where organization_id = ${organizationId}
    ),
    query_words as (
      select v.lexeme, coalesce(array_length(v.positions, 1), 1) as repeats
      from organizations o, unnest(to_tsvector(o.knowledge_language::regconfig, ${query})) v
      where o.id = ${organizationId}
    ),
    -- candidates: the query's words that no dictionary knows (typoCandidates) and the base doesn't have as written.
    candidates as (
      select c.word, (tsvector_to_array(to_tsvector(o.knowledge_language::regconfig, c.word)))[1] as lexeme
      from unnest(${textArray(typoWords)}) c(word), organizations o
      where o.id = ${organizationId}
        and not exists (
          select 1 from knowledge_words k
          join knowledge_terms t on t.organization_id = k.organization_id and t.lexeme = k.lexeme and t.document_frequency > 0
          where k.organization_id = ${organizationId} and k.word = c.word
        )
    ),
    corrections as (
      select c.lexeme as misspelt, f.lexeme, f.closeness
      from candidates c
      cross join lateral (
        select k.lexeme, 1 - levenshtein(k.word, c.word)::float8 / greatest(length(k.word), length(c.word)) as closeness
        from knowledge_words k
        join knowledge_terms t on t.organization_id = k.organization_id and t.lexeme = k.lexeme and t.document_frequency > 0
        where k.organization_id = ${organizationId}
          and (k.word % c.word or k.word = any(array(
            select left(c.word, i - 1) || substr(c.word, i + 1) from generate_series(1, length(c.word)) i
            union all
            select left(c.word, i - 1) || substr(c.word, i + 1, 1) || substr(c.word, i, 1) || substr(c.word, i + 2)
            from generate_series(1, length(c.word) - 1) i
          )))
          and levenshtein(k.word, c.word) <= ${TYPO_MAX_EDITS}
        order by levenshtein(k.word, c.word), t.document_frequency desc
        limit 1
      ) f
      where c.lexeme is not null
    ),
    known as (
      select w.lexeme, w.repeats, coalesce(exact.id, fuzzy.id) as term_id, coalesce(exact.lexeme, fuzzy.lexeme) as term,
             coalesce(exact.document_frequency, fuzzy.document_frequency) as document_frequency,
             case when exact.id is not null then 1 else coalesce(fuzzy.closeness, 0) end as weight
      from query_words w
      left join lateral (
        select t.id, t.lexeme, t.document_frequency from knowledge_terms t
        where t.organization_id = ${organizationId} and t.lexeme = w.lexeme and t.document_frequency > 0
      ) exact on true
      left join lateral (
        select t.id, t.lexeme, t.document_frequency, c.closeness
        from corrections c join knowledge_terms t on t.organization_id = ${organizationId} and t.lexeme = c.lexeme
        where exact.id is null and c.misspelt = w.lexeme
        order by c.closeness desc, t.document_frequency desc
        limit 1
      ) fuzzy on true
    ),
    weighted as (
      select k.term_id, k.term, k.repeats, k.repeats * k.weight as boost,
             ln(1 + (s.n - coalesce(k.document_frequency, 0) + 0.5) / (coalesce(k.document_frequency, 0) + 0.5)) as idf
      from known k cross join stats s
    ),
    budgeted as (
      select w.*, greatest(${MIN_POSTINGS_PER_TERM}, ceil(${postingsPerTerm} * w.idf / max(w.idf) filter (where w.term_id is not null) over ()))::int as postings
      from weighted w
    ),
    total as (
      select sum(case when term_id is null then coalesce(known_idf, idf) else idf end * repeats) as weight
      from weighted, (select avg(idf) as known_idf from weighted where term_id is not null) known
    ),
    scored as (
      select p.chunk_id,
             sum(w.boost * w.idf * p.term_frequency * (${k1}::float8 + 1)
                 / (p.term_frequency + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * p.chunk_length / s.average_length))) as score,
             sum(w.boost * w.idf) as matched
      from budgeted w
      cross join stats s
      cross join lateral (
        select chunk_id, term_frequency, chunk_length from knowledge_postings
        where term_id = w.term_id${inScope}
        order by impact_tier desc nulls last, chunk_id
        limit w.postings
      ) p
      where w.term_id is not null and w.boost > 0
      group by p.chunk_id
      order by score desc
      limit ${Math.max(limit, RESCORE_CANDIDATES)}
    ),
    -- Materialized: each candidate's fields are read once, not once per query term.
    fields as materialized (
      select s.chunk_id, c.document_id, s.score, s.matched,
             tsvector_to_array(to_tsvector(c.language, c.title)) as title_terms,
             tsvector_to_array(to_tsvector(c.language, c.section)) as section_terms
      from scored s join knowledge_chunks c on c.id = s.chunk_id
    ),
    rescored as (
      select f.chunk_id, f.document_id, f.matched,
             f.score + coalesce(sum(w.boost * w.idf * (${TITLE_MATCH_WEIGHT}::float8 * (w.term = any(f.title_terms))::int
                                                      + ${SECTION_MATCH_WEIGHT}::float8 * (w.term = any(f.section_terms))::int)), 0) as score
      from fields f
      left join weighted w on w.term_id is not null and w.boost > 0
      group by f.chunk_id, f.document_id, f.matched, f.score
    ),
    diversified as (
      select r.*, row_number() over (partition by r.document_id order by r.score desc, r.chunk_id) > ${perDocument} as later
      from rescored r
      order by later, r.score desc, r.chunk_id
      limit ${limit}
    )
    select c.id as chunk_id, c.document_id, d.source_key, c.title, c.heading_path, c.body, coalesce(c.url, d.url) as url, c.page,
           diversified.score, least(diversified.matched / nullif(total.weight, 0), 1) as coverage
    from diversified
    join knowledge_chunks c on c.id = diversified.chunk_id
    join knowledge_documents d on d.id = c.document_id
    cross join total
    order by diversified.later, diversified.score desc, c.id`;
}
