/**
 * Entry of `dist/loader.js`: runs {@link installLoader} for the `<script>` tag that loaded it.
 * @module
 */
import { installLoader } from './loader.js';

/** The main chunk's content-hashed path relative to the loader, put in by the loader build from the widget build. */
declare const PARLEY_WIDGET_CHUNK: string;

// `currentScript` is set while a classic script runs, including async ones; tag managers may inject it differently.
const script = (document.currentScript ?? document.querySelector('script[data-widget-key]')) as HTMLScriptElement | null;
if (script) installLoader(window, document, script, PARLEY_WIDGET_CHUNK, (url) => import(/* @vite-ignore */ url));
