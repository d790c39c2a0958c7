/**
 * The formats knowledge documents are imported from, a file's format by its name, and the largest document. Schema-free (no zod), so that
 * the console's upload imports it without pulling zod into its bundle.
 * @module
 */

/**
 * The formats documents are imported from. MDX is Markdown with JSX and ESM (Docusaurus). FAQ files are CSV (header
 * with question, answer) or JSON Lines. A PDF is read from its text layer, page by page; it is the one format sent as
 * bytes (`contentBase64`), not text.
 */
export const KNOWLEDGE_FORMATS = ['markdown', 'mdx', 'html', 'text', 'faq', 'pdf'] as const;

const formatsByExtension: Record<string, (typeof KNOWLEDGE_FORMATS)[number]> = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'mdx',
  html: 'html',
  htm: 'html',
  txt: 'text',
  csv: 'faq',
  jsonl: 'faq',
  pdf: 'pdf',
};

/** The file extensions that can be imported, with their dot (`.md`, …), for file pickers and messages. */
export const knowledgeFileExtensions = Object.keys(formatsByExtension).map((extension) => `.${extension}`);

/** The format a file is imported as, by the extension of its name; undefined for other files. */
export function knowledgeFormatOfFileName(name: string): (typeof KNOWLEDGE_FORMATS)[number] | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : formatsByExtension[name.slice(dot + 1).toLowerCase()];
}

/** Largest document the API imports, in characters. Bigger files can be split, or imported with the CLI. */
export const KNOWLEDGE_DOCUMENT_MAX_LENGTH = 2_000_000;

/**
 * Largest PDF the API imports, in bytes (20 MiB, before base64). A PDF's size is mostly fonts and images, which are
 * not imported: a manual of a few hundred pages fits. Bigger files can be split, or imported with the CLI.
 */
export const KNOWLEDGE_PDF_MAX_BYTES = 20 * 1024 * 1024;
