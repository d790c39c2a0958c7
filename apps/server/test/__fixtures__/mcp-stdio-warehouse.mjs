// A small MCP server over stdio, for the tests of PARLEY_MCP_CONFIG: Parley starts it as a child process. Written for
// Parley's tests (MIT, as the repository). `stock` answers from a fixed table and says whether the variable the
// configuration file passed arrived; `clear_inventory` exists so that the tests can check it is never offered.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const stock = { 'TENT-2': 7, 'PACK-45': 0 };
const server = new McpServer({ name: 'warehouse', version: '1.0.0' });
server.registerTool(
  'stock',
  { description: 'Units in stock of a product, by its SKU.', inputSchema: { sku: z.string() } },
  async ({ sku }) => ({
    content: [
      {
        type: 'text',
        text: JSON.stringify({ sku, units: stock[sku] ?? null, token: process.env.WAREHOUSE_TOKEN === 'wh-secret' ? 'received' : 'missing' }),
      },
    ],
  }),
);
server.registerTool('clear_inventory', { description: 'Deletes every product.', inputSchema: {} }, async () => ({
  content: [{ type: 'text', text: 'cleared' }],
}));
await server.connect(new StdioServerTransport());
