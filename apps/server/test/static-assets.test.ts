import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Ack, MessageSent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAssetPaths, rawRequest, widgetChunkPath, type RawResponse } from './helpers/built-assets.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import { connectVisitor, createTenant, jsonOf, login, request, SHOP_ORIGIN, startServer, type TestServer } from './helpers/server.js';

// What goes over the wire, as `parley start` serves it with the built widget and console: encodings, caching, ETags,
// and the widget's public settings. Bodies are read undecoded (node:http), since fetch would decode them.
const YEAR = 'public, max-age=31536000, immutable';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({}, { assets: true });
});
afterAll(async () => {
  await server?.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(`${server.url}${path}`, { headers });
}

function decode(response: RawResponse): Buffer {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body);
  if (encoding === 'gzip') return gunzipSync(response.body);
  expect(encoding).toBeUndefined();
  return response.body;
}

function varyOf(response: RawResponse): string[] {
  return String(response.headers.vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
}

/** Each kind of static file: a name for messages, its URL path, and the Cache-Control it must have. */
function files() {
  const { script, stylesheet } = consoleAssetPaths();
  return [
    ['the loader', '/widget.js', 'public, max-age=300'],
    ['the widget chunk', widgetChunkPath(), YEAR],
    ["the console's script", script, YEAR],
    ["the console's stylesheet", stylesheet, YEAR],
    ["the console's page", '/console/', 'no-cache'],
    ["the console's page for a client-side route", '/console/conversations/some-id', 'no-cache'],
  ] as const;
}

describe('static files', () => {
  it('sends each file precompressed: brotli when accepted, else gzip, else as it is, saying it varies by Accept-Encoding', async () => {
    for (const [name, path] of files()) {
      const plain = await get(path, { 'accept-encoding': 'identity' });
      expect(plain.status, name).toBe(200);
      expect(plain.headers['content-encoding'], name).toBeUndefined();
      expect(varyOf(plain), name).toContain('accept-encoding');

      for (const [accepted, encoding] of [
        ['br, gzip', 'br'],
        ['gzip, deflate, br, zstd', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const response = await get(path, { 'accept-encoding': accepted });
        expect(response.headers['content-encoding'], `${name} for ${accepted}`).toBe(encoding);
        expect(varyOf(response), name).toContain('accept-encoding');
        expect(Number(response.headers['content-length']), name).toBe(response.body.length);
        expect(response.body.length, name).toBeLessThan(plain.body.length);
        expect(decode(response).equals(plain.body), `${name} for ${accepted} decodes to the file`).toBe(true);
      }
    }
  });

  it('caches the loader for five minutes, content-hashed files for a year, and revalidates the console page each time', async () => {
    for (const [name, path, cacheControl] of files()) {
      for (const accepted of ['br', 'gzip', 'identity']) {
        const response = await get(path, { 'accept-encoding': accepted });
        expect(response.headers['cache-control'], `${name} (${accepted})`).toBe(cacheControl);
      }
    }
  });

  it('names the widget chunk by its content', () => {
    expect(widgetChunkPath()).toMatch(/^\/widget\/widget-[\w-]{8}\.js$/);
  });

  it('lets any site load the loader and import the chunk (CORS)', async () => {
    for (const path of ['/widget.js', widgetChunkPath()]) {
      const response = await get(path, { origin: SHOP_ORIGIN, 'accept-encoding': 'br' });
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('answers 304 to a request that has the ETag of what it would send, per encoding', async () => {
    for (const [name, path, cacheControl] of files()) {
      const brotli = await get(path, { 'accept-encoding': 'br' });
      const gzip = await get(path, { 'accept-encoding': 'gzip' });
      const etag = String(brotli.headers.etag);
      expect(etag, name).toMatch(/^W\/".+"$/);
      // Each encoding is its own representation, with its own ETag.
      expect(gzip.headers.etag, name).not.toBe(etag);

      const revalidated = await get(path, { 'accept-encoding': 'br', 'if-none-match': etag });
      expect(revalidated.status, name).toBe(304);
      expect(revalidated.body.length, name).toBe(0);
      expect(revalidated.headers['cache-control'], name).toBe(cacheControl);
      expect(varyOf(revalidated), name).toContain('accept-encoding');
      const otherEncoding = await get(path, { 'accept-encoding': 'gzip', 'if-none-match': etag });
      expect(otherEncoding.status, name).toBe(200);
      expect(otherEncoding.headers['content-encoding'], name).toBe('gzip');
    }
  });

  it('compresses the demo page, which has no precompressed copy, as it sends it', async () => {
    const plain = await get('/', { 'accept-encoding': 'identity' });
    for (const [accepted, encoding] of [
      ['br, gzip', 'br'],
      ['gzip', 'gzip'],
    ] as const) {
      const response = await get('/', { 'accept-encoding': accepted });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(varyOf(response)).toContain('accept-encoding');
      expect(decode(response).equals(plain.body)).toBe(true);
    }
  });

  it("sends a page whose cached loader names a previous release's chunk to the current one", async () => {
    const response = await get('/widget/widget-00000000.js', { 'accept-encoding': 'br' });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(widgetChunkPath());
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 404 for any other missing file, and does not serve the build manifest', async () => {
    for (const path of ['/widget/other.js', '/widget/widget-00000000.css', '/widget/.vite/manifest.json', '/widget/../loader.js']) {
      const response = await get(path, { 'accept-encoding': 'br' });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.headers['cache-control'], path).not.toBe(YEAR);
    }
  });
});

describe('dynamic answers', () => {
  it('compresses a JSON answer over 1 KB, and leaves a smaller one as it is', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const body = 'Where is my order? '.repeat(100);
    const sent = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'long-1', body });
    visitor.close();
    if (!sent.ok) throw new Error(sent.error.message);

    const path = `/api/conversations/${sent.data.conversationId}/messages`;
    for (const [accepted, encoding] of [
      ['br, gzip', 'br'],
      ['gzip', 'gzip'],
    ] as const) {
      const response = await get(path, { authorization: `Bearer ${token}`, 'accept-encoding': accepted });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(varyOf(response)).toContain('accept-encoding');
      expect(JSON.parse(decode(response).toString('utf8')).messages[0].body).toBe(body);
    }
    const plain = await get(path, { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);

    const small = await get('/healthz', { 'accept-encoding': 'br, gzip' });
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it("leaves Socket.IO's long polling to engine.io, which gzips a large payload once", async () => {
    // A greeting of 500 two-byte characters makes the session, and so the ack of `session:get`, larger than
    // engine.io's 1 KB threshold (counted in bytes).
    const tenant = await createTenant(server, { settings: { greeting: 'ü'.repeat(500) } });
    const headers = { origin: SHOP_ORIGIN, 'accept-encoding': 'br, gzip', 'content-type': 'text/plain;charset=UTF-8' };
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const open = await rawRequest(base, { headers });
    const { sid } = JSON.parse(decode(open).toString('utf8').slice(1)) as { sid: string };
    const poll = `${base}&sid=${sid}`;
    await rawRequest(poll, { method: 'POST', headers, body: `40/visitor,${JSON.stringify({ widgetKey: tenant.widget.publicKey })}` });
    expect(decode(await rawRequest(poll, { headers })).toString('utf8')).toMatch(/^40\/visitor,/);

    await rawRequest(poll, { method: 'POST', headers, body: '42/visitor,1["session:get"]' });
    const answer = await rawRequest(poll, { headers });
    // engine.io offers gzip and deflate, not brotli; one encoding, once.
    expect(answer.headers['content-encoding']).toBe('gzip');
    const payload = gunzipSync(answer.body).toString('utf8');
    expect(payload).toMatch(/^43\/visitor,1\[\{"ok":true/);
    expect(payload).toContain('ü'.repeat(500));
  });
});

/** The settings route's path for `key`, which is sent percent-encoded, as the widget sends it. */
function url(key: string) {
  return `/api/widgets/${encodeURIComponent(key)}/settings`;
}

describe('GET /api/widgets/:publicKey/settings', () => {
  it("answers the widget's public settings, for any site, cacheable for five minutes", async () => {
    const settings = {
      title: 'Harbor & Pine support',
      greeting: 'Hi! Questions about an order?',
      accentColor: '#1f6f5c',
      position: 'left' as const,
      locale: 'en-US',
      botName: 'Pine',
    };
    const tenant = await createTenant(server, {
      settings: { ...settings, defaultCountry: 'US' },
    });
    const response = await fetch(`${server.url}${url(tenant.widget.publicKey)}`, { headers: { origin: 'https://any-site.example' } });
    expect(response.status).toBe(200);
    // Only what the widget draws, with the defaults of what was not set: the default country stays on the server.
    expect(await response.json()).toEqual({
      ...settings,
      theme: 'light',
      launcherLabel: '',
      offsetX: 20,
      offsetY: 20,
      teamName: '',
      sound: false,
      preChat: { name: 'off', email: 'off', phone: 'off' },
      proactive: [],
    });
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers 404 unknown_widget for a key no widget has, uncached', async () => {
    const response = await fetch(`${server.url}${url('pk_no_such_widget')}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'unknown_widget', message: 'No widget has this key.' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBeNull();
  });

  it.each(['pk demo', 'pk.demo', 'pk_demo;drop', 'pk_ü', '<script>'])('refuses the malformed key %j with 400', async (key) => {
    const response = await fetch(`${server.url}${url(key)}`);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_payload');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses a key longer than any widget key with 400', async () => {
    // Over 100 characters the router refuses the path segment itself, before any hook (so without CORS headers).
    for (const key of [`pk_${'a'.repeat(126)}`, 'a'.repeat(1000)]) {
      const response = await fetch(`${server.url}${url(key)}`);
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error.code).toBe('invalid_payload');
    }
  });

  it('answers every naughty string with a 400 or a 404 and the error body, never a 500 or a settings object', async () => {
    const codes = new Set<string>();
    for (const key of naughtyStrings()) {
      const response = await fetch(`${server.url}${url(key)}`);
      const answer = (await response.json()) as { error?: { code: string } };
      expect([400, 404], JSON.stringify(key)).toContain(response.status);
      expect(answer.error?.code, JSON.stringify(key)).toMatch(/^(invalid_payload|unknown_widget|not_found)$/);
      codes.add(answer.error!.code);
    }
    // Both paths were taken: refused by the schema, and looked up without a match.
    expect(codes).toContain('invalid_payload');
    expect(codes).toContain('unknown_widget');
  });
});
