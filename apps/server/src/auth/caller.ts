import { isAdminRole, ParleyError } from '@parley/protocol';
import type { FastifyRequest } from 'fastify';

/**
 * The organization a request acts in: the signed-in agent's, or the API token's. Call it after `authenticate`, which
 * sets one of them or refuses the request.
 */
export function organizationIdOf(request: FastifyRequest): string {
  const organizationId = request.agent?.organizationId ?? request.apiToken?.organizationId;
  if (!organizationId) throw new ParleyError('unauthorized', 'Sign in first.');
  return organizationId;
}

/** A key for per-caller rate limits: the agent's id or the API token's. */
export function callerKey(request: FastifyRequest): string {
  if (request.agent) return `agent:${request.agent.id}`;
  if (request.apiToken) return `token:${request.apiToken.id}`;
  throw new ParleyError('unauthorized', 'Sign in first.');
}

/**
 * A preValidation hook (after `authenticate`) that lets admins through and answers other agents `forbidden`, saying what only
 * admins may do (`action`, e.g. "change the knowledge base"). An API token passes: `authenticate` has already checked
 * that it carries the route's scope, which an admin gave it.
 */
export function requireAdmin(action: string) {
  return async function requireAdminRole(request: FastifyRequest): Promise<void> {
    if (request.apiToken) return;
    if (!request.agent || !isAdminRole(request.agent.role)) throw new ParleyError('forbidden', `Only admins can ${action}.`);
  };
}
