// @vitest-environment happy-dom
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import type { WidgetModule } from './loader.js';

// The main chunk is fully minified (whitespace, comments, names), unlike Vite's default for ES libraries: check that
// what visitors download still mounts. `pnpm test` builds it first; run `pnpm build` before running this file alone.
// Paths, not `import.meta.url`: under happy-dom that is an http: URL.
const dist = join(import.meta.dirname, '../dist');
const manifest = join(dist, '.vite/manifest.json');

/** The main chunk's file, content-hashed: the widget build's manifest names it, as it does for the loader build. */
function mainChunk(): string {
  expect(existsSync(manifest), `${manifest} is missing: run pnpm build first`).toBe(true);
  const entry = (JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, { file: string }>)['src/index.ts'];
  return join(dist, entry!.file);
}

describe('the minified main chunk (dist/widget/widget-<hash>.js)', () => {
  it('is named by its content, and the loader imports that name', () => {
    const chunk = mainChunk();
    expect(chunk).toMatch(/\/widget\/widget-[\w-]{8}\.js$/);
    expect(readFileSync(join(dist, 'loader.js'), 'utf8')).toContain(chunk.slice(dist.length + 1));
  });

  it('mounts the widget with its accessible names, and unmounts', async () => {
    const { mount } = (await import(/* @vite-ignore */ mainChunk())) as WidgetModule;
    let widget!: ReturnType<WidgetModule['mount']>;
    // The bundle has socket.io's browser build, which polls through happy-dom's XMLHttpRequest: answer it here, so the
    // client just stays offline, which is all this test needs (and happy-dom logs no connection errors).
    const settings = (window as unknown as { happyDOM: { settings: { fetch: { interceptor: unknown } } } }).happyDOM.settings;
    settings.fetch.interceptor = { beforeAsyncRequest: async () => new Response(null, { status: 503 }) };
    await act(async () => {
      widget = mount({ serverUrl: 'http://127.0.0.1:9', widgetKey: 'pk_test', open: true });
      // The settings call fails too: the widget draws with its defaults.
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
    expect(root.querySelector('[role="log"]')?.getAttribute('aria-label')).toBe('Messages');
    expect(root.querySelector('textarea[aria-label="Message"]')).not.toBeNull();
    expect(root.querySelector('button[aria-label="Close chat"]')).not.toBeNull();
    expect(root.querySelector('style')?.textContent).toContain('.streaming');

    await act(() => widget.unmount());
    expect(document.querySelector('[data-parley-widget]')).toBeNull();
    expect(widget.client.status).toBe('offline');
  });
});
