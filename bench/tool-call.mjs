// Server-side overhead of a bot tool call (an admin's HTTP action), excluding the tool's own time. A local HTTP server
// speaks Anthropic's streaming format (the upstream): each turn's first round asks for `lookup_order`, the second
// answers in text. A second local server is the shop's API the action calls. Per turn:
//   overhead = (the upstream receives the second round's request - it ended the first round's stream)
//            - (the shop answered - the shop received the call)
// What is left is Parley's: parsing the tool call, checking the input (Ajv), checking the turn still owns the
// conversation, rendering the request, the outbound guard, the HTTP round trip on loopback, trimming the response for
// the model and building the next request.
//
// Usage (after `pnpm build`):
//   node bench/tool-call.mjs [--turns 300] [--json]
// DATABASE_URL=postgres://… measures real Postgres instead of the embedded PGlite.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { messageStart, startEventStream } from './lib/anthropic-upstream.mjs';
import { percentiles, startParley } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
  },
});
const turns = Number(values.turns);

/** Per turn: when the first round's stream ended, when the second round's request came, the shop's own time. */
const marks = [];
let requests = 0;

const upstream = createServer((request, response) => {
  const arrived = performance.now();
  request.resume();
  request.on('end', () => {
    const round = requests++ % 2;
    const mark = round === 0 ? (marks[marks.length] = {}) : marks.at(-1);
    if (round === 1) mark.secondRequest = arrived;
    const send = startEventStream(response);
    send('message_start', messageStart);
    if (round === 0) {
      const block = { type: 'tool_use', id: `toolu_${requests}`, name: 'lookup_order', input: {} };
      send('content_block_start', { type: 'content_block_start', index: 0, content_block: block });
      const input = JSON.stringify({ order_number: '1001', email: 'ada@example.com' });
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: input } });
      send('content_block_stop', { type: 'content_block_stop', index: 0 });
      send('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 20 },
      });
      mark.firstEnd = performance.now();
    } else {
      send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'It shipped with UPS.' } });
      send('content_block_stop', { type: 'content_block_stop', index: 0 });
      send('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 6 },
      });
    }
    send('message_stop', { type: 'message_stop' });
    response.end();
  });
});
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));

const shop = createServer((request, response) => {
  const received = performance.now();
  request.resume();
  request.on('end', () => {
    const body = JSON.stringify({
      status: 'shipped',
      shipment: { carrier: 'UPS', tracking: '1Z999AA10123456784' },
      customer: { address: '1 Main St' },
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body, () => {
      const mark = marks.at(-1);
      mark.shop = performance.now() - received;
    });
  });
});
await new Promise((resolve) => shop.listen(0, '127.0.0.1', resolve));

const parleyServer = await startParley(
  {
    ANTHROPIC_API_KEY: 'local',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstream.address().port}`,
    PARLEY_BOT_MAX_RETRIES: '0',
    PARLEY_BOT_REPLY_PAUSE_MS: '0',
    // The shop is on loopback, which actions may reach only when the operator allows it.
    PARLEY_OUTBOUND_ALLOW: 'loopback',
  },
  // Every reply here is without a knowledge-base source: the rule that hands off after three of them is off.
  { enabled: true, handoff: { afterRepliesWithoutSource: 0 } },
);
const { app, handle, accounts, organization } = parleyServer;

// The action, declared by an admin through the REST API.
const email = `admin-${Date.now()}@bench.example`;
await accounts.createAgent(handle.db, { organizationId: organization.id, email, name: 'Admin', password: 'bench-password', role: 'admin' });
const { token } = await (
  await fetch(`${parleyServer.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password' }),
  })
).json();
const created = await fetch(`${parleyServer.url}/api/bot/actions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({
    name: 'lookup_order',
    description: 'Finds an order by its number and the buyer’s e-mail address.',
    method: 'GET',
    url: `http://127.0.0.1:${shop.address().port}/api/orders/{{order_number}}`,
    headers: { Authorization: 'Bearer {{secrets.SHOP_KEY}}' },
    secrets: { SHOP_KEY: 'sk_bench_0123456789' },
    inputSchema: {
      type: 'object',
      properties: { order_number: { type: 'string', pattern: '^[0-9]{3,10}$' }, email: { type: 'string', format: 'email' } },
      required: ['order_number', 'email'],
    },
    responseFields: ['status', 'shipment.carrier', 'shipment.tracking'],
  }),
});
if (created.status !== 201) throw new Error(`creating the action failed: ${created.status} ${await created.text()}`);

const visitor = await parleyServer.connectVisitor();
const overhead = [];
const shopTimes = [];
for (let turn = 0; turn < turns; turn++) {
  const stored = new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.author.kind !== 'bot') return;
      visitor.off('message:created', onMessage);
      resolve(message);
    };
    visitor.on('message:created', onMessage);
  });
  await visitor
    .timeout(10_000)
    .emitWithAck('message:send', { clientId: `t${turn}`, body: `Where is order 1001? ada@example.com (${turn})` });
  const reply = await stored;
  if (reply.body !== 'It shipped with UPS.') throw new Error(`unexpected reply: ${reply.body}`);
  await app.bot.idle();
  const mark = marks[turn];
  overhead.push(mark.secondRequest - mark.firstEnd - mark.shop);
  shopTimes.push(mark.shop);
}
visitor.close();
await parleyServer.close();
upstream.close();
shop.close();

const result = {
  name: `parley tool call overhead (${handle.driver})`,
  turns,
  overhead: percentiles(overhead),
  shop: percentiles(shopTimes),
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`${result.name}: ${turns} turns, one HTTP action call each`);
  console.log(`overhead_p50_ms ${result.overhead.p50ms}`);
  console.log(`overhead_p99_ms ${result.overhead.p99ms}`);
  console.log(`(the shop's own time, excluded: p50 ${result.shop.p50ms} ms, p99 ${result.shop.p99ms} ms)`);
}
