import type { DbHandle } from '@parley/db';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { authPlugin } from './auth/index.js';
import { botActionsPlugin } from './actions/index.js';
import { botPlugin } from './bot/index.js';
import type { ChatModel } from './bot/model.js';
import type { Config } from './config.js';
import { consoleFeaturesPlugin } from './console/index.js';
import { attachmentsPlugin } from './attachments/index.js';
import { avatarsPlugin } from './avatars/index.js';
import { conversationsPlugin } from './conversations/index.js';
import { handoffPlugin } from './handoff/index.js';
import { healthRoutes } from './health/index.js';
import { identityPlugin } from './identity/index.js';
import { knowledgePlugin } from './knowledge/index.js';
import { compressionPlugin } from './plugins/compression.js';
import { configPlugin } from './plugins/config.js';
import { dbPlugin } from './plugins/db.js';
import { errorsPlugin, handleFrameworkError } from './plugins/errors.js';
import { ioPlugin } from './plugins/io.js';
import { jobsPlugin } from './plugins/jobs.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { logSerializers } from './plugins/log-serializers.js';
import { mailerPlugin } from './plugins/mailer.js';
import { openApiPlugin } from './plugins/openapi.js';
import { botProfilesPlugin } from './profiles/index.js';
import { evalsPlugin } from './evals/index.js';
import { registerDemoOrders } from './seed/demo-orders.js';
import { requestIdOf, requestIdPlugin } from './plugins/request-id.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { compileTrustProxy } from './plugins/trusted-proxy.js';
import { defaultStaticDirs, staticRoutes, type StaticDirs } from './static/index.js';
import { webhooksPlugin } from './webhooks/index.js';
import { widgetsPlugin } from './widgets/index.js';

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
  /** Replaces the bot's model (benchmarks); by default Claude with ANTHROPIC_API_KEY, an OpenAI-compatible endpoint with PARLEY_OPENAI_BASE_URL, else the offline answerer. */
  model?: ChatModel;
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
    genReqId: requestIdOf,
    frameworkErrors: handleFrameworkError,
    trustProxy,
    // Per-request lines help in production; in development they drown the start-up banner.
    logController: new LogController({ disableRequestLogging: config.env !== 'production' }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Shared infrastructure first, then one plugin per domain; each plugin names what it depends on.
  await app.register(configPlugin, { config });
  await app.register(requestIdPlugin);
  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(dbPlugin, { handle: options.db });
  await app.register(ioPlugin, { redisUrl: config.redisUrl });
  await app.register(securityHeadersPlugin);
  // Before every route: @fastify/compress attaches itself to each route as it is added.
  await app.register(compressionPlugin);
  await app.register(mailerPlugin);
  await app.register(jobsPlugin);
  // Before every route: the document learns of each route as it is added.
  await app.register(openApiPlugin);
  await app.register(authPlugin, { secret: options.secret });
  await app.register(healthRoutes);
  await app.register(webhooksPlugin, { secret: options.secret });
  await app.register(widgetsPlugin);
  await app.register(identityPlugin, { secret: options.secret });
  await app.register(conversationsPlugin, { trustProxy });
  await app.register(attachmentsPlugin, { secret: options.secret });
  await app.register(handoffPlugin);
  await app.register(avatarsPlugin);
  await app.register(consoleFeaturesPlugin);
  await app.register(knowledgePlugin);
  await app.register(botActionsPlugin, { secret: options.secret });
  await app.register(botProfilesPlugin);
  await app.register(evalsPlugin);
  // The demo shop's order system, which the demo's actions call (fictional data, only while the demo is seeded).
  if (config.seedDemo) registerDemoOrders(app);
  await app.register(botPlugin, { model: options.model });

  const staticDirs = options.staticDirs ?? defaultStaticDirs();
  if (staticDirs) await app.register(staticRoutes, staticDirs);
  return app;
}
