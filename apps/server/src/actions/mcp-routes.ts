/**
 * `/api/bot/mcp-servers` for admins: the organization's MCP servers, listed, added, changed and removed, and the tools
 * each offers now. Answers are validated and serialized with the protocol's schemas; secrets go in, never out.
 * @module
 */
import {
  mcpServerCreateSchema,
  mcpServerListSchema,
  mcpServerParamsSchema,
  mcpServerSchema,
  mcpServerToolsSchema,
  mcpServerUpdateSchema,
  ParleyError,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import {
  mcpServerAddedExample,
  mcpServerCreatedExample,
  mcpServerCreateExample,
  mcpServerListExample,
  mcpServerToolsExample,
  mcpServerUpdateExample,
} from './api-examples.js';
import { createMcpServer, deleteMcpServer, listMcpServers, offeredMcpTools, updateMcpServer } from './mcp-servers.js';
import type { ConfiguredMcp } from './configured-mcp.js';
import type { ActionRunner } from './run-action.js';

/** Registers the routes; `runner` reaches the servers (the outbound guard) and seals their secrets. */
export function registerMcpServerRoutes(app: FastifyInstance, runner: ActionRunner, configured: ConfiguredMcp): void {
  /** A name the configuration file's servers take for the organization: an admin's server can't have it too. */
  function refuseConfiguredName(organizationId: string, name: string | undefined) {
    if (name !== undefined && configured.has(organizationId, name)) {
      throw new ParleyError(
        'conflict',
        `The server's configuration file (PARLEY_MCP_CONFIG) has an MCP server named ${name}: choose another name.`,
        {
          issues: [{ path: 'body.name', message: 'The server configuration file has an MCP server of this name.' }],
        },
      );
    }
  }

  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: anyone but an admin is refused whatever the body, and learns nothing from its errors.
  const preValidation = [app.authenticate, requireAdmin("manage the bot's MCP servers")];

  api.get(
    '/api/bot/mcp-servers',
    {
      config: { scope: 'widgets:write', example: { response: mcpServerListExample } },
      preValidation,
      schema: { response: { 200: mcpServerListSchema } },
    },
    async function listMcpServersRoute(request) {
      return { servers: await listMcpServers(app.db, organizationIdOf(request)) };
    },
  );

  api.post(
    '/api/bot/mcp-servers',
    {
      config: { scope: 'widgets:write', example: { body: mcpServerCreateExample, response: mcpServerAddedExample } },
      preValidation,
      schema: { body: mcpServerCreateSchema, response: { 201: mcpServerSchema } },
    },
    async function createMcpServerRoute(request, reply) {
      const organizationId = organizationIdOf(request);
      refuseConfiguredName(organizationId, request.body.name);
      return reply.status(201).send(await createMcpServer(app.db, runner, organizationId, request.body));
    },
  );

  api.get(
    '/api/bot/mcp-servers/:serverId/tools',
    {
      config: { scope: 'widgets:write', example: { response: mcpServerToolsExample } },
      preValidation,
      schema: { params: mcpServerParamsSchema, response: { 200: mcpServerToolsSchema } },
    },
    async function listMcpServerToolsRoute(request) {
      return { tools: await offeredMcpTools(app.db, runner, organizationIdOf(request), request.params.serverId) };
    },
  );

  api.patch(
    '/api/bot/mcp-servers/:serverId',
    {
      config: { scope: 'widgets:write', example: { body: mcpServerUpdateExample, response: mcpServerCreatedExample } },
      preValidation,
      schema: { params: mcpServerParamsSchema, body: mcpServerUpdateSchema, response: { 200: mcpServerSchema } },
    },
    async function updateMcpServerRoute(request) {
      const organizationId = organizationIdOf(request);
      refuseConfiguredName(organizationId, request.body.name);
      return updateMcpServer(app.db, runner, organizationId, request.params.serverId, request.body);
    },
  );

  api.delete(
    '/api/bot/mcp-servers/:serverId',
    { config: { scope: 'widgets:write' }, preValidation, schema: { params: mcpServerParamsSchema, response: { 204: z.null() } } },
    async function deleteMcpServerRoute(request, reply) {
      await deleteMcpServer(app.db, organizationIdOf(request), request.params.serverId);
      return reply.status(204).send(null);
    },
  );
}
