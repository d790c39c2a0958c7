/**
 * `/api/bot/mcp-servers`: MCP servers (Streamable HTTP) whose tools an admin lets the organization's bot call. The
 * admin adds a server, reads the tools it offers (`GET …/:id/tools`) and picks the ones the bot may use; those are
 * kept as they were when picked, offered to the model each turn as `<server>__<tool>`, and called on the server.
 * @module
 */
import { z } from 'zod';
import {
  BOT_ACTION_LIMITS,
  botActionPolicySchema,
  botActionSecretNameSchema,
  headerSecretValueSchema,
  headerTemplateSchema,
  outboundHeaderNameSchema,
} from './bot-actions.js';

/** Limits of an MCP server, the same on the server. */
export const MCP_SERVER_LIMITS = {
  url: 2000,
  headers: 20,
  headerValue: 2000,
  secrets: 20,
  secretValue: 4000,
  tools: 50,
  timeoutMs: 60_000,
} as const;

/** An MCP server's short name, the prefix of its tools' names for the model (`crm` → `crm__find_customer`). */
export const mcpServerNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,30}$/, 'Lowercase letters, digits and underscores, starting with a letter, 2 to 31 characters.');

/** A tool as an MCP server describes it. */
export const mcpToolSchema = z.object({
  name: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
});
/** A tool as an MCP server describes it. */
export type McpTool = z.infer<typeof mcpToolSchema>;

/** An MCP server as admins see it: its secrets by name only, the tools the bot may use as they were picked. */
export const mcpServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The Streamable HTTP endpoint, such as https://mcp.example.com/mcp. */
  url: z.string(),
  /** Header name → value template (`Bearer {{secrets.TOKEN}}`). */
  headers: z.record(z.string(), z.string()),
  secretNames: z.array(z.string()),
  /** The tools the bot may call, as the server described them when the admin picked them. */
  tools: z.array(mcpToolSchema),
  /**
   * The allowed tools that wait for a decision, by name: `confirm` (the visitor's) or `approve` (an agent's), as an
   * HTTP action's policy; a tool not listed runs whenever the model calls it (`auto`).
   */
  toolPolicies: z.record(z.string(), botActionPolicySchema),
  /** For its `approve` tools: the team whose agents decide; null: any agent. Admins always may. */
  approverTeamId: z.string().nullable(),
  /** For its `confirm` and `approve` tools: how long the decision is waited for; then the call counts as refused. */
  decisionTimeoutSeconds: z.number().int(),
  enabled: z.boolean(),
  timeoutMs: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** An MCP server as admins see it. */
export type McpServer = z.infer<typeof mcpServerSchema>;

/** Answer of `GET /api/bot/mcp-servers`. */
export const mcpServerListSchema = z.object({ servers: z.array(mcpServerSchema) });
/** Answer of `GET /api/bot/mcp-servers`. */
export type McpServerList = z.infer<typeof mcpServerListSchema>;

/** Answer of `GET /api/bot/mcp-servers/:serverId/tools`: what the server offers now, and which the bot may use. */
export const mcpServerToolsSchema = z.object({ tools: z.array(mcpToolSchema.extend({ allowed: z.boolean() })) });
/** Answer of `GET /api/bot/mcp-servers/:serverId/tools`. */
export type McpServerTools = z.infer<typeof mcpServerToolsSchema>;

const urlSchema = z
  .string()
  .trim()
  .max(MCP_SERVER_LIMITS.url, `At most ${MCP_SERVER_LIMITS.url} characters.`)
  .pipe(z.url({ protocol: /^https?$/, error: 'An http:// or https:// address, such as https://mcp.example.com/mcp.' }))
  .refine((url) => !/^https?:\/\/[^/?#]*@/i.test(url), 'Put no user name or password in the address: use a header with a secret.');
const headersSchema = z
  .record(outboundHeaderNameSchema, headerTemplateSchema(MCP_SERVER_LIMITS.headerValue))
  .refine((headers) => Object.keys(headers).length <= MCP_SERVER_LIMITS.headers, `At most ${MCP_SERVER_LIMITS.headers} headers.`);
const allowedToolsSchema = z.array(z.string().min(1).max(128)).max(MCP_SERVER_LIMITS.tools);
const timeoutSchema = z.number().int().min(500).max(MCP_SERVER_LIMITS.timeoutMs);
const toolPoliciesSchema = z
  .record(z.string().min(1).max(128), botActionPolicySchema)
  .refine((policies) => Object.keys(policies).length <= MCP_SERVER_LIMITS.tools, `At most ${MCP_SERVER_LIMITS.tools} tools.`);
const decisionTimeoutSchema = z
  .number()
  .int()
  .min(BOT_ACTION_LIMITS.decisionTimeoutSeconds.min)
  .max(BOT_ACTION_LIMITS.decisionTimeoutSeconds.max);

/**
 * Body of `POST /api/bot/mcp-servers`. With `allowedTools`, Parley connects to the server first and keeps those tools
 * as it describes them (an unknown name is refused); secrets are never shown again.
 */
export const mcpServerCreateSchema = z.strictObject({
  name: mcpServerNameSchema,
  url: urlSchema,
  headers: headersSchema.default({}),
  secrets: z
    .record(botActionSecretNameSchema, headerSecretValueSchema(MCP_SERVER_LIMITS.secretValue))
    .refine((secrets) => Object.keys(secrets).length <= MCP_SERVER_LIMITS.secrets, `At most ${MCP_SERVER_LIMITS.secrets} secrets.`)
    .default({}),
  allowedTools: allowedToolsSchema.default([]),
  /** Each allowed tool's policy (`auto` when not named); a name that is not allowed is refused. */
  toolPolicies: toolPoliciesSchema.default({}),
  approverTeamId: z.uuid().nullable().default(null),
  decisionTimeoutSeconds: decisionTimeoutSchema.default(900),
  enabled: z.boolean().default(true),
  timeoutMs: timeoutSchema.default(15_000),
});
/** Body of `POST /api/bot/mcp-servers`. */
export type McpServerCreate = z.input<typeof mcpServerCreateSchema>;

/**
 * Body of `PATCH /api/bot/mcp-servers/:serverId`. `allowedTools` replaces the list (and reads the tools again);
 * `secrets` sets (a value) or removes (null) the ones it names.
 */
export const mcpServerUpdateSchema = z.strictObject({
  name: mcpServerNameSchema.optional(),
  url: urlSchema.optional(),
  headers: headersSchema.optional(),
  secrets: z.record(botActionSecretNameSchema, headerSecretValueSchema(MCP_SERVER_LIMITS.secretValue).nullable()).optional(),
  allowedTools: allowedToolsSchema.optional(),
  /** Replaces the policies (`auto` for a tool not named). */
  toolPolicies: toolPoliciesSchema.optional(),
  approverTeamId: z.uuid().nullable().optional(),
  decisionTimeoutSeconds: decisionTimeoutSchema.optional(),
  enabled: z.boolean().optional(),
  timeoutMs: timeoutSchema.optional(),
});
/** Body of `PATCH /api/bot/mcp-servers/:serverId`. */
export type McpServerUpdate = z.input<typeof mcpServerUpdateSchema>;

/** Path parameters of one MCP server's routes. */
export const mcpServerParamsSchema = z.object({ serverId: z.uuid() });
