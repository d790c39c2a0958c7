/**
 * What a message says besides its small words, as the offline answerer compares texts: for telling a greeting from a
 * question, and an action's words from the visitor's.
 * @module
 */

// Words that carry no meaning: a message of a greeting and at most two other words is a greeting, not a question.
const stopWords = new Set(
  'a an and are as at be but by can could do does for from have how i if in is it its me my of on or our so that the their them there this to us was we what when where which who why will with you your'.split(
    ' ',
  ),
);

/** Lower-cased words without accents, stop words or a plural "s": what a message says besides its small words. */
export function keywords(text: string): Set<string> {
  const words = text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !stopWords.has(word))
    .map((word) => (word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word));
  return new Set(words);
}
