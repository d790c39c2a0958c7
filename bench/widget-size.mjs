// Widget size check: the bytes a visitor's browser receives, as the server sends them. Run from the repository root
// after building:
//
//   npx -y pnpm@10 run build && node bench/widget-size.mjs     (or: pnpm bench:size)
//
// Starts the built server in this process (embedded database, built assets) and fetches, over HTTP, the script-tag
// loader (/widget.js) and the main chunk the loader imports (plus every chunk that one imports statically, i.e. what a
// visitor downloads to see the widget; the widget build's manifest names them), three times each: with
// `Accept-Encoding: br, gzip` (what browsers get: brotli), with `gzip` (what a client without brotli gets) and with
// `identity` (raw). Prints each figure, one a line, then compares the gzip figures with
// packages/widget/size-budget.json (then lists each lazy chunk, fetched only when a visitor needs it): budgets are kept on gzip, the larger of the two encodings a browser may get.
// Exits 1 when one is over its budget or the build is missing. Budgets start at the first measurement and only go
// down; raising one needs a reason.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startParley } from './lib/parley.mjs';
import { encodings, measure } from './lib/served-size.mjs';

const widgetDir = join(root, 'packages/widget');
const budget = JSON.parse(readFileSync(join(widgetDir, 'size-budget.json'), 'utf8'));
const manifestFile = join(widgetDir, 'dist/.vite/manifest.json');
if (!existsSync(manifestFile) || !existsSync(join(root, 'apps/server/dist/app.js'))) {
  console.error('The widget or the server is not built: run npx -y pnpm@10 run build first.');
  process.exit(1);
}

/** URL paths of the main chunk and of every chunk it imports statically; dynamic imports are lazy and not counted. */
function mainChunkPaths() {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const paths = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || paths.has(`/${chunk.file}`)) return;
    paths.add(`/${chunk.file}`);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit('src/index.ts');
  return [...paths];
}

/**
 * Lazy chunks: every chunk the main one or a lazy one imports dynamically (a phone's layout, a language's catalog,
 * files, proactive messages…), each with the chunks it imports statically that the main chunk doesn't have, as the
 * browser fetches them when that import runs. Named by the module that is imported.
 */
function lazyChunks(mainPaths) {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const lazy = new Map();
  const collect = (key, into) => {
    const chunk = manifest[key];
    const path = `/${chunk.file}`;
    if (mainPaths.includes(path) || into.includes(path)) return;
    into.push(path);
    for (const imported of chunk.imports ?? []) collect(imported, into);
  };
  const queue = ['src/index.ts'];
  for (let key; (key = queue.shift());) {
    for (const dynamic of manifest[key].dynamicImports ?? []) {
      if (lazy.has(dynamic)) continue;
      const paths = [];
      collect(dynamic, paths);
      lazy.set(dynamic, paths);
      queue.push(dynamic);
    }
  }
  return [...lazy].filter(([, paths]) => paths.length > 0);
}

const parley = await startParley({}, {}, { assets: true });
let loader;
let main;
const mainPaths = mainChunkPaths();
const lazySizes = [];
try {
  loader = await measure(parley.url, ['/widget.js']);
  main = await measure(parley.url, mainPaths);
  for (const [name, paths] of lazyChunks(mainPaths)) lazySizes.push([name, paths, await measure(parley.url, paths)]);
} finally {
  await parley.close();
}
const total = Object.fromEntries(encodings.map(([name]) => [name, loader[name] + main[name]]));

console.log(`served over HTTP (${mainPaths.join(', ')}):`);
for (const [name] of encodings) {
  console.log(`loader ${name} bytes: ${loader[name]}`);
  console.log(`main chunk ${name} bytes (${mainPaths.length} file${mainPaths.length === 1 ? '' : 's'}): ${main[name]}`);
  console.log(`loader + main chunk ${name} bytes: ${total[name]}`);
}
for (const [name, paths, sizes] of lazySizes) {
  console.log(`lazy ${name} (${paths.join(', ')}) gzip bytes: ${sizes.gzip}, brotli bytes: ${sizes.brotli}`);
}

const checks = [
  ['loader gzip', loader.gzip, budget.loaderGzip],
  ['loader + main chunk gzip', total.gzip, budget.totalGzip],
];
let over = false;
for (const [name, size, limit] of checks) {
  const ok = size <= limit;
  over ||= !ok;
  console.log(`${ok ? 'ok' : 'OVER BUDGET'}: ${name} ${size} / ${limit} bytes`);
}
process.exit(over ? 1 : 0);
