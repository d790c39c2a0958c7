import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { DEMO_WIDGET_KEY } from '../../src/seed/demo.js';

/** The built CLI, as a user runs it (`pnpm test` builds before it tests). */
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A running or finished `parley …` process, with its output so far. */
export interface CliRun {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/**
 * Runs `node dist/cli.js …args` with `env` on top of this process's environment, minus every Parley, Anthropic and
 * database setting of the test run itself (pass `DATABASE_URL` in `env` to use one).
 */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'DATABASE_URL' && !name.startsWith('PARLEY_') && !name.startsWith('ANTHROPIC_'),
    ),
  );
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...inherited, NODE_ENV: 'development', PARLEY_LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Resolves once `run` (a `parley start`) has printed its start banner; rejects if it exits first. */
export async function started(run: CliRun): Promise<void> {
  const banner = new Promise<void>((resolve) => {
    const check = () => {
      if (!run.output.stdout.includes('Parley is running at')) return;
      run.child.stdout!.off('data', check);
      resolve();
    };
    run.child.stdout!.on('data', check);
    check();
  });
  const exit = run.exited.then((code) => {
    throw new Error(`parley start exited with ${code} before it served:\n${run.output.stderr}`);
  });
  await Promise.race([banner, exit]);
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A visitor of the demo widget of the `parley start` on `port`, connected from the demo page's origin. */
export function connectDemoVisitor(port: number, sessionToken?: string): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}/visitor`, {
    transports: ['websocket'],
    auth: sessionToken ? { widgetKey: DEMO_WIDGET_KEY, sessionToken } : { widgetKey: DEMO_WIDGET_KEY },
    extraHeaders: { origin: `http://localhost:${port}` },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
