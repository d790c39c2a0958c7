/**
 * `mount`: the widget with its own client.
 * @module
 */
import { createClient, hasConversationToResume, type ParleyClient } from '@parley/client';
import { mountApp, type AppHandle, type MountAppOptions } from './mount-app.js';
import { fetchWidgetSettings, type WidgetAppearance } from './widget-settings.js';

/** Options of {@link mount}. */
export interface MountOptions extends MountAppOptions {
  /** The Parley server, e.g. `https://chat.example.com`. */
  serverUrl: string;
  /** The widget's public key (`pk_…`). */
  widgetKey: string;
  /**
   * The widget's title, greeting and colors when the page already has them; otherwise the widget fetches them from
   * `serverUrl` (`GET /api/widgets/:publicKey/settings`) and draws itself once they are in.
   */
  settings?: WidgetAppearance | undefined;
}

/** A mounted widget: open or close its panel, remove it, or talk to its client directly. */
export interface WidgetHandle extends AppHandle {
  /** The widget's client, e.g. to listen for messages. `unmount()` closes it. */
  readonly client: ParleyClient;
}

/**
 * Creates a client for the widget and mounts the chat widget: a launcher button fixed to a corner of the page and the
 * chat panel it opens, rendered in a shadow root. The client connects when the visitor opens the panel, or at once
 * when this browser has a conversation to resume (an open one, or messages waiting to be sent); a page view that never
 * opens the chat opens no socket.
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
  const { serverUrl, widgetKey } = options;
  const client = createClient({ serverUrl, widgetKey, autoConnect: false });
  const app = mountApp(client, { ...options, settings: options.settings ?? fetchWidgetSettings(serverUrl, widgetKey) });
  if (hasConversationToResume({ widgetKey })) client.connect();
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
