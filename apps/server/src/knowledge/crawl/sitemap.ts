/**
 * Reads a sitemap (sitemaps.org protocol): a `<urlset>` lists pages, a `<sitemapindex>` lists further sitemaps.
 * Parsed with htmlparser2 in XML mode, which is forgiving the way sitemaps written by hand need (a missing namespace,
 * a stray prefix) and already a dependency of the HTML import.
 * @module
 */
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

/** What a sitemap file lists. `unknown` when its root element is neither `urlset` nor `sitemapindex`. */
export interface Sitemap {
  type: 'urlset' | 'sitemapindex' | 'unknown';
  /** The `<loc>` of each entry, trimmed, in document order. */
  locations: string[];
}

// `sm:urlset` and `urlset` alike: some generators prefix the sitemap namespace.
const localName = (name: string) => name.slice(name.indexOf(':') + 1).toLowerCase();

function textOf(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  if ('children' in node) return node.children.map(textOf).join('');
  return '';
}

/** Lists the pages (`urlset`) or sitemaps (`sitemapindex`) of a sitemap's XML. */
export function parseSitemap(xml: string): Sitemap {
  const document = parseDocument(xml, { xmlMode: true });
  const root = document.children.find((node): node is Element => node.type === 'tag');
  if (!root) return { type: 'unknown', locations: [] };
  const rootName = localName(root.name);
  const type = rootName === 'urlset' || rootName === 'sitemapindex' ? rootName : 'unknown';
  const entryName = type === 'urlset' ? 'url' : 'sitemap';
  const locations: string[] = [];
  if (type === 'unknown') return { type, locations };
  for (const entry of root.children) {
    if (entry.type !== 'tag' || localName(entry.name) !== entryName) continue;
    const loc = entry.children.find((child): child is Element => child.type === 'tag' && localName(child.name) === 'loc');
    const location = loc ? textOf(loc).trim() : '';
    if (location) locations.push(location);
  }
  return { type, locations };
}
