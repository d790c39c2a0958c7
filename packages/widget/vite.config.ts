import { defineConfig, type UserConfig } from 'vite';

// Three builds, picked with `--mode` (see the `build` script):
//   widget  dist/widget.js        the main chunk the loader imports: ES module, everything bundled, minified
//   loader  dist/loader.js        the script-tag loader (served as /widget.js): classic script (IIFE), minified
//   esm     dist/esm/index.js     the npm module: preact and @parley/client stay external so apps share them
// Type declarations for dist/esm come from `tsc -b` (emitDeclarationOnly).
const shared: UserConfig = {
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

const builds: Record<string, UserConfig> = {
  widget: {
    ...shared,
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'widget.js' },
      // Vite keeps whitespace and /* @__PURE__ */ comments in ES library builds, for the bundlers of apps that import
      // them. This file is only ever loaded by the script-tag loader, never bundled again: minify it fully.
      rolldownOptions: { output: { minify: true, comments: false } },
    },
  },
  loader: {
    ...shared,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      lib: { entry: 'src/loader-entry.ts', formats: ['iife'], name: 'ParleyLoader', fileName: () => 'loader.js' },
    },
  },
  esm: {
    ...shared,
    build: {
      outDir: 'dist/esm',
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external: [/^preact(\/|$)/, /^@parley\//] },
    },
  },
};

export default defineConfig(({ mode }) => {
  const config = builds[mode === 'production' ? 'widget' : mode];
  if (!config) throw new Error(`Unknown build mode "${mode}"; use widget, loader or esm.`);
  return config;
});
