import type { ApiTokenCreated } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { apiRequest, createTenant, createTenantWithAdmin, jsonOf, useTwoProcesses } from '../helpers/server.js';

// The limits promised to a caller hold across processes: counted in the Redis that joins them (PARLEY_REDIS_URL).
const { first, second } = useTwoProcesses({ PARLEY_RATE_LIMIT_API: '6' });

describe('limits shared by two processes', () => {
  it('counts an API token’s requests on both against one budget', async () => {
    const shop = await createTenantWithAdmin(first);
    const created = await apiRequest(first, '/api/tokens', shop.adminToken, 'POST', { name: 'Backend', scopes: ['conversations:read'] });
    const { secret } = (await jsonOf(created)) as ApiTokenCreated;
    const answers: Array<{ status: number; remaining: string | null }> = [];
    for (let index = 0; index < 8; index++) {
      const response = await apiRequest(index % 2 === 0 ? first : second, '/api/teams', secret);
      await response.body?.cancel();
      answers.push({ status: response.status, remaining: response.headers.get('ratelimit-remaining') });
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(answers.slice(0, 6).map((answer) => answer.remaining)).toEqual(['5', '4', '3', '2', '1', '0']);
  });

  it('counts sign-in attempts for one account on both', async () => {
    // Not signed in yet: every attempt below counts.
    const shop = await createTenant(first);
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++) {
      const response = await fetch(`${(index % 2 === 0 ? first : second).url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: shop.email, password: 'not the password' }),
      });
      await response.body?.cancel();
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
