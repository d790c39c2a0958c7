// Server-added latency of a bot turn: a local HTTP server speaks Anthropic's streaming format (as the upstream), and
// the real Parley server (state machine, database claim, tools registry, stored reply) relays it to a real
// socket.io-client visitor. Per turn:
//   first byte -> first delta: the upstream writes its first text delta -> the visitor gets `bot:reply-delta`
//   end -> stored:             the upstream writes message_stop      -> the visitor gets the stored `message:created`
// The bare relay floor from shared/baselines (same upstream, same delta count, no Parley) runs in the same run.
//
// Usage (after `pnpm build`):
//   node bench/bot-turn.mjs [--turns 500] [--deltas 40] [--json]
// DATABASE_URL=postgres://… measures real Postgres instead of the embedded PGlite.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { messageStart, startEventStream } from './lib/anthropic-upstream.mjs';
import { percentiles, root, serverDir, startParley } from './lib/parley.mjs';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '500' },
    deltas: { type: 'string', default: '40' },
    json: { type: 'boolean', default: false },
  },
});
const turns = Number(values.turns);
const deltas = Number(values.deltas);

// The upstream, written like the floor's: it records when it wrote the first text delta and the end.
const marks = [];
const upstream = createServer((request, response) => {
  request.resume();
  request.on('end', async () => {
    const send = startEventStream(response);
    const mark = {};
    marks.push(mark);
    send('message_start', messageStart);
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (let index = 0; index < deltas; index++) {
      if (index === 0) mark.firstByte = performance.now();
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `word${index} ` } });
      if (index % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: deltas },
    });
    mark.end = performance.now();
    send('message_stop', { type: 'message_stop' });
    response.end();
  });
});
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));

const parleyServer = await startParley(
  {
    ANTHROPIC_API_KEY: 'local',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstream.address().port}`,
    PARLEY_BOT_MAX_RETRIES: '0',
    // Turn-taking's pause is waiting, not work: it is left out of the turn measured here.
    PARLEY_BOT_REPLY_PAUSE_MS: '0',
  },
  // Every reply here is without a knowledge-base source: the rule that hands off after three of them is off.
  { enabled: true, handoff: { afterRepliesWithoutSource: 0 } },
);
const { app, handle } = parleyServer;
const visitor = await parleyServer.connectVisitor();

const firstDelta = [];
const endToStored = [];
for (let turn = 0; turn < turns; turn++) {
  const seen = {};
  const onDelta = () => {
    if (seen.first === undefined) seen.first = performance.now();
  };
  const stored = new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.author.kind !== 'bot') return;
      seen.stored = performance.now();
      visitor.off('bot:reply-delta', onDelta);
      visitor.off('message:created', onMessage);
      resolve();
    };
    visitor.on('bot:reply-delta', onDelta);
    visitor.on('message:created', onMessage);
  });
  await visitor.timeout(10_000).emitWithAck('message:send', { clientId: `t${turn}`, body: `question ${turn}` });
  await stored;
  await app.bot.idle();
  const mark = marks[turn];
  firstDelta.push(seen.first - mark.firstByte);
  endToStored.push(seen.stored - mark.end);
}
visitor.close();
await parleyServer.close();
upstream.close();

const parley = {
  name: `parley bot turn (${handle.driver})`,
  turns,
  deltas,
  firstDelta: percentiles(firstDelta),
  endToStored: percentiles(endToStored),
};

const baselineScript = join(root, '../shared/baselines/claude-stream-relay.mjs');
const floor = existsSync(baselineScript)
  ? JSON.parse(
      execFileSync(process.execPath, [baselineScript, '--turns', String(turns), '--deltas', String(deltas), '--json'], {
        cwd: serverDir,
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .at(-1),
    )
  : null;
const ratio = (ours, base) => (base > 0 ? +(ours / base).toFixed(1) : null);

if (values.json) console.log(JSON.stringify({ parley, floor }));
else {
  console.log(`${parley.name}: ${turns} turns x ${deltas} deltas`);
  console.log(`first_delta_p50_ms ${parley.firstDelta.p50ms}`);
  console.log(`first_delta_p99_ms ${parley.firstDelta.p99ms}`);
  console.log(`end_to_stored_p50_ms ${parley.endToStored.p50ms}`);
  console.log(`end_to_stored_p99_ms ${parley.endToStored.p99ms}`);
  if (floor) {
    console.log(
      `floor (bare claude stream relay): first delta p50 ${floor.firstDelta.p50ms} p99 ${floor.firstDelta.p99ms}; end -> done p50 ${floor.endToDone.p50ms} p99 ${floor.endToDone.p99ms}`,
    );
    console.log(
      `ratio first delta p50 ${ratio(parley.firstDelta.p50ms, floor.firstDelta.p50ms)}x p99 ${ratio(parley.firstDelta.p99ms, floor.firstDelta.p99ms)}x; ` +
        `end p50 ${ratio(parley.endToStored.p50ms, floor.endToDone.p50ms)}x p99 ${ratio(parley.endToStored.p99ms, floor.endToDone.p99ms)}x`,
    );
  } else console.log('floor not run: ../shared/baselines/claude-stream-relay.mjs not found');
}
