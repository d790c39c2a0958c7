import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import { generate } from 'selfsigned';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, login, startServer, type TestServer } from './helpers/server.js';

/**
 * The production set-up of docs/deployment.md: a TLS-terminating reverse proxy (http-proxy-3, with a self-signed
 * certificate) in front of Parley, which trusts it through PARLEY_TRUST_PROXY. Forwarded headers count only from it.
 */
interface TlsProxy {
  url: string;
  ca: string;
  close(): Promise<void>;
}

async function startTlsProxy(target: string): Promise<TlsProxy> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
  // xfwd: the proxy appends X-Forwarded-For and sets X-Forwarded-Proto/-Host/-Port, as nginx or Caddy would.
  const proxy = createProxyServer({ target, ws: true, xfwd: true });
  proxy.on('error', () => undefined);
  const server: Server = createHttpsServer({ key: pems.private, cert: pems.cert }, (request, response) => proxy.web(request, response));
  server.on('upgrade', (request, socket, head) => proxy.ws(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    ca: pems.cert,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      proxy.close();
    },
  };
}

/** A visitor socket over HTTP long-polling, as a browser page served by Parley itself: no Origin header. */
function connectPolling(url: string, widgetKey: string, options: { ca?: string; headers?: Record<string, string> } = {}): Promise<Socket> {
  const socket = io(`${url}/visitor`, {
    transports: ['polling'],
    auth: { widgetKey },
    extraHeaders: options.headers ?? {},
    ...(options.ca ? { ca: options.ca } : {}),
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

describe('behind a trusted TLS-terminating reverse proxy', () => {
  let server: TestServer;
  let proxy: TlsProxy;

  beforeAll(async () => {
    server = await startServer({ PARLEY_TRUST_PROXY: 'loopback', PARLEY_RATE_LIMIT_NEW_SESSIONS: '2' });
    proxy = await startTlsProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('accepts same-origin polling from the page Parley serves over https', async () => {
    const tenant = await createTenant(server, { allowedOrigins: [proxy.url] });
    const socket = await connectPolling(proxy.url, tenant.widget.publicKey, {
      ca: proxy.ca,
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('counts new visitor sessions per forwarded client address, not per proxy', async () => {
    const tenant = await createTenant(server, { allowedOrigins: [proxy.url] });
    const fromOne = { ca: proxy.ca, headers: { 'x-forwarded-for': '203.0.113.7' } };
    const sockets = [
      await connectPolling(proxy.url, tenant.widget.publicKey, fromOne),
      await connectPolling(proxy.url, tenant.widget.publicKey, fromOne),
    ];
    const third = await connectPolling(proxy.url, tenant.widget.publicKey, fromOne).catch((error: unknown) => error);
    expect(third).toMatchObject({ data: { code: 'rate_limited' } });
    // Another visitor behind the same proxy has a budget of its own.
    const other = await connectPolling(proxy.url, tenant.widget.publicKey, { ca: proxy.ca, headers: { 'x-forwarded-for': '203.0.113.8' } });
    expect(other.connected).toBe(true);
    for (const socket of [...sockets, other]) socket.close();
  });
});

describe('without a trusted proxy', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ PARLEY_RATE_LIMIT_NEW_SESSIONS: '2' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('ignores a forged X-Forwarded-Proto in the same-origin check', async () => {
    const host = new URL(server.url).host;
    const tenant = await createTenant(server, { allowedOrigins: [`https://${host}`] });
    const forged = await connectPolling(server.url, tenant.widget.publicKey, { headers: { 'x-forwarded-proto': 'https' } }).catch(
      (error: unknown) => error,
    );
    expect(forged).toMatchObject({ data: { code: 'origin_not_allowed', message: `This widget may not be used on http://${host}.` } });
  });

  it('ignores forged X-Forwarded-For addresses when counting new visitor sessions', async () => {
    const tenant = await createTenant(server, { allowedOrigins: [server.url] });
    const sockets = [];
    for (const address of ['192.0.2.1', '192.0.2.2']) {
      sockets.push(await connectPolling(server.url, tenant.widget.publicKey, { headers: { 'x-forwarded-for': address } }));
    }
    const third = await connectPolling(server.url, tenant.widget.publicKey, { headers: { 'x-forwarded-for': '192.0.2.3' } }).catch(
      (error: unknown) => error,
    );
    expect(third).toMatchObject({ data: { code: 'rate_limited' } });
    for (const socket of sockets) socket.close();
  });

  it('limits sign-in attempts per account, whatever X-Forwarded-For says', async () => {
    const tenant = await createTenant(server);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.0.${attempt + 1}` },
        body: JSON.stringify({ email: tenant.email, password: `wrong-${attempt}` }),
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));
    // The right password does not get through while the account is limited.
    await expect(login(server, tenant.email.toUpperCase(), tenant.password)).rejects.toThrow(/429/);
  });
});
