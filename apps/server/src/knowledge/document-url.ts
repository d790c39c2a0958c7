/**
 * The address a document is cited with when the import has a base URL (`parley kb import --base-url`): its front
 * matter slug under the base URL, else its source key under it.
 * @module
 */
import { extname, posix } from 'node:path';

const asFolder = (baseUrl: string) => (baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);

/**
 * The URL of a document under `baseUrl`: its source key without the extension, so `returns.md` under
 * `https://help.example.com/` is `https://help.example.com/returns` (a site generator renders it as a page there).
 * With `keepExtension` (a PDF, which is served as the file itself) `manuals/dryer.pdf` stays `…/manuals/dryer.pdf`.
 */
export function sourceKeyUnder(baseUrl: string, sourceKey: string, { keepExtension = false } = {}): string {
  const path = keepExtension ? sourceKey : sourceKey.slice(0, sourceKey.length - extname(sourceKey).length);
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

/**
 * The address of a page of a PDF: the document's URL with `#page=N` (an open parameter of the PDF format, which the
 * PDF viewers of browsers follow), replacing any fragment it had. No URL stays none, and no page leaves it as it is.
 */
export function pageUrl(url: string | null, page: number | null): string | null {
  if (url === null || page === null) return url;
  return `${url.replace(/#[\s\S]*$/, '')}#page=${page}`;
}
