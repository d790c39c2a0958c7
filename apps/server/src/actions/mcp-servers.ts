/**
 * An organization's MCP servers as admins manage them: listed, added, changed and removed, their offered tools read
 * live, and the tools the bot may use kept as the server described them when they were allowed (so that a turn offers
 * them without a round trip, and a server changing a tool's description can't change what the bot was allowed).
 * @module
 */
import { mcpServers, type Database, type McpToolDefinition } from '@parley/db';
import { ParleyError, type McpServer, type McpServerUpdate, type mcpServerCreateSchema } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { listMcpTools, McpServerError } from './mcp-client.js';
import type { ActionRunner } from './run-action.js';
import { sealSecrets, updatedSecrets } from './secrets.js';
import { checkApproverTeam, namedUniquely } from './service.js';
import { templateIssues } from './template.js';

type McpServerRow = typeof mcpServers.$inferSelect;
type McpServerCreate = z.output<typeof mcpServerCreateSchema>;
type McpUpdate = { [K in keyof McpServerUpdate]?: Exclude<McpServerUpdate[K], undefined> };

/** The name the model (and a bot profile's tool list) knows a server's tool by: `<server>__<tool>`. */
export const mcpToolName = (serverName: string, toolName: string) => `${serverName}__${toolName}`;

/** A server as admins see it: its secrets by name only. */
export function toMcpServer(row: McpServerRow): McpServer {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    headers: row.headers,
    secretNames: Object.keys(row.secrets).toSorted(),
    tools: row.tools,
    toolPolicies: row.toolPolicies,
    approverTeamId: row.approverTeamId,
    decisionTimeoutSeconds: row.decisionTimeoutSeconds,
    enabled: row.enabled,
    timeoutMs: row.timeoutMs,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const ofOrganization = (organizationId: string, serverId: string) =>
  and(eq(mcpServers.id, serverId), eq(mcpServers.organizationId, organizationId));

/** The organization's servers, by name. */
export async function listMcpServers(db: Database, organizationId: string): Promise<McpServer[]> {
  const rows = await db.select().from(mcpServers).where(eq(mcpServers.organizationId, organizationId)).orderBy(asc(mcpServers.name));
  return rows.map(toMcpServer);
}

/** Refuses headers that name what the server doesn't have (headers take secrets only). */
function checkHeaders(headers: Record<string, string>, secretNames: readonly string[]): void {
  const issues = Object.entries(headers).flatMap(([name, value]) =>
    templateIssues(value, { inputs: [], secrets: secretNames, secretsAllowed: true }).map((message) => ({
      path: `body.headers.${name}`,
      message,
    })),
  );
  if (issues.length > 0) throw new ParleyError('invalid_payload', undefined, { issues });
}

/** The tools named in `allowed`, as `server` describes them now; an unknown name or an unreachable server is refused. */
async function allowedTools(runner: ActionRunner, server: McpServerRow, allowed: readonly string[]): Promise<McpToolDefinition[]> {
  if (allowed.length === 0) return [];
  const offered = await readTools(runner, server);
  const unknown = allowed.filter((name) => !offered.some((tool) => tool.name === name));
  if (unknown.length > 0) {
    throw new ParleyError('invalid_payload', undefined, {
      issues: [{ path: 'body.allowedTools', message: `The server offers no tool named ${unknown.join(', ')}.` }],
    });
  }
  // The model's API takes tool names of up to 64 letters, digits, `_` and `-`: a longer one would fail every turn.
  const unusable = allowed.filter((name) => !MODEL_TOOL_NAME.test(mcpToolName(server.name, name)));
  if (unusable.length > 0) {
    throw new ParleyError('invalid_payload', undefined, {
      issues: [
        {
          path: 'body.allowedTools',
          message: `The model can't call ${unusable.join(', ')}: as ${server.name}__<tool>, a tool's name must be at most 64 letters, digits, _ or -.`,
        },
      ],
    });
  }
  return offered.filter((tool) => allowed.includes(tool.name));
}

/**
 * The policies to store: the ones that wait (`auto` is the default, not stored), each for a tool the bot may use; a
 * policy for any other tool is refused, naming it.
 */
function storedPolicies(
  policies: Record<string, 'auto' | 'confirm' | 'approve'>,
  allowed: readonly string[],
): Record<string, 'confirm' | 'approve'> {
  const unknown = Object.keys(policies).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw new ParleyError('invalid_payload', undefined, {
      issues: unknown.map((name) => ({
        path: `body.toolPolicies.${name}`,
        message: 'Allow the tool first: only allowed tools have a policy.',
      })),
    });
  }
  const stored: Record<string, 'confirm' | 'approve'> = {};
  for (const [name, policy] of Object.entries(policies)) if (policy !== 'auto') stored[name] = policy;
  return stored;
}

/** A tool name the model's API takes. */
const MODEL_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The server's tools now; a failure is the admin's to read, on the address. */
async function readTools(runner: ActionRunner, server: McpServerRow): Promise<McpToolDefinition[]> {
  try {
    return await listMcpTools(runner, server);
  } catch (error) {
    if (!(error instanceof McpServerError)) throw error;
    throw new ParleyError('invalid_payload', `Could not read the MCP server's tools: ${error.message}`, {
      issues: [{ path: 'body.url', message: `Could not read the MCP server's tools: ${error.message}` }],
    });
  }
}

/** Adds a server; with `allowedTools`, reads them from it first. */
export async function createMcpServer(
  db: Database,
  runner: ActionRunner,
  organizationId: string,
  input: McpServerCreate,
): Promise<McpServer> {
  checkHeaders(input.headers, Object.keys(input.secrets));
  const { allowedTools: allowed, secrets: plain, toolPolicies: policies, ...fields } = input;
  const toolPolicies = storedPolicies(policies, allowed);
  await checkApproverTeam(db, organizationId, input.approverTeamId);
  const secrets = sealSecrets(runner.secrets, plain);
  const draft = {
    ...fields,
    secrets,
    toolPolicies,
    id: '',
    organizationId,
    tools: [],
    createdAt: new Date(),
    updatedAt: new Date(),
  } satisfies McpServerRow;
  const tools = await allowedTools(runner, draft, allowed);
  const [row] = await namedUniquely(() =>
    db
      .insert(mcpServers)
      .values({ organizationId, ...fields, secrets, tools, toolPolicies })
      .returning(),
  );
  return toMcpServer(row!);
}

/** Changes a server: the fields given; `allowedTools` replaces the tools (read again from the server). */
export async function updateMcpServer(
  db: Database,
  runner: ActionRunner,
  organizationId: string,
  serverId: string,
  update: McpUpdate,
): Promise<McpServer> {
  const [row] = await db.select().from(mcpServers).where(ofOrganization(organizationId, serverId));
  if (!row) throw new ParleyError('not_found', 'No MCP server has this id.');
  const { allowedTools: allowed, secrets: secretChanges, toolPolicies: policies, ...fields } = update;
  const secrets = updatedSecrets(runner.secrets, row.secrets, secretChanges);
  await checkApproverTeam(db, organizationId, fields.approverTeamId);
  // New policies replace the old; a tool no longer allowed loses its policy.
  const stillAllowed = allowed ?? row.tools.map((tool) => tool.name);
  const toolPolicies = policies
    ? storedPolicies(policies, stillAllowed)
    : Object.fromEntries(Object.entries(row.toolPolicies).filter(([name]) => stillAllowed.includes(name)));
  const merged = { ...row, ...fields, secrets };
  checkHeaders(merged.headers, Object.keys(secrets));
  // Read outside any transaction: it waits on the network. A new address or new headers read the kept tools again.
  const rereads = allowed ?? (fields.url !== undefined || fields.headers !== undefined ? row.tools.map((tool) => tool.name) : undefined);
  const tools = rereads === undefined ? undefined : await allowedTools(runner, merged, rereads);
  const [updated] = await namedUniquely(() =>
    db
      .update(mcpServers)
      .set({ ...fields, secrets, toolPolicies, ...(tools ? { tools } : {}), updatedAt: new Date() })
      .where(ofOrganization(organizationId, serverId))
      .returning(),
  );
  if (!updated) throw new ParleyError('not_found', 'No MCP server has this id.');
  return toMcpServer(updated);
}

/** Removes a server; its tools' past calls stay in `tool_calls`. */
export async function deleteMcpServer(db: Database, organizationId: string, serverId: string): Promise<void> {
  const deleted = await db.delete(mcpServers).where(ofOrganization(organizationId, serverId)).returning({ id: mcpServers.id });
  if (deleted.length === 0) throw new ParleyError('not_found', 'No MCP server has this id.');
}

/** What the server offers now, each marked with whether the bot may use it. */
export async function offeredMcpTools(
  db: Database,
  runner: ActionRunner,
  organizationId: string,
  serverId: string,
): Promise<Array<McpToolDefinition & { allowed: boolean }>> {
  const [row] = await db.select().from(mcpServers).where(ofOrganization(organizationId, serverId));
  if (!row) throw new ParleyError('not_found', 'No MCP server has this id.');
  const offered = await readTools(runner, row);
  return offered.map((tool) => ({ ...tool, allowed: row.tools.some((kept) => kept.name === tool.name) }));
}

/** The organization's enabled servers with tools the bot may use, as a turn loads them. */
export async function enabledMcpServers(db: Database, organizationId: string): Promise<McpServerRow[]> {
  const rows = await db
    .select()
    .from(mcpServers)
    .where(and(eq(mcpServers.organizationId, organizationId), eq(mcpServers.enabled, true)))
    .orderBy(asc(mcpServers.name));
  return rows.filter((row) => row.tools.length > 0);
}
