/**
 * `language:set`: the visitor reads another language now (the page called the widget's `setLocale`).
 * @module
 */
import { z } from 'zod';
import { widgetLocaleSchema } from '../rest/widget-admin.js';

/**
 * The language the visitor reads from now on, a BCP 47 tag checked as a widget's `locale` is (`es`, `pt-BR`; stored in
 * its canonical case). It replaces the handshake's `language` on the visitor's contact and socket: the status lines, the
 * offline answerer's sentences and the bot's hint written after it follow it (in the widget's language when the server
 * has no sentences in it). A tag that isn't one is refused with `invalid_payload`.
 */
export const languageSetSchema = z.object({ language: widgetLocaleSchema });
/** The language the visitor reads from now on. */
export type LanguageSet = z.infer<typeof languageSetSchema>;
