import { users } from '@parley/db';
import {
  API_TOKEN_PREFIX,
  agentPreferencesSchema,
  agentPreferencesUpdateSchema,
  loginRequestSchema,
  loginResponseSchema,
  meSchema,
  ParleyError,
  type Agent,
  type AgentPreferences,
  type ApiScope,
} from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { avatarUrl } from '../avatars/avatar-url.js';
import { avatarVersionOf } from '../avatars/service.js';
import { publicBaseUrl } from '../config.js';
import { createMeteredRateLimit, createRateLimit } from '../plugins/rate-limit.js';
import { findAgentByEmail, loadAgent, toAgent } from './agents.js';
import {
  loginRequestExample,
  loginResponseExample,
  meExample,
  preferencesExample,
  preferencesUpdatedExample,
  preferencesUpdateExample,
} from './api-examples.js';
import { registerApiTokenRoutes, verifyApiToken, type ApiTokenCaller } from './api-tokens.js';
import { registerInvitationRoutes } from './invitations.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { startSession } from './sessions.js';
import { createTokenService, type TokenService } from './tokens.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * preValidation hook that requires a bearer token: an agent's session (sets `request.agent`) or, on a route whose
     * config names a `scope`, an API token carrying that scope (sets `request.apiToken`). Before validation, so that a
     * caller without the right learns nothing from how the input is checked.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Signs and verifies visitor and agent tokens (the socket handshakes verify them too). */
    tokens: TokenService;
  }
  interface FastifyRequest {
    /** The signed-in agent, when an agent's session token authenticated the request. */
    agent: Agent | null;
    /** The API token, when one authenticated the request. */
    apiToken: ApiTokenCaller | null;
  }
  interface FastifyContextConfig {
    /** The scope an API token needs for this route; a route without one answers every API token `forbidden`. */
    scope?: ApiScope;
  }
}

/**
 * The preferences stored for a user, each missing or unreadable field taking its default: a row written before a
 * preference existed (or by hand) never breaks the console.
 */
export function readPreferences(stored: unknown): AgentPreferences {
  const defaults = agentPreferencesSchema.parse({});
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return defaults;
  const preferences: AgentPreferences = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof AgentPreferences>) {
    const value = (stored as Record<string, unknown>)[key];
    if (typeof value === 'boolean') preferences[key] = value;
  }
  return preferences;
}

// Compared against when the e-mail is unknown, so a miss costs the same time as a wrong password.
const dummyHashPromise = hashPassword('parley-timing-equalizer');

/**
 * Agent sign-in (`POST /api/auth/login`, `GET /api/me`, `/api/me/preferences`), invitations (`/api/invitations`), API
 * tokens (`/api/tokens`), the `authenticate` hook and `app.tokens`.
 */
export const authPlugin = fp<{ secret: string }>(
  async function registerAuth(app: FastifyInstance, { secret }) {
    const tokens = createTokenService(secret);
    app.decorate('tokens', tokens);
    app.decorateRequest('agent', null);
    app.decorateRequest('apiToken', null);
    // What a token may do a minute is promised to its integration: counted across the processes (see RateLimitStore).
    const apiRateLimit = createMeteredRateLimit(app.config.rateLimit.apiRequestsPerMinute, 60, {
      shared: { redis: app.redis, name: 'api-token' },
    });

    async function authenticateApiToken(request: FastifyRequest, reply: FastifyReply, bearer: string): Promise<void> {
      const caller = await verifyApiToken(app.db, bearer);
      const { scope } = request.routeOptions.config;
      if (!scope) throw new ParleyError('forbidden', 'API tokens cannot use this route; it is for people signed in to the console.');
      if (!caller.scopes.includes(scope)) throw new ParleyError('forbidden', `This API token lacks the ${scope} scope.`);
      // Headers set here stay on the answer, an error's included (IETF RateLimit header fields).
      const limit = await apiRateLimit(caller.id);
      reply.header('ratelimit-limit', limit.limit);
      reply.header('ratelimit-remaining', limit.remaining);
      reply.header('ratelimit-reset', limit.resetSeconds);
      if (limit.limited) {
        reply.header('retry-after', limit.resetSeconds);
        throw new ParleyError('rate_limited', `Too many requests with this API token; try again in ${limit.resetSeconds} s.`);
      }
      request.apiToken = caller;
    }

    app.decorate('authenticate', async function authenticate(request: FastifyRequest, reply: FastifyReply) {
      const header = request.headers.authorization;
      const match = header?.match(/^Bearer (.+)$/);
      if (!match) throw new ParleyError('unauthorized', 'Sign in first, or send an API token as Authorization: Bearer.');
      const bearer = match[1]!;
      if (bearer.startsWith(API_TOKEN_PREFIX)) return authenticateApiToken(request, reply, bearer);
      request.agent = await loadAgent(app.db, await tokens.verifyAgent(bearer));
    });

    // Ten attempts per account per 15 minutes slows password guessing to a crawl, from however many addresses it comes;
    // the per-address budget stops one address from trying a password against many accounts.
    const accountLimit = createRateLimit(10, 15 * 60, undefined, { shared: { redis: app.redis, name: 'sign-in-account' } });
    const addressLimit = createRateLimit(100, 15 * 60);
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.post(
      '/api/auth/login',
      {
        config: { public: true, example: { body: loginRequestExample, response: loginResponseExample } },
        schema: { body: loginRequestSchema, response: { 200: loginResponseSchema } },
      },
      async function login(request) {
        const { email, password } = request.body;
        // request.ip is the forwarded client address only behind a trusted proxy (PARLEY_TRUST_PROXY).
        await Promise.all([accountLimit(email.toLowerCase()), addressLimit(request.ip)]).catch(() => {
          throw new ParleyError('rate_limited', 'Too many sign-in attempts; try again in a few minutes.');
        });
        const row = await findAgentByEmail(app.db, email);
        const valid = await verifyPassword(row?.passwordHash ?? (await dummyHashPromise), password);
        if (!row || !valid) throw new ParleyError('unauthorized', 'Wrong e-mail or password.');
        return startSession(app.db, tokens, toAgent(row));
      },
    );

    registerInvitationRoutes(app);
    registerApiTokenRoutes(app);

    async function preferencesOf(userId: string): Promise<AgentPreferences> {
      const [row] = await app.db.select({ preferences: users.preferences }).from(users).where(eq(users.id, userId));
      return readPreferences(row?.preferences);
    }

    api.get(
      '/api/me',
      { config: { example: { response: meExample } }, preValidation: app.authenticate, schema: { response: { 200: meSchema } } },
      async function me(request) {
        const { id } = request.agent!;
        const avatarVersion = await avatarVersionOf(app.db, id);
        return {
          agent: request.agent!,
          email: app.mailer.enabled,
          preferences: await preferencesOf(id),
          avatarUrl: avatarVersion === null ? null : avatarUrl(publicBaseUrl(app.config), id, avatarVersion),
        };
      },
    );

    // The caller's own preferences, whichever organization they signed in to: they belong to the person.
    api.get(
      '/api/me/preferences',
      {
        config: { example: { response: preferencesExample } },
        preValidation: app.authenticate,
        schema: { response: { 200: agentPreferencesSchema } },
      },
      async function getPreferences(request) {
        return preferencesOf(request.agent!.id);
      },
    );

    api.patch(
      '/api/me/preferences',
      {
        config: { example: { body: preferencesUpdateExample, response: preferencesUpdatedExample } },
        preValidation: app.authenticate,
        schema: { body: agentPreferencesUpdateSchema, response: { 200: agentPreferencesSchema } },
      },
      async function updatePreferences(request) {
        const change: Record<string, boolean> = {};
        for (const [key, value] of Object.entries(request.body)) if (typeof value === 'boolean') change[key] = value;
        // Merged in the database, so two tabs changing different preferences at once both keep their change.
        const [row] = await app.db
          .update(users)
          .set({ preferences: sql`${users.preferences} || ${JSON.stringify(change)}::jsonb` })
          .where(eq(users.id, request.agent!.id))
          .returning({ preferences: users.preferences });
        return readPreferences(row?.preferences);
      },
    );
  },
  { name: 'parley-auth', fastify: '5.x', dependencies: ['parley-config', 'parley-db', 'parley-mailer', 'parley-io'] },
);
