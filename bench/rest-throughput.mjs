// REST throughput of `GET /api/conversations` with an API token, on an organization of 100k conversations (seeded as
// bench/inbox-search.mjs seeds them): autocannon keeps 100 requests in flight for a while and reports p50/p99 latency
// and requests per second, through the real server (HTTP, token lookup, scope check, rate-limit meter, validation, the
// query, serialization). The floor, run in the same process against the same server: `GET /healthz`, which does none
// of that, so the ratio says what the API adds on this machine.
//
// Usage (after `pnpm build`):
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_rest node bench/rest-throughput.mjs [--conversations 100000] [--connections 100] [--seconds 15] [--json] [--keep]
// Without DATABASE_URL it runs on the embedded PGlite (the figures are on Postgres). The organization is
// deleted at the end unless --keep.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { root, serverDir, startParley } from './lib/parley.mjs';
import { seedInbox } from './lib/seed-inbox.mjs';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '15' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(values.conversations);
const connections = Number(values.connections);
const duration = Number(values.seconds);

const autocannon = createRequire(join(root, 'package.json'))('autocannon');
const { sql } = await import(pathToFileURL(createRequire(join(serverDir, 'package.json')).resolve('drizzle-orm')).href);
const { createApiToken } = await import(pathToFileURL(join(serverDir, 'dist', 'auth', 'api-tokens.js')).href);

// No sweeps (they would change the seeded conversations while the clock runs) and no token rate limit in the way.
const parley = await startParley({ PARLEY_SWEEP_INTERVAL_SECONDS: '0', PARLEY_RATE_LIMIT_API: '100000000' }, { enabled: false });
const { handle, organization } = parley;
const log = (...args) => values.json || console.log(...args);

const { agentIds, seedSeconds } = await seedInbox(parley, { total, sql });
log(`seeded ${total} conversations in ${seedSeconds.toFixed(1)} s (${handle.driver})`);
const { secret } = await createApiToken(handle.db, organization.id, agentIds[0], {
  name: 'bench',
  scopes: ['conversations:read'],
  expiresInDays: null,
});

function run(path, token) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${parley.url}${path}`,
        connections,
        duration,
        // The load comes from a worker thread: in the server's own thread it would take the CPU it measures.
        workers: 1,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const since = new Date(Date.now() - 60 * 60 * 1000).toISOString();
const scenarios = [
  ['GET /healthz (floor: no token, no query)', '/healthz', null],
  ['GET /api/conversations (first page of 50, newest change first)', '/api/conversations', secret],
  ['GET /api/conversations?status=resolved', '/api/conversations?status=resolved', secret],
  ['GET /api/conversations?updatedSince=<1 h ago> (a sync)', `/api/conversations?updatedSince=${encodeURIComponent(since)}`, secret],
];

const results = [];
for (const [name, path, token] of scenarios) {
  const check = await fetch(`${parley.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (check.status !== 200) throw new Error(`${path}: ${check.status} ${await check.text()}`);
  // A short warm-up at the same concurrency, then the measured run.
  await new Promise((resolve) =>
    autocannon(
      { url: `${parley.url}${path}`, connections, duration: 2, headers: token ? { authorization: `Bearer ${token}` } : {} },
      resolve,
    ),
  );
  const result = await run(path, token);
  const entry = {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  results.push(entry);
  log(
    `${name}: ${entry.requestsPerSecond} req/s, p50 ${entry.p50} ms, p99 ${entry.p99} ms (${entry.non2xx} non-2xx, ${entry.errors} errors)`,
  );
}
const floor = results[0].requestsPerSecond;
for (const entry of results.slice(1)) log(`  ${entry.name}: ${(entry.requestsPerSecond / floor).toFixed(3)} of the floor's throughput`);

if (values.json)
  console.log(JSON.stringify({ driver: handle.driver, conversations: total, connections, seconds: duration, seedSeconds, results }));
if (!values.keep) await handle.db.execute(sql`delete from organizations where id = ${organization.id}`);
await parley.close();
