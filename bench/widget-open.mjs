// How long a visitor waits for the chat, in Debian's Chromium: from a click on the launcher to the composer ready
// (in the page, focused). Run from the repository root after building:
//
//   npx -y pnpm@10 run build && node bench/widget-open.mjs [--runs 50] [--json]
//
// Starts `parley start` on a fresh data folder (embedded database, demo shop) and, per run, loads the demo page and
// clicks the loader's launcher as soon as it shows, before the loader has fetched the chat on idle, so the time
// includes fetching the chat:
//
//   cold   a new browser profile each run: nothing cached (the chat, its settings, the page)
//   warm   one profile, the page reloaded each run: the chat's content-hashed file comes from the browser's cache
//
// Prints p50, p90 and p99 per scenario in milliseconds. Times are measured in the page (performance.now() around the
// click, then requestAnimationFrame until the composer has the focus), so the automation's own latency stays out.
import { launchChromium, startParleyProcess } from './lib/parley-process.mjs';

const runsArgument = process.argv.indexOf('--runs');
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 50;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs takes a positive whole number.');
  process.exit(1);
}

/** Loads the demo page, waits for the loader's launcher, clicks it and returns the milliseconds to a focused composer. */
async function clickToComposer(page, url) {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => document.querySelector('[data-parley-widget]')?.shadowRoot?.querySelector('button'));
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const root = document.querySelector('[data-parley-widget]').shadowRoot;
        const started = performance.now();
        root.querySelector('button').click();
        const deadline = started + 30_000;
        const check = () => {
          const composer = root.querySelector('textarea');
          if (composer && root.activeElement === composer) resolve(performance.now() - started);
          else if (performance.now() > deadline) reject(new Error('The composer was not ready within 30 s.'));
          else requestAnimationFrame(check);
        };
        check();
      }),
  );
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function summary(times) {
  const sorted = times.toSorted((a, b) => a - b);
  return { runs: sorted.length, p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99) };
}

const server = await startParleyProcess();
const browser = await launchChromium();
const results = {};
try {
  const url = `${server.url}/`;
  const cold = [];
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    cold.push(await clickToComposer(await context.newPage(), url));
    await context.close();
  }
  results.cold = summary(cold);

  const context = await browser.newContext();
  const page = await context.newPage();
  // One visit first, so that the chat is in the cache.
  await clickToComposer(page, url);
  const warm = [];
  for (let run = 0; run < runs; run++) warm.push(await clickToComposer(page, url));
  results.warm = summary(warm);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

for (const [name, { runs: count, p50, p90, p99 }] of Object.entries(results)) {
  console.log(
    `${name}: click to composer ready p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${count} runs)`,
  );
}
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
