// Widget size check. Run from the repository root after building the widget:
//
//   (cd packages/widget && npx pnpm@10 run build) && node bench/widget-size.mjs     (or: pnpm bench:size)
//
// Prints raw and gzipped bytes of the script-tag loader (dist/loader.js), of the main chunk (dist/widget.js plus every
// chunk it imports statically, i.e. what a visitor downloads to see the widget) and of both together, one figure a
// line, then compares the gzipped figures with packages/widget/size-budget.json. Exits 1 when one is over its budget
// or the build is missing. Budgets start at the first measurement and only go down; raising one needs a reason.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const widgetDir = resolve(dirname(fileURLToPath(import.meta.url)), '../packages/widget');
const distDir = join(widgetDir, 'dist');
const budget = JSON.parse(readFileSync(join(widgetDir, 'size-budget.json'), 'utf8'));

/** `from "./x.js"` and `import "./x.js"` in minified ES modules; dynamic `import(…)` is lazy and not counted. */
const staticImport = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;

/** The file and everything it imports statically, each once. */
function withStaticImports(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(staticImport)) {
    withStaticImports(resolve(dirname(file), specifier), seen);
  }
  return seen;
}

function measure(files) {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

const loaderFile = join(distDir, 'loader.js');
const mainFile = join(distDir, 'widget.js');
for (const file of [loaderFile, mainFile]) {
  if (!existsSync(file)) {
    console.error(`${relative(process.cwd(), file)} is missing: build the widget first (cd packages/widget && npx pnpm@10 run build).`);
    process.exit(1);
  }
}

const mainFiles = [...withStaticImports(mainFile)];
const loader = measure([loaderFile]);
const main = measure(mainFiles);
const total = { raw: loader.raw + main.raw, gzip: loader.gzip + main.gzip };

console.log(`loader raw bytes: ${loader.raw}`);
console.log(`loader gzip bytes: ${loader.gzip}`);
console.log(`main chunk raw bytes (${mainFiles.length} file${mainFiles.length === 1 ? '' : 's'}): ${main.raw}`);
console.log(`main chunk gzip bytes: ${main.gzip}`);
console.log(`loader + main chunk raw bytes: ${total.raw}`);
console.log(`loader + main chunk gzip bytes: ${total.gzip}`);

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
