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
import { launchChromium, startParleyProcess } from './lib/parley-process.mjs';

/** How long a page is left alone after `load`: the loader fetches the widget chunk on idle (at most 10 s later). */
const SETTLE_MS = 4000;

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

/**
 * Socket.IO connections: a WebSocket each (the widget connects with one at once), or, where it falls back to
 * long-polling, a polling handshake that may then upgrade to a WebSocket: one connection either way.
 */
const connectionsOf = (figures) => Math.max(figures.sockets, figures.requests['socket.io handshake'] ?? 0);

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

const server = await startParleyProcess();
const browser = await launchChromium();
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
