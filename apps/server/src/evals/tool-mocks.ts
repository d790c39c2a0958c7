/**
 * The endpoint of a scenario's mocked tools: a loopback HTTP server that answers each of the organization's HTTP actions
 * with the response the running scenario gives it (a 501 when it gives none), and speaks MCP (Streamable HTTP) for each
 * of its MCP servers, answering `<server>__<tool>` calls the same way. The sandbox's actions and MCP servers are pointed
 * at it, so their calls go through the real code (input checks, templates, the outbound guard, the response mapping,
 * the MCP client) and never reach the site's own systems.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as McpProtocolServer } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Scenario } from './scenario.js';

/** The mock endpoint: where each action is sent, and the scenario whose responses it gives. */
export interface ToolMocks {
  /**
   * Where it answers (`http://127.0.0.1:<port>`): an action named `name` at `/tools/<name>`, the MCP server named
   * `server` at `/mcp/<server>`.
   */
  origin: string;
  /** Answers with `scenario`'s tool responses from now on. */
  use(scenario: Pick<Scenario, 'name' | 'tools'>): void;
  close(): Promise<void>;
}

/** Starts the mock endpoint on a loopback port. */
export async function startToolMocks(): Promise<ToolMocks> {
  let current: Pick<Scenario, 'name' | 'tools'> = { name: '', tools: {} };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://mock').pathname;
    if (path.startsWith('/mcp/')) {
      void answerMcp(decodeURIComponent(path.slice('/mcp/'.length)), request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
      return;
    }
    // Drain the body (an action's JSON input): the scenario's answer does not depend on it.
    request.resume();
    request.on('end', () => {
      const name = decodeURIComponent(path.replace(/^\/tools\//, ''));
      const mock = current.tools[name];
      if (!mock) {
        response.writeHead(501, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: `The scenario "${current.name}" gives no response for ${name} (add it under tools).` }));
        return;
      }
      response.writeHead(mock.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(mock.respond ?? null));
    });
  });

  /** One MCP request to the server `serverName`, stateless: a protocol server for it, its tool calls answered by the scenario. */
  async function answerMcp(serverName: string, request: IncomingMessage, response: ServerResponse) {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const mcp = new McpProtocolServer({ name: serverName, version: '1.0.0' }, { capabilities: { tools: {} } });
    // Parley offers the tools it stored when the admin allowed them; listing is not asked during a turn.
    mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
    mcp.setRequestHandler(CallToolRequestSchema, async (call) => {
      const name = `${serverName}__${call.params.name}`;
      const mock = current.tools[name];
      if (!mock) {
        return {
          isError: true,
          content: [{ type: 'text', text: `The scenario "${current.name}" gives no response for ${name} (add it under tools).` }],
        };
      }
      return { isError: mock.status >= 400, content: [{ type: 'text', text: JSON.stringify(mock.respond ?? null) }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(request, response, body ? JSON.parse(body) : undefined);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    use(scenario) {
      current = scenario;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
