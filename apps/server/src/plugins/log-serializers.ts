/**
 * How requests and errors are written to the log, without the values people type. A request's URL carries them in
 * its query string (`/api/knowledge/search?q=…`) and sometimes in its path (ids): the log gets the route pattern and
 * the names of the query keys. Drizzle puts a failed query's parameters in the error message, and those are message
 * bodies, e-mail addresses and phone numbers: they are withheld, the SQL text is kept.
 * @module
 */

const PARAMS_LINE = /\nparams: [^\n]*/g;

/** What {@link serializeError} returns: pino's error shape. */
export interface SerializedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** A log-safe copy of an error: type, message, stack, code and cause, with query parameters withheld. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error), stack: '' };
  const serialized: SerializedError = {
    type: error.name,
    message: error.message.replace(PARAMS_LINE, '\nparams: [withheld]'),
    stack: (error.stack ?? '').replace(PARAMS_LINE, '\nparams: [withheld]'),
  };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) serialized.code = code;
  if (error.cause !== undefined && depth < 3) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}

/** The parts of a Fastify request that {@link serializeRequest} reads (a raw `IncomingMessage` has the first two). */
export interface LoggableRequest {
  method?: string | undefined;
  url?: string | undefined;
  /** Set on Fastify requests; `routeOptions.url` is the matched route's pattern. */
  is404?: boolean;
  routeOptions?: { url?: string | undefined };
  host?: string;
  ip?: string;
}

/** What {@link serializeRequest} returns, under `req` in the log line. */
export interface SerializedRequest {
  [key: string]: unknown;
  method: string | undefined;
  /** The route pattern, e.g. `/api/conversations/:id/messages`; for an unknown route, its masked path. */
  url: string;
  /** Names of the query-string keys, in order, without their values; absent without a query string. */
  queryKeys?: string[];
  host?: string | undefined;
  remoteAddress?: string | undefined;
}

// A key or path segment that reads like a name rather than a value: no digits, no '@', no '%', short.
const NAME_LIKE = /^[A-Za-z._-]{1,32}$/;
const QUERY_NAME_LIKE = /^[A-Za-z_][\w.-]{0,31}$/;
const MAX_QUERY_KEYS = 10;

/**
 * A log-safe copy of a request: method, route pattern, query key names, host and client address. Fastify's own
 * serializer logs the full URL, so a search (`?q=jane.doe@example.com`) or an id in a path would land in the log.
 * An unknown route has no pattern: its path is logged with every segment that could be a value (digits, '@',
 * percent-escapes, anything long) replaced by `:value`, so a scan for `/.env` still shows, an e-mail does not.
 */
export function serializeRequest(request: LoggableRequest): SerializedRequest {
  const url = request.url ?? '';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const pattern = request.is404 === false ? request.routeOptions?.url : undefined;
  const serialized: SerializedRequest = { method: request.method, url: pattern ?? maskPath(path) };
  if (queryStart !== -1) serialized.queryKeys = queryKeys(url.slice(queryStart + 1));
  if (request.host !== undefined) serialized.host = request.host;
  if (request.ip !== undefined) serialized.remoteAddress = request.ip;
  return serialized;
}

function maskPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || NAME_LIKE.test(segment) ? segment : ':value'))
    .join('/');
}

function queryKeys(query: string): string[] {
  // A key can be a value too (`?jane@example.com`): only name-like keys are written, each once, and only a few.
  const names = [...new Set([...new URLSearchParams(query).keys()].map((key) => (QUERY_NAME_LIKE.test(key) ? key : '[withheld]')))];
  return names.length > MAX_QUERY_KEYS ? [...names.slice(0, MAX_QUERY_KEYS), '…'] : names;
}

/** Parley's pino serializers: requests by route pattern, errors with query parameters withheld. */
export const logSerializers = {
  req: serializeRequest,
  err: (error: unknown) => serializeError(error),
};
