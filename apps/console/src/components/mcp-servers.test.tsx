// @vitest-environment happy-dom
import { MCP_SERVER_LIMITS, mcpServerCreateSchema, mcpServerNameSchema, type McpServer, type McpServerTools } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../__fixtures__/render.js';
import {
  buttonIn,
  checkbox,
  click,
  errorOf,
  fakeFetch,
  fieldIn,
  freshContainerEachTest,
  json,
  submit,
  tick,
  type,
} from '../__fixtures__/settings-page.js';
import { createApi } from '../api.js';
import {
  MCP_NAME_MAX_LENGTH,
  MCP_SECRET_MAX_LENGTH,
  MCP_TIMEOUT_DEFAULT_MS,
  MCP_TIMEOUT_MAX_MS,
  MCP_TIMEOUT_MIN_MS,
  MCP_TOOLS_MAX,
  MCP_URL_MAX_LENGTH,
  McpServers,
} from './mcp-servers.js';

const container = freshContainerEachTest();

const at = '2026-11-01T09:00:00.000Z';
const CRM = '30000000-0000-4000-8000-000000000001';
const DOCS = '30000000-0000-4000-8000-000000000002';
const BILLING = '40000000-0000-4000-8000-000000000001';
const schema = { type: 'object', properties: {} };

function mcpServer(id: string, name: string, overrides: Partial<McpServer> = {}): McpServer {
  return {
    id,
    name,
    url: `https://${name}.example.com/mcp`,
    headers: {},
    secretNames: [],
    tools: [],
    toolPolicies: {},
    approverTeamId: null,
    decisionTimeoutSeconds: 900,
    enabled: true,
    timeoutMs: 15_000,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** What the CRM server offers now. */
const offered: McpServerTools['tools'] = [
  { name: 'find_customer', description: 'Finds a customer by email.', inputSchema: schema, allowed: true },
  { name: 'open_ticket', description: '<b>Opens</b> a ticket.', inputSchema: schema, allowed: false },
  { name: 'close_ticket', description: 'Closes a ticket.', inputSchema: schema, allowed: false },
];

/** A fake server holding two MCP servers, answering like the real routes; `refuseNext` answers the next call instead. */
function fakeServer() {
  let servers: McpServer[] = [
    mcpServer(CRM, 'crm', {
      headers: { Authorization: 'Bearer {{secrets.CRM_TOKEN}}' },
      secretNames: ['CRM_TOKEN', 'CRM_USER'],
      tools: [{ name: 'find_customer', description: 'Finds a customer by email.', inputSchema: schema }],
    }),
    mcpServer(DOCS, 'docs', { enabled: false }),
  ];
  return fakeFetch(
    ({ method, path, body }) => {
      // The approver team's choices.
      if (path === '/api/bot/mcp-servers') {
        if (method === 'GET') return json(200, { servers });
        const { secrets, allowedTools: _tools, ...rest } = body;
        const created = mcpServer('30000000-0000-4000-8000-000000000003', body.name, { ...rest, secretNames: Object.keys(secrets) });
        servers = [...servers, created];
        return json(201, created);
      }
      const [, id, tools] = /^\/api\/bot\/mcp-servers\/([^/]+)(\/tools)?$/.exec(path) ?? [];
      const held = servers.find((candidate) => candidate.id === id);
      if (!held) return json(404, { error: { code: 'not_found', message: 'No such MCP server.' } });
      if (tools && method === 'GET') return json(200, { tools: offered });
      if (method === 'PATCH') {
        const { secrets = {}, allowedTools, ...rest } = body;
        const secretNames = [
          ...held.secretNames.filter((name) => secrets[name] !== null),
          ...Object.keys(secrets).filter((name) => secrets[name] !== null && !held.secretNames.includes(name)),
        ];
        const updated: McpServer = { ...held, ...rest, secretNames, updatedAt: '2026-11-02T09:00:00.000Z' };
        if (allowedTools) {
          updated.tools = offered
            .filter((tool) => allowedTools.includes(tool.name))
            .map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
          // The policies of tools no longer allowed are dropped.
          updated.toolPolicies = Object.fromEntries(Object.entries(updated.toolPolicies).filter(([name]) => allowedTools.includes(name)));
        }
        servers = servers.map((candidate) => (candidate.id === id ? updated : candidate));
        return json(200, updated);
      }
      if (method === 'DELETE') {
        servers = servers.filter((candidate) => candidate.id !== id);
        return new Response(null, { status: 204 });
      }
      return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    },
    // Any call but reading the list is refused: a write, or reading a server's tools.
    (request) => !(request.path === '/api/bot/mcp-servers' && request.method === 'GET'),
  );
}

async function mount(server = fakeServer()) {
  await act(async () => {
    render(
      <McpServers api={createApi({ fetch: server.fetch })} teams={[{ id: BILLING, name: 'Billing', memberIds: [], botProfileId: null }]} />,
      container(),
    );
  });
  await settle();
  return server;
}

const item = (name: string) => container().querySelector<HTMLLIElement>(`li[aria-label="${name}"]`)!;
const addForm = () => container().querySelector<HTMLElement>('section[aria-labelledby="mcp-server-add-title"]')!;
describe('McpServers', () => {
  it('keeps the protocol’s limits', () => {
    expect([MCP_URL_MAX_LENGTH, MCP_SECRET_MAX_LENGTH, MCP_TOOLS_MAX, MCP_TIMEOUT_MAX_MS]).toEqual([
      MCP_SERVER_LIMITS.url,
      MCP_SERVER_LIMITS.secretValue,
      MCP_SERVER_LIMITS.tools,
      MCP_SERVER_LIMITS.timeoutMs,
    ]);
    expect(mcpServerNameSchema.safeParse('a'.repeat(MCP_NAME_MAX_LENGTH)).success).toBe(true);
    expect(mcpServerNameSchema.safeParse('a'.repeat(MCP_NAME_MAX_LENGTH + 1)).success).toBe(false);
    const base = { name: 'crm', url: 'https://mcp.example.com/mcp' };
    expect(mcpServerCreateSchema.safeParse({ ...base, timeoutMs: MCP_TIMEOUT_MIN_MS }).success).toBe(true);
    expect(mcpServerCreateSchema.safeParse({ ...base, timeoutMs: MCP_TIMEOUT_MIN_MS - 1 }).success).toBe(false);
    expect(mcpServerCreateSchema.parse(base).timeoutMs).toBe(MCP_TIMEOUT_DEFAULT_MS);
  });

  it('lists the servers with their address, state and tools, as text', async () => {
    const server = fakeServer();
    await mount(server);
    expect(server.requests).toEqual([{ method: 'GET', path: '/api/bot/mcp-servers', body: undefined }]);
    const crm = item('crm');
    expect(crm.textContent).toContain('https://crm.example.com/mcp');
    expect(crm.textContent).toContain('Enabled');
    expect(crm.textContent).toContain('Tools the bot may use: find_customer');
    expect(crm.textContent).toContain('Secrets: CRM_TOKEN, CRM_USER');
    // Its tool runs automatically: nothing said of a wait.
    expect(crm.textContent).not.toContain('find_customer:');
    expect(buttonIn(crm, 'Disable')).toBeDefined();
    expect(buttonIn(crm, 'Choose tools')).toBeDefined();
    const docs = item('docs');
    expect(docs.textContent).toContain('Disabled');
    expect(docs.textContent).toContain('No tool chosen');
    expect(buttonIn(docs, 'Enable')).toBeDefined();
    expect(container().textContent).toContain(
      'Parley connects to each server over Streamable HTTP from its own machine, through the same address checks as other outbound requests.',
    );
  });

  it('adds a server with the exact body: no tools yet, headers from lines, secrets, timeout in ms', async () => {
    const server = await mount();
    const form = addForm();
    await type(fieldIn(form, 'Name'), ' shop ');
    await type(fieldIn(form, 'URL'), ' https://mcp.shop.example/mcp ');
    await type(fieldIn(form, 'Headers'), 'Authorization: Bearer {{secrets.TOKEN}}\n\nX-Region:  eu \n');
    await type(fieldIn(form, 'Secret name'), 'TOKEN');
    await type(fieldIn(form, 'Secret value'), 's3cret');
    expect(fieldIn<HTMLInputElement>(form, 'Secret value').type).toBe('password');
    await click(buttonIn(form, 'Add secret'));
    expect(form.querySelector('li[aria-label="TOKEN"]')!.textContent).toContain('New');
    expect(fieldIn<HTMLInputElement>(form, 'Timeout (seconds)').value).toBe('15');
    await type(fieldIn(form, 'Timeout (seconds)'), '2.5');
    await tick(checkbox(form, 'Enabled'));
    await submit(form.querySelector('form')!);

    expect(server.writes()).toEqual([
      {
        method: 'POST',
        path: '/api/bot/mcp-servers',
        body: {
          name: 'shop',
          url: 'https://mcp.shop.example/mcp',
          headers: { Authorization: 'Bearer {{secrets.TOKEN}}', 'X-Region': 'eu' },
          secrets: { TOKEN: 's3cret' },
          allowedTools: [],
          timeoutMs: 2500,
          // No tool yet, so none waits: the defaults.
          toolPolicies: {},
          approverTeamId: null,
          decisionTimeoutSeconds: 900,
          enabled: false,
        },
      },
    ]);
    expect([...container().querySelectorAll('ul.invitation-list > li[aria-label]')].map((li) => li.getAttribute('aria-label'))).toEqual([
      'crm',
      'docs',
      'shop',
    ]);
    expect(fieldIn<HTMLInputElement>(addForm(), 'Name').value).toBe('');
    expect(container().querySelector('[role="status"]')!.textContent).toBe(
      'Added the MCP server “shop”. Choose the tools the bot may use.',
    );
    expect(container().innerHTML).not.toContain('s3cret');
  });

  it('shows the server’s refusal under the fields it names, a duplicate name on the name', async () => {
    const server = await mount();
    server.refuseNext(
      json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request is invalid.',
          issues: [
            { path: 'body.url', message: 'An http:// or https:// address, such as https://mcp.example.com/mcp.' },
            { path: 'body.headers.Authorization', message: 'At most 2000 characters.' },
          ],
        },
      }),
    );
    const form = addForm();
    await type(fieldIn(form, 'Name'), 'shop');
    await type(fieldIn(form, 'URL'), 'ftp://shop');
    await type(fieldIn(form, 'Headers'), 'Authorization: x');
    await submit(form.querySelector('form')!);

    expect(server.writes()).toHaveLength(1);
    const url = fieldIn(form, 'URL');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(url)).toBe('An http:// or https:// address, such as https://mcp.example.com/mcp.');
    expect(errorOf(fieldIn(form, 'Headers'))).toBe('Authorization: At most 2000 characters.');
    expect(fieldIn(form, 'Name').getAttribute('aria-invalid')).toBeNull();
    expect(form.querySelector('.form-error')).toBeNull();

    server.refuseNext(json(409, { error: { code: 'conflict', message: 'Another MCP server has this name.' } }));
    await submit(form.querySelector('form')!);
    expect(errorOf(fieldIn(form, 'Name'))).toBe('Another MCP server has this name.');
  });

  it('refuses bad header lines and a timeout out of range before sending', async () => {
    const server = await mount();
    const form = addForm();
    await type(fieldIn(form, 'Name'), 'shop');
    await type(fieldIn(form, 'URL'), 'https://mcp.shop.example/mcp');
    await type(fieldIn(form, 'Headers'), 'Authorization: Bearer x\nno colon here');
    await type(fieldIn(form, 'Timeout (seconds)'), '61');
    await submit(form.querySelector('form')!);
    expect(server.writes()).toEqual([]);
    expect(errorOf(fieldIn(form, 'Headers'))).toBe('Line 2: write a header as Name: value.');
    expect(errorOf(fieldIn(form, 'Timeout (seconds)'))).toBe('The timeout is from 0.5 to 60 seconds.');
  });

  it('chooses the tools: reads what the server offers, then sends the checked names', async () => {
    const server = await mount();
    await click(buttonIn(item('crm'), 'Choose tools'));
    expect(server.requests.at(-1)).toEqual({ method: 'GET', path: `/api/bot/mcp-servers/${CRM}/tools`, body: undefined });
    const crm = item('crm');
    // Pre-checked as allowed; descriptions as text.
    expect(checkbox(crm, 'find_customer').checked).toBe(true);
    expect(checkbox(crm, 'open_ticket').checked).toBe(false);
    expect(crm.querySelector('b')).toBeNull();
    expect(crm.textContent).toContain('<b>Opens</b> a ticket.');

    await tick(checkbox(crm, 'close_ticket'));
    await tick(checkbox(crm, 'find_customer'));
    await tick(checkbox(crm, 'open_ticket'));
    await click(buttonIn(crm, 'Save tools'));

    expect(server.writes()).toEqual([
      { method: 'PATCH', path: `/api/bot/mcp-servers/${CRM}`, body: { allowedTools: ['open_ticket', 'close_ticket'] } },
    ]);
    expect(item('crm').querySelector('form')).toBeNull();
    expect(item('crm').textContent).toContain('Tools the bot may use: open_ticket, close_ticket');
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Saved the tools of “crm”.');
  });

  it('says why the tools could not be read', async () => {
    const server = await mount();
    server.refuseNext(
      json(400, {
        error: { code: 'invalid_payload', message: 'Could not reach the MCP server: connection refused (https://crm.example.com/mcp).' },
      }),
    );
    await click(buttonIn(item('crm'), 'Choose tools'));
    expect(item('crm').querySelector('[role="alert"]')!.textContent).toBe(
      'Could not reach the MCP server: connection refused (https://crm.example.com/mcp).',
    );
    expect(item('crm').querySelector('input[type="checkbox"]')).toBeNull();
    // Again, and it answers.
    await click(buttonIn(item('crm'), 'Try again'));
    expect(checkbox(item('crm'), 'find_customer').checked).toBe(true);
    expect(server.writes()).toEqual([]);
  });

  it('edits a server with a PATCH of only what changed, removing a secret with null', async () => {
    const server = await mount();
    await click(buttonIn(item('crm'), 'Edit'));
    const form = item('crm').querySelector('form')!;
    expect(fieldIn<HTMLTextAreaElement>(form, 'Headers').value).toBe('Authorization: Bearer {{secrets.CRM_TOKEN}}');
    expect(form.querySelector('li[aria-label="CRM_TOKEN"]')!.querySelector('input')).toBeNull();

    await type(fieldIn(form, 'URL'), 'https://crm.example.com/v2/mcp');
    await click(buttonIn(form.querySelector('li[aria-label="CRM_USER"]')!, 'Remove'));
    expect(form.querySelector('li[aria-label="CRM_USER"]')!.textContent).toContain('Removed when saved');
    await submit(form);

    expect(server.writes()).toEqual([
      {
        method: 'PATCH',
        path: `/api/bot/mcp-servers/${CRM}`,
        body: { url: 'https://crm.example.com/v2/mcp', secrets: { CRM_USER: null } },
      },
    ]);
    expect(item('crm').querySelector('form')).toBeNull();
    expect(item('crm').textContent).toContain('Secrets: CRM_TOKEN');
    expect(item('crm').textContent).not.toContain('CRM_USER');
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Saved the MCP server “crm”.');
  });

  it('sets when the bot may call each allowed tool, with the approver team and the time to decide in seconds', async () => {
    const server = await mount();
    // A new server has no tool yet: no policy to choose.
    expect(addForm().querySelector('select')).toBeNull();
    await click(buttonIn(item('crm'), 'Edit'));
    const form = item('crm').querySelector('form')!;
    const policy = fieldIn<HTMLSelectElement>(form, 'find_customer');
    expect(policy.value).toBe('auto');
    expect([...policy.options].map((option) => option.text)).toEqual([
      'Automatically',
      'After the visitor confirms',
      'After an agent approves',
    ]);
    // Nothing waits: no approver team, no time to decide.
    expect(form.textContent).not.toContain('Approver team');
    expect(form.textContent).not.toContain('Time to decide');

    await type(policy, 'confirm');
    expect(form.textContent).not.toContain('Approver team');
    expect(fieldIn<HTMLInputElement>(form, 'Time to decide (minutes)').value).toBe('15');
    await type(policy, 'approve');
    await type(fieldIn(form, 'Approver team'), BILLING);
    await type(fieldIn(form, 'Time to decide (minutes)'), '30');
    await submit(form);

    expect(server.writes()).toEqual([
      {
        method: 'PATCH',
        path: `/api/bot/mcp-servers/${CRM}`,
        body: { toolPolicies: { find_customer: 'approve' }, approverTeamId: BILLING, decisionTimeoutSeconds: 1800 },
      },
    ]);
    expect(item('crm').querySelector('form')).toBeNull();
    expect(item('crm').textContent).toContain('find_customer: after an agent approves (Billing)');

    // Back to automatically: an empty map replaces the policies.
    await click(buttonIn(item('crm'), 'Edit'));
    const again = item('crm').querySelector('form')!;
    expect(fieldIn<HTMLSelectElement>(again, 'find_customer').value).toBe('approve');
    await type(fieldIn(again, 'find_customer'), 'auto');
    await submit(again);
    expect(server.writes().at(-1)).toEqual({ method: 'PATCH', path: `/api/bot/mcp-servers/${CRM}`, body: { toolPolicies: {} } });
    expect(item('crm').textContent).not.toContain('find_customer:');
  });

  it('shows a refused tool policy by that tool, and refuses a time to decide out of range before sending', async () => {
    const server = await mount();
    await click(buttonIn(item('crm'), 'Edit'));
    const form = item('crm').querySelector('form')!;
    await type(fieldIn(form, 'find_customer'), 'confirm');
    await type(fieldIn(form, 'Time to decide (minutes)'), '0');
    await submit(form);
    expect(server.writes()).toEqual([]);
    expect(errorOf(fieldIn(form, 'Time to decide (minutes)'))).toBe('The time to decide is from 1 to 1440 minutes.');

    await type(fieldIn(form, 'Time to decide (minutes)'), '15');
    server.refuseNext(
      json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request is invalid.',
          issues: [{ path: 'body.toolPolicies.find_customer', message: 'Not a tool the bot may use.' }],
        },
      }),
    );
    await submit(form);
    expect(server.writes()).toEqual([
      { method: 'PATCH', path: `/api/bot/mcp-servers/${CRM}`, body: { toolPolicies: { find_customer: 'confirm' } } },
    ]);
    const policy = fieldIn(form, 'find_customer');
    expect(policy.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(policy)).toBe('Not a tool the bot may use.');
    expect(form.querySelector('.form-error')).toBeNull();
  });

  it('enables a server', async () => {
    const server = await mount();
    await click(buttonIn(item('docs'), 'Enable'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/bot/mcp-servers/${DOCS}`, body: { enabled: true } }]);
    expect(item('docs').textContent).toContain('Enabled');
  });

  it('deletes a server only after confirming', async () => {
    const server = await mount();
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await click(buttonIn(item('docs'), 'Delete'));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Delete the MCP server “docs”?'));
    expect(server.writes()).toEqual([]);

    confirm.mockReturnValue(true);
    await click(buttonIn(item('docs'), 'Delete'));
    expect(server.writes()).toEqual([{ method: 'DELETE', path: `/api/bot/mcp-servers/${DOCS}`, body: undefined }]);
    expect(item('docs')).toBeNull();
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Deleted the MCP server “docs”.');
  });
});
