/**
 * The typed `window.Parley` for TypeScript pages that load the widget with its script tag:
 *
 * ```ts
 * import type {} from '@parley/widget/global'
 *
 * window.Parley?.open()
 * ```
 *
 * Types only: importing it adds nothing to a bundle.
 * @module
 */
import type { ParleyGlobal } from './loader.js';

declare global {
  interface Window {
    /** Parley's widget, defined by its script tag's loader (`/widget.js`): see {@link ParleyGlobal}. */
    Parley?: ParleyGlobal;
  }
}

export type { ParleyCommand, ParleyGlobal } from './loader.js';
