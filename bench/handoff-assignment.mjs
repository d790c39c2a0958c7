// Time from a visitor's handoff request (`handoff:request`, after the bot answered) to the assigned agent's console
// receiving the assignment (`conversation:updated` with status `agent` and that agent as assignee), through routing
// (round-robin among the online agents), one handoff at a time. With `--processes 2` a second Parley app on the same
// database takes half the visitors and half the agents, joined by the Socket.IO Redis adapter (PARLEY_REDIS_URL).
//
// Usage (after `pnpm build`):
//   node bench/handoff-assignment.mjs [--handoffs 200] [--agents 20] [--processes 1|2] [--json]
// DATABASE_URL=postgres://… measures real Postgres instead of the embedded PGlite; two processes need
// PARLEY_REDIS_URL=redis://… as well.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { percentiles, serverDir, startParley } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    handoffs: { type: 'string', default: '200' },
    agents: { type: 'string', default: '20' },
    processes: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(values.handoffs);
const agentCount = Number(values.agents);
const processes = Number(values.processes);
if (processes === 2 && !process.env.PARLEY_REDIS_URL) {
  console.error('handoff-assignment: --processes 2 needs PARLEY_REDIS_URL (the Socket.IO Redis adapter joins the two apps).');
  process.exit(1);
}

// The bot answers first (the offline answerer), then the visitor asks for a person.
// Every visitor is new and connects from 127.0.0.1: the new-session limit per address is lifted.
const env = {
  PARLEY_RATE_LIMIT_NEW_SESSIONS: '1000000',
  // The bot's answer is set-up here, not measured: it comes at once instead of after the visitor's pause.
  PARLEY_BOT_REPLY_PAUSE_MS: '0',
  ...(process.env.PARLEY_REDIS_URL ? { PARLEY_REDIS_URL: process.env.PARLEY_REDIS_URL } : {}),
};
const parleyServer = await startParley(env, { enabled: true });
const { handle, organization } = parleyServer;
const urls = [parleyServer.url];
if (processes === 2) urls.push(await parleyServer.startSecondApp());
// Enough capacity for every handoff of the run: this measures routing, not the queue.
const { sql } = await import(pathToFileURL(createRequire(join(serverDir, 'package.json')).resolve('drizzle-orm')).href);
await handle.db.execute(sql`update organizations set default_max_conversations = ${total + 1} where id = ${organization.id}`);

const agents = [];
for (let index = 0; index < agentCount; index++) agents.push(await parleyServer.connectAgent(urls[index % urls.length]));
// Presence is written when an agent's socket connects; give the last writes a moment.
await new Promise((resolve) => setTimeout(resolve, 300));

const waiting = new Map();
for (const agent of agents) {
  agent.on('conversation:updated', (summary) => {
    if (summary.status !== 'agent' || summary.assignee?.id !== agent.agentId) return;
    waiting.get(summary.id)?.(summary.assignee.id);
  });
}

const latencies = [];
const assignedTo = new Map();
for (let index = 0; index < total; index++) {
  const visitor = await parleyServer.connectVisitor(urls[index % urls.length]);
  const botAnswered = new Promise((resolve) => visitor.on('message:created', (message) => message.author.kind === 'bot' && resolve()));
  const sent = await visitor.timeout(10_000).emitWithAck('message:send', { clientId: `q${index}`, body: 'Where is my order?' });
  if (!sent.ok) throw new Error(`send failed: ${sent.error.message}`);
  await botAnswered;
  const assigned = new Promise((resolve) => waiting.set(sent.data.conversationId, resolve));
  const start = performance.now();
  const ack = await visitor.timeout(10_000).emitWithAck('handoff:request', {});
  if (!ack.ok) throw new Error(`handoff failed: ${ack.error.message}`);
  const agentId = await assigned;
  latencies.push(performance.now() - start);
  waiting.delete(sent.data.conversationId);
  assignedTo.set(agentId, (assignedTo.get(agentId) ?? 0) + 1);
  visitor.close();
}

for (const agent of agents) agent.close();
await parleyServer.close();

const { p50ms, p99ms } = percentiles(latencies);
const loads = [...assignedTo.values()];
const result = {
  driver: handle.driver,
  processes,
  agents: agentCount,
  handoffs: total,
  p50ms,
  p99ms,
  agentsAssigned: assignedTo.size,
  minLoad: Math.min(...loads),
  maxLoad: Math.max(...loads),
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(
    `handoff → assigned agent's console (${handle.driver}, ${processes} process${processes === 1 ? '' : 'es'}, ${agentCount} agents online): ${total} handoffs`,
  );
  console.log(`p50_ms ${p50ms}`);
  console.log(`p99_ms ${p99ms}`);
  console.log(`round-robin spread: ${assignedTo.size} agents assigned, ${result.minLoad}–${result.maxLoad} conversations each`);
}
process.exit(0);
