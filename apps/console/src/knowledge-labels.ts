/**
 * How the knowledge base page names formats, file sizes and chunk counts.
 * @module
 */
import type { KnowledgeFormat } from '@parley/protocol';

const formatLabels: Record<KnowledgeFormat, string> = {
  markdown: 'Markdown',
  mdx: 'MDX',
  html: 'HTML',
  text: 'Plain text',
  faq: 'FAQ',
  pdf: 'PDF',
};

/** A document format as site owners know it ("Markdown", "FAQ"). */
export function knowledgeFormatLabel(format: KnowledgeFormat): string {
  return formatLabels[format];
}

/** A file size in bytes, KB or MB (1 KB = 1,024 bytes, as file managers count), one decimal below 10. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ${unit}`;
}

/** "1 chunk", "12 chunks". */
export function chunkCountLabel(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'chunk' : 'chunks'}`;
}
