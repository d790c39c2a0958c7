// The inbox at scale: an organization with 100k conversations (four or five messages each, 450k messages), seeded in
// bulk SQL, then `GET /api/conversations` timed through the real server (HTTP, auth, validation, the query) for the
// views, the two orders, a next page by cursor, the counts and searches by message text and by contact.
//
// Usage (after `pnpm build`):
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inbox node bench/inbox-search.mjs [--conversations 100000] [--requests 50] [--json] [--keep] [--explain]
// Without DATABASE_URL it runs on the embedded PGlite. The organization is deleted at the end unless --keep.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { percentiles, serverDir, startParley } from './lib/parley.mjs';
import { seedInbox } from './lib/seed-inbox.mjs';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '50' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
  },
});
const total = Number(values.conversations);
const requests = Number(values.requests);

const require = createRequire(join(serverDir, 'package.json'));
const { sql } = await import(pathToFileURL(require.resolve('drizzle-orm')).href);

// No sweeps: the inactivity sweep would resolve the seeded open conversations and the stranded-turn sweep start bot
// turns for them while the clock runs.
const parley = await startParley({ PARLEY_SWEEP_INTERVAL_SECONDS: '0' }, { enabled: false });
const { handle, organization } = parley;
const org = organization.id;
const db = handle.db;
const log = (...args) => values.json || console.log(...args);

const { token, seedSeconds } = await seedInbox(parley, { total, sql });
log(`seeded ${total} conversations in ${seedSeconds.toFixed(1)} s (${handle.driver})`);

async function get(path) {
  const response = await fetch(`${parley.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

// A next page: the cursor after the first page of the open conversations.
const { nextCursor } = await get('/api/conversations?view=open');
const scenarios = [
  ['view=open', '/api/conversations?view=open'],
  ['view=open&sort=waiting', '/api/conversations?view=open&sort=waiting'],
  ['view=open, page 2 (cursor)', `/api/conversations?view=open&cursor=${nextCursor}`],
  ['view=mine', '/api/conversations?view=mine'],
  ['view=unassigned&sort=waiting', '/api/conversations?view=unassigned&sort=waiting'],
  ['view=follow_ups', '/api/conversations?view=follow_ups'],
  ['view=resolved', '/api/conversations?view=resolved'],
  ['counts', '/api/conversations/counts'],
  ['q=kettle (1 in 60 messages)', '/api/conversations?q=kettle'],
  ['q=refund (1 in 8 messages)', '/api/conversations?q=refund'],
  ['q=order (in most conversations)', '/api/conversations?q=order'],
  ['q=kettle&view=open', '/api/conversations?q=kettle&view=open'],
  ['q=refund toaster (two words)', `/api/conversations?q=${encodeURIComponent('refund toaster')}`],
  ['q=<order number> (one message)', '/api/conversations?q=424243'],
  ['q=<contact e-mail>', `/api/conversations?q=${encodeURIComponent('customer4242@example42.com')}`],
  ['q=xylophone (no match)', '/api/conversations?q=xylophone'],
];

const results = [];
for (const [name, path] of scenarios) {
  const answer = await get(path);
  const found = Array.isArray(answer.conversations) ? answer.conversations.length : null;
  for (let warm = 0; warm < 3; warm++) await get(path);
  const samples = [];
  for (let index = 0; index < requests; index++) {
    const start = performance.now();
    await get(path);
    samples.push(performance.now() - start);
  }
  const result = { name, found, ...percentiles(samples) };
  results.push(result);
  log(
    `${name.padEnd(34)} ${String(found ?? '').padStart(3)} rows   p50 ${result.p50ms.toFixed(1).padStart(6)} ms   p99 ${result.p99ms.toFixed(1).padStart(6)} ms`,
  );
}

if (values.explain) {
  const { listInbox } = await import(pathToFileURL(join(serverDir, 'dist/conversations/inbox.js')).href);
  void listInbox;
  const plan = await db.execute(sql`explain analyze select count(*) from messages m where m.author_kind <> 'system'
                                     and to_tsvector('simple', m.body) @@ plainto_tsquery('simple', 'kettle')`);
  log((plan.rows ?? plan).map((row) => Object.values(row)[0]).join('\n'));
}

if (values.json) console.log(JSON.stringify({ driver: handle.driver, conversations: total, requests, seedSeconds, results }));
if (!values.keep) await db.execute(sql`delete from organizations where id = ${org}`);
await parley.close();
