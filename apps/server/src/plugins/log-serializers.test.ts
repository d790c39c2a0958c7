import { describe, expect, it } from 'vitest';
import { serializeError, serializeRequest } from './log-serializers.js';

describe('serializeError', () => {
  it('withholds query parameters, keeps the SQL, and follows causes', () => {
    const cause = Object.assign(new Error('duplicate key value'), { code: '23505' });
    const error = new Error('Failed query: insert into "contacts" ("email") values ($1)\nparams: ada@example.com', { cause });
    const serialized = serializeError(error);
    expect(serialized.message).toBe('Failed query: insert into "contacts" ("email") values ($1)\nparams: [withheld]');
    expect(String(serialized.stack)).not.toContain('ada@example.com');
    expect(serialized.cause).toMatchObject({ message: 'duplicate key value', code: '23505' });
  });
});

describe('serializeRequest', () => {
  it('logs the route pattern and the query keys, never their values', () => {
    const serialized = serializeRequest({
      method: 'GET',
      url: '/api/knowledge/search?q=jane.doe%40example.com&limit=5&q=again',
      is404: false,
      routeOptions: { url: '/api/knowledge/search' },
      host: 'chat.example.com',
      ip: '203.0.113.7',
    });
    expect(serialized).toEqual({
      method: 'GET',
      url: '/api/knowledge/search',
      queryKeys: ['q', 'limit'],
      host: 'chat.example.com',
      remoteAddress: '203.0.113.7',
    });
  });

  it('logs the pattern, not the ids, of a route with parameters', () => {
    const serialized = serializeRequest({
      method: 'POST',
      url: '/api/conversations/5b0e6f2c-2d47-4f6e-9a43-2f1c8d1e0b7a/messages',
      is404: false,
      routeOptions: { url: '/api/conversations/:id/messages' },
    });
    expect(serialized).toEqual({ method: 'POST', url: '/api/conversations/:id/messages' });
  });

  it('masks the value-like segments of an unknown path and drops its query values', () => {
    const serialized = serializeRequest({
      method: 'GET',
      url: '/api/contacts/jane.doe@example.com/orders/12345?token=secret-value',
      is404: true,
      routeOptions: { url: undefined },
    });
    expect(serialized.url).toBe('/api/contacts/:value/orders/:value');
    expect(serialized.queryKeys).toEqual(['token']);
    expect(JSON.stringify(serialized)).not.toMatch(/jane|12345|secret/);
  });

  it('keeps word-like segments of an unknown path, so scans stay visible', () => {
    expect(serializeRequest({ method: 'GET', url: '/.env', is404: true }).url).toBe('/.env');
    expect(serializeRequest({ method: 'GET', url: '/wp-admin/setup-config.php', is404: true }).url).toBe('/wp-admin/setup-config.php');
  });

  it('withholds query keys that look like values, and caps their number', () => {
    const manyKeys = Array.from({ length: 12 }, (_, index) => `key${String.fromCharCode(97 + index)}=1`).join('&');
    expect(serializeRequest({ url: '/x?jane@example.com&%2B4915112345678=&page=2', is404: true }).queryKeys).toEqual([
      '[withheld]',
      'page',
    ]);
    expect(serializeRequest({ url: `/x?${manyKeys}`, is404: true }).queryKeys).toHaveLength(11);
  });

  it('masks the path of a raw request, which has no route', () => {
    expect(serializeRequest({ method: 'GET', url: '/socket.io/?EIO=4&sid=abc123' })).toEqual({
      method: 'GET',
      url: '/socket.io/',
      queryKeys: ['EIO', 'sid'],
    });
  });
});
