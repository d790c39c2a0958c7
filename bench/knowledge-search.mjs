// Knowledge-base import throughput and search latency at a given size, through the server's own code on PGlite or
// Postgres: the articles are written to a temporary folder and imported with importFiles, the batch path of
// `parley kb import` (files read, parsed and written in batches, the next batch parsed while one is written), then
// searched with searchKnowledge.
//
// The corpus is synthetic but shaped like a help centre: articles of 8 sections (one chunk each, about 1,000
// characters), with sentences drawn (seeded) from the SciFact abstracts in shared/data, so word frequencies are those
// of real text and common words are really common. Queries: the 204 SciFact claims (long, many common words: the hard
// case for candidate pruning) and 200 short ones of 2–4 words from the same vocabulary.
//
// Usage (after `pnpm build`):
//   node bench/knowledge-search.mjs [--chunks 100000] [--queries 400] [--postings-per-term 2000] [--json]
// DATABASE_URL=postgres://… measures real Postgres (in an organization of its own, deleted at the end).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { root, serverDir } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '400' },
    'postings-per-term': { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});
const chunkTarget = Number(values.chunks);
const sectionsPerArticle = 8;

const require = createRequire(join(serverDir, 'package.json'));
const load = (path) => import(pathToFileURL(join(serverDir, 'dist', path)).href);
const { createDb, organizations } = await import(pathToFileURL(require.resolve('@parley/db')).href);
const { eq } = await import(pathToFileURL(require.resolve('drizzle-orm')).href);
const { collectFiles, importFiles } = await load('knowledge/import-files.js');
const { searchKnowledge, DEFAULT_POSTINGS_PER_TERM } = await load('knowledge/search.js');
const { vacuumKnowledgeIndex } = await load('knowledge/maintenance.js');
const { createOrganization } = await load('seed/accounts.js');
const postingsPerTerm = values['postings-per-term'] ? Number(values['postings-per-term']) : DEFAULT_POSTINGS_PER_TERM;

// A small seeded generator (mulberry32), so every run indexes the same corpus.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const scifact = join(root, '../shared/data/scifact');
if (!existsSync(join(scifact, 'corpus.jsonl'))) {
  console.error(
    `knowledge-search: ${scifact} does not exist. The benchmark builds its articles from SciFact's abstracts, which are in ` +
      "../shared/data/scifact beside Parley's development checkout; elsewhere download BEIR's copy " +
      '(https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/scifact.zip) and unzip it there.',
  );
  process.exit(1);
}
const abstracts = readFileSync(join(scifact, 'corpus.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const sentences = abstracts.flatMap((doc) => [...segmenter.segment(doc.text)].map((s) => s.segment.trim()).filter((s) => s.length > 20));
const titles = abstracts.map((doc) => doc.title);

function article() {
  const parts = [`# ${pick(titles)}`];
  for (let section = 0; section < sectionsPerArticle; section++) {
    parts.push(`## ${pick(titles).split(' ').slice(0, 6).join(' ')}`);
    let text = '';
    while (text.length < 900) text += `${pick(sentences)} `;
    parts.push(text.trim());
  }
  return parts.join('\n\n');
}

const claims = readFileSync(join(scifact, 'queries.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line).text);
const words = sentences.slice(0, 5000).flatMap((s) => s.toLowerCase().match(/[a-z]{4,}/g) ?? []);
const shortQueries = Array.from({ length: 200 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(words)).join(' '));
const queries = [...claims, ...shortQueries].slice(0, Number(values.queries));

const handle = await createDb({ url: process.env.DATABASE_URL, dataDir: 'memory://' });
await handle.migrate();
const organization = await createOrganization(handle.db, 'bench: knowledge search');
// The files exist before the clock starts; reading them is part of the import, as in the CLI.
const folder = mkdtempSync(join(tmpdir(), 'parley-bench-kb-'));
try {
  // 8 chunks an article.
  const articles = Math.ceil(chunkTarget / sectionsPerArticle);
  for (let index = 0; index < articles; index++) writeFileSync(join(folder, `${String(index).padStart(6, '0')}.md`), article());
  const { files } = await collectFiles([folder]);
  const importStarted = performance.now();
  const summary = await importFiles(handle.db, organization.id, files, {
    onProgress: (done) => {
      if (!values.json && process.stderr.isTTY && done % 200 === 0) process.stderr.write(`\rimported ${done} articles`);
    },
  });
  if (summary.failed.length > 0) throw new Error(`${summary.failed.length} articles failed: ${summary.failed[0].reason}`);
  const chunks = summary.chunks;
  const importSeconds = (performance.now() - importStarted) / 1000;
  const vacuumStarted = performance.now();
  await vacuumKnowledgeIndex(handle);
  const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
  if (!values.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');

  // Warm-up: plans and caches, as a running server has them.
  for (const query of queries.slice(0, 20))
    await searchKnowledge(handle.db, { organizationId: organization.id, query, limit: 5, postingsPerTerm });
  const measure = async (list) => {
    if (list.length === 0) return { queries: 0, p50ms: null, p95ms: null, p99ms: null };
    const samples = [];
    for (const query of list) {
      const started = performance.now();
      await searchKnowledge(handle.db, { organizationId: organization.id, query, limit: 5, postingsPerTerm });
      samples.push(performance.now() - started);
    }
    const sorted = samples.toSorted((a, b) => a - b);
    const at = (p) => +sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)].toFixed(2);
    return { queries: list.length, p50ms: at(0.5), p95ms: at(0.95), p99ms: at(0.99) };
  };
  const result = {
    database: handle.driver,
    chunks,
    articles,
    postingsPerTerm,
    import: {
      seconds: +importSeconds.toFixed(1),
      chunksPerSecond: Math.round(chunks / importSeconds),
      vacuumSeconds: +vacuumSeconds.toFixed(1),
    },
    search: {
      all: await measure(queries),
      long: await measure(queries.filter((q) => claims.includes(q))),
      short: await measure(shortQueries.filter((q) => queries.includes(q))),
    },
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`knowledge search on ${result.database}: ${chunks} chunks in ${articles} articles, postingsPerTerm ${postingsPerTerm}`);
    console.log(
      `  import: ${result.import.chunksPerSecond} chunks/s (${result.import.seconds} s), then vacuum ${result.import.vacuumSeconds} s`,
    );
    for (const [name, figures] of Object.entries(result.search)) {
      console.log(
        `  search ${name.padEnd(5)} (${figures.queries} queries, top 5): p50 ${figures.p50ms} ms  p95 ${figures.p95ms} ms  p99 ${figures.p99ms} ms`,
      );
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
  await handle.db.delete(organizations).where(eq(organizations.id, organization.id));
  await handle.close();
}
