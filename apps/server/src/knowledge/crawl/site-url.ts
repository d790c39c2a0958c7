/**
 * Which addresses a crawl visits and under what name: one site (scheme, host and port), fragments dropped, queries
 * kept, and files that are no web page left alone by their extension before anything is fetched.
 * @module
 */

// Files a help center links to that are no HTML page. Checked on the path before fetching, so that a link to a 40 MB
// video costs nothing; the Content-Type of what is fetched is checked too.
const NON_HTML_EXTENSION =
  /\.(?:pdf|png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?|css|js|mjs|json|xml|rss|atom|txt|csv|tsv|zip|gz|tgz|bz2|xz|7z|rar|tar|dmg|exe|msi|apk|deb|rpm|iso|mp3|mp4|m4a|m4v|mov|avi|wmv|webm|ogg|oga|wav|flac|woff2?|ttf|otf|eot|docx?|xlsx?|pptx?|odt|ods|odp|epub)$/i;

/** The longest address a crawl follows. */
export const MAX_PAGE_URL_LENGTH = 2000;

/**
 * The crawl's name for a link: absolute, without its fragment (`#section` is the same page), `null` for anything but
 * http(s) (`mailto:`, `javascript:`, `tel:`), for what doesn't parse and for an address longer than
 * {@link MAX_PAGE_URL_LENGTH}.
 */
export function normalizePageUrl(href: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  // A page's address is its document's key: one longer than any help article's (a session id, a tracking blob) is
  // left alone rather than stored.
  return url.href.length <= MAX_PAGE_URL_LENGTH ? url.href : null;
}

/** Whether `url` is on the site `origin` names: same scheme, host and port. */
export function isOnSite(url: string, origin: string): boolean {
  return new URL(url).origin === origin;
}

/** Whether the path of `url` ends in the extension of a file that is no web page (`.pdf`, `.png`, `.zip`, …). */
export function hasNonHtmlExtension(url: string): boolean {
  return NON_HTML_EXTENSION.test(new URL(url).pathname);
}
