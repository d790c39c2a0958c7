// Writes a brotli (`.br`) and a gzip (`.gz`) copy beside each text file of a build, for the server to send as they are
// (`@fastify/static`'s `preCompressed`). Run by the widget's and the console's build scripts after `vite build`:
//
//   node ../../tools/precompress.mjs dist/loader.js dist/widget     (files, or folders taken whole)
//
// Compressing once at build time costs a second or two per build instead of CPU on every request, and buys what no
// server can afford per request: brotli at quality 11, and gzip by Zopfli, which writes ordinary gzip 3–4 % smaller
// than zlib's level 9 (measured on the widget's main chunk: 24.8 KB against 25.7 KB). A copy that would not be smaller
// than its file is not written, and a stale one from an earlier build is removed, so the server sends the file itself.
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants } from 'node:zlib';
import { gzipAsync as zopfliGzip } from '@gfx/zopfli';

const brotli = promisify(brotliCompress);

/** Files worth compressing; images and fonts are compressed formats already. */
const compressible = /\.(?:js|mjs|css|html|svg|json|txt|map)$/;

/** Every compressible file at `path`: the file itself, or those in the folder and its subfolders. */
async function filesAt(path) {
  if (!(await stat(path)).isDirectory()) return compressible.test(path) ? [path] : [];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && compressible.test(entry.name)).map((entry) => join(entry.parentPath, entry.name));
}

/** The compressed copies of `raw`, by file extension. */
async function compress(raw) {
  const [br, gz] = await Promise.all([
    brotli(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    zopfliGzip(raw, { numiterations: 15 }),
  ]);
  return { '.br': br, '.gz': Buffer.from(gz) };
}

async function precompress(path) {
  const raw = await readFile(path);
  for (const [extension, bytes] of Object.entries(await compress(raw))) {
    if (bytes.length < raw.length) await writeFile(path + extension, bytes);
    else await rm(path + extension, { force: true });
  }
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node tools/precompress.mjs <file or folder>…');
  process.exit(2);
}
const files = (await Promise.all(paths.map(filesAt))).flat();
await Promise.all(files.map(precompress));
