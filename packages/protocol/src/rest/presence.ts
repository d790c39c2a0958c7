/**
 * `GET /api/presence`.
 * @module
 */
import { z } from 'zod';
import { presenceStatusSchema } from '../events/presence.js';

/** One agent of the organization and their presence. */
export const agentPresenceSchema = z.object({ userId: z.string(), name: z.string(), status: presenceStatusSchema });
/** One agent of the organization and their presence. */
export type AgentPresence = z.infer<typeof agentPresenceSchema>;

/** Answer of `GET /api/presence`: every agent of the caller's organization, by name. */
export const presenceListSchema = z.object({ agents: z.array(agentPresenceSchema) });
/** Answer of `GET /api/presence`. */
export type PresenceList = z.infer<typeof presenceListSchema>;
