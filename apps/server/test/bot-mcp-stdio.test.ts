import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { toolCalls } from '@parley/db';
import type { Ack, Message, MessageSent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { lastToolResult } from './helpers/anthropic.js';
import { apiRequest, connectVisitor, createTenantWithAdmin, nextEvent, ok, request, useServerWithClaude } from './helpers/server.js';

// MCP servers from the server's configuration file (PARLEY_MCP_CONFIG): a program Parley starts and talks to over
// stdio (a real MCP server, `__fixtures__/mcp-stdio-warehouse.mjs`), its allowed tool offered to the bot (Claude,
// mocked with msw) as `<server>__<tool>`, a secret passed from Parley's environment, never from the file.
const folder = mkdtempSync(join(tmpdir(), 'parley-mcp-config-'));
const configFile = join(folder, 'mcp.json');
writeFileSync(
  configFile,
  JSON.stringify({
    mcpServers: {
      warehouse: {
        command: process.execPath,
        args: [fileURLToPath(new URL('__fixtures__/mcp-stdio-warehouse.mjs', import.meta.url))],
        env: { WAREHOUSE_TOKEN: '$TEST_WAREHOUSE_TOKEN' },
        organizations: '*',
        allowedTools: ['stock'],
      },
    },
  }),
);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const { server, anthropic } = useServerWithClaude({
  PARLEY_BOT_MAX_RETRIES: '0',
  PARLEY_BOT_TIMEOUT_MS: '10000',
  PARLEY_MCP_CONFIG: configFile,
  TEST_WAREHOUSE_TOKEN: 'wh-secret',
});

describe('an MCP server of the configuration file', () => {
  it('is started over stdio and its allowed tool called by the bot; its other tools are never offered', async () => {
    const tenant = await createTenantWithAdmin(server, { bot: { enabled: true } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    anthropic.reply(
      { toolUse: { id: 'toolu_w1', name: 'warehouse__stock', input: { sku: 'TENT-2' } } },
      { text: ['We have 7 of those tents in stock.'] },
    );
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Is the 2-person tent in stock?' }),
    );
    expect((await reply).body).toBe('We have 7 of those tents in stock.');
    await server.app.bot.idle();

    const offered = (anthropic.requests[0]!.tools as Array<{ name: string }>).map((tool) => tool.name);
    expect(offered).toContain('warehouse__stock');
    expect(offered).not.toContain('warehouse__clear_inventory');
    const result = lastToolResult(anthropic.requests[1]!);
    expect(result.is_error ?? false).toBe(false);
    // The tool's text, as the model reads it: the variable arrived from Parley's environment.
    expect(JSON.parse(JSON.parse(result.content!) as string)).toEqual({ sku: 'TENT-2', units: 7, token: 'received' });
    const [logged] = await server.db.db.select().from(toolCalls).where(eq(toolCalls.conversationId, sent.conversationId));
    expect(logged).toMatchObject({ tool: 'warehouse__stock', input: { sku: 'TENT-2' }, success: true, policy: 'auto' });
    visitor.close();
  });

  it("is named by profiles, and its name can't be taken by an admin's server", async () => {
    const tenant = await createTenantWithAdmin(server);
    const named = await apiRequest(server, '/api/bot/profiles', tenant.adminToken, 'POST', { name: 'Stock', tools: ['warehouse__stock'] });
    expect(named.status).toBe(201);
    const notAllowed = await apiRequest(server, '/api/bot/profiles', tenant.adminToken, 'POST', {
      name: 'Wipe',
      tools: ['warehouse__clear_inventory'],
    });
    expect(notAllowed.status).toBe(400);
    const taken = await apiRequest(server, '/api/bot/mcp-servers', tenant.adminToken, 'POST', {
      name: 'warehouse',
      url: 'https://mcp.example.com/mcp',
      allowedTools: ['stock'],
    });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: 'conflict' } });
  });
});
