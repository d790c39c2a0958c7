import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { AwsClient } from 'aws4fetch';

/** Where attachment bytes live: a directory on disk or an S3-compatible bucket, behind the same three calls. */
export interface AttachmentStorage {
  /** Which backend this is (for logs and the health page). */
  readonly kind: 'disk' | 's3';
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes `key`; nothing when it isn't there. */
  delete(key: string): Promise<void>;
}

/** One key segment: a file or directory name that means the same thing on every filesystem and in a URL path. */
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Throws unless `key` is `/`-separated segments of [A-Za-z0-9._-], none of them empty, `.` or `..`.
 *
 * Both backends enforce the same grammar, so a key that works on disk works in a bucket and moving between them never
 * strands a file. It is also what keeps a key inside its root: no `..`, no absolute path, no `\` (a separator on
 * Windows), and for S3 nothing that `new URL()` would normalise away or that would need percent-encoding.
 */
function assertValidKey(key: string): void {
  const segments = key.split('/');
  const valid = segments.every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..');
  // The key itself is not echoed: it may come from a request, and it is refused precisely because it is odd.
  if (!valid) throw new Error('Invalid attachment storage key');
}

/** Whether `error` is a filesystem error meaning "nothing stored under this key". */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // ENOTDIR: a parent of the key is a file (key `a/b` when `a` is stored). EISDIR: the key is a directory (key `a`
  // when `a/b` is stored). Neither is a stored object.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** A plain `Uint8Array` over `bytes`, so both backends hand back the same type (a `Buffer` compares unequal to it). */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Files under `root` (created on first write).
 *
 * Keys are `/`-separated segments of [A-Za-z0-9._-] (no `..`, no empty segment, no leading `/`): anything else throws,
 * so a key can never leave `root`. Writes go to a temporary file then rename, so a reader never sees half a file.
 */
export function createDiskStorage(root: string): AttachmentStorage {
  const base = resolve(root);
  const inside = base.endsWith(sep) ? base : base + sep;

  function pathOf(key: string): string {
    assertValidKey(key);
    const path = join(base, ...key.split('/'));
    // Redundant with the key grammar, kept as a second lock: whatever the grammar lets through must land inside root.
    if (!path.startsWith(inside)) throw new Error('Invalid attachment storage key');
    return path;
  }

  return {
    kind: 'disk',

    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // The temporary file sits next to the target, so the rename stays on one filesystem and is atomic. Its name
      // starts with a dot and carries a UUID, so it can't be a key someone else is writing at the same moment.
      const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
      try {
        const handle = await open(temporary, 'wx');
        try {
          await handle.writeFile(bytes);
          // Flush before the rename: otherwise a crash can leave the new name pointing at an empty or partial file.
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async get(key) {
      const path = pathOf(key);
      try {
        return plain(await readFile(path));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(key) {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    },
  };
}

/** How to reach an S3-compatible bucket. */
export interface S3StorageOptions {
  /** The service's base URL, e.g. `https://s3.eu-west-1.amazonaws.com`, `http://minio:9000` or an R2 account URL. */
  endpoint: string;
  /** The bucket's name. */
  bucket: string;
  /** The signing region (`auto` for R2, often `us-east-1` for MinIO). */
  region: string;
  /** The access key's id: not secret, it appears in every request's `authorization` header. */
  accessKeyId: string;
  /** The access key's secret: signs requests, never sent, never logged. */
  secretAccessKey: string;
}

/** Throws an Error naming the S3 operation and status, and S3's error code when the body has one. */
async function fail(operation: string, response: Response): Promise<never> {
  // Only the `<Code>` is kept: S3's error bodies can echo the string to sign and the access key id, and a message
  // like this one ends up in logs.
  const body = await response.text().catch(() => '');
  const code = /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(body)?.[1];
  throw new Error(`S3 ${operation} failed: HTTP ${response.status}${code ? ` (${code})` : ''}`);
}

/**
 * Bounded retries of 5xx / 429 answers: aws4fetch defaults to 10 with exponential backoff (tens of seconds), longer
 * than anyone waits for a chat attachment. Every request here is idempotent, so retrying is safe.
 */
const S3_RETRIES = 2;

/**
 * An S3-compatible bucket (AWS S3, MinIO, R2…), path-style (`${endpoint}/${bucket}/${key}`), requests signed with
 * aws4fetch's AwsClient (service `s3`). Path-style because MinIO and most self-hosted services only serve that, and it
 * needs no DNS per bucket.
 *
 * A 404 on get is null; another non-2xx answer throws an Error naming the status (never the credentials). Keys follow
 * the same grammar as {@link createDiskStorage}'s, and an invalid key throws before any request.
 */
export function createS3Storage(options: S3StorageOptions): AttachmentStorage {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region,
    service: 's3',
    retries: S3_RETRIES,
  });
  const bucketUrl = `${options.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(options.bucket)}`;

  function urlOf(key: string): string {
    assertValidKey(key);
    // Every character the grammar allows is URL-safe, so the key goes into the path as is.
    return `${bucketUrl}/${key}`;
  }

  return {
    kind: 's3',

    async put(key, bytes, contentType) {
      const response = await client.fetch(urlOf(key), {
        method: 'PUT',
        // Copied into a fresh ArrayBuffer-backed view: fetch wants one, and the caller's buffer may be a pooled slice.
        body: new Uint8Array(bytes),
        headers: {
          'content-type': contentType,
          // A signed payload hash (aws4fetch would send UNSIGNED-PAYLOAD) lets the bucket refuse a body corrupted or
          // swapped on the way.
          'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex'),
        },
      });
      if (!response.ok) return fail('PUT', response);
      // Drain the body so the connection goes back to the pool.
      await response.arrayBuffer();
    },

    async get(key) {
      const response = await client.fetch(urlOf(key), { method: 'GET' });
      if (response.status === 404) {
        await response.arrayBuffer();
        return null;
      }
      if (!response.ok) return fail('GET', response);
      return new Uint8Array(await response.arrayBuffer());
    },

    async delete(key) {
      const response = await client.fetch(urlOf(key), { method: 'DELETE' });
      // S3 answers 204 whether or not the key existed; some compatible services answer 404 for a missing key.
      if (!response.ok && response.status !== 404) return fail('DELETE', response);
      await response.arrayBuffer();
    },
  };
}
