/**
 * Which query words may be typos. A word is corrected only when it is neither in the organization's knowledge base as
 * written (checked by search, in SQL, against `knowledge_words`) nor in a dictionary of the knowledge base's language:
 * a correctly spelt word that the help center doesn't use ("forgot", "snooze") stays itself instead of becoming the
 * closest rare word of the base ("format"), which would then dominate the ranking. Dictionaries are Hunspell's, read
 * with nspell, loaded once per language when first needed (about 0.3 s and 16 MB for English).
 * @module
 */
import nspell from 'nspell';

/** `ts_parse('default', …)` token types that are words: ASCII or not, alone or part of a hyphenated word. */
export const SURFACE_WORD_TOKENS = '1, 2, 10, 11';
/** A shorter word is too short to tell a typo from another word; a longer "word" is no typo (and levenshtein() stops at 255). */
export const SURFACE_WORD_MIN_LENGTH = 4;
export const SURFACE_WORD_MAX_LENGTH = 64;

interface HunspellDictionary {
  aff: Uint8Array;
  dic: Uint8Array;
}

/**
 * Dictionaries by the organization's text-search language (`organizations.knowledge_language`). Languages without
 * one (German's Hunspell dictionary is GPL, and `simple` is no language) correct every word the base doesn't know.
 */
const dictionaries: Record<string, () => Promise<{ default: HunspellDictionary }>> = {
  english: () => import('dictionary-en'),
  french: () => import('dictionary-fr'),
  spanish: () => import('dictionary-es'),
  portuguese: () => import('dictionary-pt'),
};

type Speller = ReturnType<typeof nspell>;
/** The dictionaries give bytes; nspell's types ask for a Buffer (the same bytes, not copied). */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const spellers = new Map<string, Promise<Speller | null>>();

/** The language's speller, loaded on first use; null when there is no dictionary for it. */
function spellerFor(language: string): Promise<Speller | null> {
  let speller = spellers.get(language);
  if (!speller) {
    const load = dictionaries[language];
    speller = load
      ? load()
          .then(({ default: { aff, dic } }) => nspell({ aff: asBuffer(aff), dic: asBuffer(dic) }))
          // A dictionary that can't be loaded is no reason to fail searches: without it every unknown word is a
          // candidate, as for a language without one; the next search tries loading it again.
          .catch(() => {
            spellers.delete(language);
            return null;
          })
      : Promise.resolve(null);
    spellers.set(language, speller);
  }
  return speller;
}

/**
 * Whether the dictionary knows `word`, or knows it with an apostrophe that chat often leaves out ("dont", "wasnt",
 * "whats", "youre"): such a word is no typo, and the closest word of the base ("want" for "wasnt") is no correction.
 */
function isSpelledRight(speller: Speller, word: string): boolean {
  if (speller.correct(word)) return true;
  for (let i = 1; i < word.length; i++) if (speller.correct(`${word.slice(0, i)}'${word.slice(i)}`)) return true;
  return false;
}

/** The query's words, lower-cased, that are long enough to be corrected: letters only, as `ts_parse` reads words. */
export function correctableWords(query: string): string[] {
  const words = query.toLowerCase().match(/\p{L}+/gu) ?? [];
  return [...new Set(words.filter((word) => word.length >= SURFACE_WORD_MIN_LENGTH && word.length <= SURFACE_WORD_MAX_LENGTH))];
}

/**
 * The words of `query` that may be misspelt: correctable words that the language's dictionary doesn't know. Search
 * corrects those the knowledge base doesn't have either.
 */
export async function typoCandidates(query: string, language: string): Promise<string[]> {
  const words = correctableWords(query);
  if (words.length === 0) return [];
  const speller = await spellerFor(language);
  return speller ? words.filter((word) => !isSpelledRight(speller, word)) : words;
}
