/**
 * Clean-up of Markdown and MDX source before it is parsed, for what a help-centre generator would have rendered and
 * a Markdown parser reads as text:
 *
 * - admonitions lose their markers and keep their title as a paragraph of its own: Docusaurus' `:::tip Title` (or
 *   `:::tip[Title]`) … `:::`, and Python-Markdown's (MkDocs, Zulip) `!!! tip "Title"` with a body indented by four
 *   spaces, which a CommonMark parser would read as a code block;
 * - template macros that were not resolved are dropped, with one warning per kind: includes (`{!file.md!}`), Zulip's
 *   macros (`{start_tabs}`, `{tab|desktop-web}`, `{settings_tab|notifications}`, `{relative|gear|stats}`, and any
 *   `{lower_snake_case}` alone on its line), and Jinja (`{{ var }}`, `{% … %}`);
 * - for MDX read as Markdown, `import`/`export` blocks are dropped.
 *
 * Front matter, fenced code and inline code spans are left as they are. Lines keep their source line number, so an
 * MDX parse error can name the line of the file.
 * @module
 */

/** A source line and the line of the original file it comes from (1-based). */
interface SourceLine {
  text: string;
  line: number;
}

/** Markdown source ready for the parser, with what was dropped. */
export interface PreparedSource {
  text: string;
  /** One per kind of macro dropped; empty when there was none. */
  warnings: string[];
  /**
   * The words of the dropped includes' file names and of the macros' arguments (`{!change-password.md!}`,
   * `{tab|mobile}`, `{settings_tab|notifications}` → change, password, mobile, notifications): the best clue to what the
   * rendered page says there. Each once.
   */
  hints: string[];
  /** The line of the original file that `text`'s line (1-based) comes from. */
  sourceLine(line: number): number;
}

const FRONT_MATTER = /^(?:---|\+\+\+)[ \t]*$/;
const FENCE_OPEN = /^\s*(`{3,}|~{3,})/;
const DOCUSAURUS_OPEN = /^(\s*):{3,}[ \t]*[A-Za-z][\w-]*(?:\[(.*)\]|\{.*\}|[ \t]+(.*?))?[ \t]*$/;
const DOCUSAURUS_CLOSE = /^\s*:{3,}\s*$/;
const MKDOCS_OPEN = /^(\s*)(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+(?:"([^"]*)"|'([^']*)'))?[ \t]*$/;
const ESM_START = /^(?:import\s+(?:[\w$*{][^\n]*?\s+from\s+)?['"]|import\s*\{|export\s+(?:const|let|var|function|async|class|default|\{))/;
const CODE_SPAN = /(`+)(?:[^`]|(?!\1)`+)*?\1(?!`)/g;

/** The kinds of macros that are dropped, each with its warning. */
const macroKinds = [
  {
    pattern: /\{![^{}\n]*?!\}/g,
    hint: (macro: string) => macro.slice(2, -2).replace(/\.(?:md|markdown|html?)$/i, ''),
    warning: (count: number, examples: string) =>
      `Dropped ${plural(count, 'include macro')} (${examples}): the text they include is not in this file, so it is missing from the knowledge base.`,
  },
  {
    pattern: /\{\{[^\n]*?\}\}|\{%[^\n]*?%\}/g,
    // A variable's name is no text of the page.
    hint: () => '',
    warning: (count: number, examples: string) =>
      `Dropped ${plural(count, 'template placeholder')} (${examples}): the values they stand for are missing from the text.`,
  },
  {
    pattern: /\{(?:start_tabs|end_tabs)\}|\{[a-z][a-z0-9_]*(?:\|[^{}|\n]*)+\}|^\s*\{[a-z][a-z0-9_]*\}\s*$/g,
    // {tab|desktop-web} → desktop-web; a macro alone on its line ({emoticon_translations}) names its content.
    hint: (macro: string) => {
      const [name, ...args] = macro.trim().slice(1, -1).split('|');
      return args.length > 0 ? args.join(' ') : name!.endsWith('_tabs') ? '' : name!;
    },
    warning: (count: number, examples: string) =>
      `Dropped ${plural(count, 'template macro')} (${examples}): the tabs, steps or text they stand for are not in the knowledge base.`,
  },
] as const;

/** Stands for a dropped macro until the parentheses around it are looked at. */
const DROPPED = '\u0001';
const EMPTIED_PARENTHESES = new RegExp(`\\(\\s*${DROPPED}[\\s${DROPPED}]*\\)`, 'g');

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Expands leading tabs to four columns and counts the indentation. */
function indentOf(text: string): number {
  let columns = 0;
  for (const character of text) {
    if (character === ' ') columns++;
    else if (character === '\t') columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

/** `text` without its first `columns` columns of indentation. */
function dedent(text: string, columns: number): string {
  const expanded = text.replace(/^[ \t]+/, (indentation) => ' '.repeat(indentOf(indentation)));
  return expanded.slice(Math.min(columns, indentOf(expanded)));
}

/** Applies `replace` to the parts of `text` outside inline code spans. */
function outsideCodeSpans(text: string, replace: (part: string) => string): string {
  let result = '';
  let last = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    result += replace(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return result + replace(text.slice(last));
}

/** The lines of the front matter block at the start of `lines` (0 when there is none). */
function frontMatterLength(lines: readonly SourceLine[]): number {
  const fence = lines[0]?.text.replace(/^\uFEFF/, '').trim();
  if (!fence || !FRONT_MATTER.test(fence)) return 0;
  const end = lines.findIndex((line, index) => index > 0 && line.text.trim() === fence);
  return end < 0 ? 0 : end + 1;
}

/** Options of {@link prepareMarkdownSource}. */
export interface PrepareOptions {
  /** Drops MDX `import`/`export` blocks (for MDX that is read as Markdown). */
  stripEsm?: boolean;
}

/** Rewrites admonitions and drops macros (and with `stripEsm`, ESM blocks); see the module comment. */
export function prepareMarkdownSource(content: string, options: PrepareOptions = {}): PreparedSource {
  const lines: SourceLine[] = content.split(/\r?\n/).map((text, index) => ({ text, line: index + 1 }));
  const dropped = macroKinds.map(() => [] as string[]);
  let fence: { character: string; length: number } | null = null;

  const start = frontMatterLength(lines);
  for (let index = start; index < lines.length; index++) {
    const { text, line } = lines[index]!;
    if (fence) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1]![0] === fence.character && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(text);
    if (open) {
      // A backtick fence's info string cannot contain a backtick; such a line is inline code, not a fence.
      if (open[1]![0] === '~' || !text.slice(text.indexOf(open[1]!) + open[1]!.length).includes('`')) {
        fence = { character: open[1]![0]!, length: open[1]!.length };
        continue;
      }
    }

    const mkdocs = MKDOCS_OPEN.exec(text);
    if (mkdocs) {
      const indent = indentOf(mkdocs[1]!);
      let end = index + 1;
      while (end < lines.length && (!lines[end]!.text.trim() || indentOf(lines[end]!.text) >= indent + 4)) end++;
      while (end > index + 1 && !lines[end - 1]!.text.trim()) end--;
      const title = (mkdocs[2] ?? mkdocs[3] ?? '').trim();
      const body = lines.slice(index + 1, end).map((bodyLine) => ({ ...bodyLine, text: dedent(bodyLine.text, 4) }));
      const replacement = [
        ...(title ? [{ text: `${mkdocs[1]}${title}`, line }] : []),
        { text: '', line },
        ...body,
        { text: '', line: lines[end - 1]!.line },
      ];
      lines.splice(index, end - index, ...replacement);
      // Goes on with the line after the title: the body is read like any other lines (nested admonitions, macros).
      index += title ? 1 : 0;
      continue;
    }
    const docusaurus = DOCUSAURUS_OPEN.exec(text);
    if (docusaurus) {
      const title = (docusaurus[2] ?? docusaurus[3] ?? '').trim();
      lines.splice(index, 1, ...(title ? [{ text: `${docusaurus[1]}${title}`, line }] : []), { text: '', line });
      index += title ? 1 : 0;
      continue;
    }
    if (DOCUSAURUS_CLOSE.test(text)) {
      lines[index] = { text: '', line };
      continue;
    }

    if (options.stripEsm && ESM_START.test(text) && (index === start || !lines[index - 1]!.text.trim())) {
      // Like MDX: an ESM block starts a block and runs to the next blank line.
      let end = index;
      while (end < lines.length && lines[end]!.text.trim()) end++;
      lines.splice(index, end - index, { text: '', line });
      continue;
    }

    lines[index] = {
      line,
      text: outsideCodeSpans(text, (part) =>
        macroKinds
          .reduce(
            (result, kind, kindIndex) =>
              result.replace(kind.pattern, (macro) => {
                dropped[kindIndex]!.push(macro.trim());
                return DROPPED;
              }),
            part,
          )
          // "contact your administrator ({{ support_email }})" loses the parentheses too.
          .replace(EMPTIED_PARENTHESES, '')
          .replaceAll(DROPPED, ''),
      ),
    };
  }

  const hints = new Set(
    macroKinds.flatMap((kind, kindIndex) =>
      dropped[kindIndex]!.flatMap((macro) =>
        kind
          .hint(macro)
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter(Boolean),
      ),
    ),
  );
  const warnings = macroKinds.flatMap((kind, kindIndex) => {
    const macros = dropped[kindIndex]!;
    if (macros.length === 0) return [];
    const distinct = [...new Set(macros)];
    const examples = distinct.slice(0, 3).join(', ') + (distinct.length > 3 ? ', …' : '');
    return [kind.warning(macros.length, examples)];
  });
  return {
    text: lines.map((line) => line.text).join('\n'),
    warnings,
    hints: [...hints],
    sourceLine: (line) => lines[line - 1]?.line ?? line,
  };
}

/**
 * Whether Markdown looks like MDX: a line that is an ESM `import … from '…'` or an `export` of a binding, as
 * Docusaurus files (which it compiles as MDX whatever their extension) have.
 */
export function looksLikeMdx(content: string): boolean {
  return (
    /^import\s+(?:[\w$*{][^\n]*?\s+from\s+)?['"][^'"\n]+['"];?[ \t]*$/m.test(content) ||
    /^export\s+(?:const|let|var|function|default)\b/m.test(content)
  );
}
