import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Ack, Message, MessagesPage, MessageSent, Session } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicStream } from './helpers/anthropic.js';
import { connectDemoVisitor, freePort, runCli, started, type CliRun } from './helpers/cli-process.js';

// A bot turn whose process is killed mid-stream (SIGKILL: no shutdown hook runs) is answered by another process
// (Postgres) or by the restarted one (the embedded database), within 15 s of the crash. The model is a real HTTP
// server speaking Anthropic's streaming format: the first request streams one delta and then hangs, as a process
// dying mid-turn leaves it; later ones answer in full.

const ANSWER = 'Your order ships tomorrow.';

const QUESTION = 'Where is my order #1234?';

/**
 * Counts only the requests about this test's question: on a Postgres that other suites share, these processes' sweepers
 * also resume other suites' stranded turns, which get a plain answer and are not counted.
 */
async function startModel(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const ours = Buffer.concat(chunks).toString('utf8').includes(QUESTION);
      if (ours) requests++;
      const reply =
        ours && requests === 1
          ? { text: ['Let me look', ' that up…'], pauseAfterFirstDelta: new Promise<void>(() => undefined) }
          : { text: [ANSWER] };
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      Readable.fromWeb(anthropicStream(reply, 'claude-haiku-5-5') as NodeReadableStream<Uint8Array>).pipe(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function nextEvent<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, resolve));
}

describe('a bot turn stranded by a crash', () => {
  const runs: CliRun[] = [];
  let model: Awaited<ReturnType<typeof startModel>>;
  let dataDir: string;

  beforeAll(async () => {
    model = await startModel();
    dataDir = mkdtempSync(join(tmpdir(), 'parley-stranded-'));
  });
  afterAll(async () => {
    for (const run of runs) run.child.kill('SIGKILL');
    await Promise.all(runs.map((run) => run.exited));
    await model.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is answered within 15 s of SIGKILL, once', async () => {
    const databaseUrl = process.env.DATABASE_URL;
    const env = (port: number) => ({
      PORT: String(port),
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: model.url,
      PARLEY_BOT_MAX_RETRIES: '0',
      PARLEY_SECRET: 'stranded-turn-test-secret-of-32-characters',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PARLEY_DATA_DIR: dataDir }),
    });
    const firstPort = await freePort();
    const first = runCli(['start'], env(firstPort));
    runs.push(first);
    await started(first);
    // On Postgres a second process is already serving when the first dies; the embedded database serves one process,
    // so there the second is the first one restarted.
    const secondPort = await freePort();
    const startSecond = () => {
      const second = runCli(['start'], env(secondPort));
      runs.push(second);
      return started(second);
    };
    if (databaseUrl) await startSecond();

    const visitor = await connectDemoVisitor(firstPort);
    const session = (await visitor.timeout(10_000).emitWithAck('session:get')) as Ack<Session>;
    if (!session.ok) throw new Error('session:get failed');
    const delta = nextEvent(visitor, 'bot:reply-delta');
    const sent = (await visitor.timeout(10_000).emitWithAck('message:send', { clientId: 'order', body: QUESTION })) as Ack<MessageSent>;
    if (!sent.ok) throw new Error('message:send failed');
    await delta;

    first.child.kill('SIGKILL');
    await first.exited;
    const crashedAt = Date.now();
    visitor.close();
    if (!databaseUrl) await startSecond();

    const resumed = await connectDemoVisitor(secondPort, session.data.sessionToken);
    let answer: Message | undefined;
    const live = new Promise<void>((resolve) =>
      resumed.on('message:created', (message: Message) => {
        if (message.author.kind !== 'bot') return;
        answer = message;
        resolve();
      }),
    );
    // The answer may have been stored before this socket joined: look in the history too, once a second (reads are
    // rate-limited like writes).
    while (!answer && Date.now() - crashedAt < 20_000) {
      const page = (await resumed.timeout(10_000).emitWithAck('messages:sync', { afterSeq: 0 })) as Ack<MessagesPage>;
      if (page.ok) answer ??= page.data.messages.find((message) => message.author.kind === 'bot');
      if (!answer) await Promise.race([live, new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
    const waited = Date.now() - crashedAt;
    console.log(
      `stranded bot turn answered ${waited} ms after SIGKILL (${databaseUrl ? 'Postgres, second process' : 'PGlite, restarted'})`,
    );
    expect(answer?.body).toBe(ANSWER);
    expect(waited).toBeLessThan(15_000);

    const page = (await resumed.timeout(10_000).emitWithAck('messages:sync', { afterSeq: 0 })) as Ack<MessagesPage>;
    if (!page.ok) throw new Error(`messages:sync failed: ${page.error.message}`);
    expect(page.data.messages.map((message) => [message.author.kind, message.body])).toEqual([
      ['visitor', QUESTION],
      ['bot', ANSWER],
    ]);
    expect(model.requests()).toBe(2);
    resumed.close();
  }, 60_000);
});
