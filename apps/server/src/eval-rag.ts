#!/usr/bin/env node
/**
 * `pnpm eval:rag`: imports a BEIR-style corpus into a fresh knowledge base and runs every judged query through
 * `searchKnowledge`, the retrieval the bot uses, then prints one `name value` line per metric.
 *
 *   pnpm eval:rag [--corpus DIR] [--queries FILE] [--qrels FILE] [--db pglite|postgres] [--postings-per-term N]
 *
 * Defaults: the SciFact set in ../shared/data/scifact (visible test queries). `--db postgres` uses DATABASE_URL; the
 * evaluation works in an organization of its own and deletes it at the end.
 *
 * Documents mode, a help center evaluated the way the bot uses it:
 *
 *   pnpm eval:rag --docs DIR [--queries FILE] [--qrels FILE] [--db pglite|postgres] [--min-coverage C]
 *
 * imports every file under DIR (recursively, as `parley kb import DIR` does: `importFiles`, each document named by
 * its path under DIR), then runs each question through the bot's own search (`searchKnowledge`, the bot's number of
 * passages) and its "no relevant source" decision (`knowledge/relevant-source.ts`), and ranks documents with a deeper
 * search (a document ranks where its best passage ranks). Questions are JSONL `{"id","text","answerable"}`; judgements
 * are TSV `query-id, doc-id, grade` (grade 2 answers, 1 in part); both default to `queries.jsonl` and `qrels.tsv`
 * beside DIR. It prints `ndcg@10` and `recall@10` (gain 2^grade − 1, over the answerable questions only), `top1`
 * (share of answerable questions whose first document is graded 2), `refusal` (share of unanswerable questions the
 * decision refuses), `false_refusal` (share of answerable questions it refuses), `p50_ms` and `p95_ms` (the bot's
 * search and decision, per question), after `#` comment lines. `--min-coverage` tries another coverage cut for the
 * decision (calibration); the default is the bot's.
 * @module
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createDb, organizations } from '@parley/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { importDocument } from './knowledge/import-document.js';
import { collectFiles, importFiles } from './knowledge/import-files.js';
import { vacuumKnowledgeIndex } from './knowledge/maintenance.js';
import { hasNoRelevantSource, MIN_SOURCE_COVERAGE, UPFRONT_PASSAGES } from './knowledge/relevant-source.js';
import {
  documentRanking,
  evaluateRankings,
  evaluateSupportRun,
  quantile,
  type Qrels,
  type SupportQueryRun,
} from './knowledge/retrieval-metrics.js';
import { DEFAULT_POSTINGS_PER_TERM, searchKnowledge } from './knowledge/search.js';
import { createOrganization } from './seed/accounts.js';

const defaultData = resolve(import.meta.dirname, '../../../../shared/data/scifact');

const argsSchema = z.object({
  corpus: z.string().default(defaultData),
  queries: z.string().default(join(defaultData, 'queries.jsonl')),
  qrels: z.string().default(join(defaultData, 'qrels.tsv')),
  db: z.enum(['pglite', 'postgres']).default('pglite'),
  'postings-per-term': z.coerce.number().int().positive().default(DEFAULT_POSTINGS_PER_TERM),
  'chunk-target': z.coerce.number().int().positive().optional(),
  docs: z.string().optional(),
  'min-coverage': z.coerce.number().min(0).max(1).default(MIN_SOURCE_COVERAGE),
});
type EvalArgs = z.infer<typeof argsSchema>;

/** SciFact as shared/ holds it has `id`; BEIR's own download has `_id`: both are read. */
const lineId = z.union([z.string(), z.number()]).transform(String).optional();
function takeId<T extends { id?: string | undefined; _id?: string | undefined }>(line: T, context: z.RefinementCtx) {
  const { id, _id, ...rest } = line;
  if (id === undefined && _id === undefined) {
    context.addIssue({ code: 'custom', message: 'each line needs an "id" (or "_id")' });
    return z.NEVER;
  }
  return { ...rest, id: (id ?? _id)! };
}
const corpusLineSchema = z.object({ id: lineId, _id: lineId, title: z.string().default(''), text: z.string() }).transform(takeId);
const queryLineSchema = z.object({ id: lineId, _id: lineId, text: z.string() }).transform(takeId);
const supportQueryLineSchema = z
  .object({
    id: lineId,
    _id: lineId,
    text: z.string(),
    answerable: z.boolean({ error: 'each question needs "answerable": true or false' }),
  })
  .transform(takeId);

/** The evaluation data is not where it was looked for; the message says how to get it. */
class MissingDataError extends Error {
  constructor(file: string, mode: 'corpus' | 'docs' = 'corpus') {
    super(
      mode === 'corpus'
        ? `eval:rag: ${file} does not exist. The SciFact set is in ../shared/data/scifact beside Parley's development ` +
            "checkout; elsewhere download BEIR's copy (https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/scifact.zip), " +
            'unzip it, and run: pnpm eval:rag --corpus scifact --queries scifact/queries.jsonl --qrels scifact/qrels/test.tsv'
        : `eval:rag: ${file} does not exist. The help-center development set (support-docs-dev: Zulip's help articles, ` +
            "68 questions) is in ../shared/data/support-docs-dev beside Parley's development checkout, and is not " +
            'distributed with Parley; run: pnpm eval:rag --docs ../shared/data/support-docs-dev/corpus. For a help ' +
            'center of your own, give --docs a folder of its files, --queries a JSONL file of {"id","text","answerable"} ' +
            'and --qrels a TSV file of query-id, doc-id (the path under the folder) and grade (2 answers, 1 in part); ' +
            'docs/knowledge.md describes the format.',
    );
  }
}

async function* jsonLines<T>(file: string, schema: z.ZodType<T>): AsyncGenerator<T> {
  let lineNumber = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    lineNumber++;
    if (!line.trim()) continue;
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${lineNumber}: ${parsed.error.issues[0]?.message}`);
    yield parsed.data;
  }
}

function readQrels(file: string): Qrels {
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const [queryId, documentId, grade] = line.split('\t');
    if (!queryId || !documentId || grade === undefined || !/^-?\d+$/.test(grade.trim())) continue; // header, blanks
    if (!qrels.has(queryId)) qrels.set(queryId, new Map());
    qrels.get(queryId)!.set(documentId, Number(grade));
  }
  return qrels;
}

/** Passages the documents ranking reads, best first: enough for ten distinct documents on a help center. */
const RANKING_PASSAGES = 200;

/** Documents mode (see the module comment): prints the figures, or throws {@link MissingDataError}. */
async function evaluateDocs(args: EvalArgs & { docs: string }, queriesFile: string, qrelsFile: string) {
  for (const file of [args.docs, queriesFile, qrelsFile]) {
    if (!existsSync(file)) throw new MissingDataError(file, 'docs');
  }
  if (args.db === 'postgres' && !process.env.DATABASE_URL) throw new Error('--db postgres needs DATABASE_URL');
  const questions: Array<{ id: string; text: string; answerable: boolean }> = [];
  for await (const line of jsonLines(queriesFile, supportQueryLineSchema)) questions.push(line);
  const qrels = readQrels(qrelsFile);

  const handle = await createDb({ url: args.db === 'postgres' ? process.env.DATABASE_URL : undefined });
  await handle.migrate();
  const { db } = handle;
  const organization = await createOrganization(db, `eval:rag ${new Date().toISOString()}`);
  try {
    // The CLI's import path: the same files, the same document ids (paths under DIR), the same parsing and chunking.
    const { files } = await collectFiles([args.docs]);
    const summary = await importFiles(db, organization.id, files);
    for (const failure of summary.failed) if (!failure.ok) console.error(`eval:rag: ${failure.file.sourceKey}: ${failure.reason}`);
    await vacuumKnowledgeIndex(handle);

    const runs: SupportQueryRun[] = [];
    for (const question of questions) {
      // What a bot turn does with the visitor's message: its search, then the decision on what it found.
      const started = performance.now();
      const found = await searchKnowledge(db, { organizationId: organization.id, query: question.text, limit: UPFRONT_PASSAGES });
      const refused = hasNoRelevantSource(found, args['min-coverage']);
      const milliseconds = performance.now() - started;
      const hits = await searchKnowledge(db, { organizationId: organization.id, query: question.text, limit: RANKING_PASSAGES });
      runs.push({
        id: question.id,
        answerable: question.answerable,
        ranking: documentRanking(hits.map((hit) => hit.sourceKey)),
        refused,
        milliseconds,
      });
    }
    const metrics = evaluateSupportRun(runs, qrels);
    const comments = [
      `documents ${files.length - summary.failed.length} (${summary.failed.length} failed), chunks ${summary.chunks}`,
      `questions ${metrics.answerable} answerable, ${metrics.unanswerable} unanswerable`,
      `decision: no relevant source when none of the top ${UPFRONT_PASSAGES} passages has coverage >= ${args['min-coverage']}`,
      `database ${handle.driver}`,
    ];
    for (const comment of comments) console.log(`# ${comment}`);
    const lines: Array<[string, string]> = [
      ['ndcg@10', metrics.ndcgAt10.toFixed(4)],
      ['recall@10', metrics.recallAt10.toFixed(4)],
      ['top1', metrics.top1.toFixed(4)],
      ['refusal', metrics.refusal.toFixed(4)],
      ['false_refusal', metrics.falseRefusal.toFixed(4)],
      ['p50_ms', metrics.p50Ms.toFixed(2)],
      ['p95_ms', metrics.p95Ms.toFixed(2)],
    ];
    for (const [name, value] of lines) console.log(`${name} ${value}`);
  } finally {
    await db.delete(organizations).where(eq(organizations.id, organization.id));
    await handle.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      docs: { type: 'string' },
      queries: { type: 'string' },
      qrels: { type: 'string' },
      db: { type: 'string' },
      'postings-per-term': { type: 'string' },
      'chunk-target': { type: 'string' },
      'min-coverage': { type: 'string' },
    },
  });
  const args = argsSchema.parse(values);
  if (args.docs !== undefined) {
    const docs = resolve(args.docs);
    return evaluateDocs(
      { ...args, docs },
      values.queries ?? join(docs, '..', 'queries.jsonl'),
      values.qrels ?? join(docs, '..', 'qrels.tsv'),
    );
  }
  const corpusFile = existsSync(join(args.corpus, 'corpus.jsonl')) ? join(args.corpus, 'corpus.jsonl') : args.corpus;
  for (const file of [corpusFile, args.queries, args.qrels]) {
    if (!existsSync(file)) throw new MissingDataError(file);
  }
  if (args.db === 'postgres' && !process.env.DATABASE_URL) throw new Error('--db postgres needs DATABASE_URL');

  const handle = await createDb({ url: args.db === 'postgres' ? process.env.DATABASE_URL : undefined });
  await handle.migrate();
  const { db } = handle;
  const organization = await createOrganization(db, `eval:rag ${new Date().toISOString()}`);
  const chunking = args['chunk-target']
    ? { targetCharacters: args['chunk-target'], maxCharacters: Math.round(args['chunk-target'] * 1.5), overlapCharacters: 200 }
    : undefined;
  try {
    const importStarted = performance.now();
    let documents = 0;
    let chunks = 0;
    for await (const line of jsonLines(corpusFile, corpusLineSchema)) {
      const outcome = await importDocument(
        db,
        { organizationId: organization.id, sourceKey: line.id, format: 'text', title: line.title || undefined, content: line.text },
        { chunking },
      );
      documents++;
      chunks += outcome.chunkCount;
      if (process.stderr.isTTY && documents % 100 === 0) process.stderr.write(`\rimported ${documents} documents`);
    }
    const importSeconds = (performance.now() - importStarted) / 1000;
    await vacuumKnowledgeIndex(handle);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');

    const qrels = readQrels(args.qrels);
    const rankings = new Map<string, string[]>();
    const latencies: number[] = [];
    for await (const query of jsonLines(args.queries, queryLineSchema)) {
      if (!qrels.has(query.id)) continue;
      const started = performance.now();
      // Three chunks per document is enough for a 100-document ranking: long documents rarely have more hits.
      const hits = await searchKnowledge(db, {
        organizationId: organization.id,
        query: query.text,
        limit: 300,
        postingsPerTerm: args['postings-per-term'],
      });
      latencies.push(performance.now() - started);
      // A document ranks where its best chunk ranks.
      rankings.set(query.id, [...new Set(hits.map((hit) => hit.sourceKey))].slice(0, 100));
    }
    const metrics = evaluateRankings(rankings, qrels);
    const lines: Array<[string, string]> = [
      ['ndcg@10', metrics.ndcgAt10.toFixed(4)],
      ['recall@100', metrics.recallAt100.toFixed(4)],
      ['recall@1', metrics.recallAt1.toFixed(4)],
      ['recall@5', metrics.recallAt5.toFixed(4)],
      ['mrr@10', metrics.mrrAt10.toFixed(4)],
      ['latency_p50_ms', quantile(latencies, 0.5).toFixed(2)],
      ['latency_p95_ms', quantile(latencies, 0.95).toFixed(2)],
      ['queries', String(metrics.queries)],
      ['documents', String(documents)],
      ['chunks', String(chunks)],
      ['import_chunks_per_second', (chunks / importSeconds).toFixed(0)],
      ['database', handle.driver],
    ];
    for (const [name, value] of lines) console.log(`${name} ${value}`);
  } finally {
    await db.delete(organizations).where(eq(organizations.id, organization.id));
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof z.ZodError ? z.prettifyError(error) : error instanceof MissingDataError ? error.message : error);
  process.exit(1);
});
