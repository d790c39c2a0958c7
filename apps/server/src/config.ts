import { isAbsolute, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { DEFAULT_MESSAGE_MAX_LENGTH, MESSAGE_HARD_MAX_LENGTH, REPLY_TIMING_LIMITS } from '@parley/protocol';
import { z } from 'zod';
import { NO_OUTBOUND_ALLOWANCE, outboundAllowanceSchema, type OutboundAllowance } from './plugins/outbound-address.js';
import { trustProxySettingSchema, type TrustProxySetting } from './plugins/trusted-proxy.js';
import { readMcpConfigFile, type ConfiguredMcpServer } from './config-mcp.js';

/** USD per million tokens, per model. */
export const modelPricesSchema = z.record(
  z.string(),
  z.object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cacheRead: z.number().nonnegative(),
    cacheWrite: z.number().nonnegative(),
  }),
);
/** USD per million tokens, per model. */
export type ModelPrices = z.infer<typeof modelPricesSchema>;

// scheme://[user[:password]@]host[:port][/][?options]: a host name, an IPv4 address or a bracketed IPv6 address. The
// user name and password may not hold '@', '/', ':' (user), '?', '#' or spaces unless percent-encoded.
const SMTP_URL = /^smtps?:\/\/(?:[^\s:@/?#]+(?::[^\s@/?#]*)?@)?(?:\[[\dA-Fa-f:.]+\]|[^\s:@/?#[\]]+)(?::\d{1,5})?\/?(?:\?[^\s#]*)?$/;
// `support@example.com` or `Display Name <support@example.com>`, on one line.
const SMTP_FROM = /^(?:[^\r\n<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

const booleanFromEnv = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/**
 * Every setting Parley reads from the environment. docs/configuration.md lists the same variables; keep them in step.
 * Secrets (PARLEY_SECRET, DATABASE_URL) come from here only.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  PARLEY_DATA_DIR: z.string().min(1).default('.parley'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  PARLEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'PARLEY_REDIS_URL must be a redis:// or rediss:// URL')
    .optional(),
  PARLEY_SECRET: z.string().min(32, 'PARLEY_SECRET must be at least 32 characters').optional(),
  PARLEY_PUBLIC_URL: z.url().optional(),
  PARLEY_TRUST_PROXY: trustProxySettingSchema.optional(),
  PARLEY_OUTBOUND_ALLOW: outboundAllowanceSchema.optional(),
  PARLEY_MCP_CONFIG: z.string().min(1).optional(),
  PARLEY_MESSAGE_MAX_LENGTH: z.coerce.number().int().min(1).max(MESSAGE_HARD_MAX_LENGTH).default(DEFAULT_MESSAGE_MAX_LENGTH),
  PARLEY_RATE_LIMIT_MESSAGES: z.coerce.number().int().min(1).default(30),
  PARLEY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(10),
  PARLEY_RATE_LIMIT_NEW_SESSIONS: z.coerce.number().int().min(1).default(60),
  PARLEY_RATE_LIMIT_API: z.coerce.number().int().min(1).default(600),
  PARLEY_ALLOW_LOCALHOST_ORIGINS: booleanFromEnv.optional(),
  PARLEY_SEED_DEMO: booleanFromEnv.default(true),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_RESOLVE_AFTER_MINUTES: z.coerce.number().int().min(1).default(30),
  PARLEY_CLOSE_AFTER_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(7 * 24 * 60),
  PARLEY_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  PARLEY_PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  PARLEY_PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  PARLEY_JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  PARLEY_REPLY_EMAIL_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  PARLEY_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  PARLEY_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  PARLEY_WEBHOOK_PAUSE_AFTER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(50),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  PARLEY_BOT_MODEL: z.string().min(1).optional(),
  PARLEY_OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_OPENAI_API_KEY: z.string().min(1).optional(),
  PARLEY_OPENAI_IMAGES: booleanFromEnv.default(false),
  PARLEY_BOT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  PARLEY_BOT_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  PARLEY_BOT_REPLY_PAUSE_MS: z.coerce.number().int().min(0).max(REPLY_TIMING_LIMITS.pauseMs).default(1500),
  PARLEY_BOT_REPLY_MAX_WAIT_MS: z.coerce.number().int().min(0).max(REPLY_TIMING_LIMITS.maxWaitMs).default(8000),
  PARLEY_EMBEDDINGS_URL: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_EMBEDDINGS_MODEL: z.string().min(1).optional(),
  PARLEY_EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  // pgvector's HNSW index takes vectors of up to 2,000 dimensions; models that can shorten theirs take `dimensions`.
  PARLEY_EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(2).max(2000).optional(),
  PARLEY_MODEL_PRICES: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'PARLEY_MODEL_PRICES must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(modelPricesSchema)
    .optional(),
  PARLEY_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_S3_BUCKET: z.string().min(1).optional(),
  PARLEY_S3_REGION: z.string().min(1).default('us-east-1'),
  PARLEY_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PARLEY_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  // The regexes' messages never repeat the value: the URL holds a password.
  PARLEY_SMTP_URL: z
    .string()
    .regex(
      SMTP_URL,
      'PARLEY_SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@smtp.example.com:587, with special characters in the user name and password percent-encoded',
    )
    .optional(),
  PARLEY_SMTP_FROM: z
    .string()
    .regex(SMTP_FROM, 'PARLEY_SMTP_FROM must be one e-mail address, such as support@example.com or Parley <support@example.com>')
    .optional(),
});

/** Resolved server configuration. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Joins several server processes through Redis (the Socket.IO Redis adapter); unset for one process. */
  redisUrl: string | undefined;
  /** Signs session and agent tokens. When unset outside production, one is generated and kept in the data folder. */
  secret: string | undefined;
  /** Where people reach this server (`PARLEY_PUBLIC_URL`), for links in e-mails; see {@link publicBaseUrl}. */
  publicUrl: string | undefined;
  /**
   * Reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` headers are believed (client address for rate limits,
   * scheme for origin checks and HSTS). None by default: anyone can write those headers.
   */
  trustProxy: TrustProxySetting;
  /**
   * Requests Parley makes to addresses people type (site crawls, webhooks, the bot's HTTP actions and MCP servers) reach public addresses
   * only, plus what `PARLEY_OUTBOUND_ALLOW` names here: pass `allow` to `createOutboundFetch`.
   */
  outbound: { allow: OutboundAllowance };
  /** MCP servers Parley starts and talks to over stdio, from the file `PARLEY_MCP_CONFIG` names (`config-mcp.ts`). */
  mcpServers: ConfiguredMcpServer[];
  messageMaxLength: number;
  /** Messages per window per sender, new visitor sessions per minute per IP address, REST requests per minute per API token. */
  rateLimit: { messages: number; windowSeconds: number; newSessionsPerMinute: number; apiRequestsPerMinute: number };
  /** Lets any http://localhost or 127.0.0.1 origin use any widget: on in development, off in production. */
  allowLocalhostOrigins: boolean;
  seedDemo: boolean;
  logLevel: z.infer<typeof envSchema>['PARLEY_LOG_LEVEL'];
  /** The Anthropic settings; without an API key the offline answerer replies instead of Claude. */
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined; timeoutMs: number; maxRetries: number };
  /**
   * An OpenAI-compatible chat completions endpoint (Ollama, vLLM, OpenAI) that answers instead of Claude; null when
   * unset. Shares `anthropic`'s timeout and retries. `images`: whether its model reads images (a vision model), so
   * that the visitor's photos go to it as image parts; off by default, as most local models read text only and some
   * servers refuse a request with an image.
   */
  openaiCompatible: { baseUrl: string; apiKey: string | undefined; images: boolean } | null;
  /**
   * Turn-taking of widgets that don't set their own (`turnTaking` of their bot): the bot answers once the visitor has
   * paused this long, or been typing since, but never later than `maxWaitMs` after the first unanswered message.
   */
  botReplyTiming: { pauseMs: number; maxWaitMs: number };
  /** Default model for widgets that don't choose one (required with `openaiCompatible`). */
  botModel: string | undefined;
  /** Prices that override or extend the built-in table. */
  modelPrices: ModelPrices;
  /** Inactivity timeout; a sweep interval of 0 turns the sweeper off. */
  inactivity: { resolveAfterMinutes: number; closeAfterMinutes: number; sweepIntervalSeconds: number };
  /**
   * Agent presence: each process renews its agents' connection rows every `heartbeatMs`; a row not renewed for three
   * beats (the lease) is a dead process's. An agent whose last socket closed stays online for `graceMs` (a reload).
   */
  presence: { heartbeatMs: number; graceMs: number };
  /**
   * The job queue (`app.jobs`): how often each process claims due jobs. The poller is off with the other background
   * sweeps (`inactivity.sweepIntervalSeconds` 0); `app.jobs.runDue()` then runs one poll by hand.
   */
  jobs: { pollMs: number };
  /**
   * Webhook deliveries: the wait before the first retry (doubling after each failure, up to 6 h, with jitter), the
   * attempts before a delivery is given up, and the failed attempts in a row after which a subscription is paused.
   * Deliveries are claimed every `jobs.pollMs`, by the same poller switch.
   */
  webhooks: { retryBaseMs: number; maxAttempts: number; pauseAfterFailures: number };
  /** An OpenAI-compatible embeddings API for semantic search; null: lexical search alone. */
  embeddings: { url: string; model: string; apiKey: string | undefined; dimensions: number } | null;
  /**
   * Outgoing e-mail: an `smtp://` or `smtps://` URL (with the password) and the From address; null: no e-mail. The
   * object serializes (JSON, `util.inspect`) with the password replaced by `***`.
   */
  smtp: { url: string; from: string } | null;
  /** How long an agent's reply waits unseen in the widget before it is e-mailed to the visitor (with `smtp`). */
  replyEmailDelaySeconds: number;
  /**
   * Where attachments' bytes live: an S3-compatible bucket when `PARLEY_S3_*` are set, else files under the data folder
   * (`attachments/`). The S3 object serializes with its secret key replaced by `***`.
   */
  attachments: { s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string } | null };
}

/** Thrown when the environment is invalid; the CLI prints its message and exits with status 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates `env` (usually `process.env`). Throws {@link ConfigError} listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  // Empty strings mean "unset": `PORT= pnpm start` should not fail.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee docs/configuration.md.`);
  }
  const parsed = result.data;
  if (parsed.PARLEY_EMBEDDINGS_URL && (!parsed.PARLEY_EMBEDDINGS_MODEL || !parsed.PARLEY_EMBEDDINGS_DIMENSIONS)) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_EMBEDDINGS_URL: needs PARLEY_EMBEDDINGS_MODEL and PARLEY_EMBEDDINGS_DIMENSIONS too\nSee docs/configuration.md.',
    );
  }
  if (parsed.PARLEY_OPENAI_BASE_URL && parsed.ANTHROPIC_API_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_OPENAI_BASE_URL: set either it (an OpenAI-compatible model) or ANTHROPIC_API_KEY (Claude), not both\nSee docs/configuration.md.',
    );
  }
  if (parsed.PARLEY_OPENAI_BASE_URL && !parsed.PARLEY_BOT_MODEL) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_BOT_MODEL: required with PARLEY_OPENAI_BASE_URL (the model the endpoint serves, e.g. llama3.1 or gpt-4.1-mini)\nSee docs/configuration.md.',
    );
  }
  if (parsed.PARLEY_SMTP_URL && !parsed.PARLEY_SMTP_FROM) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_SMTP_FROM: required when PARLEY_SMTP_URL is set (the From address of the e-mails, e.g. Parley <support@example.com>)\nSee docs/configuration.md.',
    );
  }
  const mcpFile = parsed.PARLEY_MCP_CONFIG ? readMcpConfigFile(parsed.PARLEY_MCP_CONFIG, env, cwd) : { ok: true as const, servers: [] };
  if (!mcpFile.ok) {
    throw new ConfigError(
      `Invalid configuration:\n  PARLEY_MCP_CONFIG: ${mcpFile.problems.join('\n  PARLEY_MCP_CONFIG: ')}\nSee docs/configuration.md.`,
    );
  }
  const mcpServers = mcpFile.servers;
  const s3Fields = ['PARLEY_S3_ENDPOINT', 'PARLEY_S3_BUCKET', 'PARLEY_S3_ACCESS_KEY_ID', 'PARLEY_S3_SECRET_ACCESS_KEY'] as const;
  const s3Missing = s3Fields.filter((field) => !parsed[field]);
  if (s3Missing.length > 0 && s3Missing.length < s3Fields.length) {
    throw new ConfigError(
      `Invalid configuration:\n  ${s3Missing.join(', ')}: required with the other PARLEY_S3_* settings (attachments in an S3-compatible bucket)\nSee docs/configuration.md.`,
    );
  }
  if (parsed.NODE_ENV === 'production' && !parsed.PARLEY_SECRET) {
    throw new ConfigError('Invalid configuration:\n  PARLEY_SECRET: required when NODE_ENV=production\nSee docs/configuration.md.');
  }
  return {
    env: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: isAbsolute(parsed.PARLEY_DATA_DIR) ? parsed.PARLEY_DATA_DIR : resolve(cwd, parsed.PARLEY_DATA_DIR),
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.PARLEY_REDIS_URL,
    secret: parsed.PARLEY_SECRET,
    publicUrl: parsed.PARLEY_PUBLIC_URL,
    trustProxy: parsed.PARLEY_TRUST_PROXY ?? null,
    outbound: { allow: parsed.PARLEY_OUTBOUND_ALLOW ?? NO_OUTBOUND_ALLOWANCE },
    mcpServers,
    messageMaxLength: parsed.PARLEY_MESSAGE_MAX_LENGTH,
    rateLimit: {
      messages: parsed.PARLEY_RATE_LIMIT_MESSAGES,
      windowSeconds: parsed.PARLEY_RATE_LIMIT_WINDOW_SECONDS,
      newSessionsPerMinute: parsed.PARLEY_RATE_LIMIT_NEW_SESSIONS,
      apiRequestsPerMinute: parsed.PARLEY_RATE_LIMIT_API,
    },
    allowLocalhostOrigins: parsed.PARLEY_ALLOW_LOCALHOST_ORIGINS ?? parsed.NODE_ENV !== 'production',
    seedDemo: parsed.PARLEY_SEED_DEMO,
    logLevel: parsed.PARLEY_LOG_LEVEL,
    anthropic: {
      apiKey: parsed.ANTHROPIC_API_KEY,
      baseUrl: parsed.ANTHROPIC_BASE_URL,
      timeoutMs: parsed.PARLEY_BOT_TIMEOUT_MS,
      maxRetries: parsed.PARLEY_BOT_MAX_RETRIES,
    },
    openaiCompatible: parsed.PARLEY_OPENAI_BASE_URL
      ? { baseUrl: parsed.PARLEY_OPENAI_BASE_URL, apiKey: parsed.PARLEY_OPENAI_API_KEY, images: parsed.PARLEY_OPENAI_IMAGES }
      : null,
    botModel: parsed.PARLEY_BOT_MODEL,
    botReplyTiming: { pauseMs: parsed.PARLEY_BOT_REPLY_PAUSE_MS, maxWaitMs: parsed.PARLEY_BOT_REPLY_MAX_WAIT_MS },
    modelPrices: parsed.PARLEY_MODEL_PRICES ?? {},
    embeddings:
      parsed.PARLEY_EMBEDDINGS_URL && parsed.PARLEY_EMBEDDINGS_MODEL && parsed.PARLEY_EMBEDDINGS_DIMENSIONS
        ? {
            url: parsed.PARLEY_EMBEDDINGS_URL,
            model: parsed.PARLEY_EMBEDDINGS_MODEL,
            apiKey: parsed.PARLEY_EMBEDDINGS_API_KEY,
            dimensions: parsed.PARLEY_EMBEDDINGS_DIMENSIONS,
          }
        : null,
    smtp: parsed.PARLEY_SMTP_URL && parsed.PARLEY_SMTP_FROM ? smtpSettings(parsed.PARLEY_SMTP_URL, parsed.PARLEY_SMTP_FROM) : null,
    attachments: {
      s3:
        parsed.PARLEY_S3_ENDPOINT && parsed.PARLEY_S3_BUCKET && parsed.PARLEY_S3_ACCESS_KEY_ID && parsed.PARLEY_S3_SECRET_ACCESS_KEY
          ? s3Settings({
              endpoint: parsed.PARLEY_S3_ENDPOINT,
              bucket: parsed.PARLEY_S3_BUCKET,
              region: parsed.PARLEY_S3_REGION,
              accessKeyId: parsed.PARLEY_S3_ACCESS_KEY_ID,
              secretAccessKey: parsed.PARLEY_S3_SECRET_ACCESS_KEY,
            })
          : null,
    },
    presence: { heartbeatMs: parsed.PARLEY_PRESENCE_HEARTBEAT_MS, graceMs: parsed.PARLEY_PRESENCE_GRACE_MS },
    jobs: { pollMs: parsed.PARLEY_JOBS_POLL_MS },
    webhooks: {
      retryBaseMs: parsed.PARLEY_WEBHOOK_RETRY_BASE_MS,
      maxAttempts: parsed.PARLEY_WEBHOOK_MAX_ATTEMPTS,
      pauseAfterFailures: parsed.PARLEY_WEBHOOK_PAUSE_AFTER_FAILURES,
    },
    replyEmailDelaySeconds: parsed.PARLEY_REPLY_EMAIL_DELAY_SECONDS,
    inactivity: {
      resolveAfterMinutes: parsed.PARLEY_RESOLVE_AFTER_MINUTES,
      closeAfterMinutes: parsed.PARLEY_CLOSE_AFTER_MINUTES,
      sweepIntervalSeconds: parsed.PARLEY_SWEEP_INTERVAL_SECONDS,
    },
  };
}

/** `url` with the password of its user info replaced by `***`, for anything that prints it. */
function redactUrlPassword(url: string): string {
  return url.replace(/^([a-z][\w+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i, '$1***@');
}

/** The SMTP settings, whose JSON and `util.inspect` forms (logs, error reports) leave the password out. */
function smtpSettings(url: string, from: string): { url: string; from: string } {
  const redacted = () => ({ url: redactUrlPassword(url), from });
  const settings = { url, from };
  Object.defineProperties(settings, {
    toJSON: { value: redacted },
    [inspect.custom]: { value: redacted },
  });
  return settings;
}

/** The S3 settings, whose JSON and `util.inspect` forms (logs, error reports) leave the secret key out. */
function s3Settings<T extends { secretAccessKey: string }>(settings: T): T {
  const redacted = () => ({ ...settings, secretAccessKey: '***' });
  Object.defineProperties(settings, {
    toJSON: { value: redacted },
    [inspect.custom]: { value: redacted },
  });
  return settings;
}

/** Where the embedded database lives inside the data folder. */
export function embeddedDbDir(config: Config): string {
  return join(config.dataDir, 'db');
}

/**
 * The base of the links the server hands out (e-mailed conversation links, invitation links, the demo's address):
 * `PARLEY_PUBLIC_URL`, or this machine's port on localhost when it is unset.
 */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'port'>): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}
