/**
 * Renders {@link App} into a shadow root and hands back the controls.
 * @module
 */
import { createEmitter } from '@parley/client';
import { render } from 'preact';
import { App } from './app.js';
import { en, type MainCatalog } from './i18n/en.js';
import { loadCatalog, pickLanguage } from './i18n/load-catalog.js';
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
  /**
   * The language to speak, a BCP 47 tag such as `de` or `pt-BR` (the script tag's `data-locale`). The widget speaks the
   * first language it knows of: this one, then the browser's (`navigator.languages`, in order), then the widget's
   * settings' `locale`; English when none. It knows English, Spanish, German, French, Portuguese and Arabic.
   */
  locale?: string | undefined;
}

/** What a mounted widget reports to {@link AppHandle.on}'s listeners. */
export interface AppEvents {
  /** The visitor (or the page) opened the panel. */
  open: () => void;
  /** The panel closed. */
  close: () => void;
  /** How many replies the visitor hasn't seen changed: counted while the panel is closed, 0 once it opens. */
  unread: (count: number) => void;
}

/** Controls of a mounted widget. */
export interface AppHandle {
  open(): void;
  close(): void;
  toggle(): void;
  /**
   * Speaks `locale` (a BCP 47 tag such as `de` or `pt-BR`) from now on, when the widget knows the language; English
   * otherwise. Wins over the browser's language and the widget's settings. The server is told too
   * (`ParleyClient.setLocale`): its next status lines and bot sentences are in this language, when it has them.
   */
  setLocale(locale: string): void;
  /** Calls `listener` on each `event`; returns a function that stops it. */
  on<E extends keyof AppEvents>(event: E, listener: AppEvents[E]): () => void;
  /**
   * Shows the widget's proactive message `id` now (one of its `proactive` settings), whatever its conditions, unless
   * this browser saw it within its `repeatAfterDays`, the panel is open, or the visitor is in a conversation.
   */
  trigger(id: string): void;
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
  let text: MainCatalog = en;
  // The page's `setLocale`: wins over whatever language the first drawing would pick.
  let chosen: MainCatalog | undefined;
  let triggered: string[] = [];
  const events = createEmitter<AppEvents>();
  // The page's or the browser's choice is known now: its catalog loads alongside the settings. Only when neither names
  // a language the widget speaks do the settings' `locale` decide.
  const tags = [options.locale, ...navigator.languages];
  const preferred = pickLanguage(tags);
  const early = preferred && loadCatalog(preferred);
  // The server writes to the visitor in the language they see (the status lines, the bot's own sentences): the tag
  // picked, region and all (`pt-BR` keeps its dates). Without one picked here, the client reports the browser's, and
  // the server writes in it when it has sentences in it (Italian, Dutch), else in the widget's locale, as shown here.
  if (preferred) client.setLocale(tags.find((tag) => pickLanguage([tag]))!);

  function setOpen(next: boolean) {
    if (!mounted || next === (drawn ? open : wanted)) return;
    if (next) client.connect();
    if (!drawn) wanted = next;
    else {
      open = next;
      update();
    }
    events.emit(next ? 'open' : 'close');
  }

  function update() {
    render(
      <App
        client={client}
        open={open}
        onOpenChange={setOpen}
        onUnread={(count) => events.emit('unread', count)}
        settings={settings}
        accentColor={options.accentColor}
        text={text}
        triggered={triggered}
      />,
      container,
    );
  }

  /**
   * Draws once the words are in too: at once in English, after its chunk in another language. The widget is drawn
   * first in the visitor's language, never in English and then again (the loader's launcher stays meanwhile); a
   * catalog that fails to load leaves the widget in English.
   */
  function draw(known: WidgetAppearance | undefined) {
    const catalog = early || loadCatalog(pickLanguage([known?.locale]) ?? 'en');
    if (catalog instanceof Promise)
      void catalog.then(
        (loaded) => show(known, loaded),
        () => show(known, en),
      );
    else show(known, catalog);
  }

  function show(known: WidgetAppearance | undefined, catalog: MainCatalog) {
    if (!mounted) return;
    settings = known;
    text = chosen ?? catalog;
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
    setLocale(locale) {
      const language = pickLanguage([locale]);
      // The server follows what is shown: English for a language the widget doesn't speak.
      client.setLocale(language ? locale : 'en');
      void Promise.resolve(loadCatalog(language ?? 'en')).then((catalog) => {
        chosen = text = catalog;
        if (drawn && mounted) update();
      });
    },
    on: events.on,
    trigger(id) {
      triggered = [...triggered, id];
      if (drawn && mounted) update();
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      render(null, container);
      root.replaceChildren();
      if (!options.target) host.remove();
    },
  };
}
