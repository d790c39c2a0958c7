/**
 * Reads the fields of a Markdown file's front matter that the knowledge base uses: YAML (`---`, Docusaurus, Jekyll,
 * MkDocs) or TOML (`+++`, Hugo). Unknown fields are ignored; front matter that can't be read gives a warning and no
 * fields, never a failed import.
 * @module
 */
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';

/** What the knowledge base takes from front matter. */
export interface FrontMatter {
  title?: string;
  /** Docusaurus' label in the sidebar: the title when there is no `title`. */
  sidebarLabel?: string;
  description?: string;
  /** An absolute http(s) address of the page (`url`, `permalink`). */
  url?: string;
  /** A path relative to the site (`slug`; a relative `url` or `permalink`). */
  slug?: string;
  /** Tags and keywords. */
  keywords: string[];
  /** The `tags` field alone, each once: what a bot profile's knowledge scope picks documents by. */
  tags: string[];
}

/** The value as one line of text; undefined for anything but a non-empty string or number. */
function textOf(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text || undefined;
}

/** Tags as Docusaurus (strings or `{ label }`), Jekyll (a space-separated string) and Hugo write them. */
function wordsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[,\s]+/).filter(Boolean);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const text = textOf(typeof item === 'object' && item !== null && 'label' in item ? item.label : item);
    return text ? [text] : [];
  });
}

/** Reads front matter of `kind`; `warning` says why nothing could be read. */
export function readFrontMatter(kind: 'yaml' | 'toml', source: string): { frontMatter: FrontMatter; warning?: string } {
  let data: unknown;
  try {
    data = kind === 'yaml' ? parseYaml(source) : parseToml(source);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    return {
      frontMatter: { keywords: [], tags: [] },
      warning: `The front matter is not valid ${kind.toUpperCase()} and was ignored: ${reason}`,
    };
  }
  if (data === null || data === undefined) return { frontMatter: { keywords: [], tags: [] } };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { frontMatter: { keywords: [], tags: [] }, warning: 'The front matter is not a list of fields and was ignored.' };
  }
  const fields = data as Record<string, unknown>;
  const tags = [...new Set(wordsOf(fields.tags))];
  const frontMatter: FrontMatter = { keywords: [...new Set([...tags, ...wordsOf(fields.keywords)])], tags };
  const set = <K extends keyof FrontMatter>(key: K, value: FrontMatter[K] | undefined) => {
    if (value !== undefined) frontMatter[key] = value;
  };
  set('title', textOf(fields.title));
  set('sidebarLabel', textOf(fields.sidebar_label));
  set('description', textOf(fields.description));
  const address = textOf(fields.url) ?? textOf(fields.permalink);
  if (address && /^https?:\/\//i.test(address) && URL.canParse(address)) set('url', address);
  set('slug', textOf(fields.slug) ?? (address && !/^[a-z][a-z0-9+.-]*:/i.test(address) ? address : undefined));
  return { frontMatter };
}
