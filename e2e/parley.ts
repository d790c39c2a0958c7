// What the browser tests share: `parley start` on a fresh data folder (embedded database, demo data) as a user runs
// it, Debian's Chromium, and axe-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The repository's root. */
export const root = join(import.meta.dirname, '..');

/** A running `parley start`, with the demo agent's credentials it printed. */
export interface StartedParley {
  baseUrl: string;
  agentEmail: string;
  agentPassword: string;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts the built server (`apps/server/dist/cli.js start`) on a free port and a fresh data folder. */
export async function startParley(): Promise<StartedParley> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [join(root, 'apps/server/dist/cli.js'), 'start'], {
    env: { ...process.env, PORT: String(port), HOST: 'localhost', PARLEY_DATA_DIR: dataDir, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const [agentEmail, agentPassword] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const email = output.match(/e-mail:\s+(\S+)/);
      const password = output.match(/password:\s+(\S+)/);
      if (email && password) {
        clearTimeout(timer);
        resolve([email[1]!, password[1]!]);
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    baseUrl: `http://localhost:${port}`,
    agentEmail,
    agentPassword,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, as CI has it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations inside `selector` (shadow roots included; the whole page by default), as
 * `rule: target` lines.
 */
export async function accessibilityViolations(page: Page, selector?: string): Promise<string[]> {
  // What is fading or sliding in (the panel opening) is judged once it has arrived: axe reads colours as they are
  // drawn, half-transparent ones included. Animations that never end (a spinner) are not waited for.
  // The widget's are in its shadow root, which the document's list leaves out.
  await page.evaluate(() => {
    const shadowRoots = [...document.querySelectorAll('*')].flatMap((element) => (element.shadowRoot ? [element.shadowRoot] : []));
    return Promise.all(
      [document, ...shadowRoots]
        .flatMap((tree) => tree.getAnimations())
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => {})),
    );
  });
  // Evaluated through the debugging protocol: the shop's Content-Security-Policy refuses inline scripts, rightly.
  await page.evaluate(axeSource);
  return page.evaluate(async (include) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (context: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }>;
        };
      }
    ).axe;
    const { violations } = await axe.run(include ? { include: [include] } : document);
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)}`));
  }, selector ?? null);
}

/** Committed reference screenshots (e2e/__screenshots__), updated only on purpose: `PARLEY_UPDATE_SCREENSHOTS=1`. */
const references = join(root, 'e2e/__screenshots__');

/**
 * Compares a screenshot (PNG bytes) with its committed reference `e2e/__screenshots__/<name>.png` and returns the
 * share of pixels that differ beyond antialiasing (pixelmatch, threshold 0.1), 0 to 1; a different size counts as 1.
 * With `PARLEY_UPDATE_SCREENSHOTS=1` (never in CI) it writes the reference instead and returns 0. A missing reference
 * is an error that says how to make one.
 */
export function screenshotDifference(name: string, actual: Buffer): number {
  const file = join(references, `${name}.png`);
  if (process.env.PARLEY_UPDATE_SCREENSHOTS === '1' && !process.env.CI) {
    mkdirSync(references, { recursive: true });
    writeFileSync(file, actual);
    return 0;
  }
  if (!existsSync(file))
    throw new Error(`No reference screenshot ${file}: run the browser tests with PARLEY_UPDATE_SCREENSHOTS=1 to make one.`);
  const expected = PNG.sync.read(readFileSync(file));
  const got = PNG.sync.read(actual);
  if (expected.width !== got.width || expected.height !== got.height) return 1;
  const differing = pixelmatch(expected.data, got.data, undefined, got.width, got.height, { threshold: 0.1 });
  return differing / (got.width * got.height);
}
