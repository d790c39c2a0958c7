/**
 * `POST /api/auth/login`, `GET /api/me` and the agent's preferences (`/api/me/preferences`); their picture is in
 * `avatars.ts`.
 * @module
 */
import { z } from 'zod';
import { ROLES } from '../roles.js';

/** Roles, least privileged first (see {@link ROLES}). */
export const roleSchema = z.enum(ROLES);
/** Roles. */
export type Role = z.infer<typeof roleSchema>;

/** Body of `POST /api/auth/login`. */
export const loginRequestSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});
/** Body of `POST /api/auth/login`. */
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** The signed-in agent. */
export const agentSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  organizationId: z.string(),
  organizationName: z.string(),
});
/** The signed-in agent. */
export type Agent = z.infer<typeof agentSchema>;

/** Answer to a login: a bearer token for REST (`Authorization: Bearer …`) and the agent socket's `auth.token`. */
export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  agent: agentSchema,
});
/** Answer to a login. */
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/**
 * The agent's own alert preferences (`GET`/`PATCH /api/me/preferences`): a sound, and a desktop notification, for a
 * conversation assigned to them or a visitor's new message in one of theirs. Stored per user; a missing field takes its
 * default.
 */
export const agentPreferencesSchema = z.object({
  sound: z.boolean().default(true),
  desktopNotifications: z.boolean().default(false),
});
/** The agent's alert preferences. */
export type AgentPreferences = z.infer<typeof agentPreferencesSchema>;

/** Body of `PATCH /api/me/preferences`: any of the preferences, at least one; unknown fields are refused. */
export const agentPreferencesUpdateSchema = z
  .strictObject({
    sound: z.boolean().optional(),
    desktopNotifications: z.boolean().optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), 'Nothing to update.');
/** Body of `PATCH /api/me/preferences`. */
export type AgentPreferencesUpdate = z.infer<typeof agentPreferencesUpdateSchema>;

/**
 * Answer of `GET /api/me`: the signed-in agent, whether this server sends e-mail (without it, a visitor who left
 * sees a reply only if they come back to the chat), the agent's alert preferences, and the absolute URL of their picture
 * (`PUT /api/me/avatar`; null: none).
 */
export const meSchema = z.object({
  agent: agentSchema,
  email: z.boolean(),
  preferences: agentPreferencesSchema.optional(),
  avatarUrl: z.string().nullable().optional(),
});
/** Answer of `GET /api/me`. */
export type Me = z.infer<typeof meSchema>;
