/**
 * How the knowledge base page names a website source's status, re-sync interval and last sync, and the knowledge
 * base's text-search languages.
 * @module
 */
import type { KnowledgeSource, KnowledgeSourceCounts } from '@parley/protocol';

/** The re-sync intervals the console offers, in hours (null: on demand only). */
export const RESYNC_CHOICES: ReadonlyArray<{ label: string; hours: number | null }> = [
  { label: 'Off (sync on demand)', hours: null },
  { label: 'Daily', hours: 24 },
  { label: 'Weekly', hours: 168 },
];

const statusLabels: Record<KnowledgeSource['status'], string> = {
  pending: 'Waiting to sync',
  syncing: 'Syncing…',
  ok: 'Synced',
  failed: 'Failed',
};

/** "Synced", "Syncing…", "Failed", "Waiting to sync". */
export function sourceStatusLabel(status: KnowledgeSource['status']): string {
  return statusLabels[status];
}

/** "Re-synced daily", "weekly", "every 6 hours", or "Synced on demand". */
export function resyncLabel(hours: number | null): string {
  if (hours === null) return 'Synced on demand';
  if (hours === 24) return 'Re-synced daily';
  if (hours === 168) return 'Re-synced weekly';
  return `Re-synced every ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

const stopLabels: Record<string, string> = {
  maxPages: 'stopped at its page limit',
  maxTotalBytes: 'stopped after reading 200 MB',
  timeLimit: 'stopped at its time limit',
  maxDepth: 'links went deeper than its depth limit',
  robotsUnavailable: "robots.txt couldn't be read",
};

/** "3 new, 1 updated, 12 unchanged, 1 removed, 2 failed, 4 skipped", with what stopped the crawl early. */
export function syncCountsLabel(counts: KnowledgeSourceCounts): string {
  const parts = [`${counts.added} new`, `${counts.updated} updated`, `${counts.unchanged} unchanged`, `${counts.removed} removed`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  const stop = counts.stoppedBy ? `; ${stopLabels[counts.stoppedBy] ?? counts.stoppedBy}` : '';
  return `${parts.join(', ')}${stop}`;
}

/** "1 page", "12 pages". */
export function pageCountLabel(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'page' : 'pages'}`;
}

/** A text-search configuration as people name the language: `english` → "English", `simple` → "Simple (no stemming)". */
export function languageLabel(language: string): string {
  if (language === 'simple') return 'Simple (no stemming)';
  return language.charAt(0).toUpperCase() + language.slice(1);
}
