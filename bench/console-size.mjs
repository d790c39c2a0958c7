// Console size check: the JavaScript and CSS an agent's browser loads to show the console, as the server sends them.
// Run from the repository root after building:
//
//   npx -y pnpm@10 run build && node bench/console-size.mjs     (or: pnpm bench:console-size)
//
// Starts the built server in this process and fetches, over HTTP, what the console's index.html loads at once (its
// module script, the chunks it preloads, its stylesheets) with brotli, gzip and no compression, then each lazy chunk
// on its own (settings pages and the like, loaded when opened). Compares the gzip figure of what loads at once with
// apps/console/size-budget.json. Exits 1 when it is over its budget or the build is missing. Budgets only go down;
// raising one needs a reason, and the closing note of the change says what its bytes bought.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startParley } from './lib/parley.mjs';
import { encodings, measure } from './lib/served-size.mjs';

const consoleDir = join(root, 'apps/console');
const budget = JSON.parse(readFileSync(join(consoleDir, 'size-budget.json'), 'utf8'));
const indexFile = join(consoleDir, 'dist/index.html');
if (!existsSync(indexFile) || !existsSync(join(root, 'apps/server/dist/app.js'))) {
  console.error('The console or the server is not built: run npx -y pnpm@10 run build first.');
  process.exit(1);
}

/** URL paths of the scripts, preloaded chunks and stylesheets index.html loads. */
function initialPaths() {
  const html = readFileSync(indexFile, 'utf8');
  const paths = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1]);
  return [...new Set(paths)];
}

const initial = initialPaths();
const lazy = readdirSync(join(consoleDir, 'dist/assets'))
  .filter((file) => file.endsWith('.js') && !initial.includes(`/console/assets/${file}`))
  .map((file) => `/console/assets/${file}`);

const parley = await startParley({}, {}, { assets: true });
let atOnce;
const lazySizes = [];
try {
  atOnce = await measure(parley.url, initial);
  for (const path of lazy) lazySizes.push([path, await measure(parley.url, [path])]);
} finally {
  await parley.close();
}

console.log(`loaded at once (${initial.join(', ')}):`);
for (const [name] of encodings) console.log(`console ${name} bytes: ${atOnce[name]}`);
for (const [path, sizes] of lazySizes) console.log(`lazy ${path} gzip bytes: ${sizes.gzip}`);

const ok = atOnce.gzip <= budget.initialGzip;
console.log(`${ok ? 'ok' : 'OVER BUDGET'}: console loaded at once gzip ${atOnce.gzip} / ${budget.initialGzip} bytes`);
process.exit(ok ? 0 : 1);
