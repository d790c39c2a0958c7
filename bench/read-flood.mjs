// What one abusive visitor costs everyone else: other visitors' message round trips (visitor send → agent receives)
// while quiet, then while one visitor socket keeps 20 `messages:sync {afterSeq: 0, limit: 500}` in flight over a
// 500-message conversation (the attack an adversarial review measured: p99 7 → 684 ms on PGlite before reads were
// limited). Both phases run in the same process run; the attacker's served and refused requests are counted.
//
// Usage (after `pnpm build`):
//   node bench/read-flood.mjs [--messages 300] [--in-flight 20] [--json]
// DATABASE_URL=postgres://… measures real Postgres instead of the embedded PGlite.
import { parseArgs } from 'node:util';
import { percentiles, startParley } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '300' },
    'in-flight': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(values.messages);
const inFlight = Number(values['in-flight']);

const parleyServer = await startParley({}, { enabled: false });
const { handle } = parleyServer;
const agent = await parleyServer.connectAgent();

// The attacker's conversation: 500 messages, so that each sync returns a full page.
const attacker = await parleyServer.connectVisitor();
for (let index = 0; index < 500; index++) {
  await attacker.timeout(10_000).emitWithAck('message:send', { clientId: `a${index}`, body: `attacker message ${index} `.repeat(8) });
}

/** Round trips of fresh visitors' messages, one at a time, as bench/message-roundtrip.mjs measures them. */
async function roundTrips(label) {
  const visitor = await parleyServer.connectVisitor();
  await visitor.timeout(10_000).emitWithAck('message:send', { clientId: `${label}-warmup`, body: 'warm up' });
  const latencies = [];
  for (let index = 0; index < total; index++) {
    const clientId = `${label}-${index}`;
    const received = new Promise((resolve) => {
      const listener = (message) => {
        if (message.clientId !== clientId) return;
        agent.off('message:created', listener);
        resolve();
      };
      agent.on('message:created', listener);
    });
    const start = performance.now();
    visitor.emit('message:send', { clientId, body: `hello ${index}` });
    await received;
    latencies.push(performance.now() - start);
  }
  visitor.close();
  return percentiles(latencies);
}

const quiet = await roundTrips('quiet');

let flooding = true;
const attack = { served: 0, refused: 0 };
function syncForever() {
  if (!flooding) return;
  attacker.timeout(30_000).emit('messages:sync', { afterSeq: 0, limit: 500 }, (error, ack) => {
    if (!error && ack.ok) attack.served++;
    else attack.refused++;
    syncForever();
  });
}
for (let index = 0; index < inFlight; index++) syncForever();
const attackStart = performance.now();
const underAttack = await roundTrips('attacked');
const attackSeconds = (performance.now() - attackStart) / 1000;
flooding = false;

attacker.close();
agent.close();
await parleyServer.close();

const result = {
  driver: handle.driver,
  quiet,
  underAttack,
  attacker: { inFlight, served: attack.served, refused: attack.refused, seconds: +attackSeconds.toFixed(1) },
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`database: ${handle.driver}; ${total} round trips per phase`);
  console.log(`quiet:           p50 ${quiet.p50ms} ms, p99 ${quiet.p99ms} ms`);
  console.log(
    `under the flood: p50 ${underAttack.p50ms} ms, p99 ${underAttack.p99ms} ms (ratio p99 ${(underAttack.p99ms / quiet.p99ms).toFixed(1)}×)`,
  );
  console.log(
    `attacker (${inFlight} syncs of 500 in flight): ${attack.served} served, ${attack.refused} refused in ${attackSeconds.toFixed(1)} s`,
  );
}
process.exit(0);
