/**
 * Signing an agent in: one function for every way in (`POST /api/auth/login`, accepting an invitation), so each answers
 * the same and records the sign-in the same.
 * @module
 */
import { users, type Database } from '@parley/db';
import type { Agent, LoginResponse } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import type { TokenService } from './tokens.js';

/**
 * Records the sign-in (`users.last_login_at`) and issues the agent's bearer token for the organization `agent` names:
 * the answer of `POST /api/auth/login` (`loginResponseSchema`).
 */
export async function startSession(db: Database, tokens: TokenService, agent: Agent): Promise<LoginResponse> {
  await db
    .update(users)
    .set({ lastLoginAt: sql`now()` })
    .where(eq(users.id, agent.id));
  const { token, expiresAt } = await tokens.signAgent({ userId: agent.id, organizationId: agent.organizationId, role: agent.role });
  return { token, expiresAt: expiresAt.toISOString(), agent };
}
