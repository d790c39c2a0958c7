/**
 * The script-tag loader, `dist/loader.js`, served as `/widget.js`:
 *
 * ```html
 * <script async src="https://chat.example.com/widget.js" data-widget-key="pk_live_123"></script>
 * ```
 *
 * It defines `window.Parley`, shows a launcher button (fixed-position, so nothing on the page moves), and imports the
 * main chunk `widget/widget.js` (resolved against its own `src`) when the browser is idle after the page loaded or when
 * the launcher is clicked, whichever comes first. Calls made before that, `Parley('open')` and the like, are queued
 * and replayed in order. No framework here: every byte is paid by every page of the host site.
 * @module
 */
import type { MountOptions, WidgetHandle } from './mount.js';

/** What `window.Parley` accepts. */
export type ParleyCommand = 'open' | 'close' | 'toggle';

/**
 * `window.Parley`. A page may define a stub before the loader runs (`(Parley.q = Parley.q || []).push(arguments)`);
 * its queued calls are taken over.
 */
export interface ParleyGlobal {
  (command: ParleyCommand): void;
  /** Calls queued by a stub defined before the loader ran. */
  q?: ArrayLike<unknown>[];
}

/** What the main chunk exports. */
export interface WidgetModule {
  mount(options: MountOptions): WidgetHandle;
}

const commands: readonly string[] = ['open', 'close', 'toggle'] satisfies ParleyCommand[];
const svgNamespace = 'http://www.w3.org/2000/svg';
// Same place and look as the main chunk's launcher, so the swap is invisible.
const css =
  ':host{all:initial}button{position:fixed;z-index:2147483000;bottom:20px;right:20px;display:grid;place-items:center;width:56px;height:56px;border:0;border-radius:50%;background:#2563eb;color:#fff;box-shadow:0 4px 14px rgb(0 0 0/25%);cursor:pointer}button:focus-visible{outline:3px solid #111827;outline-offset:2px}svg{width:26px;height:26px}';

/**
 * Installs `window.Parley` and the launcher for the widget configured by `script`'s data attributes:
 * `data-widget-key` (required) and `data-server` (the Parley server; defaults to the origin of `script.src`).
 * `importWidget` loads the main chunk; the loader passes native `import()`.
 *
 * @example
 * ```ts
 * installLoader(window, document, document.currentScript as HTMLScriptElement, (url) => import(url))
 * window.Parley?.('open')
 * ```
 */
export function installLoader(
  win: Window & { Parley?: ParleyGlobal },
  doc: Document,
  script: HTMLScriptElement,
  importWidget: (url: string) => Promise<WidgetModule>,
): void {
  const stub = win.Parley;
  const widgetKey = script.dataset.widgetKey;
  // A second copy of the script must not add a second widget.
  if ((stub && !stub.q) || !widgetKey) return;
  const serverUrl = script.dataset.server || new URL(script.src).origin;
  const queue: ArrayLike<unknown>[] = stub?.q ? Array.from(stub.q) : [];
  let widget: WidgetHandle | undefined;
  let loading: Promise<void> | undefined;

  const host = doc.createElement('div');
  host.setAttribute('data-parley-widget', '');
  const root = host.attachShadow({ mode: 'open' });
  // DOM calls rather than innerHTML: pages enforcing Trusted Types forbid innerHTML.
  const style = doc.createElement('style');
  style.textContent = css;
  const button = doc.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', 'Open chat');
  button.setAttribute('aria-expanded', 'false');
  const icon = doc.createElementNS(svgNamespace, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('aria-hidden', 'true');
  icon.setAttribute('fill', 'none');
  icon.setAttribute('stroke', 'currentColor');
  icon.setAttribute('stroke-width', '2');
  const path = doc.createElementNS(svgNamespace, 'path');
  path.setAttribute('d', 'M4 5h16v11H9l-5 4z');
  icon.append(path);
  button.append(icon);
  root.append(style, button);

  /** Runs one call on the loaded widget. Only known commands: the global is callable by any script on the page. */
  function run(call: ArrayLike<unknown>) {
    const command = call[0];
    if (widget && typeof command === 'string' && commands.includes(command)) widget[command as ParleyCommand]();
  }

  function load() {
    loading ??= importWidget(new URL('widget/widget.js', script.src).href).then(
      (module) => {
        widget = module.mount({ serverUrl, widgetKey: widgetKey!, target: host });
        for (const call of queue.splice(0)) run(call);
      },
      (error: unknown) => {
        // Let a later click try again, e.g. after a network blip.
        loading = undefined;
        button.removeAttribute('aria-busy');
        console.error('Parley: the chat widget could not be loaded.', error);
      },
    );
  }

  win.Parley = function Parley(command: ParleyCommand) {
    if (widget) return run([command]);
    queue.push([command]);
    if (command === 'open') load();
  };

  button.addEventListener('click', () => {
    button.setAttribute('aria-busy', 'true');
    win.Parley!('open');
  });

  const attach = () => doc.body.append(host);
  if (doc.body) attach();
  else doc.addEventListener('DOMContentLoaded', attach, { once: true });

  // Wait for the page's own load, then for idle time, so the widget never competes with the page's resources.
  const whenIdle = () =>
    win.requestIdleCallback ? win.requestIdleCallback(load, { timeout: 10_000 }) : win.setTimeout(load, 1000);
  if (doc.readyState === 'complete') whenIdle();
  else win.addEventListener('load', whenIdle, { once: true });
}
