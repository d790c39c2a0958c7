/**
 * The URL patterns of proactive messages (`proactive.ts`), matched in the widget: a schema-free module, so importing it
 * brings no zod into a bundle.
 * @module
 */

/**
 * Whether `url` (a path and query, e.g. `/pricing?plan=team`) matches a rule's `urlPattern`: `*` matches any
 * characters, the rest literally, the whole of it; an empty pattern matches every page.
 *
 * @example
 * ```ts
 * matchesUrlPattern('/pricing*', '/pricing?plan=team') // true
 * matchesUrlPattern('/docs/*', '/blog') // false
 * ```
 */
export function matchesUrlPattern(pattern: string, url: string): boolean {
  if (!pattern) return true;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(url);
}
