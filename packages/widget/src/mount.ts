/**
 * `mount`: the widget with its own client.
 * @module
 */
import { createClient, type ParleyClient } from '@parley/client';
import { mountApp, type AppHandle, type MountAppOptions } from './mount-app.js';

/** Options of {@link mount}. */
export interface MountOptions extends MountAppOptions {
  /** The Parley server, e.g. `https://chat.example.com`. */
  serverUrl: string;
  /** The widget's public key (`pk_…`). */
  widgetKey: string;
}

/** A mounted widget: open or close its panel, remove it, or talk to its client directly. */
export interface WidgetHandle extends AppHandle {
  /** The widget's client, e.g. to listen for messages. `unmount()` closes it. */
  readonly client: ParleyClient;
}

/**
 * Creates a client for the widget and mounts the chat widget: a launcher button fixed to a corner of the page and the
 * chat panel it opens, rendered in a shadow root.
 *
 * @example
 * ```ts
 * import { mount } from '@parley/widget'
 *
 * const widget = mount({ serverUrl: 'https://chat.example.com', widgetKey: 'pk_live_123' })
 * document.querySelector('#help')?.addEventListener('click', () => widget.open())
 * widget.client.on('message', (message) => console.log(message.body))
 * ```
 */
export function mount(options: MountOptions): WidgetHandle {
  const client = createClient({ serverUrl: options.serverUrl, widgetKey: options.widgetKey });
  const app = mountApp(client, options);
  return {
    client,
    open: app.open,
    close: app.close,
    toggle: app.toggle,
    unmount() {
      app.unmount();
      client.close();
    },
  };
}
