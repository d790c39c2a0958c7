/**
 * Security headers on every response, through `@fastify/helmet`, with one policy per kind of resource: the console
 * and the demo page get a Content-Security-Policy that fits what they load, the widget's scripts stay loadable from
 * any site, and everything else (the JSON API, 404s) gets a policy that allows nothing.
 * @module
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

/** The kinds of resource that get different headers; see {@link resourceKindOf}. */
export type ResourceKind = 'console' | 'demo' | 'widget' | 'reference' | 'api';

/** Helmet's options; on a route, each option it names replaces the global one, the rest are inherited. */
type Policy = FastifyHelmetOptions;

/** Sent only over TLS: a browser that saw it over plain HTTP would ignore it anyway, and localhost has no TLS. */
const HSTS_HEADER = 'max-age=31536000; includeSubDomains';

/**
 * Every response: a CSP that allows nothing (a JSON answer or an error page loads nothing and is never framed),
 * no framing, no sniffing, no referrer. HSTS is left to {@link securityHeadersPlugin}'s own hook, which knows
 * whether the request came over TLS.
 */
const defaultPolicy: Policy = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
};

/**
 * The same policy as plain headers, for the few answers Fastify writes before any hook runs (a URL it cannot route:
 * see `handleFrameworkError`). Keep in step with {@link defaultPolicy}.
 */
export const bareApiHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** What both pages share: nothing from elsewhere, no plugins, no `<base>`, forms only to us, never framed. */
const pageDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Same-origin HTTP and WebSocket: CSP3 lets 'self' match ws:/wss: on the page's own host and port.
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const policies: Record<ResourceKind, Policy> = {
  // The defaults above.
  api: {},
  // The built console is one module script and one stylesheet, both files, and a `data:,` icon (which saves a request
  // for /favicon.ico). Preact sets style properties through the CSSOM, which style-src does not govern, so no inline
  // script or style is allowed, nor eval: zod tries `Function('')` once to see whether it may compile parsers and
  // falls back when that throws (the browser reports that one refusal in its console).
  console: {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...pageDirectives, styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'] },
    },
  },
  // The demo shop has an inline <style> and style attributes, and the widget puts its stylesheet in a <style>
  // element in its shadow root (a shadow root is under the page's CSP): styles need 'unsafe-inline', scripts don't.
  demo: {
    contentSecurityPolicy: { useDefaults: false, directives: { ...pageDirectives, styleSrc: ["'self'", "'unsafe-inline'"] } },
  },
  // The API reference (Swagger UI): its own scripts and stylesheets, with inline styles and data: images of its own.
  reference: {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...pageDirectives, styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
  },
  // Customers' pages load the loader with a plain <script src> (a no-cors request, which helmet's default
  // Cross-Origin-Resource-Policy: same-origin would block) and import() the chunks with CORS.
  widget: { crossOriginResourcePolicy: { policy: 'cross-origin' } },
};

/** Which policy a route's URL pattern gets. Anything not a page or a widget file is API-like: it loads nothing. */
export function resourceKindOf(url: string): ResourceKind {
  if (url === '/widget.js' || url.startsWith('/widget/')) return 'widget';
  if (url === '/api/reference' || url.startsWith('/api/reference/')) return 'reference';
  if (url === '/console' || url.startsWith('/console/')) return 'console';
  // The hosted conversation page is, like the demo shop, a page with the widget on it.
  if (url === '/' || url === '/index.html' || url === '/chat-page.js' || url.startsWith('/chat/')) return 'demo';
  return 'api';
}

/**
 * Adds the security headers. Register it before the routes (it picks each route's policy when the route is added)
 * and after `parley-io` (Socket.IO's long-polling answers are written by engine.io, not by Fastify).
 */
export const securityHeadersPlugin = fp(
  async function registerSecurityHeaders(app: FastifyInstance) {
    // Added before helmet's own onRoute hook, which turns a route's `helmet` option into its configuration.
    app.addHook('onRoute', function choosePolicy(route: RouteOptions) {
      if (route.helmet === undefined) route.helmet = policies[resourceKindOf(route.url)];
    });
    await app.register(helmet, { global: true, ...defaultPolicy });

    // `request.protocol` honours X-Forwarded-Proto only from trusted proxies, so a client cannot switch this on.
    app.addHook('onRequest', function addStrictTransportSecurity(request, reply, done) {
      if (request.protocol === 'https') reply.header('strict-transport-security', HSTS_HEADER);
      done();
    });

    // Polling answers are text/plain or octet-stream read by XHR; nosniff keeps them from being run as a script.
    // Engine.io's CORS headers are written before this event and stay as they are.
    app.realtime.io.engine.on('headers', function addNoSniff(headers: Record<string, string>) {
      headers['X-Content-Type-Options'] = 'nosniff';
    });
  },
  { name: 'parley-security-headers', fastify: '5.x', dependencies: ['parley-io'] },
);
