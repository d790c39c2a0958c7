/**
 * Renders {@link App} into a shadow root and hands back the controls.
 * @module
 */
import { render } from 'preact';
import { App } from './app.js';
import styles from './styles.css?inline';
import type { WidgetClient } from './widget-client.js';
import type { WidgetAppearance } from './widget-settings.js';

/** Where and how {@link mountApp} renders. */
export interface MountAppOptions {
  /**
   * The shadow host. When it already has an open shadow root (the script-tag loader's), that root is reused;
   * otherwise one is attached. Defaults to a new element appended to `document.body`.
   */
  target?: HTMLElement;
  /** Open the panel at once. */
  open?: boolean;
  /**
   * The widget's title, greeting and colors. A promise makes the widget wait for them before it draws anything, so it
   * never shows defaults first: meanwhile a reused shadow root keeps what it shows (the loader's launcher). Once the
   * client has loaded its session, the session's settings take their place; missing ones fall back to defaults.
   */
  settings?: WidgetAppearance | Promise<WidgetAppearance | undefined> | undefined;
  /** The accent color, e.g. from the script tag's `data-color`: it wins over the settings' one. */
  accentColor?: string | undefined;
}

/** Controls of a mounted widget. */
export interface AppHandle {
  open(): void;
  close(): void;
  toggle(): void;
  /** Removes the widget's DOM (and the host element, when the widget created it). */
  unmount(): void;
}

/**
 * Mounts the UI for `client`. All markup and styles go into a shadow root, so the page's CSS cannot restyle the
 * widget and the widget's CSS cannot touch the page. The client connects when the panel opens (at once with `open`),
 * not before: most page views never open the chat, and each connection costs the visitor and the server.
 *
 * @example
 * ```ts
 * const widget = mountApp(client, { open: true })
 * widget.close()
 * ```
 */
export function mountApp(client: WidgetClient, options: MountAppOptions = {}): AppHandle {
  const host = options.target ?? document.body.appendChild(document.createElement('div'));
  if (!options.target) host.setAttribute('data-parley-widget', '');
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  // Preact renders into an element of its own rather than into the shadow root itself.
  const container = document.createElement('div');

  // `open` is what is drawn; `wanted` is what was asked for before the first drawing, replayed once drawn so that
  // opening then still moves focus to the composer.
  let open = options.open ?? false;
  let wanted = open;
  let drawn = false;
  let mounted = true;
  let settings: WidgetAppearance | undefined;

  function setOpen(next: boolean) {
    if (!mounted || next === (drawn ? open : wanted)) return;
    if (next) client.connect();
    if (!drawn) wanted = next;
    else {
      open = next;
      update();
    }
  }

  function update() {
    render(<App client={client} open={open} onOpenChange={setOpen} settings={settings} accentColor={options.accentColor} />, container);
  }

  function draw(known: WidgetAppearance | undefined) {
    if (!mounted) return;
    settings = known;
    drawn = true;
    const style = document.createElement('style');
    style.textContent = styles;
    root.replaceChildren(style, container);
    update();
    if (wanted !== open) {
      open = wanted;
      update();
    }
  }

  if (open) client.connect();
  if (options.settings instanceof Promise) void options.settings.then(draw, () => draw(undefined));
  else draw(options.settings);

  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!(drawn ? open : wanted)),
    unmount() {
      if (!mounted) return;
      mounted = false;
      render(null, container);
      root.replaceChildren();
      if (!options.target) host.remove();
    },
  };
}
