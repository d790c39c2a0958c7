/**
 * The OpenAPI 3.1 document of the REST API at `/api/openapi.json`, and a browsable reference at `/api/reference/`.
 * The document is generated from the routes themselves: the zod schemas that validate each request and serialize each
 * answer, the scope an API token needs (`config.scope`) and whether the route is open to anyone (`config.public`).
 * Register it before the routes: it learns of each route as it is added.
 * @module
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { API_SCOPES, errorBodySchema } from '@parley/protocol';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a bearer token (sign-in, the widget's settings, health checks). */
    public?: boolean;
    /**
     * What the route's reference shows: a request body and a successful answer, each of which its schema must accept
     * (openapi.test.ts checks every route has them and that they pass).
     */
    example?: { body?: unknown; response?: unknown };
  }
}

/** Where the document is served. */
export const OPENAPI_PATH = '/api/openapi.json';
/** Where the browsable reference is served. */
export const REFERENCE_PREFIX = '/api/reference';

/** The security schemes: an agent's session token (the console's) and an organization's API token. */
const securitySchemes = {
  session: {
    type: 'http',
    scheme: 'bearer',
    description: 'The token `POST /api/auth/login` answers with: what the console uses, with the signed-in agent’s role.',
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (`parley_…`) an admin made in Settings. The scopes listed with an operation are the ones the token needs; ' +
      `routes without one refuse API tokens. Scopes: ${API_SCOPES.join(', ')}.`,
  },
} as const;

/** The body every failure answers with, from the protocol's error schema (its codes are the error table's). */
const errorResponseSchema = z.toJSONSchema(z.object({ error: errorBodySchema }), { target: 'draft-2020-12' });

/** Whether a route belongs in the document: the JSON API and the health checks, not pages, assets or the document itself. */
function isDocumented(url: string): boolean {
  if (url === OPENAPI_PATH || url.startsWith(REFERENCE_PREFIX)) return false;
  return url.startsWith('/api/') || url === '/healthz' || url === '/readyz';
}

/** "listConversationsRoute" → "List conversations": a summary from the handler's name, which says what it does. */
export function summaryOf(handlerName: string): string | undefined {
  const words = handlerName
    .replace(/Route$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words && words !== 'anonymous' ? words.charAt(0).toUpperCase() + words.slice(1) : undefined;
}

function transform(input: Parameters<typeof jsonSchemaTransform>[0] & { route: RouteOptions }) {
  const { url, route } = input;
  if (!isDocumented(url)) return { schema: { hide: true }, url };
  const transformed = jsonSchemaTransform(input);
  const config = (route.config ?? {}) as { scope?: string; public?: boolean; example?: { body?: unknown; response?: unknown } };
  const name = typeof route.handler === 'function' ? route.handler.name : '';
  const tag = url.startsWith('/api/') ? url.split('/')[2]! : 'health';
  const security: Array<Record<string, string[]>> = config.public
    ? []
    : config.scope
      ? [{ apiToken: [config.scope] }, { session: [] }]
      : [{ session: [] }];
  const schema = { ...(transformed.schema as Record<string, unknown>) };
  if (config.example?.body !== undefined && schema.body) schema.body = { ...(schema.body as object), examples: [config.example.body] };
  if (config.example?.response !== undefined && schema.response) {
    const responses = { ...(schema.response as Record<string, object>) };
    const success = Object.keys(responses).find((status) => status.startsWith('2'));
    if (success) responses[success] = { ...responses[success], examples: [config.example.response] };
    schema.response = responses;
  }
  return {
    url,
    schema: {
      ...schema,
      tags: [tag],
      security,
      ...(name ? { operationId: name.replace(/Route$/, '') } : {}),
      ...(summaryOf(name) ? { summary: summaryOf(name) } : {}),
      ...(config.scope ? { 'x-parley-scope': config.scope } : {}),
    },
  };
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

type Operation = {
  security?: unknown[];
  parameters?: Array<{ in: string }>;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  'x-parley-scope'?: string;
};

/**
 * Adds to every operation the failures it can answer with, all in the one error body: a bad request, no or a wrong
 * token, a missing scope or role, an unknown id, too many requests.
 */
type OpenApiDocument = { paths?: Record<string, Record<string, Operation>> };

function documentErrors(document: OpenApiDocument) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const responses = (operation.responses ??= {});
      const hasInput = operation.requestBody !== undefined || (operation.parameters ?? []).length > 0;
      if (hasInput) responses['400'] ??= errorResponse('`invalid_payload`: the input is not valid; `issues` says which fields.');
      if ((operation.security ?? []).length > 0) {
        responses['401'] ??= errorResponse('`unauthorized`: no token, or one that is unknown, revoked or expired.');
        responses['403'] ??= errorResponse('`forbidden`: the token lacks the scope, or the agent the role.');
      }
      if ((operation.parameters ?? []).some((parameter) => parameter.in === 'path')) {
        responses['404'] ??= errorResponse('`not_found`: nothing of the organization has this id.');
      }
      if (operation['x-parley-scope'])
        responses['429'] ??= errorResponse('`rate_limited`: too many requests with this token; see `Retry-After`.');
    }
  }
  return document;
}

/** Serves the OpenAPI document and the reference page. */
export const openApiPlugin = fp(
  async function registerOpenApi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Parley REST API',
          version: '1',
          description:
            'Conversations, contacts, knowledge, widgets and webhooks of a Parley organization. Send a token as ' +
            '`Authorization: Bearer …`; every answer carries `X-Request-Id`; failures answer `{ error: { code, message } }` ' +
            'with the status of their code (docs/api.md lists them), and API tokens get `RateLimit-*` headers.',
        },
        components: { securitySchemes, schemas: { Error: errorResponseSchema as Record<string, unknown> } },
      },
      transform,
      // The zod schemas' shared definitions (a recursive JSON value's) become components, then every operation gets its errors.
      transformObject: (document) => documentErrors(jsonSchemaTransformObject(document) as OpenApiDocument),
    });
    await app.register(swaggerUi, { routePrefix: REFERENCE_PREFIX, uiConfig: { deepLinking: true } });
    app.get(OPENAPI_PATH, { schema: { hide: true }, config: { public: true } }, async function openApiDocumentRoute() {
      return app.swagger();
    });
  },
  { name: 'parley-openapi', fastify: '5.x' },
);
