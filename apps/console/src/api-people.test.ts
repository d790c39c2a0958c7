import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createApi, type ConsoleApi, type FetchFunction } from './api.js';

interface Call {
  method: string;
  url: string;
  body: unknown;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** An api whose fetch records each call and answers 200 `{}` (204 for a DELETE). */
function recordingApi(): { api: ConsoleApi; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchFunction = async (url, init) => {
    calls.push({ method: init.method ?? 'GET', url, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
    return init.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, {});
  };
  return { api: createApi({ fetch }), calls };
}

describe('the People routes of createApi', () => {
  it('calls each route with its method, path and body', async () => {
    const { api, calls } = recordingApi();
    await api.listPeople();
    await api.updatePerson('user/1', { status: 'deactivated' });
    await api.createInvitation({ email: 'grace@example.com', role: 'agent', teamIds: [] });
    await api.resendInvitation('inv-1');
    await api.revokeInvitation('inv-1');
    await api.lookupInvitation('token-123');
    await api.acceptInvitation({ token: 'token-123', name: 'Grace', password: 'correct horse' });
    await api.getRouting();
    await api.updateDefaultCapacity({ defaultMaxConversations: 4 });
    await api.updateAgentCapacity('user-1', { maxConversations: null });
    await api.createTeam({ name: 'Billing', memberIds: ['user-1'] });
    await api.updateTeam('team-1', { name: 'Sales' });
    await api.deleteTeam('team-1');

    expect(calls).toEqual([
      { method: 'GET', url: '/api/people', body: undefined },
      { method: 'PATCH', url: '/api/people/user%2F1', body: { status: 'deactivated' } },
      { method: 'POST', url: '/api/invitations', body: { email: 'grace@example.com', role: 'agent', teamIds: [] } },
      { method: 'POST', url: '/api/invitations/inv-1/resend', body: undefined },
      { method: 'DELETE', url: '/api/invitations/inv-1', body: undefined },
      { method: 'POST', url: '/api/invitations/lookup', body: { token: 'token-123' } },
      { method: 'POST', url: '/api/invitations/accept', body: { token: 'token-123', name: 'Grace', password: 'correct horse' } },
      { method: 'GET', url: '/api/routing', body: undefined },
      { method: 'PATCH', url: '/api/routing', body: { defaultMaxConversations: 4 } },
      { method: 'PATCH', url: '/api/routing/agents/user-1', body: { maxConversations: null } },
      { method: 'POST', url: '/api/teams', body: { name: 'Billing', memberIds: ['user-1'] } },
      { method: 'PATCH', url: '/api/teams/team-1', body: { name: 'Sales' } },
      { method: 'DELETE', url: '/api/teams/team-1', body: undefined },
    ]);
  });

  it('rejects with the server’s ParleyError', async () => {
    const api = createApi({
      fetch: async () => json(403, { error: { code: 'forbidden', message: 'Only an owner can change an admin.' } }),
    });
    const failure = await api.updatePerson('user-1', { role: 'agent' }).catch((error: unknown) => error);
    expect(ParleyError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'forbidden', message: 'Only an owner can change an admin.' });
  });
});
