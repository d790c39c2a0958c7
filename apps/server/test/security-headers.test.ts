import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetChunkPath } from './helpers/built-assets.js';
import { SHOP_ORIGIN, startServer, type TestServer } from './helpers/server.js';

// What `parley start` serves, with the built widget, console and demo page: each kind of response gets its headers.
const API_CSP = "default-src 'none';frame-ancestors 'none'";
const PAGE_CSP =
  "default-src 'self';script-src 'self';connect-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'";
const CONSOLE_CSP = `${PAGE_CSP};style-src 'self';img-src 'self' data:`;
const DEMO_CSP = `${PAGE_CSP};style-src 'self' 'unsafe-inline'`;
const HSTS = 'max-age=31536000; includeSubDomains';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({}, { assets: true });
});
afterAll(async () => {
  await server?.close();
});

async function get(path: string, headers: Record<string, string> = {}, base = server.url) {
  const response = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
  await response.arrayBuffer();
  return response;
}

/** Headers every Fastify response carries, whatever it is. */
function expectCommonHeaders(headers: Headers) {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('strict-transport-security')).toBeNull();
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('security headers', () => {
  it('gives the console a strict CSP: scripts and styles only from its files, never framed', async () => {
    for (const path of ['/console/', '/console/conversations/some-client-route']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expectCommonHeaders(response.headers);
    }
  });

  it('gives the demo page a CSP that runs the widget from this server, with inline styles but no inline scripts', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(DEMO_CSP);
    expectCommonHeaders(response.headers);
  });

  it('keeps the loader and the widget chunks loadable from any site', async () => {
    for (const path of ['/widget.js', widgetChunkPath()]) {
      const response = await get(path, { origin: SHOP_ORIGIN });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('javascript');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expectCommonHeaders(response.headers);
    }
  });

  it('gives JSON answers and 404s a CSP that allows nothing, and keeps them same-origin', async () => {
    const me = await get('/api/me');
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toContain('application/json');
    const missing = await get('/no/such/page');
    expect(missing.status).toBe(404);
    const missingChunk = await get('/widget/no-such-chunk.js');
    expect(missingChunk.status).toBe(404);
    for (const response of [me, missing]) {
      expect(response.headers.get('content-security-policy')).toBe(API_CSP);
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expectCommonHeaders(response.headers);
    }
    expectCommonHeaders(missingChunk.headers);
  });

  it("adds nosniff to Socket.IO's long-polling answers and keeps their CORS", async () => {
    const response = await get('/socket.io/?EIO=4&transport=polling', { origin: SHOP_ORIGIN });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
  });

  it('does not send HSTS over plain HTTP, even when an untrusted client claims https', async () => {
    for (const path of ['/', '/console/', '/api/me']) {
      const response = await get(path, { 'x-forwarded-proto': 'https' });
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });
});

describe('HSTS behind a trusted TLS-terminating proxy', () => {
  let proxied: TestServer;
  beforeAll(async () => {
    // The test's requests come from loopback, here the proxy Parley trusts (PARLEY_TRUST_PROXY).
    proxied = await startServer({ PARLEY_TRUST_PROXY: 'loopback' }, { assets: true });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it('sends HSTS on every response the proxy says came over https, and not on those over http', async () => {
    for (const path of ['/', '/console/', '/widget.js', '/api/me', '/no/such/page']) {
      const overTls = await get(path, { 'x-forwarded-proto': 'https' }, proxied.url);
      expect(overTls.headers.get('strict-transport-security'), path).toBe(HSTS);
      const overHttp = await get(path, { 'x-forwarded-proto': 'http' }, proxied.url);
      expect(overHttp.headers.get('strict-transport-security'), path).toBeNull();
    }
  });
});
