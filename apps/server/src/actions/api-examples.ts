/**
 * Examples of the `/api/bot/actions` and `/api/bot/mcp-servers` routes for the API reference, checked against their schemas by the OpenAPI test.
 * @module
 */
import type {
  BotAction,
  BotActionCreate,
  BotActionList,
  BotActionUpdate,
  McpServer,
  McpServerCreate,
  McpServerList,
  McpServerTools,
  McpServerUpdate,
} from '@parley/protocol';

/** Body of `POST /api/bot/actions`: look an order up in the shop's API with its key. */
export const botActionCreateExample = {
  name: 'lookup_order',
  description: "Finds an order by its number and the buyer's e-mail address: its status, carrier and tracking number.",
  method: 'GET',
  url: 'https://shop.example/api/orders/{{order_number}}',
  headers: { Authorization: 'Bearer {{secrets.SHOP_API_KEY}}' },
  secrets: { SHOP_API_KEY: 'sk_live_51HxQpT2eZvKYlo2C' },
  inputSchema: {
    type: 'object',
    properties: { order_number: { type: 'string', pattern: '^[0-9]{4,10}$' }, email: { type: 'string', format: 'email' } },
    required: ['order_number', 'email'],
  },
  responseFields: ['status', 'shipment.carrier', 'shipment.tracking'],
  timeoutMs: 5000,
  requiresVerifiedContact: false,
} satisfies BotActionCreate;

/** Answer of `POST /api/bot/actions`: the action, its secrets by name only. */
export const botActionCreatedExample = {
  id: '0d6c2a86-6a6c-4f5e-9a39-3f7f3cb1d2a1',
  name: botActionCreateExample.name,
  description: botActionCreateExample.description,
  enabled: true,
  policy: 'auto',
  confirmationText: '',
  approverTeamId: null,
  decisionTimeoutSeconds: 900,
  method: 'GET',
  url: botActionCreateExample.url,
  headers: botActionCreateExample.headers,
  secretNames: ['SHOP_API_KEY'],
  inputSchema: botActionCreateExample.inputSchema,
  responseFields: botActionCreateExample.responseFields,
  timeoutMs: 5000,
  requiresVerifiedContact: false,
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
} satisfies BotAction;

/** Answer of `GET /api/bot/actions`. */
export const botActionListExample = { actions: [botActionCreatedExample] } satisfies BotActionList;

/** Body of `PATCH /api/bot/actions/:actionId`: a new key, and the action turned off for now. */
export const botActionUpdateExample = { secrets: { SHOP_API_KEY: 'sk_live_51HxQpT2eZvKYlo2D' }, enabled: false } satisfies BotActionUpdate;

/** Answer of `PATCH /api/bot/actions/:actionId`: the action after {@link botActionUpdateExample}. */
export const botActionUpdatedExample = {
  ...botActionCreatedExample,
  enabled: false,
  updatedAt: '2026-11-30T09:30:00.000Z',
} satisfies BotAction;

/** Body of `POST /api/bot/mcp-servers`: the CRM's MCP server, its token a secret; its tools are chosen next. */
export const mcpServerCreateExample = {
  name: 'crm',
  url: 'https://mcp.crm.example/mcp',
  headers: { Authorization: 'Bearer {{secrets.CRM_TOKEN}}' },
  secrets: { CRM_TOKEN: 'crm_7f3a9c2e41d8' },
  timeoutMs: 15_000,
} satisfies McpServerCreate;

/** Answer of `PATCH /api/bot/mcp-servers/:serverId` (and, with `tools: []`, of the POST): the tools allowed as the server describes them. */
export const mcpServerCreatedExample = {
  id: '6f1f7c0e-54a3-4c07-a7b4-8c1d2e3f4a5b',
  name: 'crm',
  url: 'https://mcp.crm.example/mcp',
  headers: { Authorization: 'Bearer {{secrets.CRM_TOKEN}}' },
  secretNames: ['CRM_TOKEN'],
  tools: [
    {
      name: 'find_customer',
      description: 'Finds a customer by e-mail address: name, plan, open invoices.',
      inputSchema: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
    },
  ],
  toolPolicies: {},
  approverTeamId: null,
  decisionTimeoutSeconds: 900,
  enabled: true,
  timeoutMs: 15_000,
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
} satisfies McpServer;

/** Answer of `POST /api/bot/mcp-servers`: no tool allowed yet. */
export const mcpServerAddedExample = { ...mcpServerCreatedExample, tools: [] } satisfies McpServer;

/** Answer of `GET /api/bot/mcp-servers`. */
export const mcpServerListExample = { servers: [mcpServerCreatedExample] } satisfies McpServerList;

/** Answer of `GET /api/bot/mcp-servers/:serverId/tools`. */
export const mcpServerToolsExample = {
  tools: [
    { ...mcpServerCreatedExample.tools[0]!, allowed: true },
    {
      name: 'delete_customer',
      description: 'Deletes a customer.',
      inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      allowed: false,
    },
  ],
} satisfies McpServerTools;

/** Body of `PATCH /api/bot/mcp-servers/:serverId`: the tools the bot may use, from now on. */
export const mcpServerUpdateExample = { allowedTools: ['find_customer'] } satisfies McpServerUpdate;
