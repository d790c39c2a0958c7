/**
 * The address a document is cited with when the import has a base URL (`parley kb import --base-url`): its front
 * matter slug under the base URL, else its source key under it.
 * @module
 */
import { extname, posix } from 'node:path';

const asFolder = (baseUrl: string) => (baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);

/**
 * The URL of a document under `baseUrl`: its source key without the extension, so `returns.md` under
 * `https://help.example.com/` is `https://help.example.com/returns`.
 */
export function sourceKeyUnder(baseUrl: string, sourceKey: string): string {
  const path = sourceKey.slice(0, sourceKey.length - extname(sourceKey).length);
  return new URL(path.split('/').map(encodeURIComponent).join('/'), asFolder(baseUrl)).href;
}

/**
 * A front matter slug under `baseUrl`, as Docusaurus reads it: `/billing/invoices` from the base URL, `invoices` next
 * to the document (`guides/pay.md` → `guides/invoices`). Undefined for a slug that makes no URL.
 */
export function slugUnder(baseUrl: string, sourceKey: string, slug: string): string | undefined {
  const path = slug.startsWith('/') ? slug.replace(/^\/+/, '') : posix.join(posix.dirname(sourceKey), slug);
  const relative = path === '.' ? '' : path;
  // encodeURI keeps the slashes and any %-escapes a slug already has, and escapes spaces and non-ASCII letters.
  return URL.canParse(encodeURI(relative), asFolder(baseUrl)) ? new URL(encodeURI(relative), asFolder(baseUrl)).href : undefined;
}
