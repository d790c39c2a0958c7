import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const folder = mkdtempSync(join(tmpdir(), 'parley-mcp-config-unit-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function configWith(file: unknown, env: Record<string, string> = {}) {
  const path = join(folder, `mcp-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof file === 'string' ? file : JSON.stringify(file));
  return () => loadConfig({ PARLEY_MCP_CONFIG: path, ...env }, folder);
}

const warehouse = { command: 'node', args: ['warehouse.mjs'], organizations: '*', allowedTools: ['stock'] };

describe('PARLEY_MCP_CONFIG', () => {
  it('reads the servers with their defaults, a working folder beside the file and variables from the environment', () => {
    const config = configWith(
      { mcpServers: { warehouse: { ...warehouse, env: { TOKEN: '$WAREHOUSE_TOKEN', REGION: 'eu' }, cwd: 'mcp' } } },
      { WAREHOUSE_TOKEN: 'wh-secret' },
    )();
    expect(config.mcpServers).toEqual([
      {
        name: 'warehouse',
        command: 'node',
        args: ['warehouse.mjs'],
        env: { TOKEN: 'wh-secret', REGION: 'eu' },
        cwd: join(folder, 'mcp'),
        organizations: '*',
        allowedTools: ['stock'],
        toolPolicies: {},
        approverTeamId: null,
        decisionTimeoutSeconds: 900,
        timeoutMs: 15_000,
      },
    ]);
    expect(loadConfig({}, folder).mcpServers).toEqual([]);
  });

  it.each([
    ['a missing file', null, /no such file/],
    ['a file that is not JSON', 'mcpServers: {}', /not valid JSON/],
    ['a server without a command', { mcpServers: { warehouse: { ...warehouse, command: undefined } } }, /mcpServers\.warehouse\.command/],
    ['a bad server name', { mcpServers: { 'Ware house': warehouse } }, /mcpServers\.Ware house/],
    ['no allowed tool', { mcpServers: { warehouse: { ...warehouse, allowedTools: [] } } }, /allowedTools/],
    [
      'a policy of a tool not allowed',
      { mcpServers: { warehouse: { ...warehouse, toolPolicies: { clear: 'approve' } } } },
      /toolPolicies\.clear: Allow the tool first/,
    ],
    [
      'an approver team for every organization',
      { mcpServers: { warehouse: { ...warehouse, approverTeamId: '0b6f4a8e-4c1d-4f7e-9a52-3d1c7e9b2a10' } } },
      /approverTeamId/,
    ],
    ['an unknown field (a typo)', { mcpServers: { warehouse: { ...warehouse, allowedTool: ['stock'] } } }, /allowedTool/],
    [
      'a variable Parley does not have',
      { mcpServers: { warehouse: { ...warehouse, env: { TOKEN: '$NOT_SET_ANYWHERE' } } } },
      /env\.TOKEN: \$NOT_SET_ANYWHERE is not set/,
    ],
  ])('refuses %s, naming the variable and the place', (_name, file, message) => {
    const load = file === null ? () => loadConfig({ PARLEY_MCP_CONFIG: join(folder, 'absent.json') }, folder) : configWith(file as unknown);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PARLEY_MCP_CONFIG: /);
    expect(load).toThrow(message);
  });
});
