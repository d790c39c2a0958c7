/**
 * The endpoint of a scenario's mocked tools: a loopback HTTP server that answers each of the organization's HTTP actions
 * with the response the running scenario gives it, and with a 501 when it gives none. The sandbox's actions are pointed
 * at it, so their calls go through the real action code (input checks, templates, the outbound guard, the response
 * mapping) and never reach the site's own systems.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario } from './scenario.js';

/** The mock endpoint: where each action is sent, and the scenario whose responses it gives. */
export interface ToolMocks {
  /** The address an action named `name` is sent to. */
  urlOf(name: string): string;
  /** Answers with `scenario`'s tool responses from now on. */
  use(scenario: Pick<Scenario, 'name' | 'tools'>): void;
  close(): Promise<void>;
}

/** Starts the mock endpoint on a loopback port. */
export async function startToolMocks(): Promise<ToolMocks> {
  let current: Pick<Scenario, 'name' | 'tools'> = { name: '', tools: {} };
  const server: Server = createServer((request, response) => {
    // Drain the body (an action's JSON input): the scenario's answer does not depend on it.
    request.resume();
    request.on('end', () => {
      const name = decodeURIComponent(new URL(request.url ?? '/', 'http://mock').pathname.replace(/^\/tools\//, ''));
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlOf: (name) => `http://127.0.0.1:${port}/tools/${encodeURIComponent(name)}`,
    use(scenario) {
      current = scenario;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
