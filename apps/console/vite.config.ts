import { fileURLToPath } from 'node:url';
import { defineConfig, normalizePath, type Plugin } from 'vite';

// The server (apps/server) serves the built console under /console/ and answers /api and /socket.io on the same
// origin. In development Vite serves the console and forwards those paths to a server on port 3000.
const serverUrl = 'http://localhost:3000';

/**
 * Bundles the widget's on-demand parts (its extras, theme, sound and language chunks) into the preview, the page's lazy
 * chunk, instead of as dynamic chunks of their own: nested inside a lazy chunk, one of them made Rolldown move Preact
 * out of the console's entry chunk into a shared chunk that every console load then fetches too. Build only; the
 * widget's own builds are untouched.
 */
function widgetPreviewStatic(): Plugin {
  const widget = normalizePath(fileURLToPath(new URL('../../packages/widget/', import.meta.url)));
  return {
    name: 'parley-widget-preview-static',
    apply: 'build',
    transform(code, id) {
      if (!normalizePath(id).startsWith(widget)) return null;
      const specifiers: string[] = [];
      const rewritten = code.replace(/\bimport\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*\)/g, (_match, _quote, specifier: string) => {
        const index = specifiers.includes(specifier) ? specifiers.indexOf(specifier) : specifiers.push(specifier) - 1;
        return `Promise.resolve(__parleyPart${index})`;
      });
      if (specifiers.length === 0) return null;
      const imports = specifiers.map((specifier, index) => `import * as __parleyPart${index} from ${JSON.stringify(specifier)};`);
      return { code: `${imports.join('\n')}\n${rewritten}`, map: null };
    },
  };
}

export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [widgetPreviewStatic()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: serverUrl },
      '/socket.io': { target: serverUrl, ws: true },
    },
  },
});
