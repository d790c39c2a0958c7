import type { Database } from '@parley/db';
import type { FastifyRequest } from 'fastify';
import { actingAgentOf, type ActingAgent } from '../auth/caller.js';
import { getConversationRow } from './service.js';

/**
 * The agent a change to a conversation is made as (see `actingAgentOf`). For an API token the conversation is looked
 * up first, so that another organization's id answers `not_found` whatever the body says.
 */
export async function actingAgentIn(
  db: Database,
  request: FastifyRequest,
  conversationId: string,
  asAgentId: string | undefined,
): Promise<ActingAgent> {
  if (request.apiToken) await getConversationRow(db, request.apiToken.organizationId, conversationId);
  return actingAgentOf(db, request, asAgentId);
}
