/**
 * MCP servers from the server's own configuration file (`PARLEY_MCP_CONFIG`): servers Parley starts as child processes
 * and talks to over stdio. A command line is never taken from the console or the API (those add Streamable HTTP
 * servers only): whoever can write this file can run programs as Parley already. The file is JSON, in the shape
 * Claude Desktop and other MCP clients use (`mcpServers`, each with `command`, `args`, `env`), plus what Parley needs to
 * offer the tools safely: which organizations get the server, which of its tools the bot may call, and their policies.
 * @module
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { mcpServerNameSchema } from '@parley/protocol';
import { z } from 'zod';

/** A tool name the model can be given as `<server>__<tool>` (Anthropic's and OpenAI's tool-name rule). */
const toolNameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,32}$/, 'A tool name: letters, digits, _ and -, at most 32 characters.');

const serverSchema = z
  .strictObject({
    /** The program to start, found on PATH or given by path. */
    command: z.string().trim().min(1),
    args: z.array(z.string()).default([]),
    /**
     * Variables for the program (besides a minimal PATH/HOME environment). A value `$NAME` is Parley's own variable
     * NAME: keep secrets in Parley's environment, not in the file.
     */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'An environment variable name.'), z.string()).default({}),
    /** The program's working folder; relative to the configuration file's folder. */
    cwd: z.string().min(1).optional(),
    /** The organizations (ids) whose bots get the server's tools, or "*" for every organization. */
    organizations: z.union([z.literal('*'), z.array(z.uuid()).min(1)]),
    /** The tools the bot may call; the server's other tools are never offered. */
    allowedTools: z.array(toolNameSchema).min(1),
    /** Tools that wait for the visitor's confirmation or an agent's approval; the others run at once. */
    toolPolicies: z.record(toolNameSchema, z.enum(['confirm', 'approve'])).default({}),
    /** The team whose agents approve (with one organization only: a team belongs to one); null: any agent. */
    approverTeamId: z.uuid().nullable().default(null),
    decisionTimeoutSeconds: z.int().min(60).max(86_400).default(900),
    /** Longest wait for the program to start and for each call. */
    timeoutMs: z.int().min(1000).max(120_000).default(15_000),
  })
  .superRefine((server, context) => {
    for (const tool of Object.keys(server.toolPolicies)) {
      if (!server.allowedTools.includes(tool)) {
        context.addIssue({
          code: 'custom',
          path: ['toolPolicies', tool],
          message: 'Allow the tool first: only allowed tools have a policy.',
        });
      }
    }
    if (server.approverTeamId !== null && (server.organizations === '*' || server.organizations.length !== 1)) {
      context.addIssue({ code: 'custom', path: ['approverTeamId'], message: 'A team belongs to one organization: name exactly one.' });
    }
  });

const fileSchema = z.strictObject({ mcpServers: z.record(mcpServerNameSchema, serverSchema) });

/** An MCP server of the configuration file, ready to start. */
export interface ConfiguredMcpServer extends Omit<z.output<typeof serverSchema>, 'cwd'> {
  name: string;
  /** The working folder, absolute. */
  cwd: string;
}

/**
 * Reads and checks the configuration file at `path` (relative to `cwd`), resolving `$NAME` values from `env`. Returns
 * the servers, or the problems, each naming its place in the file.
 */
export function readMcpConfigFile(
  path: string,
  env: Record<string, string | undefined>,
  cwd: string,
): { ok: true; servers: ConfiguredMcpServer[] } | { ok: false; problems: string[] } {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [code === 'ENOENT' ? `${file}: no such file` : `${file}: not valid JSON (${(error as Error).message})`] };
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.map((issue) => `${file}: ${issue.path.join('.')}: ${issue.message}`) };
  const problems: string[] = [];
  const folder = resolve(file, '..');
  const servers = Object.entries(parsed.data.mcpServers).map(([name, server]) => {
    const resolvedEnv = Object.fromEntries(
      Object.entries(server.env).map(([variable, value]) => {
        if (!value.startsWith('$')) return [variable, value];
        const own = env[value.slice(1)];
        if (own === undefined || own === '')
          problems.push(`${file}: mcpServers.${name}.env.${variable}: ${value} is not set in Parley's environment`);
        return [variable, own ?? ''];
      }),
    );
    return { ...server, name, env: resolvedEnv, cwd: server.cwd ? resolve(folder, server.cwd) : folder };
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, servers };
}
