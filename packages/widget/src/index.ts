/**
 * `@parley/widget`: Parley's chat widget, a Preact UI in a shadow root. This entry is both the npm module and, bundled
 * with its dependencies, the main chunk (`dist/widget.js`) that the script-tag loader (`dist/loader.js`) imports.
 *
 * @example
 * ```ts
 * import { mount } from '@parley/widget'
 *
 * const widget = mount({ serverUrl: 'https://chat.example.com', widgetKey: 'pk_live_123', open: true })
 * ```
 * @module
 */
export { mount } from './mount.js';
export { mountApp } from './mount-app.js';
export type { MountOptions, VisitorDetails, WidgetEvents, WidgetHandle } from './mount.js';
export type { AppEvents, AppHandle, MountAppOptions } from './mount-app.js';
export type { ParleyCommand, ParleyGlobal } from './loader.js';
export type { WidgetClient } from './widget-client.js';
