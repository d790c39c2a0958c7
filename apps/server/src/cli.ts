#!/usr/bin/env node
/**
 * The `parley` command: `start` (migrate, seed the demo, serve), `migrate`, `seed [--reset-password]`, and
 * `kb import <file|folder>…`, `kb crawl <url>`, `kb embed` (knowledge base), and `eval <file|folder>…` (bot scenarios).
 * @module
 */
import { parseArgs } from 'node:util';
import { createDb, DataDirLockedError, knowledgeSources, organizations, type DataDirOpener, type DbHandle } from '@parley/db';
import { and, eq } from 'drizzle-orm';
import { buildApp } from './app.js';
import { knowledgeFileExtensions } from '@parley/protocol';
import { collectFiles, importFiles, type FileImportResult } from './knowledge/import-files.js';
import { vacuumKnowledgeIndex } from './knowledge/maintenance.js';
import { embedMissingChunks, semanticIndexFromConfig } from './knowledge/semantic-index.js';
import { createKnowledgeSource, normalizeSourceUrl } from './knowledge/sources.js';
import { syncKnowledgeSource, type PageAction } from './knowledge/sync-source.js';
import { createOutboundFetch } from './plugins/outbound.js';
import { ConfigError, embeddedDbDir, loadConfig, publicBaseUrl, type Config } from './config.js';
import { resolveSecret } from './secret.js';
import { seedDemo, type DemoSeedResult } from './seed/demo.js';
import { collectScenarioFiles, runEvalCommand } from './evals/command.js';
import { formatSummary } from './evals/report.js';
import { storeEvalRun } from './evals/runs.js';
import { copiedSandbox, demoSandbox, type Sandbox } from './evals/sandbox.js';
import { loadScenarios, ScenarioFileError } from './evals/scenario.js';

const usage = `Usage: parley <command>

Commands:
  start                    Apply migrations, create the demo data on first start, and serve Parley.
  migrate                  Apply database migrations and exit.
  seed [--reset-password]  Create the demo data; --reset-password gives the demo agent a new password.
  kb import <file|folder>… [--organization ID] [--base-url URL]
                           Import documents into the knowledge base: Markdown and MDX (with front matter), HTML,
                           plain text, FAQ files (CSV with question/answer columns, or JSON Lines), and PDFs with a
                           text layer (cited by page). A file imported again replaces its document; unchanged files
                           are skipped. ID defaults to the only organization. With --base-url, help/returns.md is
                           cited as URL/help/returns (or under its front matter slug), manuals/dryer.pdf as
                           URL/manuals/dryer.pdf. Dropped template macros are listed as warnings.
  kb crawl <url> [--sitemap] [--max-pages N] [--max-depth N] [--organization ID]
                           Crawl a help center into the knowledge base: from its start page, following links on the
                           same site (up to N links away, 5 by default), or with --sitemap the pages a sitemap lists;
                           at most --max-pages pages (500). Each page is a document cited with its address. The site
                           is kept as a website source: crawled again, changed pages are updated, unchanged ones
                           (304) left alone and pages that are gone removed. Private and loopback addresses are
                           refused unless PARLEY_OUTBOUND_ALLOW allows them.
  kb embed [--organization ID]
                           Embed the chunks that have no vector yet (documents imported before
                           PARLEY_EMBEDDINGS_URL was set), for semantic search.

  eval <file|folder>… [--profile NAME] [--runs K] [--json FILE] [--junit FILE] [--record DIR | --replay DIR]
                   [--demo] [--organization ID]
                           Run bot scenarios (YAML or JSON, see docs/evals.md) against a copy of the organization's
                           bot setup (widgets, profiles, actions, knowledge base) in a throwaway database: each
                           scenario K times (1), passing only if every run passes (pass^K). The model is Claude with
                           ANTHROPIC_API_KEY (an OpenAI-compatible one with PARLEY_OPENAI_BASE_URL), the streams
                           recorded into DIR with --record and replayed from it with --replay (no key needed), else
                           the offline answerer. Actions answer with the scenario's mocked responses, never the real
                           endpoint. The report is kept for the console (Bot profiles → Scenario runs); --demo runs on the
                           demo shop instead and keeps nothing. Exits 1 when a scenario fails.

Configuration comes from environment variables: see docs/configuration.md.`;

/**
 * Opens the database for one command. The embedded database serves one process only, so a folder another process
 * holds is refused with the lock's message (who holds it, what to do), followed by `whileServing`: how to do the same
 * through the running server, where there is a way.
 */
async function openDatabase(config: Config, openedBy: DataDirOpener, whileServing?: string): Promise<DbHandle> {
  try {
    return await createDb({ url: config.databaseUrl, dataDir: embeddedDbDir(config), openedBy });
  } catch (error) {
    if (!DataDirLockedError.isInstance(error)) throw error;
    throw new CliError(whileServing ? `${error.message}\n${whileServing}` : error.message);
  }
}

const importWhileServing =
  "To import while the server runs, upload the files on the console's Knowledge base page (/console/knowledge) or " +
  'send them to POST /api/knowledge/documents (see docs/knowledge.md).';
const crawlWhileServing =
  "To crawl while the server runs, add the site under Websites on the console's Knowledge base page (/console/knowledge) " +
  'or send it to POST /api/knowledge/sources (see docs/knowledge.md).';
const evalWhileServing =
  'To run scenarios while the server runs on its embedded database, stop it first, or run Parley on Postgres ' +
  '(DATABASE_URL), which the server and `parley eval` can share.';
const resetPasswordWhileServing =
  'A new password needs the database to itself: stop the server, run `parley seed --reset-password`, then start it again.';

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
  const handle = await openDatabase(config, { command: 'start', port: config.port });
  await handle.migrate();
  const baseUrl = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const secret = resolveSecret(config, (m) => console.warn(m));
  const seed = config.seedDemo ? await seedDemo(handle.db, { origins: demoOrigins(config), baseUrl: publicBaseUrl(config), secret }) : null;
  const app = await buildApp({ config, db: handle, secret });

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

  // In development the banner below says where Parley listens, and Fastify's JSON line about it would only stand in
  // front of it; production logs keep the line.
  const logLevel = app.log.level;
  if (config.env !== 'production') app.log.level = 'warn';
  await app.listen({ port: config.port, host: config.host });
  app.log.level = logLevel;
  const database = handle.driver === 'pglite' ? `embedded (PGlite) in ${embeddedDbDir(config)}` : 'Postgres (DATABASE_URL)';
  console.log(
    `\n  Parley is running at ${baseUrl}\n    demo shop:  ${baseUrl}/\n    console:    ${baseUrl}/console/\n` +
      `    widget:     ${baseUrl}/widget.js\n    database:   ${database}`,
  );
  if (seed) printDemoAccount(seed, baseUrl);
}

/** An error whose message is all the user needs (no stack). */
class CliError extends Error {}

async function resolveOrganization(handle: DbHandle, requested: string | undefined): Promise<string> {
  const rows = await handle.db.select({ id: organizations.id, name: organizations.name }).from(organizations);
  if (requested) {
    if (!rows.some((row) => row.id === requested)) throw new CliError(`No organization has the id ${requested}.`);
    return requested;
  }
  if (rows.length === 1) return rows[0]!.id;
  if (rows.length === 0) throw new CliError('There is no organization yet: run `parley seed` or `parley start` first.');
  throw new CliError(
    `There are several organizations; choose one with --organization:\n${rows.map((row) => `  ${row.id}  ${row.name}`).join('\n')}`,
  );
}

function drawProgress(done: number, total: number, result: FileImportResult) {
  const width = 24;
  const filled = Math.round((done / total) * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const name = result.file.sourceKey.length > 40 ? `…${result.file.sourceKey.slice(-39)}` : result.file.sourceKey;
  process.stderr.write(`\r\x1b[K  [${bar}] ${done}/${total}  ${name}`);
}

async function importKnowledge(config: Config, paths: string[], organization: string | undefined, baseUrl: string | undefined) {
  if (baseUrl !== undefined && !(URL.canParse(baseUrl) && /^https?:$/.test(new URL(baseUrl).protocol))) {
    throw new CliError(`--base-url must be an http(s) URL, not "${baseUrl}".`);
  }
  if (paths.length === 0) throw new CliError(`Name the files or folders to import (${knowledgeFileExtensions.join(', ')}).`);
  const { files, skipped } = await collectFiles(paths).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'ENOENT' ? `No such file or folder: ${error.path}` : error.message);
  });
  if (files.length === 0) throw new CliError(`No importable files (${knowledgeFileExtensions.join(', ')}) in ${paths.join(', ')}.`);
  const handle = await openDatabase(config, { command: 'kb import' }, importWhileServing);
  try {
    await handle.migrate();
    const organizationId = await resolveOrganization(handle, organization);
    const semantic = await semanticIndexFromConfig(handle, config.embeddings, { warn: (_details, message) => console.warn(message) });
    const started = performance.now();
    const showProgress = process.stderr.isTTY === true;
    const summary = await importFiles(handle.db, organizationId, files, {
      baseUrl,
      semantic,
      onProgress: (done, result) => {
        if (showProgress) drawProgress(done, files.length, result);
      },
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    await vacuumKnowledgeIndex(handle);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Imported ${files.length - summary.failed.length} of ${files.length} files in ${seconds} s: ${summary.created} new, ` +
        `${summary.updated} updated, ${summary.unchanged} unchanged; ${summary.chunks} chunks written.`,
    );
    if (skipped.length > 0) console.log(`Skipped ${skipped.length} files of other types (${knowledgeFileExtensions.join(', ')} are read).`);
    if (summary.warned.length > 0) {
      console.warn(`${summary.warned.length} files were imported with warnings:`);
      for (const { file, warnings } of summary.warned) for (const warning of warnings) console.warn(`  ${file.path}: ${warning}`);
    }
    if (summary.failed.length > 0) {
      console.error(`${summary.failed.length} files failed and were not imported:`);
      for (const failure of summary.failed) if (!failure.ok) console.error(`  ${failure.file.path}: ${failure.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await handle.close();
  }
}

/** A positive whole number given for `flag`, or undefined when the flag is absent. */
function integerOption(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max)
    throw new CliError(`${flag} must be a whole number from ${min} to ${max}, not "${value}".`);
  return number;
}

/** What the crawl's `stoppedBy` means for the summary. */
const stopExplanations: Record<string, string> = {
  maxPages: 'it reached --max-pages',
  maxTotalBytes: 'it read 200 MB',
  timeLimit: 'it ran for 10 minutes',
  maxDepth: 'links went deeper than --max-depth',
  robotsUnavailable: "the site's robots.txt could not be read",
};

async function crawlKnowledge(
  config: Config,
  url: string | undefined,
  options: { sitemap: boolean; maxPages: string | undefined; maxDepth: string | undefined; organization: string | undefined },
) {
  if (url === undefined) throw new CliError('Name the help center to crawl: parley kb crawl https://help.example.com/');
  if (!(URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)))
    throw new CliError(`The address to crawl must be an http(s) URL, not "${url}".`);
  const maxPages = integerOption('--max-pages', options.maxPages, 1, 5000);
  const maxDepth = integerOption('--max-depth', options.maxDepth, 0, 20);
  const kind = options.sitemap ? 'sitemap' : 'website';
  const handle = await openDatabase(config, { command: 'kb crawl' }, crawlWhileServing);
  const outboundFetch = createOutboundFetch({ allow: config.outbound.allow });
  try {
    await handle.migrate();
    const organizationId = await resolveOrganization(handle, options.organization);
    const semantic = await semanticIndexFromConfig(handle, config.embeddings, { warn: (_details, message) => console.warn(message) });
    const address = normalizeSourceUrl(url);
    const [existing] = await handle.db
      .select()
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.organizationId, organizationId), eq(knowledgeSources.url, address)));
    let sourceId: string;
    if (existing) {
      if (existing.kind !== kind) {
        throw new CliError(
          `${address} is a ${existing.kind} source already: ${existing.kind === 'sitemap' ? 'add' : 'leave out'} --sitemap to crawl it.`,
        );
      }
      sourceId = existing.id;
      const limits = { maxPages: maxPages ?? existing.limits.maxPages, maxDepth: maxDepth ?? existing.limits.maxDepth };
      await handle.db.update(knowledgeSources).set({ limits }).where(eq(knowledgeSources.id, sourceId));
    } else {
      sourceId = await createKnowledgeSource(handle.db, { organizationId, url: address, kind, maxPages, maxDepth });
    }

    const started = performance.now();
    const showProgress = process.stderr.isTTY === true;
    let pages = 0;
    const outcome = await syncKnowledgeSource(handle.db, {
      organizationId,
      sourceId,
      fetch: outboundFetch,
      semantic,
      onPage: (pageUrl: string, action: PageAction) => {
        if (action !== 'removed') pages++;
        if (!showProgress) return;
        const shown = pageUrl.length > 60 ? `…${pageUrl.slice(-59)}` : pageUrl;
        process.stderr.write(`\r\x1b[K  ${pages} pages  ${action.padEnd(9)} ${shown}`);
      },
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (!outcome) throw new CliError(`The source ${address} was removed while it was crawled.`);
    await vacuumKnowledgeIndex(handle);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const { added, updated, unchanged, removed, skipped, failed } = outcome.counts;
    console.log(
      `Crawled ${address} in ${seconds} s: ${added} new, ${updated} updated, ${unchanged} unchanged, ${removed} removed; ` +
        `${skipped} skipped, ${failed} failed.`,
    );
    const stop = outcome.counts.stoppedBy;
    if (stop && stop !== 'robotsUnavailable') {
      console.log(
        `The crawl stopped early because ${stopExplanations[stop] ?? stop}` +
          (stop === 'maxDepth' ? '.' : ': the pages it did not reach keep their documents.'),
      );
    }
    // A failed crawl's reason is its first problem, said once below.
    const problems = outcome.problems.filter((problem) => problem !== outcome.error);
    if (problems.length > 0) {
      console.warn(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:`);
      for (const problem of problems) console.warn(`  ${problem}`);
    }
    if (outcome.status === 'failed') {
      console.error(`The crawl failed: ${outcome.error}`);
      process.exitCode = 1;
    }
  } finally {
    await outboundFetch.close();
    await handle.close();
  }
}

async function embedKnowledge(config: Config, organization: string | undefined) {
  if (!config.embeddings) throw new CliError('Set PARLEY_EMBEDDINGS_URL, _MODEL and _DIMENSIONS first: see docs/configuration.md.');
  const handle = await openDatabase(config, { command: 'kb embed' });
  try {
    await handle.migrate();
    const organizationId = await resolveOrganization(handle, organization);
    const semantic = await semanticIndexFromConfig(handle, config.embeddings, { warn: (_details, message) => console.warn(message) });
    if (!semantic) throw new CliError('Semantic search is not available in this database (see the warning above).');
    const showProgress = process.stderr.isTTY === true;
    const embedded = await embedMissingChunks(handle.db, organizationId, semantic, (count) => {
      if (showProgress) process.stderr.write(`\r\x1b[K  embedded ${count} chunks`);
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    console.log(embedded === 0 ? 'Every chunk already has a vector.' : `Embedded ${embedded} chunks.`);
  } finally {
    await handle.close();
  }
}

async function evaluate(
  config: Config,
  paths: string[],
  values: {
    organization?: string | undefined;
    demo?: boolean | undefined;
    profile?: string | undefined;
    runs?: string | undefined;
    json?: string | undefined;
    junit?: string | undefined;
    record?: string | undefined;
    replay?: string | undefined;
  },
) {
  if (paths.length === 0) throw new CliError('Name the scenario files or folders: parley eval evals/');
  if (values.record && values.replay) throw new CliError('Choose --record or --replay, not both.');
  const runs = integerOption('--runs', values.runs, 1, 100) ?? 1;
  const scenarios = await loadScenarios(await collectScenarioFiles(paths));
  const secret = resolveSecret(config, (message) => console.warn(message));
  // The organization's database: copied from, and where the report is kept. The demo needs none.
  const source = values.demo ? null : await openDatabase(config, { command: 'eval' }, evalWhileServing);
  let sandbox: Sandbox | null = null;
  try {
    let organizationId: string | null = null;
    if (source) {
      await source.migrate();
      organizationId = await resolveOrganization(source, values.organization);
      sandbox = await copiedSandbox(source.db, organizationId);
    } else {
      sandbox = await demoSandbox(secret);
    }
    console.log(`Running ${scenarios.length} scenarios × ${runs} runs…`);
    const report = await runEvalCommand({
      config,
      env: process.env,
      secret,
      sandbox,
      scenarios,
      options: {
        runs,
        profile: values.profile ?? null,
        json: values.json,
        junit: values.junit,
        record: values.record,
        replay: values.replay,
      },
      print: (line) => console.log(line),
    });
    console.log(`\n${formatSummary(report)}`);
    if (source && organizationId) {
      await storeEvalRun(source.db, organizationId, report);
      console.log('  The report is kept: console → Settings → Bot profiles → Scenario runs.');
    }
    if (!report.passed) process.exitCode = 1;
  } finally {
    await sandbox?.handle.close();
    await source?.close();
  }
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'reset-password': { type: 'boolean' },
      organization: { type: 'string' },
      'base-url': { type: 'string' },
      sitemap: { type: 'boolean' },
      'max-pages': { type: 'string' },
      'max-depth': { type: 'string' },
      demo: { type: 'boolean' },
      profile: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      record: { type: 'string' },
      replay: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
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
      const handle = await openDatabase(config, { command: 'migrate' });
      try {
        await handle.migrate();
      } finally {
        await handle.close();
      }
      console.log('Migrations applied.');
      return;
    }
    case 'seed': {
      const resetPassword = values['reset-password'] === true;
      const handle = resetPassword
        ? await openDatabase(config, { command: 'seed --reset-password' }, resetPasswordWhileServing)
        : await openDatabase(config, { command: 'seed' });
      let result: DemoSeedResult;
      try {
        await handle.migrate();
        result = await seedDemo(handle.db, {
          origins: demoOrigins(config),
          baseUrl: publicBaseUrl(config),
          secret: resolveSecret(config, (m) => console.warn(m)),
          resetPassword,
        });
      } finally {
        await handle.close();
      }
      if (!result.password) console.log('The demo data already exists; use --reset-password for a new agent password.');
      printDemoAccount(result, publicBaseUrl(config));
      return;
    }
    case 'kb': {
      if (positionals[1] === 'import') return importKnowledge(config, positionals.slice(2), values.organization, values['base-url']);
      if (positionals[1] === 'embed') return embedKnowledge(config, values.organization);
      if (positionals[1] === 'crawl') {
        return crawlKnowledge(config, positionals[2], {
          sitemap: values.sitemap === true,
          maxPages: values['max-pages'],
          maxDepth: values['max-depth'],
          organization: values.organization,
        });
      }
      throw new CliError(`Unknown kb command: ${positionals[1] ?? '(none)'}\n\n${usage}`);
    }
    case 'eval':
      return evaluate(config, positionals.slice(1), values);
    default:
      console.error(`Unknown command: ${command}\n\n${usage}`);
      process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CliError || error instanceof ScenarioFileError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
