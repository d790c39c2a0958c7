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
const { handle, accounts, organization, widget } = parley;
const db = handle.db;
const log = (...args) => values.json || console.log(...args);

// Ten agents; the bench signs in as the first. Assigned conversations are spread over all of them.
const agentIds = [];
for (let index = 0; index < 10; index++) {
  const user = await accounts.createAgent(db, {
    organizationId: organization.id,
    email: `inbox-bench-${index}-${Date.now()}@bench.example`,
    name: `Agent ${index}`,
    password: 'bench-password',
    role: 'agent',
  });
  agentIds.push(user.id);
}
const [me] = await db.execute(sql`select email from users where id = ${agentIds[0]}`).then((result) => result.rows ?? result);
const login = await fetch(`${parley.url}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: me.email, password: 'bench-password' }),
});
const { token } = await login.json();

const seedStart = performance.now();
const org = organization.id;
const agents = sql`array[${sql.join(
  agentIds.map((id) => sql`${id}::uuid`),
  sql`, `,
)}]`;
// Words for the messages: templates with common words, and 60 products (each in about 1 in 60 messages).
const templates = [
  'Hi, where is my order? It has not arrived yet.',
  'I would like a refund for the',
  'Can I change the delivery address for my',
  'The item arrived broken, please help with the',
  'Do you ship to Canada? I want to buy a',
  'How do I reset my password?',
  'Is there a discount code for the',
  'My payment failed twice when buying the',
];
const products = (
  'kettle toaster blender mixer grinder juicer fryer steamer oven microwave fridge freezer dishwasher washer dryer ' +
  'vacuum iron fan heater humidifier purifier lamp chair desk sofa table bed mattress pillow blanket towel curtain ' +
  'rug mirror clock speaker headphones earbuds charger cable keyboard mouse monitor laptop tablet phone camera ' +
  'tripod drone printer scanner router modem watch bracelet backpack suitcase umbrella bottle thermos'
).split(' ');
const replies = ['Thanks for writing, let me check that for you.', 'Sorry about that! I have sent a replacement.', 'Done, anything else?'];
const textArray = (list) =>
  sql`array[${sql.join(
    list.map((text) => sql`${text}`),
    sql`, `,
  )}]::text[]`;

await db.execute(sql`
  insert into contacts (id, organization_id, widget_id, name, email, created_at, last_seen_at)
  select md5(${org} || ':contact:' || i)::uuid, ${org}, ${widget.id},
         (array['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken','Linus','Radia'])[1 + i % 10] || ' Customer' || i,
         'customer' || i || '@example' || (i % 100) || '.com',
         now() - (${total} - i) * interval '30 seconds', now()
  from generate_series(1, ${total}) i`);
// Statuses: 2% queued, 3% with the bot, 10% with an agent, 80% resolved, 5% closed. Open ones end with the visitor.
await db.execute(sql`
  insert into conversations (id, organization_id, widget_id, contact_id, status, assignee_id, last_seq, created_at, updated_at, last_message_at)
  select md5(${org} || ':conversation:' || i)::uuid, ${org}, ${widget.id}, md5(${org} || ':contact:' || i)::uuid,
         s.status, case when s.status in ('agent', 'resolved') then (${agents})[1 + i % 10] end,
         case when s.status in ('queued', 'bot', 'agent') then 5 else 4 end,
         now() - (${total} - i) * interval '30 seconds' - interval '10 minutes',
         now() - (${total} - i) * interval '30 seconds', now() - (${total} - i) * interval '30 seconds'
  from generate_series(1, ${total}) i,
       lateral (select case when i % 100 < 2 then 'queued' when i % 100 < 5 then 'bot' when i % 100 < 15 then 'agent'
                            when i % 100 < 95 then 'resolved' else 'closed' end as status) s`);
// Messages 1–4: visitor, answer, visitor, answer; open conversations get a fifth from the visitor, unanswered.
await db.execute(sql`
  insert into messages (conversation_id, seq, client_id, author_kind, body, created_at)
  select c.id, m.seq, 'seed-' || m.seq,
         case when m.seq % 2 = 1 then 'visitor' when c.status = 'bot' then 'bot' else 'agent' end,
         case when m.seq % 2 = 0 then (${textArray(replies)})[1 + (g.i + m.seq) % ${replies.length}]
              else (${textArray(templates)})[1 + (g.i * 7 + m.seq) % ${templates.length}] || ' '
                   || (${textArray(products)})[1 + (g.i * 13 + m.seq * 5) % ${products.length}] || ' (order #' || (g.i * 10 + m.seq) || ')'
         end,
         c.updated_at - (5 - m.seq) * interval '1 minute'
  from generate_series(1, ${total}) g(i)
  join conversations c on c.id = md5(${org} || ':conversation:' || g.i)::uuid
  cross join lateral generate_series(1, c.last_seq) m(seq)`);
await db.execute(sql`
  update conversations set waiting_since = last_message_at
  where organization_id = ${org} and status in ('queued', 'bot', 'agent')`);
// 2% are follow-ups.
await db.execute(sql`
  insert into tickets (conversation_id, organization_id)
  select id, organization_id from conversations where organization_id = ${org} and (('x' || left(id::text, 8))::bit(32)::int % 50) = 0`);
// As autovacuum would leave them after a while: statistics, the visibility map, GIN pending lists merged.
for (const table of ['contacts', 'conversations', 'messages', 'tickets']) await db.execute(sql.raw(`vacuum analyze ${table}`));
const seedSeconds = (performance.now() - seedStart) / 1000;
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
