// Shared by the benchmarks: the built Parley server started in this process on an ephemeral port, over PGlite or
// over DATABASE_URL, with an organization and a widget to talk through. Needs `pnpm build` first.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const serverDir = join(root, 'apps/server');
const require = createRequire(join(serverDir, 'package.json'));
const load = (path) => import(pathToFileURL(join(serverDir, 'dist', path)).href);

/** The URL of a listening Parley app. */
const urlOf = (server) => `http://127.0.0.1:${server.server.address().port}`;

/** socket.io-client, as the server package resolves it. */
export const { io } = require('socket.io-client');

/**
 * Starts Parley with `env` settings on top of quiet, unthrottled defaults; `widgetBot` configures the widget's bot.
 * With `assets: true` it also serves the built widget, console and demo page, as `parley start` does.
 */
export async function startParley(env = {}, widgetBot = {}, { assets = false } = {}) {
  const { createDb } = await import(pathToFileURL(require.resolve('@parley/db')).href);
  const { buildApp } = await load('app.js');
  const { loadConfig } = await load('config.js');
  const accounts = await load('seed/accounts.js');
  const config = loadConfig({ NODE_ENV: 'test', PARLEY_LOG_LEVEL: 'silent', PARLEY_RATE_LIMIT_MESSAGES: '1000000', ...env });
  const handle = await createDb({ url: process.env.DATABASE_URL, dataDir: 'memory://' });
  await handle.migrate();
  const app = await buildApp({
    config,
    db: handle,
    secret: 'bench-secret-at-least-32-characters!',
    staticDirs: assets ? undefined : false,
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const extraApps = [];
  const organization = await accounts.createOrganization(handle.db, 'Bench');
  const widget = await accounts.createWidget(handle.db, {
    organizationId: organization.id,
    name: 'bench',
    allowedOrigins: ['https://bench.example'],
    bot: widgetBot,
  });
  return {
    app,
    handle,
    accounts,
    organization,
    widget,
    url: urlOf(app),
    /**
     * Another Parley app on the same database, as a second process would be (its own Fastify, Socket.IO and bot
     * runner); with PARLEY_REDIS_URL in `env` the two are joined by the Redis adapter. Returns its URL.
     */
    async startSecondApp() {
      const second = await buildApp({
        config,
        db: handle,
        secret: 'bench-secret-at-least-32-characters!',
        staticDirs: false,
        logger: false,
      });
      await second.listen({ port: 0, host: '127.0.0.1' });
      extraApps.push(second);
      return urlOf(second);
    },
    /** A visitor socket of the bench widget, connected (to `url`, by default the first app). */
    connectVisitor(url = this.url) {
      return connect(`${url}/visitor`, { auth: { widgetKey: widget.publicKey }, extraHeaders: { origin: 'https://bench.example' } });
    },
    /**
     * A new agent of the bench organization, signed in through the REST API, with its socket connected (to `url`, by
     * default the first app); the socket's `agentId` is the agent's user id.
     */
    async connectAgent(url = this.url) {
      const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@bench.example`;
      await accounts.createAgent(handle.db, {
        organizationId: organization.id,
        email,
        name: 'Bench',
        password: 'bench-password',
        role: 'agent',
      });
      const login = await fetch(`${this.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'bench-password' }),
      });
      const { token, agent } = await login.json();
      return Object.assign(await connect(`${url}/agent`, { auth: { token } }), { agentId: agent.id });
    },
    async close() {
      for (const extra of extraApps) await extra.close();
      await app.close();
      await handle.close();
    },
  };
}

/** A connected socket.io-client socket over WebSocket. */
export function connect(url, options) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, ...options });
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', reject);
  });
}

/** p50 and p99 of samples in milliseconds. */
export function percentiles(samples) {
  const sorted = samples.toSorted((a, b) => a - b);
  const at = (p) => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(3);
  return { p50ms: at(0.5), p99ms: at(0.99) };
}
