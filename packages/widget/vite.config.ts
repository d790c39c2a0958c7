import { readFileSync } from 'node:fs';
import { defineConfig, type Manifest, type Plugin, type UserConfig } from 'vite';

// Three builds, picked with `--mode` and run in this order by the `build` script:
//   widget  dist/widget/widget-<hash>.js  the main chunk the loader imports (and any chunk it imports, named the same
//                                         way): ES module, everything bundled, minified; its name goes into
//                                         dist/.vite/manifest.json
//   loader  dist/loader.js                the script-tag loader (served as /widget.js): classic script (IIFE),
//                                         minified, with the main chunk's name from that manifest built in
//   esm     dist/esm/index.js             the npm module: preact and @parley/client stay external so apps share them
// The first two are what browsers download: the build script then writes a .br and a .gz copy of each
// (tools/precompress.mjs) for the server to send as they are.
// Type declarations for dist/esm come from `tsc -b` (emitDeclarationOnly).
const shared: UserConfig = {
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

const entry = 'src/index.ts';
const manifestFile = 'dist/.vite/manifest.json';

/** The main chunk's path under dist/, from the widget build's manifest. */
function mainChunk(): string {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch (cause) {
    throw new Error(`${manifestFile} is missing: build the widget (vite build) before the loader.`, { cause });
  }
  const chunk = manifest[entry];
  if (!chunk) throw new Error(`${manifestFile} has no entry for ${entry}.`);
  return chunk.file;
}

/**
 * Leaves engine.io-client's WebTransport transport out of the main chunk. Parley's server offers only HTTP long-polling
 * and WebSocket (WebTransport needs an HTTP/3 server it does not run), so the client never upgrades to it: its code
 * would be bytes every visitor downloads for nothing. The module that lists the transports is served without it.
 */
function withoutWebTransport(): Plugin {
  return {
    name: 'parley-without-webtransport',
    transform(code, id) {
      if (!/[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/.test(id)) return null;
      const trimmed = code.replace(/^import \{ WT \} from "\.\/webtransport\.js";\n/m, '').replace(/^\s*webtransport: WT,\n/m, '');
      if (trimmed.includes('WT')) throw new Error(`${id} changed: update the parley-without-webtransport plugin.`);
      return { code: trimmed, map: null };
    },
  };
}

const builds: Record<string, () => UserConfig> = {
  widget: () => ({
    ...shared,
    plugins: [withoutWebTransport()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      manifest: true,
      lib: { entry, formats: ['es'] },
      rolldownOptions: {
        // Lazy chunks (the rating form) import what they share with the main chunk (preact) from it: the main chunk may
        // gain exports for them, instead of the shared code going into a third file every visitor would download too.
        preserveEntrySignatures: 'allow-extension',
        output: {
          // Content-hashed names: the server lets browsers keep them for a year, and a release changes the name.
          entryFileNames: 'widget/widget-[hash].js',
          chunkFileNames: 'widget/[name]-[hash].js',
          // Vite keeps whitespace and /* @__PURE__ */ comments in ES library builds, for the bundlers of apps that
          // import them. This file is only ever loaded by the script-tag loader, never bundled again: minify it fully.
          minify: true,
          comments: false,
        },
      },
    },
  }),
  loader: () => ({
    ...shared,
    // Relative to the loader's own URL, as the loader resolves it.
    define: { PARLEY_WIDGET_CHUNK: JSON.stringify(mainChunk()) },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      lib: { entry: 'src/loader-entry.ts', formats: ['iife'], name: 'ParleyLoader', fileName: () => 'loader.js' },
    },
  }),
  esm: () => ({
    ...shared,
    build: {
      outDir: 'dist/esm',
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      lib: { entry, formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external: [/^preact(\/|$)/, /^@parley\//] },
    },
  }),
};

export default defineConfig(({ mode }) => {
  const config = builds[mode === 'production' ? 'widget' : mode];
  if (!config) throw new Error(`Unknown build mode "${mode}"; use widget, loader or esm.`);
  return config();
});
