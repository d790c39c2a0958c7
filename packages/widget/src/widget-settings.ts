/**
 * The widget's public settings (title, greeting, colors), fetched before any socket, and the color check the loader
 * shares with the main chunk: tiny and free of dependencies.
 * @module
 */
import type { WidgetPublicSettings } from '@parley/protocol';

/** The settings as the widget uses them: any field may be missing, e.g. when the server could not be asked. */
export type WidgetAppearance = Partial<WidgetPublicSettings>;

/** A CSS hex color (`#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`): the only colors taken from a page or a server. */
export function isHexColor(value: unknown): value is string {
  return typeof value == 'string' && /^#(?:[\da-f]{3,4}|[\da-f]{6}|[\da-f]{8})$/i.test(value);
}

/**
 * Asks the server for the widget's public settings (`GET /api/widgets/:publicKey/settings`, which browsers cache for
 * five minutes). Resolves with the answer, or undefined when there is none (unknown key, offline): the widget then
 * draws itself with its defaults. The answer is trusted as the session's settings are (the server checks them against
 * the protocol's schema on the way out); colors are checked where they are used, since they reach CSS.
 *
 * @example
 * ```ts
 * const settings = await fetchWidgetSettings('https://chat.example.com', 'pk_live_123')
 * ```
 */
export function fetchWidgetSettings(serverUrl: string, widgetKey: string): Promise<WidgetAppearance | undefined> {
  return fetch(new URL(`/api/widgets/${encodeURIComponent(widgetKey)}/settings`, serverUrl))
    .then((response) => (response.ok ? response.json() : undefined))
    .catch(() => undefined);
}
