#!/usr/bin/env node
/**
 * The `parley` command: `start` (migrate, seed the demo, serve), `migrate`, and `seed [--reset-password]`.
 * @module
 */
import { parseArgs } from 'node:util';
import { createDb } from '@parley/db';
import { buildApp } from './app.js';
import { ConfigError, embeddedDbDir, loadConfig, type Config } from './config.js';
import { resolveSecret } from './secret.js';
import { seedDemo, type DemoSeedResult } from './seed/demo.js';

const usage = `Usage: parley <command>

Commands:
  start                    Apply migrations, create the demo data on first start, and serve Parley.
  migrate                  Apply database migrations and exit.
  seed [--reset-password]  Create the demo data; --reset-password gives the demo agent a new password.

Configuration comes from environment variables: see docs/configuration.md.`;

function openDatabase(config: Config) {
  return createDb({ url: config.databaseUrl, dataDir: embeddedDbDir(config) });
}

function demoOrigins(config: Config): string[] {
  const origins = [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
  if (config.publicUrl) origins.push(new URL(config.publicUrl).origin);
  return origins;
}

function printDemoAccount(result: DemoSeedResult, baseUrl: string) {
  if (result.password) {
    console.log(
      `\n  Demo agent account (the password is shown only now;\n    \`node apps/server/dist/cli.js seed --reset-password\` makes a new one):\n` +
        `    e-mail:   ${result.email}\n    password: ${result.password}\n    console:  ${baseUrl}/console/\n`,
    );
  }
}

async function start(config: Config) {
  const handle = await openDatabase(config);
  await handle.migrate();
  const baseUrl = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const seed = config.seedDemo ? await seedDemo(handle.db, { origins: demoOrigins(config) }) : null;
  const app = await buildApp({ config, db: handle, secret: resolveSecret(config, (m) => console.warn(m)) });

  let closing = false;
  async function shutdown(signal: string) {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await handle.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const database = handle.driver === 'pglite' ? `embedded (PGlite) in ${embeddedDbDir(config)}` : 'Postgres (DATABASE_URL)';
  console.log(
    `\n  Parley is running at ${baseUrl}\n    demo shop:  ${baseUrl}/\n    console:    ${baseUrl}/console/\n` +
      `    widget:     ${baseUrl}/widget.js\n    database:   ${database}`,
  );
  if (seed) printDemoAccount(seed, baseUrl);
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'reset-password': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const handle = await openDatabase(config);
      await handle.migrate();
      await handle.close();
      console.log('Migrations applied.');
      return;
    }
    case 'seed': {
      const handle = await openDatabase(config);
      await handle.migrate();
      const result = await seedDemo(handle.db, { origins: demoOrigins(config), resetPassword: values['reset-password'] });
      await handle.close();
      if (!result.password) console.log('The demo data already exists; use --reset-password for a new agent password.');
      printDemoAccount(result, config.publicUrl ?? `http://localhost:${config.port}`);
      return;
    }
    default:
      console.error(`Unknown command: ${command}\n\n${usage}`);
      process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
