/**
 * `POST /api/auth/login` and `GET /api/me`.
 * @module
 */
import { z } from 'zod';

/** Agent roles, least privileged first. */
export const roleSchema = z.enum(['agent', 'admin']);
/** Agent roles. */
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
 * Answer of `GET /api/me`: the signed-in agent, and whether this server sends e-mail (without it, a visitor who left
 * sees a reply only if they come back to the chat).
 */
export const meSchema = z.object({ agent: agentSchema, email: z.boolean() });
/** Answer of `GET /api/me`. */
export type Me = z.infer<typeof meSchema>;
