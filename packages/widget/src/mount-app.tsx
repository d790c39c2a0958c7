/**
 * Renders {@link App} into a shadow root and hands back the controls.
 * @module
 */
import { render } from 'preact';
import { App } from './app.js';
import styles from './styles.css?inline';
import type { WidgetClient } from './widget-client.js';

/** Where and how {@link mountApp} renders. */
export interface MountAppOptions {
  /**
   * The shadow host. When it already has an open shadow root (the script-tag loader's), that root is reused;
   * otherwise one is attached. Defaults to a new element appended to `document.body`.
   */
  target?: HTMLElement;
  /** Open the panel at once. */
  open?: boolean;
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
 * widget and the widget's CSS cannot touch the page.
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
  const style = document.createElement('style');
  style.textContent = styles;
  // Preact renders into an element of its own rather than into the shadow root itself.
  const container = document.createElement('div');
  root.replaceChildren(style, container);

  let open = options.open ?? false;
  let mounted = true;

  function setOpen(next: boolean) {
    if (!mounted || next === open) return;
    open = next;
    update();
  }

  function update() {
    render(<App client={client} open={open} onOpenChange={setOpen} />, container);
  }

  update();
  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    unmount() {
      if (!mounted) return;
      mounted = false;
      render(null, container);
      root.replaceChildren();
      if (!options.target) host.remove();
    },
  };
}
