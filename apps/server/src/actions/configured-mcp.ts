/**
 * The MCP servers of the server's configuration file (`PARLEY_MCP_CONFIG`, `config-mcp.ts`) at run time: which of them
 * an organization gets, and their allowed tools as each program describes them. A program's tools are read once per
 * process (it is started, asked, stopped) and kept; a program that can't be started is left out of the turn, logged,
 * and asked again at the next.
 * @module
 */
import type { McpToolDefinition } from '@parley/db';
import type { FastifyBaseLogger } from 'fastify';
import type { ConfiguredMcpServer } from '../config-mcp.js';
import { listMcpTools, type McpConnection } from './mcp-client.js';
import { mcpToolName } from './mcp-servers.js';
import type { ActionRunner } from './run-action.js';

/** A configured server with its allowed tools, in the shape the bot's MCP tools read. */
export type ConfiguredMcpTools = Extract<McpConnection, { stdio: unknown }> & {
  name: string;
  tools: McpToolDefinition[];
  toolPolicies: Record<string, 'confirm' | 'approve'>;
  approverTeamId: string | null;
  decisionTimeoutSeconds: number;
};

/** The configured servers. */
export interface ConfiguredMcp {
  /** Whether `organizationId` gets a configured server named `name` (an admin's server may not take the name). */
  has(organizationId: string, name: string): boolean;
  /** The model's names of the allowed tools `organizationId` gets (`<server>__<tool>`), without starting anything. */
  toolNames(organizationId: string): string[];
  /** The servers `organizationId` gets, each with the allowed tools its program offers. */
  serversFor(organizationId: string): Promise<ConfiguredMcpTools[]>;
}

/** How a configured server is reached: its program, started over stdio. */
function connection(server: ConfiguredMcpServer) {
  return { stdio: { command: server.command, args: server.args, env: server.env, cwd: server.cwd }, timeoutMs: server.timeoutMs };
}

/** The configured servers of `servers`, started through `runner` when their tools are first read. */
export function createConfiguredMcp(servers: readonly ConfiguredMcpServer[], runner: ActionRunner, log: FastifyBaseLogger): ConfiguredMcp {
  const listed = new Map<string, Promise<McpToolDefinition[]>>();
  const forOrganization = (organizationId: string) =>
    servers.filter((server) => server.organizations === '*' || server.organizations.includes(organizationId));

  function toolsOf(server: ConfiguredMcpServer): Promise<McpToolDefinition[]> {
    let tools = listed.get(server.name);
    if (!tools) {
      tools = listMcpTools(runner, connection(server));
      listed.set(server.name, tools);
      // A failure is not kept: the next turn starts the program again.
      tools.catch(() => listed.delete(server.name));
    }
    return tools;
  }

  return {
    has: (organizationId, name) => forOrganization(organizationId).some((server) => server.name === name),
    toolNames: (organizationId) =>
      forOrganization(organizationId).flatMap((server) => server.allowedTools.map((tool) => mcpToolName(server.name, tool))),
    async serversFor(organizationId) {
      const found = await Promise.all(
        forOrganization(organizationId).map(async (server): Promise<ConfiguredMcpTools | null> => {
          try {
            const offered = await toolsOf(server);
            const missing = server.allowedTools.filter((name) => !offered.some((tool) => tool.name === name));
            if (missing.length > 0)
              log.warn({ server: server.name, missing }, 'the MCP server of PARLEY_MCP_CONFIG offers no tool of these names');
            return {
              ...connection(server),
              name: server.name,
              tools: offered.filter((tool) => server.allowedTools.includes(tool.name)),
              toolPolicies: server.toolPolicies,
              approverTeamId: server.approverTeamId,
              decisionTimeoutSeconds: server.decisionTimeoutSeconds,
            };
          } catch (error) {
            log.warn(
              { err: error, server: server.name },
              'could not read the tools of the MCP server of PARLEY_MCP_CONFIG; its tools are not offered',
            );
            return null;
          }
        }),
      );
      return found.filter((server) => server !== null);
    },
  };
}
