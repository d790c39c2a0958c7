import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ack, MessagesPage, MessageSent, Session } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoKnowledgeDir } from '../src/seed/demo.js';
import { cliPath, connectDemoVisitor, freePort, runCli, started, type CliRun } from './helpers/cli-process.js';
import { ok } from './helpers/server.js';

// Two processes on one embedded data folder, as a user starts them: the built CLI, run twice on one PARLEY_DATA_DIR.
// This is about the embedded database, so DATABASE_URL is removed even when the suite runs on Postgres.

const runs: CliRun[] = [];
let dataDir: string;

/** `parley …args` on the test's data folder; killed after the file's tests if it still runs. */
function run(args: string[], env: Record<string, string> = {}): CliRun {
  const cliRun = runCli(args, { PARLEY_DATA_DIR: dataDir, ...env });
  runs.push(cliRun);
  return cliRun;
}

async function emit<T>(socket: Socket, event: string, payload?: unknown): Promise<T> {
  const ack = (await (payload === undefined
    ? socket.timeout(10_000).emitWithAck(event)
    : socket.timeout(10_000).emitWithAck(event, payload))) as Ack<T>;
  return ok(ack);
}

/** The pid in the holder file beside the lock, if there is one. */
function recordedHolderPid(): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'db.lock-holder.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/** The refusal every command must print: no stack trace, the holder's pid, and the way out. */
function expectRefusal(refused: CliRun, code: number | null, holderPid: number) {
  expect(code, refused.output.stderr).not.toBe(0);
  expect(refused.output.stderr).toContain(`is in use by another Parley process (pid ${holderPid}, \`parley start\` on port `);
  expect(refused.output.stderr).toContain('set DATABASE_URL');
  expect(refused.output.stderr).not.toMatch(/^\s+at /m);
  expect(refused.output.stdout).not.toContain('Parley is running');
}

let first: CliRun;
let firstPort: number;
let sessionToken: string;
const sentBody = 'Sent through the first process: is my order on its way?';

beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npx -y pnpm@10 run build).`);
  dataDir = mkdtempSync(join(tmpdir(), 'parley-data-dir-lock-'));
  firstPort = await freePort();
  first = run(['start'], { PORT: String(firstPort) });
  await started(first);
  const visitor = await connectDemoVisitor(firstPort);
  try {
    sessionToken = (await emit<Session>(visitor, 'session:get')).sessionToken;
    await emit<MessageSent>(visitor, 'message:send', { clientId: 'before-the-crash', body: sentBody });
  } finally {
    visitor.close();
  }
});

afterAll(async () => {
  for (const { child, exited } of runs) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('two processes on one embedded data folder', () => {
  it('refuses a second `start` on the folder, naming the process that holds it', async () => {
    const second = run(['start'], { PORT: String(await freePort()) });
    expectRefusal(second, await second.exited, first.child.pid!);
    expect(second.output.stderr).toContain(`on port ${firstPort}`);
  });

  it('refuses every other command that opens the database while the server runs', async () => {
    const embeddings = {
      PARLEY_EMBEDDINGS_URL: 'http://127.0.0.1:9/v1',
      PARLEY_EMBEDDINGS_MODEL: 'test',
      PARLEY_EMBEDDINGS_DIMENSIONS: '8',
    };
    const [migrate, seed, resetPassword, kbImport, kbEmbed, kbCrawl] = [
      run(['migrate']),
      run(['seed']),
      run(['seed', '--reset-password']),
      run(['kb', 'import', demoKnowledgeDir]),
      run(['kb', 'embed'], embeddings),
      run(['kb', 'crawl', 'https://help.example.com/']),
    ];
    for (const refused of [migrate, seed, resetPassword, kbImport, kbEmbed, kbCrawl]) {
      expectRefusal(refused, await refused.exited, first.child.pid!);
    }
    expect(kbImport.output.stderr).toContain('POST /api/knowledge/documents');
    expect(kbImport.output.stderr).toContain('Knowledge base page');
    expect(kbCrawl.output.stderr).toContain('POST /api/knowledge/sources');
    expect(resetPassword.output.stderr).toContain('stop the server, run `parley seed --reset-password`');
  });

  it('starts again within seconds after the holder is killed, with what the holder wrote', async () => {
    const port = await freePort();
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = performance.now();
    const restarted = run(['start'], { PORT: String(port) });
    // The killed holder refreshed its lock at most 5 s before it died, so waiting for proper-lockfile's 10 s stale
    // period alone would take 5 to 10 s: recognising the dead pid takes over at once.
    await vi.waitFor(() => expect(recordedHolderPid()).toBe(restarted.child.pid), { timeout: 10_000, interval: 50 });
    expect(performance.now() - killedAt).toBeLessThan(5_000);
    await started(restarted);
    // It took the lock over rather than slipping past it: the folder is now its own.
    const late = run(['migrate']);
    expectRefusal(late, await late.exited, restarted.child.pid!);

    const visitor = await connectDemoVisitor(port, sessionToken);
    try {
      const page = await emit<MessagesPage>(visitor, 'messages:sync', { afterSeq: 0 });
      expect(page.messages.map((message) => message.body)).toContain(sentBody);
    } finally {
      visitor.close();
    }
  });
});
