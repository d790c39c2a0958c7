import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentSessions, createDb, type DbHandle } from '@parley/db';
import { eq } from 'drizzle-orm';
import type { Ack, LoginResponse, Message, MessageSent, WidgetSettings } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import type { BotConfig } from '../../src/widgets/bot-config.js';
import type { RoutingConfig } from '../../src/widgets/routing-config.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createAgent, createOrganization, createWidget } from '../../src/seed/accounts.js';
import { mockAnthropic } from './anthropic.js';

/** The site that the test widget allows. */
export const SHOP_ORIGIN = 'https://shop.example';

/** A real Parley server on an ephemeral port, over PGlite, or over DATABASE_URL when it is set. */
export interface TestServer {
  app: FastifyInstance;
  url: string;
  db: DbHandle;
  config: Config;
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Serve the built widget, console and demo page, as `parley start` does; by default the API alone. */
  assets?: boolean;
  /** Where logs go; by default nowhere. */
  logger?: BuildAppOptions['logger'];
}

/** Starts the real server. `env` overrides settings, as environment variables would. */
export async function startServer(env: Record<string, string> = {}, options: StartServerOptions = {}): Promise<TestServer> {
  // A data folder of its own (attachments are written there), removed on close: never the checkout's `.parley`.
  const dataDir = env.PARLEY_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_ALLOW_LOCALHOST_ORIGINS: 'false',
    PARLEY_LOG_LEVEL: 'silent',
    // Every test visitor connects from 127.0.0.1; the limit itself has its own test.
    PARLEY_RATE_LIMIT_NEW_SESSIONS: '1000',
    // Background sweeps (inactivity, stranded bot turns) would race the tests that run them by hand; those that want
    // them running turn them on.
    PARLEY_SWEEP_INTERVAL_SECONDS: '0',
    // The bot answers at once instead of waiting for the visitor's pause; the turn-taking tests set their own.
    PARLEY_BOT_REPLY_PAUSE_MS: '0',
    ...env,
  });
  const db = await createDb({ url: process.env.DATABASE_URL, dataDir: 'memory://', maxConnections: 5 });
  await db.migrate();
  const app = await buildApp({
    config,
    db,
    secret: 'test-secret-that-is-at-least-32-chars',
    // undefined: the default folders, the builds of @parley/widget and @parley/console.
    staticDirs: options.assets ? undefined : false,
    logger: options.logger ?? false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a port');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    db,
    config,
    close: async () => {
      await app.close();
      await db.close();
      if (!env.PARLEY_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh organization with a widget for {@link SHOP_ORIGIN} and one agent. Unique names: suites share Postgres. */
export async function createTenant(
  server: TestServer,
  options: {
    allowedOrigins?: string[];
    bot?: Partial<BotConfig>;
    settings?: Partial<WidgetSettings>;
    routing?: Partial<RoutingConfig>;
  } = {},
) {
  const suffix = randomUUID().slice(0, 8);
  const organization = await createOrganization(server.db.db, `Test shop ${suffix}`);
  const widget = await createWidget(server.db.db, {
    organizationId: organization.id,
    name: 'Test widget',
    allowedOrigins: options.allowedOrigins ?? [SHOP_ORIGIN],
    // The chat-transport suites test people talking to people; the bot suites turn the bot on.
    bot: { enabled: false, ...options.bot },
    // Agents take conversations by hand unless a suite tests routing: an online agent would otherwise be given them.
    routing: { strategy: 'manual', ...options.routing },
    settings: options.settings,
  });
  const email = `agent-${suffix}@shop.example`;
  const password = `pw-${randomUUID()}`;
  const user = await createAgent(server.db.db, {
    organizationId: organization.id,
    email,
    name: `Agent ${suffix}`,
    password,
    role: 'agent',
  });
  return { organization, widget, user, email, password };
}

/** {@link createTenant}, with an admin of the organization too: both signed in (`adminToken`, `agentToken`). */
export async function createTenantWithAdmin(server: TestServer, options: Parameters<typeof createTenant>[1] = {}) {
  const tenant = await createTenant(server, options);
  const adminEmail = `admin-${randomUUID().slice(0, 8)}@shop.example`;
  await createAgent(server.db.db, {
    organizationId: tenant.organization.id,
    email: adminEmail,
    name: 'Admin',
    password: tenant.password,
    role: 'admin',
  });
  return {
    ...tenant,
    adminEmail,
    adminToken: (await login(server, adminEmail, tenant.password)).token,
    agentToken: (await login(server, tenant.email, tenant.password)).token,
  };
}

/** Signs in through the REST API. */
export async function login(server: TestServer, email: string, password: string): Promise<LoginResponse> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as LoginResponse;
}

/** A real socket.io-client visitor socket, connected (or rejected) before it is returned. */
export function connectVisitor(
  server: TestServer,
  auth: { widgetKey: string; sessionToken?: string; [field: string]: unknown },
  origin: string | null = SHOP_ORIGIN,
): Promise<Socket> {
  const socket = io(`${server.url}/visitor`, {
    transports: ['websocket'],
    auth,
    extraHeaders: origin ? { origin } : {},
    reconnection: false,
    forceNew: true,
  });
  return settle(socket);
}

/** A real socket.io-client agent socket. */
export function connectAgent(server: TestServer, token: string | undefined): Promise<Socket> {
  const socket = io(`${server.url}/agent`, {
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: false,
    forceNew: true,
  });
  return settle(socket);
}

function settle(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits and waits for the ack. */
export function request<T = unknown>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(10_000).emitWithAck(event, ...args) as Promise<T>;
}

/** Resolves with the next `event` on `socket` that matches `predicate`. */
export function nextEvent<T>(socket: Socket, event: string, predicate: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, 10_000);
    function listener(payload: T) {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    }
    socket.on(event, listener);
  });
}

/** Collects every `event` on `socket` into an array, for asserting that nothing arrived. */
export function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** A response's JSON body, loosely typed: tests assert its shape. */
// oxlint-disable-next-line no-explicit-any
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}

/**
 * A second Parley server on the same database as `server`, as a second process would be: its own Fastify, Socket.IO
 * and bot runner, nothing shared in memory. (Without a Socket.IO adapter its broadcasts reach only its own sockets.)
 */
export async function startSecondApp(server: TestServer): Promise<TestServer> {
  const app = await buildApp({
    config: server.config,
    db: server.db,
    secret: 'test-secret-that-is-at-least-32-chars',
    staticDirs: false,
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a port');
  return { app, url: `http://127.0.0.1:${address.port}`, db: server.db, config: server.config, close: () => app.close() };
}

/**
 * An agent resolves the conversation through the REST API (`token`: theirs); resolves with the "resolved" status line
 * once the visitor has it.
 */
export async function resolveAsAgent(server: TestServer, visitor: Socket, conversationId: string, token: string): Promise<Message> {
  const line = nextEvent<Message>(visitor, 'message:created', (message) => message.event?.type === 'resolved');
  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'resolved' }),
  });
  if (response.status !== 200) throw new Error(`resolving failed: ${response.status} ${await response.text()}`);
  return line;
}

/** The data of a successful ack; a failed one throws with its error, so the test fails with the reason. */
export function ok<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok ack, got ${JSON.stringify(ack.error)}`);
  return ack.data;
}

/**
 * The real server with Claude's API mocked by msw ({@link mockAnthropic}): both start before the file's tests, the
 * mock's queue and recorded requests are cleared after each test (once bot turns are idle), both stop at the end.
 */
export function useServerWithClaude(env: Record<string, string>) {
  const anthropic = mockAnthropic();
  const server = {} as TestServer;
  beforeAll(async () => {
    anthropic.listen();
    Object.assign(server, await startServer({ ANTHROPIC_API_KEY: 'sk-ant-test', ...env }));
  });
  afterEach(async () => {
    await server.app.bot.idle();
    anthropic.queue.length = 0;
    anthropic.requests.length = 0;
  });
  afterAll(async () => {
    await server.close?.();
    anthropic.close();
  });
  return { server, anthropic };
}

/**
 * Starts the real server before the file's tests and stops it after them. The returned object is filled in by the
 * `beforeAll` hook, so tests use it as they would the server itself.
 */
export function useTestServer(env: Record<string, string> = {}): TestServer {
  const server = {} as TestServer;
  beforeAll(async () => {
    Object.assign(server, await startServer(env));
  });
  afterAll(async () => {
    await server.close?.();
  });
  return server;
}

/**
 * Two Parley processes on one database, joined by Redis (`PARLEY_REDIS_URL`, which the scale-out suites need; .ci/run
 * starts a Redis server if the machine has none), started before the file's tests and stopped after them, as
 * {@link useTestServer} does one.
 */
export function useTwoProcesses(env: Record<string, string> = {}): { first: TestServer; second: TestServer } {
  const processes = { first: {} as TestServer, second: {} as TestServer };
  beforeAll(async () => {
    const redisUrl = process.env.PARLEY_REDIS_URL;
    if (!redisUrl) throw new Error('PARLEY_REDIS_URL is not set: this suite needs a Redis server (see .ci/run).');
    Object.assign(processes.first, await startServer({ ...env, PARLEY_REDIS_URL: redisUrl }));
    Object.assign(processes.second, await startSecondApp(processes.first));
  });
  afterAll(async () => {
    await processes.second.close?.();
    await processes.first.close?.();
  });
  return processes;
}

/** Polls `check` every 20 ms until it holds; after `timeoutMs` throws, naming `what` was awaited. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** A REST request to `server` with an agent's bearer token, and a JSON body when one is given. */
export function apiRequest(server: TestServer, path: string, token: string, method = 'GET', body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * Opens the console of the tenant's agent and waits until they are online (their presence row is written): with
 * someone online, a conversation joining the queue is told its place rather than that nobody is available.
 */
export async function openConsole(server: TestServer, tenant: { email: string; password: string; user: { id: string } }): Promise<Socket> {
  const { token } = await login(server, tenant.email, tenant.password);
  const socket = await connectAgent(server, token);
  await waitUntil(
    async () => (await server.db.db.select().from(agentSessions).where(eq(agentSessions.userId, tenant.user.id))).length > 0,
    'the agent online',
  );
  return socket;
}

/**
 * A conversation a visitor of a new tenant started with `body` (the tenant's widget has no bot: it waits in the
 * queue), and that tenant's agent, signed in with a socket. The two sockets go into `sockets`, for the test to close.
 */
export async function visitorConversationWithAgent(server: TestServer, sockets: Socket[], body: string) {
  const tenant = await createTenant(server);
  const { token } = await login(server, tenant.email, tenant.password);
  const agent = await connectAgent(server, token);
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  sockets.push(agent, visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
  return { tenant, token, agent, visitor, conversationId: sent.conversationId };
}
