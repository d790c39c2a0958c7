/**
 * How a bot reply's citations are shown. Schema-free (the `Citation` import is a type only), so the widget and the
 * console import these through the package's entry without pulling zod into their bundles.
 * @module
 */
import type { Citation } from './models.js';

/**
 * How a citation is shown: its document title, and the section when it has one.
 *
 * @example
 * ```ts
 * citationLabel({ title: 'Shipping', section: 'Returns › Refunds' }) // 'Shipping › Returns › Refunds'
 * ```
 */
export function citationLabel(citation: Pick<Citation, 'title' | 'section'>): string {
  return citation.section ? `${citation.title} › ${citation.section}` : citation.title;
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
