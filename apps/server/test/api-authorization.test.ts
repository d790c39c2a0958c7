import { randomUUID } from 'node:crypto';
import * as tables from '@parley/db';
import { webhookDeliveries, webhookEvents } from '@parley/db';
import { API_SCOPES, errorTable, type Ack, type ApiScope, type ApiTokenCreated, type MessageSent } from '@parley/protocol';
import { eq, getTableColumns, inArray, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEvalRun } from '../src/evals/runs.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import { apiRequest, connectVisitor, createTenantWithAdmin, jsonOf, request, useTestServer } from './helpers/server.js';

// Walks the OpenAPI document and tries every route the way an attacker or a buggy integration would: without a token,
// with a token lacking the route's scope, with another organization's token, and with every naughty string in every
// string field. Each answers its documented typed error, and the organization's data stays as it was.
const server = useTestServer({ PARLEY_RATE_LIMIT_API: '1000000', PARLEY_RATE_LIMIT_MESSAGES: '1000000' });

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema; example?: unknown }> };
  responses: Record<string, unknown>;
  'x-parley-scope'?: ApiScope;
}
interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}
interface Route {
  method: string;
  path: string;
  operation: Operation;
}

let routes: Route[] = [];
let shop: Awaited<ReturnType<typeof createTenantWithAdmin>>;
let other: Awaited<ReturnType<typeof createTenantWithAdmin>>;
/** The shop's own ids, by path parameter name. */
const ids: Record<string, string> = {};
/** The shop's tokens: one with every scope, and per scope one with every scope but it. */
let everyScope: string;
const lacking = new Map<ApiScope, string>();
let otherEveryScope: string;
const sockets: Array<{ close(): void }> = [];

async function makeToken(admin: string, scopes: readonly ApiScope[]): Promise<ApiTokenCreated> {
  const response = await apiRequest(server, '/api/tokens', admin, 'POST', { name: 'walker', scopes });
  expect(response.status).toBe(201);
  return jsonOf(response);
}

async function created(response: Response): Promise<{ id: string }> {
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return jsonOf(response);
}

beforeAll(async () => {
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  routes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
  shop = await createTenantWithAdmin(server);
  other = await createTenantWithAdmin(server);
  const admin = shop.adminToken;

  const visitor = await connectVisitor(server, { widgetKey: shop.widget.publicKey });
  sockets.push(visitor);
  const sent = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Where is my order?' });
  if (!sent.ok) throw new Error('the visitor could not write');
  const [conversation] = await server.db.db
    .select()
    .from(tables.conversations)
    .where(eq(tables.conversations.id, sent.data.conversationId));
  Object.assign(ids, {
    conversationId: conversation!.id,
    contactId: conversation!.contactId,
    widgetId: shop.widget.id,
    publicKey: shop.widget.publicKey,
    userId: shop.user.id,
  });
  ids.teamId = (await created(await apiRequest(server, '/api/teams', admin, 'POST', { name: 'Billing' }))).id;
  ids.savedReplyId = (
    await created(
      await apiRequest(server, '/api/saved-replies', admin, 'POST', { shortcut: 'hi', title: 'Hi', body: 'Hello!', scope: 'shared' }),
    )
  ).id;
  ids.invitationId = (
    (await jsonOf(await apiRequest(server, '/api/invitations', admin, 'POST', { email: 'new@shop.example' }))) as {
      invitation: { id: string };
    }
  ).invitation.id;
  const webhook = (await jsonOf(
    await apiRequest(server, '/api/webhooks', admin, 'POST', { url: 'https://hooks.example.com/parley', events: ['rating.submitted'] }),
  )) as { webhook: { id: string } };
  ids.webhookId = webhook.webhook.id;
  const action = (await jsonOf(
    await apiRequest(server, '/api/bot/actions', admin, 'POST', {
      name: 'lookup_order',
      description: 'Finds an order.',
      method: 'GET',
      url: 'https://shop.example/api/orders/{{order_number}}',
      inputSchema: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
    }),
  )) as { id: string };
  ids.actionId = action.id;
  // At a private address the test server may not reach: every route that reads its tools answers at once.
  const mcpServer = (await jsonOf(
    await apiRequest(server, '/api/bot/mcp-servers', admin, 'POST', { name: 'crm', url: 'https://10.0.0.1/mcp' }),
  )) as { id: string };
  ids.serverId = mcpServer.id;
  ids.profileId = (await created(await apiRequest(server, '/api/bot/profiles', admin, 'POST', { name: 'Billing' }))).id;
  // A stored `parley eval`, as the command keeps it.
  ids.evalRunId = await storeEvalRun(server.db.db, shop.organization.id, {
    model: 'offline',
    profile: null,
    runsPerScenario: 1,
    startedAt: new Date().toISOString(),
    durationMs: 12,
    scenarios: [],
    passed: true,
  });
  // A call waiting for an agent's approval, as a paused bot turn leaves it.
  const [pending] = await server.db.db
    .insert(tables.pendingActions)
    .values({
      organizationId: shop.organization.id,
      conversationId: conversation!.id,
      turnId: randomUUID(),
      toolUseId: 'toolu_walker',
      tool: 'lookup_order',
      input: { order_number: '1001' },
      policy: 'approve',
      summary: 'Look up order 1001',
      expiresAt: new Date(Date.now() + 3_600_000),
    })
    .returning();
  ids.pendingActionId = pending!.id;
  // A delivery that was given up on: the dispatcher leaves it alone, so the data holds still during the walk.
  const [event] = await server.db.db
    .insert(webhookEvents)
    .values({ organizationId: shop.organization.id, type: 'rating.submitted', data: {} })
    .returning();
  const [delivery] = await server.db.db
    .insert(webhookDeliveries)
    .values({ subscriptionId: ids.webhookId, eventId: event!.id, stream: 'walker', status: 'failed', attempts: 1, requestBody: '{}' })
    .returning();
  ids.deliveryId = delivery!.id;
  const imported = (await jsonOf(
    await apiRequest(server, '/api/knowledge/documents', admin, 'POST', {
      sourceKey: 'returns.md',
      title: 'Returns',
      format: 'markdown',
      content: '# Returns\n\nReturn anything within 30 days.',
    }),
  )) as { document: { id: string } };
  ids.documentId = imported.document.id;
  ids.sourceId = (
    await created(
      await apiRequest(server, '/api/knowledge/sources', admin, 'POST', { url: 'https://docs.example.com/', resyncHours: null }),
    )
  ).id;

  // A file sent nowhere yet: an agent of the shop may still read it.
  const upload = (await created(
    await apiRequest(server, '/api/attachments', admin, 'POST', { name: 'notes.txt', size: 5 }),
  )) as unknown as {
    attachmentId: string;
    uploadPath: string;
  };
  expect((await fetch(new URL(upload.uploadPath, server.url), { method: 'PUT', body: 'notes' })).status).toBe(201);
  ids.attachmentId = upload.attachmentId;

  const all = await makeToken(admin, API_SCOPES);
  everyScope = all.secret;
  ids.tokenId = all.token.id;
  for (const scope of API_SCOPES)
    lacking.set(
      scope,
      (
        await makeToken(
          admin,
          API_SCOPES.filter((s) => s !== scope),
        )
      ).secret,
    );
  otherEveryScope = (await makeToken(other.adminToken, API_SCOPES)).secret;
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  // The walk leaves hundreds of webhook subscriptions to unreachable hosts, with deliveries pending: on a database the
  // suites share (Postgres), another suite's running dispatcher would spend its slots on them. Gone with their
  // organizations.
  await server.db.db.delete(tables.organizations).where(inArray(tables.organizations.id, [shop.organization.id, other.organization.id]));
});

// Columns that change without anyone asking: when a token or a visitor was last seen, and background bookkeeping.
const VOLATILE = new Set(['lastUsedAt', 'lastSeenAt', 'lockedBy', 'lockedUntil', 'runAt', 'heartbeatAt']);

/** Everything of the shop's organization, in every table that has an organization, as one comparable string. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const [name, table] of Object.entries(tables)) {
    if (!is(table, PgTable) || name === 'presence' || name === 'jobs') continue;
    const columns = getTableColumns(table);
    if (!('organizationId' in columns)) continue;
    const rows = await server.db.db.select().from(table).where(eq(columns.organizationId!, shop.organization.id));
    const stable = rows
      .map((row) => JSON.stringify(Object.entries(row as Record<string, unknown>).filter(([column]) => !VOLATILE.has(column))))
      .toSorted();
    parts.push(`${name}:${stable.join('\n')}`);
  }
  return parts.join('\n\n');
}

/** The route's URL with the shop's ids in its path, and a value for each required query parameter. */
function urlOf(route: Route, params: Record<string, string> = ids, query: Record<string, string> = {}): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (!(name in params)) throw new Error(`no id for {${name}} in ${route.path}`);
    return encodeURIComponent(params[name]!);
  });
  const search = new URLSearchParams();
  for (const parameter of route.operation.parameters ?? []) {
    if (parameter.in === 'query' && parameter.required) search.set(parameter.name, 'returns');
  }
  for (const [name, value] of Object.entries(query)) search.set(name, value);
  const text = search.toString();
  return `${server.url}${path}${text ? `?${text}` : ''}`;
}

function bodyOf(route: Route): unknown {
  return route.operation.requestBody?.content['application/json']?.example;
}

async function call(route: Route, token: string | null, options: { url?: string; body?: unknown } = {}): Promise<Response> {
  const body = options.body ?? bodyOf(route);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(options.url ?? urlOf(route), { method: route.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Asserts a typed error: a code of the error table, answered with its status. */
async function expectError(response: Response, code: keyof typeof errorTable, what: string) {
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  expect({ what, status: response.status, code: body?.error?.code }).toEqual({ what, status: errorTable[code].status, code });
  expect(typeof body?.error?.message).toBe('string');
}

const secured = () => routes.filter((route) => (route.operation.security ?? []).length > 0);

describe('every secured route', () => {
  it('answers unauthorized without a token, or with a forged one, and changes nothing', async () => {
    const before = await snapshot();
    expect(secured().length).toBeGreaterThan(50);
    for (const route of secured()) {
      await expectError(await call(route, null), 'unauthorized', `${route.method} ${route.path} without a token`);
      await expectError(await call(route, `parley_${randomUUID()}`), 'unauthorized', `${route.method} ${route.path} with a forged token`);
    }
    expect(await snapshot()).toBe(before);
  });

  it('answers forbidden to an API token without its scope (and to every API token where no scope is named)', async () => {
    const before = await snapshot();
    for (const route of secured()) {
      const scope = route.operation['x-parley-scope'];
      const token = scope ? lacking.get(scope)! : everyScope;
      await expectError(await call(route, token), 'forbidden', `${route.method} ${route.path} with a token lacking ${scope ?? 'a scope'}`);
    }
    expect(await snapshot()).toBe(before);
  });

  it("reaches nothing of another organization's with that organization's token", async () => {
    const before = await snapshot();
    const shopIds = Object.values(ids);
    for (const route of secured().filter((entry) => entry.operation['x-parley-scope'])) {
      const what = `${route.method} ${route.path} with another organization's token`;
      const response = await call(route, otherEveryScope);
      if (route.path.includes('{')) {
        await expectError(response, 'not_found', what);
      } else {
        // A list or a creation without an id acts in the token's own organization.
        const text = await response.text();
        expect(response.status, `${what}: ${text}`).toBeLessThan(300);
        for (const id of shopIds) expect(text, what).not.toContain(id);
      }
    }
    expect(await snapshot()).toBe(before);
  });
});

/** The string fields of a JSON schema, as paths into the body (`["name"]`, `["events", 0]`), with their schemas. */
function stringFields(
  schema: JsonSchema | undefined,
  path: Array<string | number> = [],
): Array<{ path: Array<string | number>; schema: JsonSchema }> {
  if (!schema) return [];
  const types = [schema.type ?? []].flat();
  if (types.includes('string')) return [{ path, schema }];
  if (schema.anyOf) return schema.anyOf.flatMap((option) => stringFields(option, path)).slice(0, 1);
  if (types.includes('array')) return stringFields(schema.items, [...path, 0]);
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => stringFields(property, [...path, key]));
}

function withValue(body: unknown, path: Array<string | number>, value: string): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(body) ? [...body] : { ...(body as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head!] = withValue(copy[head!] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
  return copy;
}

/**
 * Whether a field takes text people write: every naughty string goes there. A field whose schema admits only an id,
 * a word of a list or a pattern refuses them all at its schema, so a sample of them proves as much.
 */
function isFreeText(schema: JsonSchema | undefined): boolean {
  return !schema || (schema.format === undefined && schema.pattern === undefined && schema.enum === undefined);
}

/** A place a walked request puts a string: a path or query parameter, or a field of the body (or several at once). */
interface Field {
  where: string;
  schema: JsonSchema | undefined;
  with: (value: string) => { url?: string; body?: unknown };
  /** For fields sent together: each of them, to send a string alone that the request refused. */
  alone?: readonly Field[];
}

describe('naughty strings in every string field of every route', () => {
  const naughty = naughtyStrings();
  // Every 8th, plus the empty string and the longest: each kind of the list is in it.
  const sampled = [
    ...new Set([...naughty.filter((_value, index) => index % 8 === 0), '', naughty.reduce((a, b) => (b.length > a.length ? b : a))]),
  ];

  it('answer a result or a typed error, never a failure, and an error changes nothing', async () => {
    let tried = 0;
    /** Sends `value` as `field` says; checks a failure is a typed error the route documents. True when it was taken. */
    async function send(route: Route, token: string | null, field: Field, value: string): Promise<boolean> {
      tried++;
      const response = await call(route, token, field.with(value));
      const what = `${route.method} ${route.path} ${field.where}=${JSON.stringify(value)}`;
      if (response.status < 300) {
        await response.arrayBuffer();
        return true;
      }
      const answer = (await response.json().catch(() => null)) as { error?: { code: keyof typeof errorTable } } | null;
      const code = answer?.error?.code;
      expect(code && code in errorTable && code !== 'internal_error', `${what}: ${response.status}`).toBe(true);
      // The code's status, or another the route documents for it (the widget's public settings answer an
      // unknown key 404, not the socket's 401).
      expect([errorTable[code!].status, ...Object.keys(route.operation.responses).map(Number)], what).toContain(response.status);
      return false;
    }

    for (const route of routes) {
      // Signing in and accepting invitations are open routes with their own boundary tests; the rest act as the admin.
      const token = (route.operation.security ?? []).length > 0 ? shop.adminToken : null;
      const fields: Field[] = [];
      for (const parameter of route.operation.parameters ?? []) {
        if (parameter.in === 'path') {
          fields.push({
            where: `{${parameter.name}}`,
            schema: parameter.schema,
            with: (value) => ({ url: urlOf(route, { ...ids, [parameter.name]: value }) }),
          });
        } else if (parameter.in === 'query') {
          fields.push({
            where: `?${parameter.name}`,
            schema: parameter.schema,
            with: (value) => ({ url: urlOf(route, ids, { [parameter.name]: value }) }),
          });
        }
      }
      const body = route.operation.requestBody?.content['application/json'];
      const bodyText: Array<Field & { path: Array<string | number> }> = [];
      for (const { path, schema } of stringFields(body?.schema)) {
        const field = {
          where: `body.${path.join('.')}`,
          schema,
          path,
          with: (value: string) => ({ body: withValue(body?.example ?? {}, path, value) }),
        };
        if (isFreeText(schema)) bodyText.push(field);
        else fields.push(field);
      }
      // The body's free-text fields take each string together, in one request: taken, every one of them took it. A
      // string the request refuses is sent to each field alone, so that every field answers every string itself.
      // (One request per string and field would be several times as many, most of them taken like the first.)
      const together: Field | null =
        bodyText.length > 1
          ? {
              where: bodyText.map((field) => field.where).join(' + '),
              schema: undefined,
              with: (value) => ({
                body: bodyText.reduce<unknown>((sent, field) => withValue(sent, field.path, value), body?.example ?? {}),
              }),
              alone: bodyText,
            }
          : null;
      for (const field of together ? [...fields, together] : [...fields, ...bodyText]) {
        const before = await snapshot();
        let refusedAll = true;
        const values = isFreeText(field.schema) ? naughty : sampled;
        // Ten at a time: the walk sends thousands of requests.
        for (let start = 0; start < values.length; start += 10) {
          await Promise.all(
            values.slice(start, start + 10).map(async (value) => {
              if (await send(route, token, field, value)) {
                refusedAll = false;
                return;
              }
              for (const alone of field.alone ?? []) if (await send(route, token, alone, value)) refusedAll = false;
            }),
          );
        }
        if (refusedAll) expect(await snapshot(), `${route.method} ${route.path} ${field.where}`).toBe(before);
      }
    }
    expect(tried).toBeGreaterThan(10_000);
  }, 600_000);
});
