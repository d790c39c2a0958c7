import type { Database } from '@parley/db';
import { isAdminRole, ParleyError, type ApiScope } from '@parley/protocol';
import type { FastifyRequest } from 'fastify';
import { loadAgent } from './agents.js';

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

const asAgentIdIssue = (message: string) => [{ path: 'body.asAgentId', message }];

/** The agent a request acts as: who the conversation's history says did it. */
export interface ActingAgent {
  userId: string;
  organizationId: string;
  name: string;
  /** The API token acting for the agent; null when the agent acts. */
  viaApiTokenId: string | null;
}

/**
 * The agent a change is made as: the signed-in agent, or for an API token the active agent of its organization that
 * `asAgentId` names (`invalid_payload` without one, `not_found` for anyone else). An agent's session acts as itself:
 * naming someone else is refused.
 */
export async function actingAgentOf(db: Database, request: FastifyRequest, asAgentId: string | undefined): Promise<ActingAgent> {
  if (request.agent) {
    if (asAgentId !== undefined && asAgentId !== request.agent.id) {
      throw new ParleyError('invalid_payload', 'You act as yourself; asAgentId is for API tokens.', {
        issues: asAgentIdIssue('Leave it out.'),
      });
    }
    return { userId: request.agent.id, organizationId: request.agent.organizationId, name: request.agent.name, viaApiTokenId: null };
  }
  const organizationId = organizationIdOf(request);
  if (asAgentId === undefined) {
    throw new ParleyError('invalid_payload', 'An API token acts for an agent: name them with asAgentId.', {
      issues: asAgentIdIssue('Required with an API token.'),
    });
  }
  const agent = await loadAgent(db, { userId: asAgentId, organizationId }).catch((error: unknown) => {
    if (ParleyError.isInstance(error) && error.code === 'unauthorized') {
      throw new ParleyError('not_found', 'No active agent of your organization has this id.');
    }
    throw error;
  });
  return { userId: agent.id, organizationId, name: agent.name, viaApiTokenId: request.apiToken?.id ?? null };
}

/**
 * A preValidation hook (after `authenticate`) for routes whose use shows data of other scopes: an API token needs those
 * too (a webhook subscription carries conversations and contacts). Agents' sessions pass.
 */
export function requireTokenScopes(...scopes: ApiScope[]) {
  return async function requireScopes(request: FastifyRequest): Promise<void> {
    const missing = request.apiToken ? scopes.filter((scope) => !request.apiToken!.scopes.includes(scope)) : [];
    if (missing.length > 0)
      throw new ParleyError('forbidden', `This API token also needs the ${missing.join(' and ')} scope for this route.`);
  };
}
