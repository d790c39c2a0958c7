// @vitest-environment happy-dom
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WidgetModule } from './loader.js';

// The main chunk is fully minified (whitespace, comments, names), unlike Vite's default for ES libraries: check that
// what visitors download still mounts. `pnpm test` builds it first; run `pnpm build` before running this file alone.
// Paths, not `import.meta.url`: under happy-dom that is an http: URL.
const dist = join(import.meta.dirname, '../dist');
const manifest = join(dist, '.vite/manifest.json');

type Manifest = Record<string, { file: string; imports?: string[]; isDynamicEntry?: boolean }>;

function readManifest(): Manifest {
  expect(existsSync(manifest), `${manifest} is missing: run pnpm build first`).toBe(true);
  return JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
}

/** The main chunk's file, content-hashed: the widget build's manifest names it, as it does for the loader build. */
function mainChunk(): string {
  return join(dist, readManifest()['src/index.ts']!.file);
}

/** A phrase as a minifier may write it in a string: as it is, or with `\u` escapes for what is not ASCII. */
function spellings(phrase: string): string[] {
  const escaped = (upper: boolean) =>
    phrase.replace(/[^\x20-\x7e]/g, (char) => {
      const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
  return [phrase, escaped(false), escaped(true)];
}

/** Answers the widget's requests (settings, socket.io polling) with 503, so the client stays offline quietly. */
function refuseRequests() {
  // The bundle has socket.io's browser build, which polls through happy-dom's XMLHttpRequest: answer it here, so the
  // client just stays offline, which is all these tests need (and happy-dom logs no connection errors).
  const settings = (window as unknown as { happyDOM: { settings: { fetch: { interceptor: unknown } } } }).happyDOM.settings;
  settings.fetch.interceptor = { beforeAsyncRequest: async () => new Response(null, { status: 503 }) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the minified main chunk (dist/widget/widget-<hash>.js)', () => {
  it('is named by its content, and the loader imports that name', () => {
    const chunk = mainChunk();
    expect(chunk).toMatch(/\/widget\/widget-[\w-]{8}\.js$/);
    expect(readFileSync(join(dist, 'loader.js'), 'utf8')).toContain(chunk.slice(dist.length + 1));
  });

  it('mounts the widget with its accessible names, and unmounts', async () => {
    const { mount } = (await import(/* @vite-ignore */ mainChunk())) as WidgetModule;
    let widget!: ReturnType<WidgetModule['mount']>;
    refuseRequests();
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

  it('keeps every language but English out of the main chunk: each is a chunk of its own, loaded on demand', () => {
    const entries = readManifest();
    const main = readFileSync(mainChunk(), 'utf8');
    expect(main).toContain('Open chat');
    const statics = new Set<string>();
    const visit = (key: string) => {
      for (const imported of entries[key]?.imports ?? []) {
        if (statics.has(imported)) continue;
        statics.add(imported);
        visit(imported);
      }
    };
    visit('src/index.ts');
    const phrases = { es: 'Cerrar chat', de: 'Chat schließen', fr: 'Fermer le chat', pt: 'Fechar chat', ar: 'إغلاق المحادثة' };
    for (const [language, phrase] of Object.entries(phrases)) {
      const chunk = entries[`src/i18n/${language}.ts`];
      expect(chunk?.isDynamicEntry, language).toBe(true);
      expect(statics.has(`src/i18n/${language}.ts`), language).toBe(false);
      for (const spelling of spellings(phrase)) expect(main, language).not.toContain(spelling);
      const own = readFileSync(join(dist, chunk!.file), 'utf8');
      expect(
        spellings(phrase).some((spelling) => own.includes(spelling)),
        language,
      ).toBe(true);
    }
  });

  it('leaves long-polling to a lazy chunk and Socket.IO binary payloads out (vite.config.ts plugins)', () => {
    const entries = readManifest();
    const main = readFileSync(mainChunk(), 'utf8');
    // WebSocket is in; polling (XMLHttpRequest) is a chunk of its own; binary payload code (FileReader, Blob) nowhere.
    expect(main).toContain('WebSocket');
    for (const absent of ['XMLHttpRequest', 'FileReader', 'readAsDataURL', 'new Blob', 'WebTransport', 'ipv6uri'])
      expect(main, absent).not.toContain(absent);
    const polling = Object.entries(entries).find(([key]) => key.endsWith('polling-transport.js'))?.[1];
    expect(polling?.isDynamicEntry).toBe(true);
    expect(readFileSync(join(dist, polling!.file), 'utf8')).toContain('XMLHttpRequest');
  });

  it('speaks German to a German browser, loading its chunk from the minified main chunk', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-DE']);
    const { mount } = (await import(/* @vite-ignore */ mainChunk())) as WidgetModule;
    refuseRequests();
    let widget!: ReturnType<WidgetModule['mount']>;
    await act(() => {
      widget = mount({ serverUrl: 'http://127.0.0.1:9', widgetKey: 'pk_test' });
    });
    const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
    // The German chunk loads after the (refused) settings call; wait for it, letting Preact render, about three seconds.
    for (let round = 0; round < 150 && !root.querySelector('.root'); round++) {
      await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    }
    expect(root.querySelector('button[aria-label="Chat öffnen"]')).not.toBeNull();
    expect(root.querySelector('.root')?.getAttribute('lang')).toBe('de');
    await act(() => widget.unmount());
  });
});
