/**
 * The script-tag loader, `dist/loader.js`, served as `/widget.js`:
 *
 * ```html
 * <script async src="https://chat.example.com/widget.js" data-widget-key="pk_live_123" data-color="#1f6f5c"></script>
 * ```
 *
 * It defines `window.Parley`, shows a launcher button in the widget's color (fixed-position, so nothing on the page
 * moves), and imports the main chunk (its content-hashed path, resolved against the loader's own `src`) when the browser
 * is idle after the page loaded or when the launcher is clicked, whichever comes first. Calls made before that,
 * `Parley('open')` and the like, are queued and replayed in order. No framework here: every byte is paid by every page
 * of the host site.
 * @module
 */
import type { MountOptions, WidgetHandle } from './mount.js';
import { isHexColor } from './widget-settings.js';

/** The widget's methods a page may call through `window.Parley`. */
export type ParleyCommand = 'open' | 'close' | 'toggle' | 'identify' | 'setLocale' | 'on' | 'trigger' | 'shutdown';

/** A method of the mounted widget, by name. */
type Method<C extends ParleyCommand> = WidgetHandle[C];

/**
 * `window.Parley`: the widget's methods ({@link WidgetHandle}), callable as `Parley.open()` or `Parley('open')`. Calls
 * made before the widget has loaded are queued and replayed in order once it has; until then `Parley.on` returns
 * nothing, after that its unsubscribe function. A page may define a stub before the loader runs
 * (`(Parley.q = Parley.q || []).push(arguments)`): its queued calls are taken over.
 *
 * @example
 * ```ts
 * window.Parley?.identify({ name: 'Ada Lovelace', email: 'ada@example.com' })
 * window.Parley?.on('unread', (count) => updateHelpBadge(count))
 * window.Parley?.trigger('pricing-help') // the widget's proactive message of that id, now
 * document.querySelector('#help')?.addEventListener('click', () => window.Parley?.open())
 * ```
 */
export type ParleyGlobal = { [C in ParleyCommand]: (...args: Parameters<Method<C>>) => ReturnType<Method<C>> | undefined } & {
  <C extends ParleyCommand>(command: C, ...args: Parameters<Method<C>>): ReturnType<Method<C>> | undefined;
  /** Calls queued by a stub defined before the loader ran (its `arguments` objects). */
  q?: Iterable<unknown>[];
};

/** What the main chunk exports. */
export interface WidgetModule {
  mount(options: MountOptions): WidgetHandle;
}

const commands = 'open close toggle identify setLocale on trigger shutdown'.split(' ') as ParleyCommand[];
// Same place and look as the main chunk's launcher (`styles.css`), so the swap is invisible: the chat icon is drawn in
// CSS, which costs fewer bytes than building an SVG. While the chunk loads after a click (`aria-busy`), the icon turns
// into a spinning ring; with reduced motion the ring pulses instead of turning.
const css =
  ':host{all:initial}button{position:fixed;z-index:2147483000;bottom:20px;right:20px;display:grid;place-items:center;width:56px;height:56px;border:0;border-radius:50%;color:#fff;box-shadow:0 4px 14px #00000040;cursor:pointer}button:focus-visible{outline:3px solid #111827;outline-offset:2px}:before{content:"";width:20px;height:16px;border:2px solid;border-radius:50% 50% 50% 0}[aria-busy]:before{width:18px;height:18px;border-left-color:#0000;border-radius:50%;animation:s 1s linear infinite}@keyframes s{to{rotate:1turn}}@keyframes p{50%{opacity:.3}}@media (prefers-reduced-motion:reduce){[aria-busy]:before{animation:p 2s infinite}}';

/**
 * Installs `window.Parley` and the launcher for the widget configured by `script`'s data attributes:
 * `data-widget-key` (required), `data-server` (the Parley server; defaults to the origin of `script.src`),
 * `data-color` (the widget's accent color, a CSS hex color such as `#1f6f5c`; anything else is ignored) and
 * `data-locale` (the page's language, e.g. `de`: the widget speaks it, if it knows it, whatever the browser's). Without a
 * valid `data-color` the loader shows no launcher of its own: the main chunk draws it once it has the widget's
 * settings, so the launcher never appears in another color first. `chunk` is the main chunk's path relative to
 * `script.src`; `importWidget` loads it (the loader passes native `import()`).
 *
 * @example
 * ```ts
 * installLoader(window, document, document.currentScript as HTMLScriptElement, 'widget/widget-abc123.js', (url) => import(url))
 * window.Parley?.('open')
 * ```
 */
export function installLoader(
  win: Window & { Parley?: ParleyGlobal },
  doc: Document,
  script: HTMLScriptElement,
  chunk: string,
  importWidget: (url: string) => Promise<WidgetModule>,
): void {
  const stub = win.Parley;
  const { widgetKey, server, color, locale } = script.dataset;
  // A second copy of the script must not add a second widget: the first one's global has the methods. A page's stub
  // has none, called or not.
  if (stub?.open || !widgetKey) return;
  const serverUrl = server || new URL(script.src).origin;
  const accentColor = isHexColor(color) ? color : undefined;
  // Calls as `arguments` objects (a stub's) or arrays: both iterable.
  const queue: Iterable<unknown>[] = stub?.q ? Array.from(stub.q) : [];
  let widget: WidgetHandle | undefined;
  let loading: Promise<void> | undefined;

  const host = doc.createElement('div');
  host.setAttribute('data-parley-widget', '');
  const root = host.attachShadow({ mode: 'open' });
  // DOM calls rather than innerHTML: pages enforcing Trusted Types forbid innerHTML. The color goes through the CSSOM,
  // which a page's style-src does not govern.
  const style = doc.createElement('style');
  style.textContent = css;
  // No `type`: the button is in a shadow root of its own, in no form it could submit.
  const button = doc.createElement('button');
  button.setAttribute('aria-label', 'Open chat');
  if (accentColor) {
    button.style.background = accentColor;
    root.append(style, button);
  }

  /** Runs one call on the loaded widget. Only known commands: the global is callable by any script on the page. */
  function run([command, ...args]: Iterable<unknown>): unknown {
    if (widget && commands.includes(command as ParleyCommand))
      return (widget[command as ParleyCommand] as (...values: unknown[]) => unknown)(...args);
  }

  function load() {
    loading ??= importWidget(new URL(chunk, script.src).href).then(
      (module) => {
        widget = module.mount({ serverUrl, widgetKey: widgetKey!, target: host, accentColor, locale });
        for (const call of queue.splice(0)) run(call);
      },
      (error: unknown) => {
        // Let a later click try again, e.g. after a network blip.
        loading = undefined;
        button.removeAttribute('aria-busy');
        console.error(error);
      },
    );
  }

  const parley = function Parley(...call: unknown[]) {
    if (widget) return run(call);
    queue.push(call);
    if (call[0] === 'open') load();
  } as ParleyGlobal;
  // Casts: each method forwards its own arguments, which TypeScript can't follow through the loop.
  for (const command of commands)
    (parley as unknown as Record<string, unknown>)[command] = (...args: unknown[]) => parley(command, ...(args as []));
  win.Parley = parley;

  button.addEventListener('click', () => {
    button.setAttribute('aria-busy', 'true');
    parley('open');
  });

  const attach = () => doc.body.append(host);
  if (doc.body) attach();
  // `DOMContentLoaded` and `load` fire once: no `once` option needed.
  else doc.addEventListener('DOMContentLoaded', attach);

  // Wait for the page's own load, then for idle time, so the widget never competes with the page's resources.
  const whenIdle = () => (win.requestIdleCallback ? win.requestIdleCallback(load, { timeout: 10_000 }) : win.setTimeout(load, 1000));
  if (doc.readyState === 'complete') whenIdle();
  else win.addEventListener('load', whenIdle);
}
