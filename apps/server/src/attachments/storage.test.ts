import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiskStorage, createS3Storage, type AttachmentStorage } from './storage.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Keys neither backend may accept: each would escape the root, or mean different things on different systems. */
const REFUSED_KEYS = ['../x', '/abs', 'a//b', 'a/../b', 'a\\b', '', 'a/', '.', 'a/./b', '..', 'café.png', 'a b', 'x?y', 'x#y', '%2e%2e/x'];

describe('disk storage', () => {
  let root: string;
  let storage: AttachmentStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-attachments-'));
    // A directory that doesn't exist yet: the storage creates it on first write.
    storage = createDiskStorage(join(root, 'files'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Every file under the storage's root, as `/`-separated paths. */
  async function filesOnDisk(): Promise<string[]> {
    const entries = await readdir(join(root, 'files'), { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) =>
        join(entry.parentPath, entry.name)
          .slice(join(root, 'files').length + 1)
          .replaceAll('\\', '/'),
      )
      .toSorted();
  }

  it('is a disk storage', () => {
    expect(storage.kind).toBe('disk');
  });

  it('stores and returns bytes, creating the directories a key needs', async () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await storage.put('conversations/c1/a1.bin', bytes, 'application/octet-stream');
    expect(await storage.get('conversations/c1/a1.bin')).toEqual(bytes);
    expect(await filesOnDisk()).toEqual(['conversations/c1/a1.bin']);
  });

  it('replaces what was stored under a key', async () => {
    await storage.put('a.txt', utf8('first, and longer'), 'text/plain');
    await storage.put('a.txt', utf8('second'), 'text/plain');
    expect(await storage.get('a.txt')).toEqual(utf8('second'));
  });

  it('deletes a key, and deleting a missing key does nothing', async () => {
    await storage.put('x/y.txt', utf8('y'), 'text/plain');
    await storage.delete('x/y.txt');
    expect(await storage.get('x/y.txt')).toBeNull();
    await expect(storage.delete('x/y.txt')).resolves.toBeUndefined();
    await expect(storage.delete('never/stored')).resolves.toBeUndefined();
  });

  it('answers null for a missing key, including before anything was written', async () => {
    expect(await storage.get('missing')).toBeNull();
    await storage.put('a/b', utf8('b'), 'text/plain');
    expect(await storage.get('a/missing')).toBeNull();
    // `a` is a directory here and `a/b/c` would need `a/b` to be one: neither is a stored object.
    expect(await storage.get('a')).toBeNull();
    expect(await storage.get('a/b/c')).toBeNull();
  });

  it.each(REFUSED_KEYS)('refuses the key %j for every operation', async (key) => {
    await expect(storage.put(key, utf8('x'), 'text/plain')).rejects.toThrow('Invalid attachment storage key');
    await expect(storage.get(key)).rejects.toThrow('Invalid attachment storage key');
    await expect(storage.delete(key)).rejects.toThrow('Invalid attachment storage key');
  });

  it('never reaches outside its root, even for a file planted next to it', async () => {
    await writeFile(join(root, 'secret.txt'), 'do not read');
    await expect(storage.get('../secret.txt')).rejects.toThrow();
    await expect(storage.delete('../secret.txt')).rejects.toThrow();
    expect(await readdir(root)).toEqual(['secret.txt']);
  });

  it('leaves no temporary file behind, after successful writes or a failed one', async () => {
    await storage.put('a/b.txt', utf8('1'), 'text/plain');
    await storage.put('a/b.txt', utf8('2'), 'text/plain');
    await storage.put('c.txt', utf8('3'), 'text/plain');
    // `a` is a directory: the rename onto it fails after the temporary file was written.
    await expect(storage.put('a', utf8('4'), 'text/plain')).rejects.toThrow();
    expect(await filesOnDisk()).toEqual(['a/b.txt', 'c.txt']);
  });

  it('never lets a reader see half a file while it is being replaced', async () => {
    const size = 4 * 1024 * 1024;
    const versions = [new Uint8Array(size).fill(1), new Uint8Array(size).fill(2)];
    await storage.put('big.bin', versions[0]!, 'application/octet-stream');
    const writes = { done: false };
    const writer = (async () => {
      for (let round = 0; round < 6; round += 1) {
        await storage.put('big.bin', versions[round % 2]!, 'application/octet-stream');
      }
      writes.done = true;
    })();
    const seen = new Set<number>();
    while (!writes.done) {
      const read = await storage.get('big.bin');
      expect(read?.length).toBe(size);
      // A whole version is one byte value from start to end.
      expect(read![0]).toBe(read![size - 1]);
      seen.add(read![0]!);
    }
    await writer;
    expect(seen.size).toBeGreaterThan(0);
  });
});

describe('S3 storage', () => {
  const options = {
    endpoint: 'https://s3.test.example/',
    bucket: 'parley-files',
    region: 'eu-west-1',
    accessKeyId: 'AKIATESTKEY123',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYTOPSECRET',
  };
  const bucketUrl = 'https://s3.test.example/parley-files';

  /** The in-memory bucket the fake service serves. */
  const objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const requests: Array<{ method: string; url: string; headers: Headers }> = [];

  const server = setupServer(
    http.all(`${bucketUrl}/*`, async ({ request }) => {
      requests.push({ method: request.method, url: request.url, headers: request.headers });
      const key = new URL(request.url).pathname.slice('/parley-files/'.length);
      switch (request.method) {
        case 'PUT':
          objects.set(key, {
            bytes: new Uint8Array(await request.arrayBuffer()),
            contentType: request.headers.get('content-type') ?? '',
          });
          return new HttpResponse(null, { status: 200 });
        case 'GET': {
          const object = objects.get(key);
          if (!object) return new HttpResponse('<Error><Code>NoSuchKey</Code></Error>', { status: 404 });
          return new HttpResponse(object.bytes, { headers: { 'content-type': object.contentType } });
        }
        case 'DELETE':
          objects.delete(key);
          return new HttpResponse(null, { status: 204 });
        default:
          return new HttpResponse(null, { status: 405 });
      }
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    objects.clear();
    requests.length = 0;
  });
  afterAll(() => server.close());

  const storage = createS3Storage(options);

  it('is an S3 storage', () => {
    expect(storage.kind).toBe('s3');
  });

  it('puts, gets and deletes an object, path-style', async () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await storage.put('conversations/c1/a1.png', bytes, 'image/png');
    expect(objects.get('conversations/c1/a1.png')).toEqual({ bytes, contentType: 'image/png' });
    expect(await storage.get('conversations/c1/a1.png')).toEqual(bytes);
    await storage.delete('conversations/c1/a1.png');
    expect(objects.has('conversations/c1/a1.png')).toBe(false);
    expect(requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `PUT ${bucketUrl}/conversations/c1/a1.png`,
      `GET ${bucketUrl}/conversations/c1/a1.png`,
      `DELETE ${bucketUrl}/conversations/c1/a1.png`,
    ]);
  });

  it('signs every request with SigV4 for s3, and the upload with its payload hash', async () => {
    const bytes = utf8('hello bucket');
    await storage.put('a.txt', bytes, 'text/plain');
    await storage.get('a.txt');
    await storage.delete('a.txt');
    expect(requests).toHaveLength(3);
    for (const { headers } of requests) {
      const authorization = headers.get('authorization') ?? '';
      expect(authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/`)).toBe(true);
      expect(authorization).toMatch(/\/eu-west-1\/s3\/aws4_request, SignedHeaders=[^,]*x-amz-content-sha256.*, Signature=[0-9a-f]{64}$/);
      expect(authorization).not.toContain(options.secretAccessKey);
      expect(headers.get('x-amz-content-sha256')).toMatch(/^([0-9a-f]{64}|UNSIGNED-PAYLOAD)$/);
      expect(headers.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
    }
    expect(requests[0]!.headers.get('x-amz-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('replaces an object', async () => {
    await storage.put('a.txt', utf8('first'), 'text/plain');
    await storage.put('a.txt', utf8('second'), 'text/plain');
    expect(await storage.get('a.txt')).toEqual(utf8('second'));
  });

  it('answers null for a missing object (404), and deleting one does nothing', async () => {
    expect(await storage.get('missing.txt')).toBeNull();
    await expect(storage.delete('missing.txt')).resolves.toBeUndefined();
    server.use(http.delete(`${bucketUrl}/*`, () => new HttpResponse(null, { status: 404 })));
    await expect(storage.delete('missing.txt')).resolves.toBeUndefined();
  });

  it('throws on a server error, naming the status and never the credentials, after a few retries', async () => {
    server.use(
      http.all(`${bucketUrl}/*`, ({ request }) => {
        requests.push({ method: request.method, url: request.url, headers: request.headers });
        return new HttpResponse(`<Error><Code>InternalError</Code><Message>${options.secretAccessKey}</Message></Error>`, { status: 500 });
      }),
    );
    const error = await storage.get('a.txt').then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe('S3 GET failed: HTTP 500 (InternalError)');
    expect(message).not.toContain(options.secretAccessKey);
    // The first try and two retries, not aws4fetch's default of ten.
    expect(requests).toHaveLength(3);
    await expect(storage.put('a.txt', utf8('x'), 'text/plain')).rejects.toThrow('S3 PUT failed: HTTP 500');
    await expect(storage.delete('a.txt')).rejects.toThrow('S3 DELETE failed: HTTP 500');
  });

  it('throws on a refusal such as 403, which is not retried', async () => {
    server.use(
      http.all(`${bucketUrl}/*`, ({ request }) => {
        requests.push({ method: request.method, url: request.url, headers: request.headers });
        return new HttpResponse('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
      }),
    );
    await expect(storage.get('a.txt')).rejects.toThrow('S3 GET failed: HTTP 403 (AccessDenied)');
    expect(requests).toHaveLength(1);
  });

  it.each(REFUSED_KEYS)('refuses the key %j before sending anything', async (key) => {
    await expect(storage.put(key, utf8('x'), 'text/plain')).rejects.toThrow('Invalid attachment storage key');
    await expect(storage.get(key)).rejects.toThrow('Invalid attachment storage key');
    await expect(storage.delete(key)).rejects.toThrow('Invalid attachment storage key');
    expect(requests).toEqual([]);
  });
});
