/**
 * The tools of an organization's enabled MCP servers as bot tools, loaded for each turn from what the admin allowed
 * (as the server described each tool then): `<server>__<tool>` for the model, called on the server
 * (`actions/mcp-client.ts`). What a tool returns is data for the model, never instructions.
 * @module
 */
import type { Database } from '@parley/db';
import { z } from 'zod';
import { callMcpTool } from '../../actions/mcp-client.js';
import { enabledMcpServers, mcpToolName } from '../../actions/mcp-servers.js';
import type { ConfiguredMcp } from '../../actions/configured-mcp.js';
import type { ActionRunner } from '../../actions/run-action.js';
import { toolPause } from './pause.js';
import { defineTool, ToolInputError, type BotTool } from './registry.js';

/**
 * The allowed tools of the organization's enabled MCP servers: its admins' (Streamable HTTP) and those the server's
 * configuration file gives it (stdio programs), when `configured` is given.
 */
export async function mcpServerTools(
  db: Database,
  organizationId: string,
  runner: ActionRunner,
  configured?: ConfiguredMcp,
): Promise<BotTool[]> {
  const [stored, fromFile] = await Promise.all([enabledMcpServers(db, organizationId), configured?.serversFor(organizationId) ?? []]);
  const servers = [...stored, ...fromFile];
  return servers.flatMap((server) =>
    server.tools.map((tool) => {
      const name = mcpToolName(server.name, tool.name);
      const policy = server.toolPolicies[tool.name] ?? 'auto';
      return defineTool({
        name,
        description: tool.description,
        // The MCP server checks its own input; the model reads its schema as the server described it.
        input: z.record(z.string(), z.unknown()),
        inputJsonSchema: tool.inputSchema,
        kind: 'external',
        policy,
        ...(policy === 'auto'
          ? {}
          : {
              pause: toolPause({
                policy,
                name,
                confirmationText: '',
                teamId: server.approverTeamId,
                timeoutSeconds: server.decisionTimeoutSeconds,
              }),
            }),
        async handler(input, context) {
          const result = await callMcpTool(runner, server, tool.name, input, context.signal);
          if (!result.ok) throw new ToolInputError(result.error);
          return result.output;
        },
      }) as BotTool;
    }),
  );
}
