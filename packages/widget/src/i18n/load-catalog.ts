/**
 * Which language the widget speaks, and its catalog. English is in the main chunk; every other language is a chunk of
 * its own, imported only when a visitor needs it, so an English visitor downloads none of them.
 * @module
 */
import { en, type MainCatalog } from './en.js';

// One import per language, spelled out: the bundler makes each a chunk of its own.
const catalogs: Record<string, () => Promise<MainCatalog>> = {
  es: () => import('./es.js').then((module) => module.es),
  de: () => import('./de.js').then((module) => module.de),
  fr: () => import('./fr.js').then((module) => module.fr),
  pt: () => import('./pt.js').then((module) => module.pt),
  ar: () => import('./ar.js').then((module) => module.ar),
};

/**
 * The language of the first of `tags` (BCP 47 tags such as `de-AT`, `pt-BR`; `de_DE` too; missing ones are skipped)
 * that the widget speaks, by its first subtag; undefined when none (the widget then speaks English).
 *
 * @example
 * ```ts
 * pickLanguage(['fr-CA', 'en']) // 'fr'
 * pickLanguage([undefined, 'ja', 'de']) // 'de'
 * pickLanguage(['ja']) // undefined
 * ```
 */
export function pickLanguage(tags: readonly (string | undefined)[]): string | undefined {
  for (const tag of tags) {
    const language = tag?.toLowerCase().split(/[-_]/)[0];
    // `hasOwn`: a tag like `constructor` must not reach Object.prototype.
    if (language === 'en' || (language && Object.hasOwn(catalogs, language))) return language;
  }
  return undefined;
}

/**
 * The catalog of `language` (one {@link pickLanguage} returned, or `en`): English at once, any other once its chunk is
 * in.
 *
 * @example
 * ```ts
 * const text = await loadCatalog(pickLanguage(navigator.languages) ?? 'en')
 * ```
 */
export function loadCatalog(language: string): MainCatalog | Promise<MainCatalog> {
  return Object.hasOwn(catalogs, language) ? catalogs[language]!() : en;
}
