// @vitest-environment happy-dom
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import type { WidgetModule } from './loader.js';

// The main chunk is fully minified (whitespace, comments, names), unlike Vite's default for ES libraries: check that
// what visitors download still mounts. `pnpm test` builds it first; run `pnpm build` before running this file alone.
// A path, not `import.meta.url`: under happy-dom that is an http: URL.
const bundle = join(import.meta.dirname, '../dist/widget.js');

describe('dist/widget.js (the minified main chunk)', () => {
  it('mounts the widget with its accessible names, and unmounts', async () => {
    expect(existsSync(bundle), `${bundle} is missing: run pnpm build first`).toBe(true);
    const { mount } = (await import(/* @vite-ignore */ bundle)) as WidgetModule;
    let widget!: ReturnType<WidgetModule['mount']>;
    // The bundle has socket.io's browser build, which polls through happy-dom's XMLHttpRequest: answer it here, so the
    // client just stays offline, which is all this test needs (and happy-dom logs no connection errors).
    const settings = (window as unknown as { happyDOM: { settings: { fetch: { interceptor: unknown } } } }).happyDOM.settings;
    settings.fetch.interceptor = { beforeAsyncRequest: async () => new Response(null, { status: 503 }) };
    await act(() => {
      widget = mount({ serverUrl: 'http://127.0.0.1:9', widgetKey: 'pk_test', open: true });
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
