/**
 * Message bodies as Preact nodes: a small markdown subset for bots and agents, bare links for visitors.
 *
 * Built for the widget's size budget and for text nobody vetted: a line-based block pass and one regex-driven inline
 * tokenizer, no dependency. Message text is never HTML: everything ends up as text nodes or one of a fixed set of
 * elements, so a `<script>` in a message is only ever shown. A link gets an href only when the URL parser says it is
 * http:, https: or mailto:. Anything not recognised, an unclosed `**` of a streaming draft included, stays as it was
 * written.
 * @module
 */
import type { ComponentChildren } from 'preact';

// Groups 1 and 2: a bare URL and an e-mail address. The same pattern (and the same code in `inline`) finds the links in
// a visitor's text and in a bot's, so both kinds of message link the same things.
// Trailing punctuation is most likely the sentence's, so the lookbehind gives it back; a `)` is kept only when the URL
// opened it (Wikipedia's `Foo_(bar)`). The e-mail's lookbehind starts it only where a run of its characters starts:
// without it, a long run with no `@` would be scanned again from every position (quadratic).
const LINKS =
  /\b((?:https?:\/\/|mailto:|www\.)(?:[^\s()<>]|\([^\s()<>]*\))+(?<![.,:;!?'"*_]))|(?<![\w.+-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/giu;

// After the links (which win, so a `_` or `*` inside a URL is the URL's): a backslash and the punctuation it escapes (3);
// a code span (4 its backticks, 5 its text); emphasis (6 the marker, 7 its content); a link (8 its label, 9 its URL).
// Linear on hostile input: every scan stops at the next occurrence of what it started with (an emphasis never contains
// its own marker, a label no bracket, a code span no backtick), so a marker left unclosed costs one scan to the next
// one, not one to the end of the text. That also bounds the nesting, and with it the recursion, to a handful of levels.
// An `_` glued to a word character on the outside (snake_case) is no marker.
const MD = RegExp(
  LINKS.source +
    String.raw`|\\([^\s\w]|_)|(\x60+)([^\x60]+)\4(?!\x60)|(\*\*?|(?<!\w)__?)(?=\S)((?:(?!\6)[^])+?)(?<=\S)\6(?!\6|(?<=_)\w)|\[([^[\]]+)\]\(((?:[^\s()<>]|\([^\s()<>]*\))+)\)`,
  'giu',
);

/** An anchor when the URL parser reads `href` as http:, https: or mailto: (after its own clean-up), else `raw`. */
function link(href: string, raw: string, children: ComponentChildren = raw) {
  try {
    const url = new URL(href);
    if (/^(https?|mailto):/.test(url.href)) {
      return (
        <a href={url.href} target="_blank" rel="noopener noreferrer">
          {children}
        </a>
      );
    }
  } catch {
    // Relative, protocol-relative or not a URL at all: shown as written.
  }
  return raw;
}

/** `s` with what `re` finds made into nodes. In a link's label, bare URLs stay text: an anchor can't hold one. */
function inline(s: string, re: RegExp, inLabel?: boolean): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let at = 0;
  for (const m of s.matchAll(re)) {
    const [all, , mail, escaped, , code, marker, content, label, href] = m;
    const Em = marker?.[1] ? 'strong' : 'em';
    out.push(
      s.slice(at, m.index),
      escaped ??
        (code ? (
          <code>{code}</code>
        ) : marker ? (
          <Em>{inline(content!, re, inLabel)}</Em>
        ) : label ? (
          link(href!, all, inline(label, re, true))
        ) : inLabel ? (
          all
        ) : (
          // Of the bare links only www. ones start with a w.
          link((mail ? 'mailto:' : /^w/i.test(all) ? 'https://' : '') + all, all)
        )),
    );
    at = m.index! + all.length;
  }
  out.push(s.slice(at));
  return out;
}

// Splits out fenced code blocks (odd parts: the code). An unclosed fence runs to the end, as in CommonMark, so a
// streaming draft shows its code as code already. A line with backticks after the fence (```x```) is a code span.
const FENCE = /^ *```[^`\n]*$\n?([^]*?)(?:\n?^ *``` *$|(?![^]))/m;

/** Paragraphs (a line break per newline) and lists, each list item one line. */
function blocks(text: string) {
  const out: ComponentChildren[] = [];
  let tag: string | undefined;
  let children: ComponentChildren[] = [];
  for (const line of text.split('\n')) {
    // Groups: a bullet; an ordered list's number unless 1 (its `start`); the item.
    const lead = /^\s*(?:([-*+])|(?:0*1|(\d{1,9}))[.)])\s+([^]*)/.exec(line);
    const Block = (lead ? (lead[1] ? 'ul' : 'ol') : line.trim() && 'p') as 'ol';
    const more = Block == tag;
    if (!more && Block) {
      // The block's children are filled in as its lines come: Preact reads them only when it renders.
      out.push(<Block start={lead?.[2] ? +lead[2] : undefined}>{(children = [])}</Block>);
    }
    if ((tag = Block)) children.push(lead ? <li>{inline(lead[3]!, MD)}</li> : [more && <br />, inline(line, MD)]);
  }
  return out;
}

/**
 * A bot's or agent's message body, from a small markdown subset: paragraphs and line breaks, `**bold**`, `*italic*`,
 * `` `code` ``, fenced code blocks, `-`/`1.` lists, `[label](url)` and bare URLs and e-mail addresses.
 *
 * Message text is never HTML: the result is Preact nodes only (p, br, strong, em, code, pre, ul, ol, li, a), and raw
 * HTML, unknown syntax and unclosed markers are shown as the text they are. Links get an href only when it parses as
 * http:, https: or mailto:, since `javascript:` and the like run code on a click; any other link stays plain text.
 */
export function Markdown({ text }: { text: string }) {
  return text.split(FENCE).map((part, i) =>
    i % 2 ? (
      <pre>
        <code>{part}</code>
      </pre>
    ) : (
      blocks(part)
    ),
  );
}

/**
 * A visitor's own message: their text exactly as typed, with only bare URLs and e-mail addresses made links, found as
 * in {@link Markdown}. No markdown at all, since a visitor didn't write any and `*` or `_` mean what they typed. Message
 * text is never HTML, and links get an href only when it parses as http:, https: or mailto:.
 */
export function Linkified({ text }: { text: string }) {
  return inline(text, LINKS);
}
