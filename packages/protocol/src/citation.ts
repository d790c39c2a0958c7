/**
 * How a bot reply's citations are shown. Schema-free (the `Citation` import is a type only), so the widget and the
 * console import these through the package's entry without pulling zod into their bundles.
 * @module
 */
import type { Citation } from './models.js';

/**
 * How a citation is shown: its document title, the section when it has one, and a PDF's page.
 *
 * @example
 * ```ts
 * citationLabel({ title: 'Shipping', section: 'Returns › Refunds' }) // 'Shipping › Returns › Refunds'
 * citationLabel({ title: 'Manual', section: '', page: 3 }) // 'Manual, p. 3'
 * ```
 */
export function citationLabel(citation: Pick<Citation, 'title' | 'section' | 'page'>): string {
  const label = citation.section ? `${citation.title} › ${citation.section}` : citation.title;
  return citation.page ? `${label}, p. ${citation.page}` : label;
}

/**
 * The citation's link, only when it is an http(s) URL: anything else (`javascript:`) must never become an href.
 *
 * @example
 * ```ts
 * const href = citationHref(citation) // null for `javascript:alert(1)`, for a relative path and for no URL
 * ```
 */
export function citationHref(citation: Pick<Citation, 'url'>): string | null {
  return citation.url !== null && /^https?:\/\//i.test(citation.url) ? citation.url : null;
}
