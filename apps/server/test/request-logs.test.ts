import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant, login, startServer } from './helpers/server.js';

// Production logs one line per request. They name the route and the query keys; what people typed stays out.
describe('request logs in production', () => {
  it('log route patterns and query key names, never query values, ids or bodies', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { NODE_ENV: 'production', PARLEY_SECRET: 'production-secret-that-is-at-least-32-chars' },
      { logger: { level: 'info', stream: { write: (line) => void lines.push(line) } } },
    );
    const searched = 'jane.doe@example.com';
    const conversationId = randomUUID();
    let secrets: string[];
    try {
      const tenant = await createTenant(server);
      const { token } = await login(server, tenant.email, tenant.password);
      const wrongPassword = `wrong-${randomUUID()}`;
      const failed = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: tenant.email, password: wrongPassword }),
      });
      expect(failed.status).toBe(401);
      const headers = { authorization: `Bearer ${token}` };
      const search = await fetch(`${server.url}/api/knowledge/search?q=${encodeURIComponent(searched)}&limit=3`, { headers });
      expect(search.status).toBe(200);
      const messages = await fetch(`${server.url}/api/conversations/${conversationId}/messages?afterSeq=7777777`, { headers });
      expect(messages.status).toBe(404);
      const unknown = await fetch(`${server.url}/api/contacts/${encodeURIComponent(searched)}/notes?phone=%2B4915112345678`);
      expect(unknown.status).toBe(404);
      secrets = [
        searched,
        encodeURIComponent(searched),
        tenant.email,
        tenant.password,
        wrongPassword,
        token,
        conversationId,
        '4915112345678',
        '7777777',
      ];
    } finally {
      // The "request completed" lines are written once the responses have gone out; closing waits for them.
      await server.close();
    }

    const log = lines.join('');
    for (const secret of secrets) expect(log).not.toContain(secret);
    const requests = lines
      .map((line) => JSON.parse(line) as { msg: string; req?: unknown })
      .filter((entry) => entry.msg === 'incoming request');
    expect(requests.map((entry) => entry.req)).toEqual([
      expect.objectContaining({ method: 'POST', url: '/api/auth/login' }),
      expect.objectContaining({ method: 'POST', url: '/api/auth/login' }),
      expect.objectContaining({ method: 'GET', url: '/api/knowledge/search', queryKeys: ['q', 'limit'] }),
      expect.objectContaining({ method: 'GET', url: '/api/conversations/:conversationId/messages', queryKeys: ['afterSeq'] }),
      expect.objectContaining({ method: 'GET', url: '/api/contacts/:value/notes', queryKeys: ['phone'] }),
    ]);
    expect(lines.filter((line) => line.includes('"request completed"'))).toHaveLength(5);
  });
});
