import type { AgentServerEvents, ErrorBody, VisitorServerEvents } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server, type Namespace } from 'socket.io';

// The server parses every incoming payload itself (conversations/socket-handler.ts), so incoming events are typed
// loosely here on purpose; the handlers are typed by the protocol's event maps.
type IncomingEvents = Record<string, (...args: never[]) => void>;

/**
 * What the server keeps on a visitor socket. Empty here: the domain that authenticates visitors declares its fields
 * (declaration merging), so that shared infrastructure depends on no domain.
 */
// oxlint-disable-next-line no-empty-interface
export interface VisitorSocketData {}

/** What the server keeps on an agent socket; declared by the domain that authenticates agents, as above. */
// oxlint-disable-next-line no-empty-interface
export interface AgentSocketData {}

/** The visitor namespace, typed by what the server sends. */
export type VisitorNamespace = Namespace<IncomingEvents, VisitorServerEvents, Record<string, never>, VisitorSocketData>;
/** The agent namespace, typed by what the server sends. */
export type AgentNamespace = Namespace<IncomingEvents, AgentServerEvents, Record<string, never>, AgentSocketData>;

/** Both namespaces. Broadcasts go through rooms, so a Socket.IO adapter can spread them across processes. */
export interface Realtime {
  io: Server;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
    /**
     * The Redis connection the processes share (`PARLEY_REDIS_URL`), for state they must agree on besides the
     * adapter's broadcasts (the limits of `plugins/rate-limit.ts` that are per caller, not per process); null without.
     */
    redis: SharedRedis | null;
  }
}

/** A node-redis client. */
export type SharedRedis = ReturnType<typeof createClient>;

/** Room of every socket of one visitor (several tabs share it). */
export const contactRoom = (contactId: string) => `contact:${contactId}`;
/** Room of every agent socket of one organization. */
export const organizationRoom = (organizationId: string) => `org:${organizationId}`;
/** Room of the agent sockets of an organization's admins (what only admins may see: webhooks' state). */
export const organizationAdminsRoom = (organizationId: string) => `org-admins:${organizationId}`;

/** An Error that Socket.IO delivers to the client's `connect_error` with `data` = the protocol error body. */
export function connectError(body: ErrorBody): Error & { data: ErrorBody } {
  return Object.assign(new Error(body.message), { data: body });
}

/**
 * Creates the Socket.IO server on the app's HTTP server (one port for REST and sockets). With `redisUrl`, the Redis
 * adapter joins every Parley process: a broadcast to a room reaches its sockets whichever process holds them.
 */
export const ioPlugin = fp<{ redisUrl?: string | undefined }>(
  async function registerIo(app: FastifyInstance, { redisUrl }) {
    const io = new Server(app.server, {
      // Widgets are embedded on other sites: CORS admits any origin here, and the visitor namespace then checks the
      // origin against the widget's allowlist, where it can answer with a reason the SDK shows.
      cors: { origin: true, credentials: false },
      serveClient: false,
      maxHttpBufferSize: 1e6,
    });
    const redisClients: Array<ReturnType<typeof createClient>> = [];
    if (redisUrl) {
      const publisher = createClient({ url: redisUrl });
      const subscriber = publisher.duplicate();
      for (const client of [publisher, subscriber]) {
        client.on('error', (error: unknown) => app.log.error({ err: error }, 'redis connection error'));
      }
      await Promise.all([publisher.connect(), subscriber.connect()]);
      io.adapter(createAdapter(publisher, subscriber));
      redisClients.push(publisher, subscriber);
    }
    const visitors = io.of('/visitor') as VisitorNamespace;
    const agents = io.of('/agent') as AgentNamespace;
    app.decorate('realtime', { io, visitors, agents });
    // The publisher also answers plain commands (node-redis multiplexes them); the subscriber can't.
    app.decorate('redis', redisClients[0] ?? null);
    app.addHook('preClose', async function disconnectSockets() {
      // Open WebSockets would keep the HTTP server from closing.
      for (const namespace of [visitors, agents, io.sockets]) namespace.local.disconnectSockets(true);
      io.engine.close();
    });
    app.addHook('onClose', async function closeIo() {
      await new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server, which Fastify closes itself; its "not running" error is expected.
        io.close(() => resolve());
      });
      // After Socket.IO, which may still publish while it closes.
      await Promise.allSettled(redisClients.map((client) => client.quit()));
    });
  },
  { name: 'parley-io', fastify: '5.x' },
);
