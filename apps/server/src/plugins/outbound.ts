/**
 * The one way Parley makes an HTTP request to an address a person typed (a help center to crawl, later webhooks and
 * the bot's HTTP actions): a guarded fetch that refuses to reach this machine, the private network or the cloud
 * metadata service (server-side request forgery), bounds what it reads and how long it waits, and explains a refusal
 * in words a site owner can act on.
 *
 * The address is checked where the connection is made: the undici agent's `connect.lookup` resolves the host name,
 * drops the addresses that aren't allowed and hands only the checked ones to the socket. A name that resolves to a
 * public address when checked and to 10.0.0.5 when connecting (DNS rebinding) has no second lookup to exploit.
 * @module
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import {
  Agent,
  Headers as UndiciHeaders,
  fetch as undiciFetch,
  type RequestInit as UndiciRequestInit,
  type Response as UndiciResponse,
} from 'undici';
import {
  NO_OUTBOUND_ALLOWANCE,
  describeRefusal,
  parseOutboundAllowance,
  refusedCategory,
  type AddressCategory,
  type OutboundAllowance,
} from './outbound-address.js';

/** Why an outbound request failed; stable codes for callers, the message is for people. */
export type OutboundFailureReason =
  | 'blocked_address'
  | 'bad_scheme'
  | 'bad_url'
  | 'too_large'
  | 'timeout'
  | 'aborted'
  | 'too_many_redirects'
  | 'http_error'
  | 'network';

/** A refused or failed outbound request. `message` is written for the site owner who typed the address. */
export class OutboundRequestError extends Error {
  override readonly name = 'OutboundRequestError';
  readonly reason: OutboundFailureReason;
  /** The URL of the hop that failed (after redirects, the last one). */
  readonly url: string;
  /** The HTTP status, for `http_error`. */
  readonly status: number | undefined;
  /** The refused address, for `blocked_address`. */
  readonly address: string | undefined;

  constructor(
    reason: OutboundFailureReason,
    message: string,
    details: { url: string; status?: number | undefined; address?: string | undefined; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    this.url = details.url;
    this.status = details.status;
    this.address = details.address;
  }
}

/** Resolves a host name to all its addresses, as `dns.lookup` with `all: true` does; replaceable in tests. */
export type ResolveHost = (
  hostname: string,
  options: { family?: number | undefined; hints?: number | undefined },
) => Promise<LookupAddress[]>;

const systemResolve: ResolveHost = (hostname, options) =>
  new Promise((resolve, reject) => {
    const lookupOptions: LookupAllOptions = { all: true };
    if (options.family !== undefined) lookupOptions.family = options.family;
    if (options.hints !== undefined) lookupOptions.hints = options.hints;
    dnsLookup(hostname, lookupOptions, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * A `net.connect` lookup that resolves, keeps the allowed addresses and refuses when none is left. Node calls it with
 * `all: true` when it tries several addresses (`autoSelectFamily`, on by default since Node 20), else for one.
 */
function guardedLookup(resolveHost: ResolveHost, allowance: OutboundAllowance): LookupFunction {
  return function lookupAllowedAddress(hostname, options, callback) {
    resolveHost(hostname, { family: typeof options.family === 'number' ? options.family : undefined, hints: options.hints }).then(
      (addresses) => {
        const allowed = addresses.filter((entry) => refusedCategory(entry.address, allowance) === null);
        const first = allowed[0];
        if (first === undefined) {
          const refused = addresses[0];
          const error =
            refused === undefined
              ? Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' })
              : new OutboundRequestError(
                  'blocked_address',
                  describeRefusal(
                    hostname,
                    refused.address,
                    refusedCategory(refused.address, allowance) as Exclude<AddressCategory, 'public'>,
                  ),
                  { url: hostname, address: refused.address },
                );
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        if ((options as { all?: boolean }).all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** Settings of a guarded fetch. */
export interface OutboundFetchOptions {
  /** Addresses beyond the public internet that may be reached: `config.outbound.allow` (`PARLEY_OUTBOUND_ALLOW`). */
  allow?: OutboundAllowance | string | readonly string[] | undefined;
  /** Redirects followed per request, each re-checked; default 5. */
  maxRedirects?: number | undefined;
  /** Largest response body read, in bytes; default 10 MiB. A request can lower or raise it. */
  maxBytes?: number | undefined;
  /** Time for the whole request, redirects and body included; default 30 s. */
  timeoutMs?: number | undefined;
  /** Sent as `User-Agent` unless a request sets its own; default `ParleyBot/1.0`. */
  userAgent?: string | undefined;
  /** Host name resolution; the system resolver (`dns.lookup`) by default. Tests map names to addresses with it. */
  resolveHost?: ResolveHost | undefined;
  /**
   * Parley's own origins (`http://localhost:3000`), reached without the address checks: a request to Parley itself
   * reaches nothing else (the demo shop's order endpoint). Exact origins from the server's configuration, never from a
   * user; a redirect elsewhere is checked as usual.
   */
  ownOrigins?: readonly string[] | undefined;
}

/** What the response's status and headers decide before the body is read. */
export interface OutboundResponseHead {
  url: string;
  status: number;
  headers: Headers;
}

/** One request through the guard. */
export interface OutboundRequestInit {
  method?: string | undefined;
  headers?: Record<string, string> | Headers | undefined;
  body?: string | Uint8Array | undefined;
  /** Cancels the request; the error's reason is then `aborted`. */
  signal?: AbortSignal | undefined;
  maxBytes?: number | undefined;
  timeoutMs?: number | undefined;
  /**
   * Answer 4xx/5xx (and a 3xx without `Location`, other than 304) with a response instead of an `http_error`. Off by
   * default: most callers only want a page or a failure.
   */
  allowHttpErrors?: boolean | undefined;
  /** Decides from the status and headers whether the body is read; a response whose body was skipped has none. */
  readBody?: ((head: OutboundResponseHead) => boolean) | undefined;
}

/** A response read whole, within the size limit. */
export interface OutboundResponse extends OutboundResponseHead {
  ok: boolean;
  /** The URLs redirected from, in order; empty without redirects. */
  redirectedFrom: string[];
  /** The body, empty for 304, HEAD, or when `readBody` said no. */
  body: Uint8Array;
  bodyRead: boolean;
  /** The body decoded with the charset of `Content-Type` (UTF-8 when none or unknown). */
  text(): string;
}

/** A guarded fetch; `close()` closes its pooled connections. */
export interface OutboundFetch {
  (url: string | URL, init?: OutboundRequestInit): Promise<OutboundResponse>;
  close(): Promise<void>;
}

const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_USER_AGENT = 'ParleyBot/1.0';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one site must not follow a redirect to another (as the Fetch standard does for Authorization).
const CROSS_ORIGIN_DROPPED_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function charsetOf(contentType: string | null): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).encoding;
    } catch {
      // An unknown label: UTF-8 below, which reads ASCII-compatible text well enough.
    }
  }
  return 'utf-8';
}

/** The URL without user info, for messages: a password typed into an address must not reach a log. */
function displayUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function parseTarget(input: string | URL, from: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(input, from);
  } catch (error) {
    throw new OutboundRequestError('bad_url', `"${String(input)}" is not a web address.`, { url: String(input), cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundRequestError(
      'bad_scheme',
      `${displayUrl(url)} is not an http:// or https:// address; Parley fetches web pages only.`,
      {
        url: displayUrl(url),
      },
    );
  }
  return url;
}

/** The refusal for a URL whose host is an IP literal: no lookup happens for those, so they are checked here. */
function literalRefusal(url: URL, allowance: OutboundAllowance): OutboundRequestError | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) === 0) return null;
  const category = refusedCategory(host, allowance);
  if (category === null || category === 'public') return null;
  return new OutboundRequestError('blocked_address', describeRefusal(host, host, category), { url: displayUrl(url), address: host });
}

/** Finds our own error in undici's `TypeError: fetch failed` cause chain. */
function causeOf(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof OutboundRequestError) return current;
    current = current.cause;
  }
  return undefined;
}

async function readLimited(response: UndiciResponse, maxBytes: number, url: string, host: string): Promise<Uint8Array> {
  const tooLarge = () =>
    new OutboundRequestError('too_large', `${host} sent more than ${formatBytes(maxBytes)} for ${url}; Parley stops reading there.`, {
      url,
    });
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Counted as it streams: a missing or false Content-Length can't make Parley buffer more than the limit.
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

function toAllowance(allow: OutboundFetchOptions['allow']): OutboundAllowance {
  if (allow === undefined) return NO_OUTBOUND_ALLOWANCE;
  if (typeof allow === 'string' || Array.isArray(allow)) return parseOutboundAllowance(allow);
  return allow as OutboundAllowance;
}

/**
 * Creates the guarded fetch. Each request: the URL must be http(s); an IP-literal host is checked at once, a host name
 * when the connection is made (after DNS resolution, connecting only to a checked address); redirects are followed by
 * hand, each hop checked the same way, at most `maxRedirects`; the body is read up to `maxBytes`; the whole exchange
 * must finish within `timeoutMs`. Failures are {@link OutboundRequestError}s.
 *
 * @example
 * const outboundFetch = createOutboundFetch({ allow: config.outbound.allow });
 * const response = await outboundFetch('https://help.example.com/', { maxBytes: 2_000_000 });
 * const html = response.text();
 */
export function createOutboundFetch(options: OutboundFetchOptions = {}): OutboundFetch {
  const allowance = toAllowance(options.allow);
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const defaultMaxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const agent = new Agent({ connect: { lookup: guardedLookup(options.resolveHost ?? systemResolve, allowance) } });
  const ownOrigins = new Set(options.ownOrigins ?? []);
  const ownAgent = ownOrigins.size > 0 ? new Agent() : null;

  async function outboundFetch(input: string | URL, init: OutboundRequestInit = {}): Promise<OutboundResponse> {
    const timeoutMs = init.timeoutMs ?? defaultTimeoutMs;
    const maxBytes = init.maxBytes ?? defaultMaxBytes;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let url = parseTarget(input, undefined);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    // undici's own Headers: its fetch and Node's global one are different copies of undici.
    const headers = new UndiciHeaders(init.headers as ConstructorParameters<typeof UndiciHeaders>[0]);
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    const redirectedFrom: string[] = [];

    const failure = (error: unknown): OutboundRequestError => {
      if (error instanceof OutboundRequestError) return error;
      const ours = causeOf(error);
      if (ours instanceof OutboundRequestError) {
        // The lookup only knows the host name; the caller wants the URL that was being fetched.
        return new OutboundRequestError(ours.reason, ours.message, { url: displayUrl(url), address: ours.address, cause: ours.cause });
      }
      if (timeout.aborted) {
        return new OutboundRequestError('timeout', `${url.host} did not answer ${displayUrl(url)} within ${timeoutMs / 1000} s.`, {
          url: displayUrl(url),
          cause: error,
        });
      }
      if (init.signal?.aborted)
        return new OutboundRequestError('aborted', `The request to ${displayUrl(url)} was cancelled.`, {
          url: displayUrl(url),
          cause: error,
        });
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const code = (cause as { code?: unknown }).code;
      const detail =
        code === 'ENOTFOUND' ? `${url.hostname} has no address in DNS` : cause instanceof Error ? cause.message : String(cause);
      return new OutboundRequestError('network', `Parley could not reach ${displayUrl(url)}: ${detail}.`, {
        url: displayUrl(url),
        cause: error,
      });
    };

    try {
      for (;;) {
        const own = ownAgent !== null && ownOrigins.has(url.origin);
        const refusal = own ? null : literalRefusal(url, allowance);
        if (refusal) throw refusal;
        const requestInit: UndiciRequestInit = { method, headers, redirect: 'manual', signal, dispatcher: own ? ownAgent : agent };
        if (body !== undefined && method !== 'GET' && method !== 'HEAD') requestInit.body = body;
        const response = await undiciFetch(url, requestInit);
        const location = response.headers.get('location');
        if (REDIRECT_STATUSES.has(response.status) && location !== null) {
          await response.body?.cancel();
          if (redirectedFrom.length >= maxRedirects) {
            throw new OutboundRequestError(
              'too_many_redirects',
              `${displayUrl(url)} redirected more than ${maxRedirects} times; Parley stops there.`,
              {
                url: displayUrl(url),
              },
            );
          }
          const next = parseTarget(location, url.href);
          redirectedFrom.push(displayUrl(url));
          // As browsers do: 303 always, and 301/302 after a POST, continue as a GET without a body.
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
            if (method !== 'HEAD') method = 'GET';
            body = undefined;
            headers.delete('content-type');
            headers.delete('content-length');
          }
          if (next.origin !== url.origin) for (const name of CROSS_ORIGIN_DROPPED_HEADERS) headers.delete(name);
          url = next;
          continue;
        }
        const isError = response.status >= 400 || (response.status >= 300 && response.status !== 304);
        if (isError && !init.allowHttpErrors) {
          await response.body?.cancel();
          const statusText = response.statusText ? ` ${response.statusText}` : '';
          throw new OutboundRequestError('http_error', `${url.host} answered ${response.status}${statusText} for ${displayUrl(url)}.`, {
            url: displayUrl(url),
            status: response.status,
          });
        }
        const head: OutboundResponseHead = { url: displayUrl(url), status: response.status, headers: new Headers([...response.headers]) };
        const bodyRead = init.readBody ? init.readBody(head) : true;
        let bytes: Uint8Array;
        if (bodyRead) bytes = await readLimited(response, maxBytes, head.url, url.host);
        else {
          await response.body?.cancel();
          bytes = new Uint8Array();
        }
        const encoding = charsetOf(response.headers.get('content-type'));
        return {
          ...head,
          ok: response.status >= 200 && response.status < 300,
          redirectedFrom,
          body: bytes,
          bodyRead,
          text: () => new TextDecoder(encoding).decode(bytes),
        };
      }
    } catch (error) {
      throw failure(error);
    }
  }

  return Object.assign(outboundFetch, {
    close: async () => {
      await Promise.all([agent.close(), ownAgent?.close()]);
    },
  });
}
