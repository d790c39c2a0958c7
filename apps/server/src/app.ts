import type { DbHandle } from '@parley/db';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { authPlugin } from './auth/index.js';
import { createTokenService } from './auth/tokens.js';
import type { ChatModel } from './bot/model.js';
import { createBotRunner, type BotRunner } from './bot/runner.js';
import { registerStrandedTurnResumer } from './bot/stranded-turns.js';
import type { Config } from './config.js';
import { registerAgentSocket } from './conversations/agent-socket.js';
import { registerInactivitySweeper } from './conversations/inactivity-sweeper.js';
import { createRateLimit } from './plugins/rate-limit.js';
import { conversationRoutes } from './conversations/routes.js';
import { registerVisitorSocket } from './conversations/visitor-socket.js';
import { healthRoutes } from './health/index.js';
import { knowledgeRoutes } from './knowledge/routes.js';
import { semanticIndexFromConfig } from './knowledge/semantic-index.js';
import { dbPlugin } from './plugins/db.js';
import { errorsPlugin, handleFrameworkError } from './plugins/errors.js';
import { ioPlugin } from './plugins/io.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { logSerializers } from './plugins/log-serializers.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { compileTrustProxy } from './plugins/trusted-proxy.js';
import { defaultStaticDirs, staticRoutes, type StaticDirs } from './static/index.js';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  config: Config;
  /** An open database; the caller migrates it before and closes it after. */
  db: DbHandle;
  /** Signs visitor and agent tokens (at least 32 characters). */
  secret: string;
  /** Asset folders; defaults to the built widget, console and demo page. `false` serves no assets (API-only tests). */
  staticDirs?: StaticDirs | false;
  /** JSON logs at the configured level, to stdout unless `stream` is given (tests); `false`: no logs. */
  logger?: false | { level?: string; stream?: { write(line: string): void } };
  /** Replaces the bot's model (benchmarks); by default Claude with ANTHROPIC_API_KEY, else the offline answerer. */
  model?: ChatModel;
}

declare module 'fastify' {
  interface FastifyInstance {
    bot: BotRunner;
  }
}

/**
 * Builds the Parley server: REST API, Socket.IO namespaces, health checks and static assets, on one Fastify instance.
 * It does not listen: call `app.listen()` (tests use port 0).
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  // Forwarded headers count only from configured proxies, for REST (Fastify) and socket handshakes alike.
  const trustProxy = compileTrustProxy(config.trustProxy);
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, ...options.logger, serializers: logSerializers },
    bodyLimit: 1_048_576,
    frameworkErrors: handleFrameworkError,
    trustProxy,
    // Per-request lines help in production; in development they drown the start-up banner.
    logController: new LogController({ disableRequestLogging: config.env !== 'production' }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const tokens = createTokenService(options.secret);
  const rateLimit = createRateLimit(config.rateLimit.messages, config.rateLimit.windowSeconds);
  // Typing events are cheap but frequent; the client throttles them, this stops a runaway one.
  const typingLimit = createRateLimit(60, 10);

  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(dbPlugin, { handle: options.db });
  await app.register(ioPlugin, { redisUrl: config.redisUrl });
  await app.register(securityHeadersPlugin);
  await app.register(authPlugin, { tokens });
  await app.register(healthRoutes);
  await app.register(conversationRoutes, { config, rateLimit });
  // Semantic search, when embeddings are configured and the database has pgvector; else lexical search alone.
  const semantic = await semanticIndexFromConfig(options.db, config.embeddings, app.log);
  await app.register(knowledgeRoutes, { semantic });
  app.decorate('bot', createBotRunner({ db: options.db.db, realtime: app.realtime, log: app.log, config, model: options.model, semantic }));
  // Turns in flight finish (or are stored as failures) before the database closes.
  app.addHook('onClose', async function waitForBotTurns() {
    await app.bot.idle();
  });
  registerInactivitySweeper(app, config);
  if (config.inactivity.sweepIntervalSeconds > 0) registerStrandedTurnResumer(app, { exclusive: options.db.exclusive });
  registerVisitorSocket(app, { config, tokens, rateLimit, typingLimit, trustProxy });
  registerAgentSocket(app, { config, tokens, rateLimit, typingLimit });

  const staticDirs = options.staticDirs ?? defaultStaticDirs();
  if (staticDirs) await app.register(staticRoutes, staticDirs);
  return app;
}
