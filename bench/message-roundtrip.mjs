// Message round trip on loopback: a visitor's `message:send` until the agent's socket receives `message:created`,
// through the real Parley server (validation, rate limit, database transaction, rooms). The bare Socket.IO relay
// floor from shared/baselines runs in the same process run with the same flags, and the ratio is printed.
//
// Usage (after `pnpm build`):
//   node bench/message-roundtrip.mjs [--messages 1000] [--rate 1000] [--json]
// --rate is messages per second offered (0 = one at a time). DATABASE_URL=postgres://… measures real Postgres
// instead of the embedded PGlite.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentiles, root, serverDir, startParley } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(values.messages);
const rate = Number(values.rate);

// The bot is off: this measures people talking to people (bench/bot-turn.mjs measures the bot).
const parleyServer = await startParley({}, { enabled: false });
const { handle } = parleyServer;
const agent = await parleyServer.connectAgent();
const visitor = await parleyServer.connectVisitor();
// Warm up: the first message creates the contact and the conversation.
await visitor.timeout(10_000).emitWithAck('message:send', { clientId: 'warmup', body: 'warm up' });
await new Promise((resolve) => setTimeout(resolve, 100));

const sentAt = new Map();
const latencies = [];
let failures = 0;
let done;
const finished = new Promise((resolve) => (done = resolve));
agent.on('message:created', (message) => {
  const start = sentAt.get(message.clientId);
  if (start === undefined) return;
  latencies.push(performance.now() - start);
  if (latencies.length + failures === total) done();
  else if (rate === 0) send(latencies.length);
});
function send(index) {
  const clientId = `m${index}`;
  sentAt.set(clientId, performance.now());
  visitor.emit('message:send', { clientId, body: `hello ${index}` }, (ack) => {
    if (!ack.ok && ++failures && latencies.length + failures === total) done();
  });
}

const start = performance.now();
if (rate === 0) send(0);
else {
  const interval = 1000 / rate;
  for (let index = 0; index < total; index++) {
    const wait = start + index * interval - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    send(index);
  }
}
await finished;
const elapsed = (performance.now() - start) / 1000;
visitor.close();
agent.close();
await parleyServer.close();

const { p50ms, p99ms } = percentiles(latencies);
const parley = {
  name: `parley round trip (${handle.driver})`,
  messages: total,
  failures,
  offeredRate: rate,
  throughput: Math.round(latencies.length / elapsed),
  p50ms,
  p99ms,
};

const baselineScript = join(root, '../shared/baselines/socketio-relay.mjs');
let floor = null;
if (existsSync(baselineScript)) {
  const output = execFileSync(process.execPath, [baselineScript, '--messages', String(total), '--rate', String(rate), '--json'], {
    cwd: serverDir,
    encoding: 'utf8',
  });
  floor = JSON.parse(output.trim().split('\n').at(-1));
}

const ratio = (ours, base) => (base > 0 ? +(ours / base).toFixed(1) : null);
if (values.json) {
  console.log(
    JSON.stringify({
      parley,
      floor,
      p50Ratio: floor && ratio(parley.p50ms, floor.p50ms),
      p99Ratio: floor && ratio(parley.p99ms, floor.p99ms),
    }),
  );
} else {
  console.log(
    `${parley.name}: ${total} msgs at ${rate || 'one-at-a-time'} msg/s offered, ${parley.throughput} msg/s, failures ${failures}`,
  );
  console.log(`p50_ms ${parley.p50ms}`);
  console.log(`p99_ms ${parley.p99ms}`);
  if (floor) {
    console.log(`floor (bare socket.io relay): p50_ms ${floor.p50ms} p99_ms ${floor.p99ms}, ${floor.throughput} msg/s`);
    console.log(`ratio p50 ${ratio(parley.p50ms, floor.p50ms)}x, p99 ${ratio(parley.p99ms, floor.p99ms)}x`);
  } else {
    console.log('floor not run: ../shared/baselines/socketio-relay.mjs not found');
  }
}
