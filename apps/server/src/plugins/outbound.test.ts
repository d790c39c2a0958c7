import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loopbackServer } from '../../test/helpers/loopback-server.js';
import { createOutboundFetch, OutboundRequestError, type OutboundFetch, type ResolveHost } from './outbound.js';

function answerHello(_request: IncomingMessage, response: ServerResponse) {
  response.end('hello');
}

/** A loopback server whose handler each test sets; it records the requests it got. */
function testServer() {
  const requests: IncomingMessage[] = [];
  let handler: (request: IncomingMessage, response: ServerResponse) => void = answerHello;
  const loopback = loopbackServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  return {
    requests,
    server: loopback.server,
    set handle(next: typeof handler) {
      handler = next;
    },
    get origin() {
      return loopback.origin;
    },
    listen: loopback.listen,
    close: loopback.close,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<OutboundRequestError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error as OutboundRequestError;
}

describe('createOutboundFetch', () => {
  const site = testServer();
  const other = testServer();
  // Names for the tests; nothing here ever connects to a private address: the guard refuses before connecting.
  const names: Record<string, string[]> = {
    'help.example.com': ['10.0.0.5'],
    'metadata.test': ['169.254.169.254'],
    'mixed.test': ['10.0.0.5', '127.0.0.1'],
    'local.test': ['127.0.0.1'],
  };
  const resolveHost: ResolveHost = async (hostname) => {
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const fetches: OutboundFetch[] = [];
  const guarded = (options: Parameters<typeof createOutboundFetch>[0] = {}) => {
    const outboundFetch = createOutboundFetch({ resolveHost, ...options });
    fetches.push(outboundFetch);
    return outboundFetch;
  };

  beforeAll(async () => {
    await site.listen();
    await other.listen();
  });
  afterEach(async () => {
    await Promise.all(fetches.splice(0).map((outboundFetch) => outboundFetch.close()));
    site.requests.length = 0;
    other.requests.length = 0;
    site.handle = answerHello;
  });
  afterAll(async () => {
    await site.close();
    await other.close();
  });

  it('refuses this machine unless loopback is allowed', async () => {
    const error = await failureOf(guarded()(`${site.origin}/`));
    expect(error.reason).toBe('blocked_address');
    expect(error.message).toBe(
      "127.0.0.1 is a loopback address (this machine); Parley doesn't fetch loopback addresses unless PARLEY_OUTBOUND_ALLOW says so.",
    );
    expect(site.requests).toHaveLength(0);

    const response = await guarded({ allow: ['loopback'] })(`${site.origin}/`);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.text()).toBe('hello');
    expect(site.requests[0]?.headers['user-agent']).toBe('ParleyBot/1.0');
  });

  it("reaches Parley's own origins without loopback allowed, and nothing else on this machine (not even another port)", async () => {
    const own = guarded({ ownOrigins: [site.origin] });
    const response = await own(`${site.origin}/demo/orders/1001`);
    expect(response.status).toBe(200);
    expect(site.requests).toHaveLength(1);
    const error = await failureOf(own(`${other.origin}/`));
    expect(error.reason).toBe('blocked_address');
    expect(other.requests).toHaveLength(0);
  });

  it("re-checks a redirect from Parley's own origin to another address of this machine", async () => {
    site.handle = (_request, response) => response.writeHead(302, { location: `${other.origin}/admin` }).end();
    const error = await failureOf(guarded({ ownOrigins: [site.origin] })(`${site.origin}/`));
    expect(error.reason).toBe('blocked_address');
    expect(other.requests).toHaveLength(0);
  });

  it('checks the address a host name resolves to, and says so in words', async () => {
    const error = await failureOf(guarded({ allow: ['loopback'] })('http://help.example.com/articles'));
    expect(error.reason).toBe('blocked_address');
    expect(error.address).toBe('10.0.0.5');
    expect(error.url).toBe('http://help.example.com/articles');
    expect(error.message).toBe(
      "help.example.com resolves to 10.0.0.5, a private address; Parley doesn't fetch private addresses unless PARLEY_OUTBOUND_ALLOW says so.",
    );
    const metadata = await failureOf(guarded()('http://metadata.test/latest/meta-data/'));
    expect(metadata.message).toMatch(/^metadata\.test resolves to 169\.254\.169\.254, a link-local address/);
  });

  it('connects only to the resolved addresses it checked', async () => {
    const port = new URL(site.origin).port;
    const response = await guarded({ allow: ['loopback'] })(`http://mixed.test:${port}/`);
    expect(response.text()).toBe('hello');
    expect(site.requests[0]?.headers.host).toBe(`mixed.test:${port}`);
  });

  it.each([
    ['an IPv6 loopback literal', 'http://[::1]:9/'],
    ['an IPv4-mapped loopback literal', 'http://[::ffff:127.0.0.1]:9/'],
    ['a mapped metadata address', 'http://[::ffff:a9fe:a9fe]/'],
    ['a decimal-encoded loopback address', 'http://2130706433:9/'],
    ['a private literal', 'http://192.168.0.1/'],
    ['the unspecified address', 'http://0.0.0.0:9/'],
  ])('refuses %s before connecting', async (_label, url) => {
    const error = await failureOf(guarded()(url));
    expect(error.reason).toBe('blocked_address');
  });

  it('names a host that has no address', async () => {
    const error = await failureOf(guarded()('http://nowhere.test/'));
    expect(error.reason).toBe('network');
    expect(error.message).toBe('Parley could not reach http://nowhere.test/: nowhere.test has no address in DNS.');
  });

  it.each(['file:///etc/passwd', 'ftp://files.example.com/a', 'gopher://example.com/', 'javascript:alert(1)'])(
    'refuses the scheme of %s',
    async (url) => {
      const error = await failureOf(guarded({ allow: ['loopback'] })(url));
      expect(error.reason).toBe('bad_scheme');
      expect(error.message).toMatch(/is not an http:\/\/ or https:\/\/ address/);
    },
  );

  it('re-checks every redirect: an allowed host may not send Parley to a blocked one', async () => {
    const outboundFetch = guarded({ allow: ['loopback'] });
    site.handle = (request, response) => {
      const targets: Record<string, string> = {
        '/to-private': 'http://10.0.0.5/admin',
        '/to-metadata': 'http://metadata.test/',
        '/to-file': 'file:///etc/passwd',
      };
      response.writeHead(302, { location: targets[request.url ?? ''] ?? '/' }).end();
    };
    const toPrivate = await failureOf(outboundFetch(`${site.origin}/to-private`));
    expect(toPrivate.reason).toBe('blocked_address');
    expect(toPrivate.url).toBe('http://10.0.0.5/admin');
    expect((await failureOf(outboundFetch(`${site.origin}/to-metadata`))).reason).toBe('blocked_address');
    expect((await failureOf(outboundFetch(`${site.origin}/to-file`))).reason).toBe('bad_scheme');
  });

  it('follows up to five redirects and refuses the sixth', async () => {
    site.handle = (request, response) => {
      const step = Number(new URL(request.url ?? '/', site.origin).searchParams.get('step') ?? 0);
      if (step < 6) response.writeHead(301, { location: `/?step=${step + 1}` }).end();
      else response.end('arrived');
    };
    const outboundFetch = guarded({ allow: ['loopback'] });
    const error = await failureOf(outboundFetch(`${site.origin}/?step=0`));
    expect(error.reason).toBe('too_many_redirects');
    expect(error.message).toMatch(/redirected more than 5 times/);

    const response = await outboundFetch(`${site.origin}/?step=1`);
    expect(response.text()).toBe('arrived');
    expect(response.url).toBe(`${site.origin}/?step=6`);
    expect(response.redirectedFrom).toHaveLength(5);
  });

  it("drops credentials on a redirect to another origin, and a 303's body", async () => {
    site.handle = (_request, response) => response.writeHead(303, { location: `${other.origin}/landing` }).end();
    other.handle = (_request, response) => response.end('landed');
    const response = await guarded({ allow: ['loopback'] })(`${site.origin}/form`, {
      method: 'POST',
      body: 'a=1',
      headers: { authorization: 'Bearer secret', 'content-type': 'application/x-www-form-urlencoded', 'x-parley-signature': 'kept' },
    });
    expect(response.text()).toBe('landed');
    const landing = other.requests[0];
    expect(landing?.method).toBe('GET');
    expect(landing?.headers.authorization).toBeUndefined();
    expect(landing?.headers['content-type']).toBeUndefined();
    expect(landing?.headers['x-parley-signature']).toBe('kept');
  });

  it('stops reading a body over the size limit, declared or streamed', async () => {
    const outboundFetch = guarded({ allow: ['loopback'], maxBytes: 64 * 1024 });
    site.handle = (request, response) => {
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-length': String(1024 * 1024) });
        response.end(Buffer.alloc(1024 * 1024, 'a'));
        return;
      }
      // Chunked, no Content-Length: only counting while reading catches it.
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let index = 0; index < 64; index++) response.write(Buffer.alloc(16 * 1024, 'b'));
      response.end();
    };
    const declared = await failureOf(outboundFetch(`${site.origin}/declared`));
    expect(declared.reason).toBe('too_large');
    expect(declared.message).toBe(
      `127.0.0.1:${new URL(site.origin).port} sent more than 64 KiB for ${site.origin}/declared; Parley stops reading there.`,
    );
    expect((await failureOf(outboundFetch(`${site.origin}/streamed`))).reason).toBe('too_large');
    // A request may set its own limit.
    expect((await outboundFetch(`${site.origin}/streamed`, { maxBytes: 2 * 1024 * 1024 })).body.byteLength).toBe(1024 * 1024);
  });

  it('gives up when the whole exchange takes longer than the time limit', async () => {
    site.handle = (_request, response) => {
      // Headers at once, then nothing: the limit covers the body too, not only the connection.
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<p>slow');
    };
    const startedAt = Date.now();
    const error = await failureOf(guarded({ allow: ['loopback'], timeoutMs: 300 })(`${site.origin}/slow`));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(`127.0.0.1:${new URL(site.origin).port} did not answer ${site.origin}/slow within 0.3 s.`);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it("stops when the caller's signal aborts", async () => {
    site.handle = () => {
      // Never answers.
    };
    const controller = new AbortController();
    const pending = guarded({ allow: ['loopback'] })(`${site.origin}/`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failureOf(pending)).reason).toBe('aborted');
  });

  it('turns an HTTP error into an http_error unless asked for the response', async () => {
    site.handle = (_request, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('missing');
    const outboundFetch = guarded({ allow: ['loopback'] });
    const error = await failureOf(outboundFetch(`${site.origin}/gone`));
    expect(error.reason).toBe('http_error');
    expect(error.status).toBe(404);
    expect(error.message).toBe(`127.0.0.1:${new URL(site.origin).port} answered 404 Not Found for ${site.origin}/gone.`);
    const response = await outboundFetch(`${site.origin}/gone`, { allowHttpErrors: true });
    expect(response.status).toBe(404);
    expect(response.ok).toBe(false);
    expect(response.text()).toBe('missing');
  });

  it('skips the body when the headers say it is not wanted, and decodes by charset', async () => {
    site.handle = (request, response) => {
      if (request.url === '/file.pdf') response.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.alloc(4096));
      else response.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    };
    const outboundFetch = guarded({ allow: ['loopback'] });
    const pdf = await outboundFetch(`${site.origin}/file.pdf`, {
      readBody: (head) => head.headers.get('content-type')?.startsWith('text/html') ?? false,
    });
    expect(pdf.bodyRead).toBe(false);
    expect(pdf.body.byteLength).toBe(0);
    expect((await outboundFetch(`${site.origin}/page`)).text()).toBe('café');
  });
});
