// Webhook delivery on loopback, through the real outbox, dispatcher, outbound guard and signature, to a receiver on
// this machine. Latency, one message at a time (nothing queued ahead of it): from a visitor's `message:send` until the
// receiver has its signed `message.created` delivery, next to the same message's ack (the write alone), so the
// difference is what the delivery adds. Throughput: a backlog of deliveries over many conversations (written while the
// subscription was paused) drained by one process, in deliveries per second. The dispatcher runs as in production:
// woken by the database's notification at commit, and polling every PARLEY_JOBS_POLL_MS besides.
//
// Usage (after `pnpm build`):
//   node bench/webhook-delivery.mjs [--messages 200] [--conversations 20] [--burst 1000] [--json]
// DATABASE_URL=postgres://… measures real Postgres instead of the embedded PGlite.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { percentiles, serverDir, startParley } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '20' },
    burst: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
  },
});
const latencyMessages = Number(values.messages);
const conversations = Number(values.conversations);
const burst = Number(values.burst);

const load = (path) => import(pathToFileURL(join(serverDir, 'dist', path)).href);
const { sql } = await import(pathToFileURL(createRequire(join(serverDir, 'package.json')).resolve('drizzle-orm')).href);
const { createWebhook } = await load('webhooks/subscriptions.js');
const { createSecretBox } = await load('plugins/sealed-secrets.js');

/** Arrival time of each delivered message, by its clientId. */
const arrived = new Map();
let onArrival = () => {};
const receiver = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (event.type === 'message.created' && event.data.message.author.kind === 'visitor') {
      arrived.set(event.data.message.clientId, performance.now());
      onArrival();
    }
    response.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));

// The bot is off (people talking to people): every message is a visitor's, and the only work is the delivery's.
const parley = await startParley({ PARLEY_OUTBOUND_ALLOW: 'loopback', PARLEY_SWEEP_INTERVAL_SECONDS: '60' }, { enabled: false });
const box = createSecretBox('bench-secret-at-least-32-characters!', 'webhook-secret');
await createWebhook(parley.handle.db, box, parley.organization.id, {
  url: `http://127.0.0.1:${receiver.address().port}/hooks`,
  description: 'bench',
  events: ['message.created'],
});

function waitFor(clientIds) {
  return new Promise((resolve) => {
    const check = () => {
      if (clientIds.every((id) => arrived.has(id))) resolve();
    };
    onArrival = check;
    check();
  });
}

async function send(visitor, clientId) {
  const ack = await visitor.timeout(10_000).emitWithAck('message:send', { clientId, body: `hello ${clientId}` });
  if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
  return performance.now();
}

// Latency: one message at a time.
const visitor = await parley.connectVisitor();
await send(visitor, 'warmup');
await waitFor(['warmup']);
const delivered = [];
const acked = [];
for (let index = 0; index < latencyMessages; index++) {
  const clientId = `l${index}`;
  const sentAt = performance.now();
  const ackedAt = await send(visitor, clientId);
  await waitFor([clientId]);
  delivered.push(arrived.get(clientId) - sentAt);
  acked.push(ackedAt - sentAt);
}

// Throughput: `burst` messages over `conversations` conversations, written while the subscription is paused, then
// drained by this process once it is resumed.
await parley.handle.db.execute(sql`update webhook_subscriptions set status = 'paused'`);
const visitors = await Promise.all(Array.from({ length: conversations }, () => parley.connectVisitor()));
const ids = Array.from({ length: burst }, (_, index) => `t${index}`);
await Promise.all(
  visitors.map(async (socket, lane) => {
    for (let index = lane; index < burst; index += conversations) await send(socket, ids[index]);
  }),
);
const started = performance.now();
// Resumed as an admin would, and the dispatcher woken as a commit with deliveries wakes it.
await parley.handle.db.execute(sql`update webhook_subscriptions set status = 'active'`);
await parley.handle.db.execute(sql`select pg_notify('parley_webhooks', '')`);
await waitFor(ids);
const drainSeconds = (performance.now() - started) / 1000;

for (const socket of [visitor, ...visitors]) socket.close();
await parley.close();
receiver.close();

const result = {
  database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
  latency: { messages: latencyMessages, delivered: percentiles(delivered), acked: percentiles(acked) },
  throughput: {
    deliveries: burst,
    conversations,
    seconds: +drainSeconds.toFixed(2),
    deliveriesPerSecond: Math.round(burst / drainSeconds),
  },
};
if (values.json) console.log(JSON.stringify(result));
else {
  const { delivered: d, acked: a } = result.latency;
  console.log(`webhook delivery on ${result.database}, one message at a time (${latencyMessages} messages), from message:send:`);
  console.log(
    `  delivered to the receiver: p50 ${d.p50ms} ms, p99 ${d.p99ms} ms (the message's own ack: p50 ${a.p50ms} ms, p99 ${a.p99ms} ms)`,
  );
  console.log(
    `throughput: a backlog of ${burst} deliveries over ${conversations} conversations, drained by one process: ${result.throughput.deliveriesPerSecond}/s`,
  );
}
