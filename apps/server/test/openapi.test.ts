import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';

// The document is generated from the routes' own zod schemas; these checks make sure every route says enough for an
// integrator (an answer's schema and an example of it, a body's example) and that each example is one the schema takes.
const server = useTestServer();

interface MediaType {
  schema?: Record<string, unknown>;
  example?: unknown;
}
interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let document: OpenApiDocument;
const operations: Array<{ method: string; path: string; operation: Operation }> = [];
beforeAll(async () => {
  const response = await fetch(`${server.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApiDocument;
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.push({ method: method.toUpperCase(), path, operation });
  }
});

function compile(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
  return ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
}

function successOf(operation: Operation): [string, { content?: Record<string, MediaType> }] | undefined {
  return Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists the REST API and nothing else', () => {
    const paths = Object.keys(document.paths);
    expect(paths.every((path) => path.startsWith('/api/') || path === '/healthz' || path === '/readyz')).toBe(true);
    expect(paths).toContain('/api/conversations/{conversationId}/messages');
    expect(paths).not.toContain('/api/openapi.json');
    expect(paths.some((path) => path.startsWith('/api/reference'))).toBe(false);
  });

  it('gives every route an id, a success answer with its schema, and the errors it can answer with', () => {
    const lacking: string[] = [];
    for (const { method, path, operation } of operations) {
      const success = successOf(operation);
      if (!operation.operationId) lacking.push(`${method} ${path}: operationId`);
      if (!success) lacking.push(`${method} ${path}: a 2xx response schema`);
      else if (success[0] !== '204' && !success[1].content?.['application/json']?.schema) lacking.push(`${method} ${path}: answer schema`);
      if ((operation.security ?? []).length > 0 && !(operation.responses['401'] && operation.responses['403'])) {
        lacking.push(`${method} ${path}: 401 and 403`);
      }
    }
    expect(lacking).toEqual([]);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has an example of every answer and every request body, each accepted by its schema', () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operations) {
      const media: Array<[string, MediaType | undefined]> = [];
      const success = successOf(operation);
      if (success && success[0] !== '204') media.push(['answer', success[1].content?.['application/json']]);
      if (operation.requestBody) media.push(['body', operation.requestBody.content['application/json']]);
      for (const [what, type] of media) {
        if (!type?.schema) continue;
        if (type.example === undefined) {
          problems.push(`${method} ${path}: no example ${what}`);
          continue;
        }
        const validate = compile(type.schema);
        if (!validate(type.example)) problems.push(`${method} ${path}: example ${what} ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names the scope an API token needs on every route that takes one', () => {
    const scoped = operations.filter(({ operation }) => operation.security?.some((requirement) => 'apiToken' in requirement));
    expect(scoped.length).toBeGreaterThan(20);
    for (const { operation } of scoped) {
      const requirement = operation.security!.find((entry) => 'apiToken' in entry)!;
      expect(requirement.apiToken).toHaveLength(1);
      expect((operation as unknown as Record<string, unknown>)['x-parley-scope']).toBe(requirement.apiToken![0]);
    }
  });
});

describe('the API reference page', () => {
  it('is served with a policy that lets it load its own scripts and nothing else', async () => {
    const page = await fetch(`${server.url}/api/reference/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`${server.url}/api/reference/static/swagger-initializer.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('./json');
  });
});
