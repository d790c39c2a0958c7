import { readFileSync } from 'node:fs';

/**
 * The Big List of Naughty Strings (MIT, Max Woolf), vendored in `test/__fixtures__/naughty-strings/` with its license
 * and source, so that the suite runs from a plain clone.
 */
export function naughtyStrings(): string[] {
  return JSON.parse(readFileSync(new URL('../__fixtures__/naughty-strings/blns.json', import.meta.url), 'utf8')) as string[];
}
