import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from './helpers/cli-process.js';
import { helpPage, testSite } from './helpers/test-site.js';

// `parley kb crawl` as a user runs it: the built CLI on its own embedded data folder, crawling a site on loopback.
// About the embedded database, so DATABASE_URL is removed even when the suite runs on Postgres.

const site = testSite();
let dataDir: string;

async function parley(args: string[], env: Record<string, string> = {}) {
  const run = runCli(args, { PARLEY_DATA_DIR: dataDir, ...env });
  const code = await run.exited;
  return { code, ...run.output };
}

const paragraph = (topic: string) =>
  `Everything about ${topic}: how it works for orders placed in our shop, how long it takes, and what to do when ` +
  `something goes wrong along the way. Our support team answers every message within one working day.`;

beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npx -y pnpm@10 run build).`);
  dataDir = mkdtempSync(join(tmpdir(), 'parley-kb-crawl-'));
  await site.listen();
  site.pages = {
    '/': { etag: 'home', body: helpPage('Help center', [paragraph('our help center')], ['/returns', '/shipping', '/missing']) },
    '/returns': { etag: 'returns', body: helpPage('Returns', [paragraph('returns')]) },
    '/shipping': { etag: 'shipping', body: helpPage('Shipping', [paragraph('shipping')]) },
  };
  // The demo organization: the only one, so the crawl needs no --organization.
  const seeded = await parley(['seed']);
  expect(seeded.code, seeded.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await site.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('parley kb crawl', () => {
  it('crawls a site into the knowledge base, reports a broken link, and leaves unchanged pages alone the second time', async () => {
    const first = await parley(['kb', 'crawl', `${site.origin}/`], { PARLEY_OUTBOUND_ALLOW: 'loopback' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`^Crawled ${site.origin}/ in \\d+\\.\\d s: 3 new, 0 updated, 0 unchanged, 0 removed; 0 skipped, 1 failed\\.$`, 'm'),
    );
    expect(first.stderr).toContain(`1 problem:\n  ${site.origin}/missing: `);
    expect(first.stderr).toContain('404');

    const requestsBefore = site.requests.length;
    const second = await parley(['kb', 'crawl', `${site.origin}/`, '--max-depth', '1'], { PARLEY_OUTBOUND_ALLOW: 'loopback' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('0 new, 0 updated, 3 unchanged, 0 removed; 0 skipped, 1 failed.');
    expect(site.answered(304).length).toBe(3);
    expect(site.requests.length - requestsBefore).toBe(5); // robots.txt, three 304s and the broken link
  }, 60_000);

  it('exits 1 with the reason when the site cannot be crawled, and refuses bad arguments', async () => {
    // Without the allowance the guard refuses loopback before anything is sent.
    const refused = await parley(['kb', 'crawl', `${site.origin}/`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "The crawl failed: 127.0.0.1 is a loopback address (this machine); Parley doesn't fetch loopback addresses unless PARLEY_OUTBOUND_ALLOW says so.",
    );
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    for (const [args, message] of [
      [['kb', 'crawl'], 'Name the help center to crawl'],
      [['kb', 'crawl', 'ftp://help.example.com/'], 'must be an http(s) URL'],
      [['kb', 'crawl', `${site.origin}/`, '--max-pages', 'lots'], '--max-pages must be a whole number from 1 to 5000'],
      [['kb', 'crawl', `${site.origin}/`, '--sitemap'], 'is a website source already: leave out --sitemap'],
    ] as const) {
      const bad = await parley([...args]);
      expect(bad.code, args.join(' ')).toBe(1);
      expect(bad.stderr).toContain(message);
    }
  }, 60_000);
});
