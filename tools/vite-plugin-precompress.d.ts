import type { Plugin } from 'vite';
/**
 * Precompresses every emitted text file (Vite's own `.vite/` metadata excepted). A copy that would not be smaller than
 * the file is not written, and a stale one from an earlier build is removed, so the server sends the file itself.
 *
 * @example
 * ```ts
 * export default defineConfig({ plugins: [precompress()] })
 * ```
 */
export declare function precompress(): Plugin;
//# sourceMappingURL=vite-plugin-precompress.d.ts.map
