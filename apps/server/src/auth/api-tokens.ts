/**
 * API tokens: made and revoked by an organization's admins (`/api/tokens`), and checked on every request that sends
 * one as `Authorization: Bearer parley_…`. The token is shown once; only its SHA-256 is stored.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { apiTokens, users, type Database } from '@parley/db';
import {
  API_TOKEN_PREFIX,
  apiScopeSchema,
  apiTokenCreatedSchema,
  apiTokenCreateSchema,
  apiTokenListSchema,
  apiTokenParamsSchema,
  ParleyError,
  type ApiScope,
  type ApiToken,
  type ApiTokenCreated,
} from '@parley/protocol';
import { and, desc, eq, getTableColumns, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiTokenCreatedExample, apiTokenCreateExample, apiTokenListExample } from './api-examples.js';
import { requireAdmin } from './caller.js';

/** Who an API token speaks for, once verified. */
export interface ApiTokenCaller {
  id: string;
  name: string;
  organizationId: string;
  scopes: readonly ApiScope[];
}

// How stale `last_used_at` may get: at most one write per token per minute, whatever the request rate.
const LAST_USED_PRECISION_MS = 60_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function scopesOf(stored: readonly string[]): ApiScope[] {
  return stored.flatMap((scope) => {
    const parsed = apiScopeSchema.safeParse(scope);
    return parsed.success ? [parsed.data] : [];
  });
}

type TokenRow = typeof apiTokens.$inferSelect & { creatorName: string | null };

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    scopes: scopesOf(row.scopes),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdBy: row.createdBy && row.creatorName !== null ? { id: row.createdBy, name: row.creatorName } : null,
    createdAt: row.createdAt.toISOString(),
  };
}

function tokenQuery(db: Database) {
  return db
    .select({ ...getTableColumns(apiTokens), creatorName: users.name })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .$dynamic();
}

/** The organization's tokens, newest first. */
export async function listApiTokens(db: Database, organizationId: string): Promise<ApiToken[]> {
  const rows = await tokenQuery(db)
    .where(eq(apiTokens.organizationId, organizationId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toApiToken);
}

/** Makes a token for the organization; the answer holds the token itself, which is never shown again. */
export async function createApiToken(
  db: Database,
  organizationId: string,
  createdBy: string,
  input: z.output<typeof apiTokenCreateSchema>,
): Promise<ApiTokenCreated> {
  const secret = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
  const [row] = await db
    .insert(apiTokens)
    .values({
      organizationId,
      name: input.name,
      tokenHash: hashToken(secret),
      hint: `${secret.slice(0, API_TOKEN_PREFIX.length + 4)}…`,
      scopes: input.scopes,
      expiresAt,
      createdBy,
    })
    .returning({ id: apiTokens.id });
  const [created] = await tokenQuery(db).where(eq(apiTokens.id, row!.id));
  return { token: toApiToken(created!), secret };
}

/** Revokes (deletes) a token of the organization; the next request with it is refused. */
export async function revokeApiToken(db: Database, organizationId: string, tokenId: string): Promise<void> {
  const deleted = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.organizationId, organizationId)))
    .returning({ id: apiTokens.id });
  if (deleted.length === 0) throw new ParleyError('not_found', 'No such API token.');
}

/**
 * The caller a bearer token names, or `unauthorized` when it is unknown, revoked or expired. Notes when it was used
 * (at most once a minute).
 */
export async function verifyApiToken(db: Database, token: string): Promise<ApiTokenCaller> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  const now = Date.now();
  if (!row) throw new ParleyError('unauthorized', 'This API token is not valid; it may have been revoked.');
  if (row.expiresAt && row.expiresAt.getTime() <= now) throw new ParleyError('unauthorized', 'This API token has expired.');
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    // Conditional in the database too: of concurrent requests that all read a stale time, one writes.
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(
        and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now - LAST_USED_PRECISION_MS)))),
      );
  }
  return { id: row.id, name: row.name, organizationId: row.organizationId, scopes: scopesOf(row.scopes) };
}

/**
 * `/api/tokens` for admins signed in to the console. No API token can use these routes (they have no scope), so a
 * leaked token can't make itself another.
 */
export function registerApiTokenRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: anyone but an admin is refused whatever the body, and learns nothing from its errors.
  const preValidation = [app.authenticate, requireAdmin('manage API tokens')];

  api.get(
    '/api/tokens',
    { config: { example: { response: apiTokenListExample } }, preValidation, schema: { response: { 200: apiTokenListSchema } } },
    async function listTokensRoute(request) {
      return { tokens: await listApiTokens(app.db, request.agent!.organizationId) };
    },
  );

  api.post(
    '/api/tokens',
    {
      config: { example: { body: apiTokenCreateExample, response: apiTokenCreatedExample } },
      preValidation,
      schema: { body: apiTokenCreateSchema, response: { 201: apiTokenCreatedSchema } },
    },
    async function createTokenRoute(request, reply) {
      const agent = request.agent!;
      return reply.status(201).send(await createApiToken(app.db, agent.organizationId, agent.id, request.body));
    },
  );

  api.delete(
    '/api/tokens/:tokenId',
    { preValidation, schema: { params: apiTokenParamsSchema, response: { 204: z.null() } } },
    async function revokeTokenRoute(request, reply) {
      await revokeApiToken(app.db, request.agent!.organizationId, request.params.tokenId);
      return reply.status(204).send(null);
    },
  );
}
