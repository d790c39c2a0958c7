/**
 * `mount`: the widget with its own client.
 * @module
 */
import { createClient, hasConversationToResume, type ParleyClient } from '@parley/client';
import type { Message } from '@parley/client';
import { mountApp, type AppEvents, type AppHandle, type MountAppOptions } from './mount-app.js';
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

/** What {@link WidgetHandle.on}'s listeners are told: the panel's events, and every message of the conversation. */
export interface WidgetEvents extends AppEvents {
  /** A message arrived or was sent: the visitor's, an agent's, the bot's or a status line. */
  message: (message: Message) => void;
}

/** Details a page knows about its signed-in visitor, for {@link WidgetHandle.identify}. */
export type VisitorDetails = Parameters<ParleyClient['identify']>[0];

/** A mounted widget: open or close its panel, remove it, or talk to its client directly. */
export interface WidgetHandle extends Omit<AppHandle, 'on'> {
  /** The widget's client, e.g. to listen for messages. `unmount()` closes it. */
  readonly client: ParleyClient;
  /**
   * Tells Parley who the visitor is, as the page knows them: their name, e-mail address and phone number go on the
   * contact agents see. The page vouches for them; nothing checks them. Call it on every page load of a signed-in
   * visitor, before or after the chat opens; it opens no connection by itself.
   */
  identify(details: VisitorDetails): void;
  /** Calls `listener` on each `event`; returns a function that stops it. */
  on<E extends keyof WidgetEvents>(event: E, listener: WidgetEvents[E]): () => void;
  /**
   * Removes the widget and closes its connection. With `clearSession`, it also forgets this browser's session, so the
   * next widget starts a new conversation as a new visitor (for a page whose visitor signed out).
   */
  shutdown(options?: { clearSession?: boolean }): void;
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
    setLocale: app.setLocale,
    trigger: app.trigger,
    identify: (details) => client.identify(details),
    on: (event, listener) =>
      event === 'message'
        ? client.on('message', listener as WidgetEvents['message'])
        : app.on(event as keyof AppEvents, listener as AppEvents[keyof AppEvents]),
    unmount() {
      app.unmount();
      client.close();
    },
    shutdown(how) {
      app.unmount();
      client.close({ forget: !!how?.clearSession });
      // The script-tag loader's element too (it marks it so): nothing of the widget stays on the page.
      if (options.target?.hasAttribute('data-parley-widget')) options.target.remove();
    },
  };
}
