// What the widget costs a site per page view, in Debian's Chromium. Run from the repository root after building:
//
//   npx -y pnpm@10 run build && node bench/widget-page-view.mjs
//
// Starts `parley start` on a fresh data folder and a free port (embedded database, demo shop), then opens the demo
// page in fresh browser tabs and counts, per scenario, the HTTP requests (by kind), the Socket.IO connections (polling
// handshakes and WebSockets) and the bytes over the wire (HTTP responses as encoded, headers included, and WebSocket
// frames both ways; a response from the browser's cache counts 0):
//
//   page view              a first visit: the page loads, the visitor never touches the widget
//   open                   the same, then the visitor clicks the launcher
//   return, no chat        a later page view by a visitor who opened the widget once but never wrote
//   return, conversation   a later page view by a visitor with a conversation (the widget resumes it)
//
// Prints one line per scenario, then `--json` prints the figures as JSON as well.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { root } from './lib/parley.mjs';

const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');

/** How long a page is left alone after `load`: the loader fetches the widget chunk on idle (at most 10 s later). */
const SETTLE_MS = 4000;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-page-view-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'apps/server/dist/cli.js'), 'start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Parley is running at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Which part of Parley a request is for. */
function kindOf(url) {
  const { pathname, searchParams } = new URL(url);
  if (pathname.startsWith('/socket.io/')) return searchParams.has('sid') ? 'socket.io polling' : 'socket.io handshake';
  if (pathname === '/widget.js') return 'loader';
  if (pathname.startsWith('/widget/')) return 'widget chunk';
  if (pathname.startsWith('/api/widgets/')) return 'widget settings';
  return 'page';
}

/** Counts what `page` sends and receives from now on, through the DevTools protocol. */
async function meter(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  const figures = { requests: {}, sockets: 0, bytes: 0, widgetBytes: 0, socketBytes: 0 };
  const add = (kind, bytes) => {
    figures.bytes += bytes;
    if (kind !== 'page') figures.widgetBytes += bytes;
    if (kind.startsWith('socket.io')) figures.socketBytes += bytes;
  };
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => requests.set(requestId, kindOf(request.url)));
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const kind = requests.get(requestId) ?? 'page';
    figures.requests[kind] = (figures.requests[kind] ?? 0) + 1;
    add(kind, encodedDataLength);
  });
  cdp.on('Network.webSocketCreated', () => figures.sockets++);
  // Frames both ways: a connection's pings and its session load cost the server as much as the visitor.
  cdp.on('Network.webSocketFrameReceived', ({ response }) => add('socket.io frame', response.payloadData.length));
  cdp.on('Network.webSocketFrameSent', ({ response }) => add('socket.io frame', response.payloadData.length));
  return figures;
}

/** A Socket.IO connection is one handshake, whether it then polls or upgrades to a WebSocket. */
const connectionsOf = (figures) => figures.requests['socket.io handshake'] ?? 0;

async function visit(context, url, act) {
  const page = await context.newPage();
  const figures = await meter(page);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS);
  if (act) await act(page);
  await page.close();
  return figures;
}

async function openChat(page) {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
  await page.waitForTimeout(1500);
}

async function writeMessage(page) {
  await openChat(page);
  await page.getByRole('textbox', { name: 'Message' }).fill('Do you ship to Canada?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => !document.querySelector('[data-parley-widget]')?.shadowRoot?.querySelector('[data-pending]'));
  await page.waitForTimeout(1000);
}

const server = await startServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const results = {};
try {
  const fresh = await browser.newContext();
  results['page view'] = await visit(fresh, `${server.url}/`);
  results.open = await visit(fresh, `${server.url}/`, openChat);
  // Same context: localStorage (the session token) and the HTTP cache carry over, as for a visitor's next page.
  results['return, no chat'] = await visit(fresh, `${server.url}/`);
  const chatting = await browser.newContext();
  await visit(chatting, `${server.url}/`, writeMessage);
  results['return, conversation'] = await visit(chatting, `${server.url}/`);
} finally {
  await browser.close();
  await server.close();
}

for (const [name, figures] of Object.entries(results)) {
  const kinds = Object.entries(figures.requests)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  console.log(
    `${name}: ${connectionsOf(figures)} Socket.IO connection(s) (${figures.sockets} WebSocket, ${figures.socketBytes} B), ` +
      `${figures.widgetBytes} B for the widget (${figures.bytes} B in all); requests: ${kinds}`,
  );
}
if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
