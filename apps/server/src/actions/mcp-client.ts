/**
 * Talking to an organization's MCP server with the official SDK over Streamable HTTP: list its tools, call one. Every
 * request goes through the outbound guard (the SDK is given a fetch over it), with the server's headers rendered from
 * its secrets. A connection lives for one listing or one call: a turn's calls are few, and nothing is left open.
 * @module
 */
import type { McpToolDefinition, mcpServers } from '@parley/db';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { OutboundRequestError, type OutboundFetch } from '../plugins/outbound.js';
import { forModel } from './response-fields.js';
import type { ActionRunner } from './run-action.js';
import { openSecrets } from './secrets.js';
import { renderHeader } from './template.js';

type McpServerRow = typeof mcpServers.$inferSelect;

/**
 * How an MCP server is reached: an admin's Streamable HTTP server (a stored row: its address, headers and sealed
 * secrets), or a program of the server's configuration file started over stdio (`config-mcp.ts`).
 */
export type McpConnection =
  | Pick<McpServerRow, 'url' | 'headers' | 'secrets' | 'timeoutMs'>
  | { stdio: { command: string; args: string[]; env: Record<string, string>; cwd: string }; timeoutMs: number };

/** Largest answer read from an MCP server. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Pages of tools read at most (a server that pages forever is cut off). */
const MAX_TOOL_PAGES = 20;

/** A failure to reach or use an MCP server, in words for the admin or the model: never a secret. */
export class McpServerError extends Error {
  override readonly name = 'McpServerError';
}

/**
 * The SDK's fetch over the guard. A GET (the optional stream of messages the server starts) is answered 405 here:
 * the guard reads whole bodies, and every answer Parley needs comes with its own request.
 */
function guardedFetch(outbound: OutboundFetch, timeoutMs: number): FetchLike {
  return async function fetchThroughGuard(url, init) {
    const method = init?.method ?? 'GET';
    if (method === 'GET') return new Response(null, { status: 405 });
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const response = await outbound(url, {
      method,
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
      signal: init?.signal ?? undefined,
      timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
      allowHttpErrors: true,
    });
    const empty = response.status === 204 || response.status === 304 || response.body.byteLength === 0;
    return new Response(empty ? null : response.body, { status: response.status, headers: response.headers });
  };
}

/** Connects to `server`, runs `use`, and closes the connection whatever happens. */
async function withClient<T>(runner: ActionRunner, server: McpConnection, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: 'parley', version: '1.0.0' });
  try {
    await client.connect(transportOf(runner, server), { timeout: server.timeoutMs });
    return await use(client);
  } catch (error) {
    throw new McpServerError(describeFailure(error));
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * The transport to `server`: a configured program started now (a process per connection, closed with it; its stderr
 * ignored), or HTTP through the outbound guard with the headers rendered from the opened secrets.
 */
function transportOf(runner: ActionRunner, server: McpConnection): Transport {
  if ('stdio' in server) return new StdioClientTransport({ ...server.stdio, stderr: 'ignore' });
  const secrets = openSecrets(runner.secrets, server.secrets);
  if (!secrets) throw new McpServerError('Its secrets were sealed under another PARLEY_SECRET: enter them again.');
  const headers = Object.fromEntries(Object.entries(server.headers).map(([name, template]) => [name, renderHeader(template, {}, secrets)]));
  return new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers },
    fetch: guardedFetch(runner.fetch, server.timeoutMs),
  });
}

/** The tools `server` offers now. */
export async function listMcpTools(runner: ActionRunner, server: McpConnection): Promise<McpToolDefinition[]> {
  return withClient(runner, server, async (client) => {
    const tools: McpToolDefinition[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await client.listTools(cursor ? { cursor } : undefined, { timeout: server.timeoutMs });
      for (const tool of listed.tools) {
        tools.push({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema as Record<string, unknown> });
      }
      cursor = listed.nextCursor;
      if (!cursor) break;
    }
    return tools;
  });
}

/** What a tool call gives the model: the tool's text (or structured) content, and whether the tool said it failed. */
export type McpCallResult = { ok: true; output: unknown } | { ok: false; error: string };

/** Calls `tool` on `server` with the model's input. */
export async function callMcpTool(
  runner: ActionRunner,
  server: McpConnection,
  tool: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<McpCallResult> {
  try {
    const result = await withClient(runner, server, (client) =>
      client.callTool({ name: tool, arguments: (input ?? {}) as Record<string, unknown> }, undefined, {
        timeout: server.timeoutMs,
        signal,
      }),
    );
    const texts = ((result.content ?? []) as Array<{ type: string; text?: string }>).flatMap((part) =>
      part.type === 'text' && typeof part.text === 'string' ? [part.text] : [],
    );
    const output = result.structuredContent ?? texts.join('\n');
    if (result.isError) return { ok: false, error: `The tool failed: ${texts.join('\n').slice(0, 1000) || 'no reason given'}` };
    return { ok: true, output: forModel(output) };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return { ok: false, error: `The tool could not be reached (${(error as Error).message}). Tell the visitor, and offer a person.` };
  }
}

/** Why a connection or request failed: the guard's own reasons in words, other errors by their message. */
function describeFailure(error: unknown): string {
  if (error instanceof McpServerError) return error.message;
  if (error instanceof OutboundRequestError) {
    if (error.reason === 'blocked_address') return 'Its address is not one Parley may reach (PARLEY_OUTBOUND_ALLOW).';
    if (error.reason === 'timeout') return 'It did not answer in time.';
    return 'It could not be reached.';
  }
  // The SDK's errors name the HTTP status or the protocol error; the cause (the guard's) is checked first.
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof OutboundRequestError) return describeFailure(cause);
  return `It answered in a way Parley could not use: ${(error as Error).message}`.slice(0, 500);
}
