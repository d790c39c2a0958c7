/**
 * `/api/tokens`: an organization's API tokens, which an integration sends as `Authorization: Bearer parley_…` to the
 * REST API. Each carries scopes; a route answers `forbidden` to a token without its scope.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';

/** What an API token may do, in the order the console lists them. A `…:write` scope does not imply its `…:read`. */
export const API_SCOPES = [
  'conversations:read',
  'conversations:write',
  'contacts:read',
  'contacts:write',
  'knowledge:read',
  'knowledge:write',
  'widgets:write',
  'webhooks:write',
  'reports:read',
] as const;

/** One thing an API token may do. */
export const apiScopeSchema = z.enum(API_SCOPES);
/** One thing an API token may do. */
export type ApiScope = z.infer<typeof apiScopeSchema>;

/** What every API token starts with, so that secret scanners and people recognize one. */
export const API_TOKEN_PREFIX = 'parley_';
/** Longest name of a token. */
export const API_TOKEN_NAME_MAX_LENGTH = 100;
/** Longest life of a token that expires, in days. */
export const API_TOKEN_MAX_DAYS = 366;

/** An API token as admins see it: never the token itself, which is shown once when it is made. */
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters (`parley_AbC1…`), to tell tokens apart. */
  hint: z.string(),
  scopes: z.array(apiScopeSchema),
  /** When it stops working; null: never. */
  expiresAt: z.string().nullable(),
  /** The last time a request used it, to within a minute; null: never used. */
  lastUsedAt: z.string().nullable(),
  /** Who made it; null once that person is removed. */
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
});
/** An API token, without its secret. */
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** Answer of `GET /api/tokens`: the organization's tokens, newest first. */
export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
/** Answer of `GET /api/tokens`. */
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;

/** Body of `POST /api/tokens`. `expiresInDays` absent or null: the token works until it is revoked. */
export const apiTokenCreateSchema = z.object({
  name: storableTextSchema(API_TOKEN_NAME_MAX_LENGTH).min(1, 'Name the token after what uses it.'),
  scopes: z
    .array(apiScopeSchema)
    .min(1, 'Pick at least one scope.')
    .max(API_SCOPES.length)
    .transform((scopes) => API_SCOPES.filter((scope) => scopes.includes(scope))),
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).nullable().default(null),
});
/** Body of `POST /api/tokens`. */
export type ApiTokenCreate = z.input<typeof apiTokenCreateSchema>;

/** Answer of `POST /api/tokens`: the token's record and the token itself, shown this once. */
export const apiTokenCreatedSchema = z.object({ token: apiTokenSchema, secret: z.string() });
/** A new API token with its secret. */
export type ApiTokenCreated = z.infer<typeof apiTokenCreatedSchema>;

/** Path parameters naming an API token. */
export const apiTokenParamsSchema = z.object({ tokenId: z.uuid() });
