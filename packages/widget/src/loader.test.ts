// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installLoader, type ParleyGlobal, type WidgetModule } from './loader.js';
import type { WidgetHandle } from './mount.js';

type LoaderWindow = Window & { Parley?: ParleyGlobal };

afterEach(() => {
  for (const host of document.querySelectorAll('[data-parley-widget]')) host.remove();
  delete (window as LoaderWindow).Parley;
  vi.restoreAllMocks();
});

/** The main chunk's path as the loader build puts it in: relative to the loader's URL, content-hashed. */
const CHUNK = 'widget/widget-Ab12Cd34.js';

function scriptTag(attributes: Record<string, string> = { 'data-color': '#1f6f5c' }) {
  const script = document.createElement('script');
  script.src = 'https://chat.example.com/widget.js';
  script.dataset.widgetKey = 'pk_test';
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  return script;
}

/** A window whose idle callbacks and timers the test runs by hand. */
function fakeWindow(options: { idle?: boolean } = {}) {
  const idle: Array<() => void> = [];
  const timers: Array<{ run: () => void; delay: number }> = [];
  const win = {
    Parley: undefined as ParleyGlobal | undefined,
    requestIdleCallback: options.idle === false ? undefined : (callback: () => void) => idle.push(callback),
    setTimeout: (run: () => void, delay: number) => timers.push({ run, delay }),
    addEventListener: window.addEventListener.bind(window),
  };
  return { win: win as unknown as LoaderWindow, idle, timers };
}

/** The widget's handle, recording what the loader calls on it. */
function fakeWidget() {
  const calls: string[] = [];
  /** Each call with its arguments, for the methods that take some. */
  const called: unknown[][] = [];
  const unsubscribe = () => called.push(['unsubscribed']);
  const handle = {
    open: () => calls.push('open'),
    close: () => calls.push('close'),
    toggle: () => calls.push('toggle'),
    unmount: () => calls.push('unmount'),
    identify: (...args: unknown[]) => called.push(['identify', ...args]),
    setLocale: (...args: unknown[]) => called.push(['setLocale', ...args]),
    on: (...args: unknown[]) => (called.push(['on', ...args]), unsubscribe),
    shutdown: (...args: unknown[]) => called.push(['shutdown', ...args]),
    trigger: (...args: unknown[]) => called.push(['trigger', ...args]),
    client: {},
  } as unknown as WidgetHandle;
  const mount = vi.fn((_options: Parameters<WidgetModule['mount']>[0]) => handle);
  return { calls, called, unsubscribe, mount, module: { mount } satisfies WidgetModule };
}

/** An import that resolves when the test says so. */
function deferredImport() {
  let resolve!: (module: WidgetModule) => void;
  let reject!: (error: unknown) => void;
  const load = vi.fn(
    (_url: string) =>
      new Promise<WidgetModule>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      }),
  );
  return { load, resolve: (module: WidgetModule) => resolve(module), reject: (error: unknown) => reject(error) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function launcher() {
  const host = document.querySelector<HTMLElement>('[data-parley-widget]');
  return host?.shadowRoot?.querySelector('button') ?? null;
}

describe('installLoader', () => {
  it('queues calls made before the widget loads and replays them in order', async () => {
    const { win } = fakeWindow();
    const widgetImport = deferredImport();
    installLoader(win, document, scriptTag(), CHUNK, widgetImport.load);

    win.Parley!('close');
    win.Parley!('toggle');
    expect(widgetImport.load).not.toHaveBeenCalled();
    win.Parley!('open');
    expect(widgetImport.load).toHaveBeenCalledWith('https://chat.example.com/widget/widget-Ab12Cd34.js');

    const widget = fakeWidget();
    widgetImport.resolve(widget.module);
    await flush();
    expect(widget.mount).toHaveBeenCalledWith({
      serverUrl: 'https://chat.example.com',
      widgetKey: 'pk_test',
      target: document.querySelector('[data-parley-widget]'),
      accentColor: '#1f6f5c',
    });
    expect(widget.calls).toEqual(['close', 'toggle', 'open']);

    win.Parley!('close');
    expect(widget.calls).toEqual(['close', 'toggle', 'open', 'close']);
    expect(widgetImport.load).toHaveBeenCalledTimes(1);
  });

  it("offers the widget's methods as Parley.open() and Parley('open'), with their arguments, before and after loading", async () => {
    const { win } = fakeWindow();
    const widgetImport = deferredImport();
    installLoader(win, document, scriptTag(), CHUNK, widgetImport.load);
    const listener = vi.fn();
    win.Parley!.identify({ name: 'Ada Lovelace', email: 'ada@example.com' });
    win.Parley!('setLocale', 'de');
    win.Parley!.trigger('pricing-help');
    // Before the widget has loaded there is nothing to unsubscribe yet.
    expect(win.Parley!.on('unread', listener)).toBeUndefined();
    expect(widgetImport.load).not.toHaveBeenCalled();
    win.Parley!.open();

    const widget = fakeWidget();
    widgetImport.resolve(widget.module);
    await flush();
    expect(widget.called).toEqual([
      ['identify', { name: 'Ada Lovelace', email: 'ada@example.com' }],
      ['setLocale', 'de'],
      ['trigger', 'pricing-help'],
      ['on', 'unread', listener],
    ]);
    expect(widget.calls).toEqual(['open']);
    // Once loaded, a method's answer comes back: `on` gives its unsubscribe function.
    expect(win.Parley!.on('message', listener)).toBe(widget.unsubscribe);
    win.Parley!.shutdown({ clearSession: true });
    expect(widget.called.at(-1)).toEqual(['shutdown', { clearSession: true }]);
  });

  it("replays a stub's calls with their arguments (arguments objects, as the snippet queues them)", async () => {
    const { win } = fakeWindow();
    const stub = function Parley() {
      // oxlint-disable-next-line prefer-rest-params -- the documented snippet queues `arguments`
      (stub.q ??= []).push(arguments);
    } as unknown as ParleyGlobal & ((...args: unknown[]) => void);
    win.Parley = stub;
    stub('identify', { email: 'ada@example.com' });
    stub('open');
    const widget = fakeWidget();
    installLoader(win, document, scriptTag(), CHUNK, () => Promise.resolve(widget.module));
    win.Parley!('open');
    await flush();
    await flush();
    expect(widget.called).toEqual([['identify', { email: 'ada@example.com' }]]);
    expect(widget.calls).toEqual(['open', 'open']);
  });

  it('takes over the calls of a stub defined before it', async () => {
    const { win } = fakeWindow();
    const stub = function Parley(...args: unknown[]) {
      (stub.q ??= []).push(args);
    } as ParleyGlobal & ((...args: unknown[]) => void);
    win.Parley = stub;
    stub('toggle');
    stub('close');
    const widget = fakeWidget();
    const widgetImport = deferredImport();
    installLoader(win, document, scriptTag(), CHUNK, widgetImport.load);
    expect(win.Parley).not.toBe(stub);

    win.Parley!('open');
    widgetImport.resolve(widget.module);
    await flush();
    expect(widget.calls).toEqual(['toggle', 'close', 'open']);
  });

  it('takes over a stub that was never called, and stays out when the loader already ran', async () => {
    const { win } = fakeWindow();
    const stub = function Parley(...args: unknown[]) {
      (stub.q ??= []).push(args);
    } as ParleyGlobal & ((...args: unknown[]) => void);
    win.Parley = stub;
    const widget = fakeWidget();
    installLoader(win, document, scriptTag(), CHUNK, () => Promise.resolve(widget.module));
    expect(win.Parley).not.toBe(stub);
    const first = win.Parley;
    // A second copy of the script tag: its loader leaves the first one's widget alone.
    installLoader(win, document, scriptTag(), CHUNK, () => Promise.resolve(fakeWidget().module));
    expect(win.Parley).toBe(first);
    expect(document.querySelectorAll('[data-parley-widget]')).toHaveLength(1);
  });

  it('only runs known commands', async () => {
    const { win } = fakeWindow();
    const widget = fakeWidget();
    installLoader(win, document, scriptTag(), CHUNK, () => Promise.resolve(widget.module));
    const call = win.Parley as unknown as (command: unknown) => void;
    call('unmount');
    call('constructor');
    call({ toString: () => 'open' });
    win.Parley!('open');
    await flush();
    call('unmount');
    call('__proto__');
    expect(widget.calls).toEqual(['open']);
  });

  it('shows a fixed launcher named "Open chat" in a shadow root right away', () => {
    const { win } = fakeWindow();
    installLoader(win, document, scriptTag(), CHUNK, deferredImport().load);
    const host = document.querySelector<HTMLElement>('[data-parley-widget]')!;
    expect(host.parentElement).toBe(document.body);
    expect(host.children).toHaveLength(0);
    const button = launcher()!;
    expect(button.getAttribute('aria-label')).toBe('Open chat');
    expect(host.shadowRoot!.querySelector('style')!.textContent).toContain('position:fixed');
  });

  it('loads the widget and opens it on the first click of the launcher', async () => {
    const { win } = fakeWindow();
    const widget = fakeWidget();
    const widgetImport = deferredImport();
    installLoader(win, document, scriptTag(), CHUNK, widgetImport.load);

    launcher()!.click();
    expect(widgetImport.load).toHaveBeenCalledTimes(1);
    expect(launcher()!.getAttribute('aria-busy')).toBe('true');
    widgetImport.resolve(widget.module);
    await flush();
    expect(widget.calls).toEqual(['open']);
  });

  it('loads the widget when the browser is idle, once', async () => {
    const { win, idle } = fakeWindow();
    const widget = fakeWidget();
    const load = vi.fn(() => Promise.resolve(widget.module));
    installLoader(win, document, scriptTag(), CHUNK, load);
    expect(load).not.toHaveBeenCalled();
    expect(idle).toHaveLength(1);

    idle[0]!();
    launcher()?.click();
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    expect(widget.mount).toHaveBeenCalledTimes(1);
    expect(widget.calls).toEqual(['open']);
  });

  it('waits for the page to finish loading before scheduling, and falls back to setTimeout', () => {
    const { win, timers } = fakeWindow({ idle: false });
    const readyState = vi.spyOn(document, 'readyState', 'get').mockReturnValue('interactive');
    const load = vi.fn(() => new Promise<WidgetModule>(() => {}));
    installLoader(win, document, scriptTag(), CHUNK, load);
    expect(timers).toHaveLength(0);

    readyState.mockReturnValue('complete');
    window.dispatchEvent(new Event('load'));
    expect(timers).toHaveLength(1);
    timers[0]!.run();
    expect(load).toHaveBeenCalledWith('https://chat.example.com/widget/widget-Ab12Cd34.js');
  });

  it('connects to data-server when set, and finds the main chunk next to its own script', async () => {
    const { win } = fakeWindow();
    const widget = fakeWidget();
    const load = vi.fn((_url: string) => Promise.resolve(widget.module));
    const script = scriptTag({ 'data-server': 'https://api.example.com' });
    script.src = 'https://cdn.example.com/parley/widget.js';
    installLoader(win, document, script, CHUNK, load);
    win.Parley!('open');
    await flush();
    expect(load).toHaveBeenCalledWith('https://cdn.example.com/parley/widget/widget-Ab12Cd34.js');
    expect(widget.mount.mock.calls[0]![0]).toMatchObject({ serverUrl: 'https://api.example.com' });
  });

  it('lets a later click retry after the main chunk failed to load', async () => {
    const { win } = fakeWindow();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const widget = fakeWidget();
    const load = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValueOnce(widget.module);
    installLoader(win, document, scriptTag(), CHUNK, load);

    launcher()!.click();
    await flush();
    expect(error).toHaveBeenCalledOnce();
    expect(launcher()!.hasAttribute('aria-busy')).toBe(false);

    launcher()!.click();
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
    expect(widget.calls).toEqual(['open', 'open']);
  });

  it('draws the launcher in the color of data-color from the start, and hands the color to the widget', async () => {
    const { win } = fakeWindow();
    const widget = fakeWidget();
    installLoader(win, document, scriptTag({ 'data-color': '#1F6F5C' }), CHUNK, () => Promise.resolve(widget.module));
    expect(launcher()!.style.background).toMatch(/^(#1F6F5C|rgb\(31, 111, 92\))$/i);

    win.Parley!('open');
    await flush();
    expect(widget.mount.mock.calls[0]![0]).toMatchObject({ accentColor: '#1F6F5C' });
  });

  it("hands data-locale to the widget, which speaks the page's language", async () => {
    const { win } = fakeWindow();
    const widget = fakeWidget();
    installLoader(win, document, scriptTag({ 'data-color': '#1f6f5c', 'data-locale': 'de-AT' }), CHUNK, () =>
      Promise.resolve(widget.module),
    );
    win.Parley!('open');
    await flush();
    expect(widget.mount.mock.calls[0]![0]).toMatchObject({ locale: 'de-AT' });
  });

  it.each(['#abc', '#abcd', '#a1b2c3', '#a1b2c3d4'])('takes %s as a CSS hex color', (color) => {
    installLoader(fakeWindow().win, document, scriptTag({ 'data-color': color }), CHUNK, deferredImport().load);
    expect(launcher()).not.toBeNull();
  });

  it.each(['', 'red', '1f6f5c', '#12345', '#1f6f5cz', '#1f6f5c;background:url(x)', 'url(https://evil.example/x)'])(
    'shows no launcher of its own for data-color %j, leaving it to the widget, which knows the color',
    async (color) => {
      const { win } = fakeWindow();
      const widget = fakeWidget();
      installLoader(win, document, scriptTag({ 'data-color': color }), CHUNK, () => Promise.resolve(widget.module));
      const host = document.querySelector<HTMLElement>('[data-parley-widget]')!;
      // The host is in the page for the widget to draw into, but empty: no launcher in a color the widget may not have.
      expect(host.parentElement).toBe(document.body);
      expect(host.shadowRoot!.childNodes).toHaveLength(0);

      win.Parley!('open');
      await flush();
      expect(widget.mount.mock.calls[0]![0]).toMatchObject({ target: host, accentColor: undefined });
      expect(widget.calls).toEqual(['open']);
    },
  );

  it('turns the icon into a spinner while the chunk loads after a click, and pulses instead of spinning with reduced motion', async () => {
    const { win } = fakeWindow();
    const widgetImport = deferredImport();
    installLoader(win, document, scriptTag(), CHUNK, widgetImport.load);
    const sheet = document.querySelector('[data-parley-widget]')!.shadowRoot!.querySelector('style')!.sheet!;
    const rules = [...sheet.cssRules];
    const busy = rules.find((rule): rule is CSSStyleRule => rule instanceof CSSStyleRule && rule.selectorText === '[aria-busy]:before');
    expect(busy?.style.getPropertyValue('border-radius')).toBe('50%');
    expect(busy?.style.getPropertyValue('animation')).toContain('s 1s linear infinite');
    const spin = rules.find((rule): rule is CSSKeyframesRule => rule instanceof CSSKeyframesRule && rule.name === 's');
    expect(spin?.cssRules[0]?.cssText).toContain('rotate: 1turn');
    const reduced = rules.find((rule) => rule.cssText.startsWith('@media')) as CSSMediaRule | undefined;
    expect(reduced?.conditionText).toMatch(/prefers-reduced-motion: ?reduce/);
    const calm = reduced?.cssRules[0] as CSSStyleRule | undefined;
    expect(calm?.selectorText).toBe('[aria-busy]:before');
    expect(calm?.style.getPropertyValue('animation')).toContain('p 2s infinite');
    const pulse = rules.find((rule): rule is CSSKeyframesRule => rule instanceof CSSKeyframesRule && rule.name === 'p');
    expect(pulse?.cssRules[0]?.cssText).toMatch(/opacity: 0?\.3/);

    expect(launcher()!.hasAttribute('aria-busy')).toBe(false);
    launcher()!.click();
    expect(launcher()!.getAttribute('aria-busy')).toBe('true');
    widgetImport.resolve(fakeWidget().module);
    await flush();
  });

  it('adds nothing when the widget key is missing or the loader already ran', () => {
    const { win } = fakeWindow();
    const script = scriptTag();
    delete script.dataset.widgetKey;
    installLoader(win, document, script, CHUNK, deferredImport().load);
    expect(win.Parley).toBeUndefined();

    installLoader(win, document, scriptTag(), CHUNK, deferredImport().load);
    const first = win.Parley;
    installLoader(win, document, scriptTag(), CHUNK, deferredImport().load);
    expect(win.Parley).toBe(first);
    expect(document.querySelectorAll('[data-parley-widget]')).toHaveLength(1);
  });
});
