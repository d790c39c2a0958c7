/**
 * What a socket presents when it connects, per namespace.
 * @module
 */
import { z } from 'zod';

export { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../constants.js';

/** Socket.IO `auth` of a visitor: the widget's public key and, when resuming, the session token. */
export const visitorHandshakeSchema = z.object({
  widgetKey: z.string().min(1).max(128),
  sessionToken: z.string().min(1).max(4096).optional(),
});
/** Socket.IO `auth` of a visitor. */
export type VisitorHandshake = z.infer<typeof visitorHandshakeSchema>;

/** Socket.IO `auth` of an agent: the token returned by `POST /api/auth/login`. */
export const agentHandshakeSchema = z.object({
  token: z.string().min(1).max(4096),
});
/** Socket.IO `auth` of an agent. */
export type AgentHandshake = z.infer<typeof agentHandshakeSchema>;
