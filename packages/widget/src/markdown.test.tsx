// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { URL as NodeURL } from 'node:url';
import { render, type ComponentChild } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Linkified, Markdown } from './markdown.js';

const containers: HTMLElement[] = [];

afterEach(() => {
  for (const container of containers.splice(0)) render(null, container);
});

function mount(node: ComponentChild) {
  const container = document.createElement('div');
  containers.push(container);
  render(node, container);
  return container;
}

/** The markup `Markdown` renders for `text`: element names, attributes and text at once. */
const md = (text: string) => mount(<Markdown text={text} />).innerHTML;
const linkified = (text: string) => mount(<Linkified text={text} />).innerHTML;

const a = (href: string, label: string) => `<a href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`;

describe('Markdown', () => {
  it('splits paragraphs on blank lines and keeps single newlines as line breaks', () => {
    expect(md('Hello')).toBe('<p>Hello</p>');
    expect(md('one\ntwo\nthree')).toBe('<p>one<br>two<br>three</p>');
    expect(md('one\n\ntwo')).toBe('<p>one</p><p>two</p>');
    expect(md('\n\none\n \n\t\n\ntwo\n\n')).toBe('<p>one</p><p>two</p>');
    expect(md('')).toBe('');
  });

  it('makes **bold** and __bold__ strong, *italic* and _italic_ em', () => {
    expect(md('**bold** and __bold__')).toBe('<p><strong>bold</strong> and <strong>bold</strong></p>');
    expect(md('*italic* and _italic_')).toBe('<p><em>italic</em> and <em>italic</em></p>');
    expect(md('**bold with *italic* inside**')).toBe('<p><strong>bold with <em>italic</em> inside</strong></p>');
    expect(md('_italic with **bold** inside_')).toBe('<p><em>italic with <strong>bold</strong> inside</em></p>');
    expect(md('un**believ**able')).toBe('<p>un<strong>believ</strong>able</p>');
  });

  it('leaves an underscore inside a word alone', () => {
    expect(md('snake_case_name and __init__')).toBe('<p>snake_case_name and <strong>init</strong></p>');
    expect(md('_a_b and a_b_')).toBe('<p>_a_b and a_b_</p>');
  });

  it('shows unclosed or space-flanked markers as written', () => {
    expect(md('Here is **bo')).toBe('<p>Here is **bo</p>');
    expect(md('*a and _b and `c')).toBe('<p>*a and _b and `c</p>');
    expect(md('2 * 3 * 4 and ** not bold **')).toBe('<p>2 * 3 * 4 and ** not bold **</p>');
    expect(md('**bold\nstill**')).toBe('<p>**bold<br>still**</p>');
  });

  it('makes `code` a code element, with no markdown inside', () => {
    expect(md('run `npm i` now')).toBe('<p>run <code>npm i</code> now</p>');
    expect(md('`**not bold** [x](https://a.com)`')).toBe('<p><code>**not bold** [x](https://a.com)</code></p>');
    expect(md('```one line```')).toBe('<p><code>one line</code></p>');
  });

  it('makes a fenced block pre and code, without its language tag', () => {
    expect(md("Look:\n```ts\nconst a = '**x**';\n\n  <b>y</b>\n```\nDone")).toBe(
      "<p>Look:</p><pre><code>const a = '**x**';\n\n  &lt;b&gt;y&lt;/b&gt;</code></pre><p>Done</p>",
    );
    expect(md('```\n```')).toBe('<pre><code></code></pre>');
    // A draft still streaming: the code so far is code.
    expect(md('```js\nconst a')).toBe('<pre><code>const a</code></pre>');
  });

  it('makes - * + lines an unordered list', () => {
    expect(md('- one\n* **two**\n+ three')).toBe('<ul><li>one</li><li><strong>two</strong></li><li>three</li></ul>');
    expect(md('Steps:\n- one\n- two\nAfter')).toBe('<p>Steps:</p><ul><li>one</li><li>two</li></ul><p>After</p>');
    expect(md('-not a list\n*neither*')).toBe('<p>-not a list<br><em>neither</em></p>');
  });

  it('makes 1. and 2) lines an ordered list, with start unless it starts at 1', () => {
    expect(md('1. one\n2. two')).toBe('<ol><li>one</li><li>two</li></ol>');
    expect(md('3) three\n4) four')).toBe('<ol start="3"><li>three</li><li>four</li></ol>');
    expect(md('0. zero')).toBe('<ol start="0"><li>zero</li></ol>');
    expect(md('- a\n1. b')).toBe('<ul><li>a</li></ul><ol><li>b</li></ol>');
    expect(md('1.5 apples')).toBe('<p>1.5 apples</p>');
  });

  it('makes [label](url) a link that opens in a new tab', () => {
    expect(md('See [the docs](https://example.com/a?b=1&c=2).')).toBe(`<p>See ${a('https://example.com/a?b=1&amp;c=2', 'the docs')}.</p>`);
    expect(md('[**Docs**](http://example.com)')).toBe(`<p>${a('http://example.com/', '<strong>Docs</strong>')}</p>`);
    expect(md('[Foo](https://en.wikipedia.org/wiki/Foo_(bar))')).toBe(`<p>${a('https://en.wikipedia.org/wiki/Foo_(bar)', 'Foo')}</p>`);
    expect(md('[write us](mailto:help@example.com)')).toBe(`<p>${a('mailto:help@example.com', 'write us')}</p>`);
    // An anchor can't hold another: a URL in a label stays text.
    expect(md('[see https://a.com](https://b.com)')).toBe(`<p>${a('https://b.com/', 'see https://a.com')}</p>`);
  });

  it('keeps citation markers and unsafe links as text', () => {
    expect(md('As noted [1] and [2][3].')).toBe('<p>As noted [1] and [2][3].</p>');
    expect(md('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
    expect(md('[x](//evil.com) [y](/path) [z](data:text/html,hi)')).toBe('<p>[x](//evil.com) [y](/path) [z](data:text/html,hi)</p>');
  });

  it('links bare URLs and e-mail addresses, leaving trailing punctuation out', () => {
    expect(md('Visit https://example.com/a_b_c, or www.example.com.')).toBe(
      `<p>Visit ${a('https://example.com/a_b_c', 'https://example.com/a_b_c')}, or ${a('https://www.example.com/', 'www.example.com')}.</p>`,
    );
    expect(md('(see https://en.wikipedia.org/wiki/Foo_(bar)) and "http://a.com/x"!')).toBe(
      `<p>(see ${a('https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)')}) and "${a('http://a.com/x', 'http://a.com/x')}"!</p>`,
    );
    expect(md('Is it https://a.com/?q=1? Mail bob.s+x@example.co.uk; or mailto:b@c.org.')).toBe(
      `<p>Is it ${a('https://a.com/?q=1', 'https://a.com/?q=1')}? Mail ${a('mailto:bob.s+x@example.co.uk', 'bob.s+x@example.co.uk')}; or ${a('mailto:b@c.org', 'mailto:b@c.org')}.</p>`,
    );
    expect(md('**https://a.com**')).toBe(`<p><strong>${a('https://a.com/', 'https://a.com')}</strong></p>`);
  });

  it('gives the character after a backslash as it is', () => {
    expect(md('\\*not em\\* and \\_no\\_ \\`x\\` \\[1\\](https://a.com)')).toBe(
      `<p>*not em* and _no_ \`x\` [1](${a('https://a.com/', 'https://a.com')})</p>`,
    );
    expect(md('C:\\Users\\me')).toBe('<p>C:\\Users\\me</p>');
  });

  it('shows raw HTML as text', () => {
    expect(md('<b>bold</b> <script>alert(1)</script>')).toBe('<p>&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(md('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  });
});

describe('Linkified', () => {
  it('keeps the text as typed and links only bare URLs and e-mail addresses', () => {
    expect(linkified('**not bold** _nor_ `code`: https://example.com/x_y.')).toBe(
      `**not bold** _nor_ \`code\`: ${a('https://example.com/x_y', 'https://example.com/x_y')}.`,
    );
    expect(linkified('line\nbreak, www.a.com and me@example.com!')).toBe(
      `line\nbreak, ${a('https://www.a.com/', 'www.a.com')} and ${a('mailto:me@example.com', 'me@example.com')}!`,
    );
    expect(linkified('[x](https://a.com) <b>hi</b>')).toBe(`[x](${a('https://a.com/', 'https://a.com')}) &lt;b&gt;hi&lt;/b&gt;`);
    expect(linkified('javascript:alert(1) //evil.com')).toBe('javascript:alert(1) //evil.com');
  });
});

// Each of these would take seconds or worse with a regex that backtracks from every position. Timed is the parsing (the
// components called as functions); rendering thousands of elements into happy-dom is slow whatever the parser does.
describe('on adversarial input', () => {
  const inputs = {
    'markers and brackets': '*_['.repeat(34_000),
    'unclosed strong': '**a '.repeat(25_000),
    'unclosed emphasis': '*a'.repeat(50_000),
    'underscore pairs': '_a__a'.repeat(20_000),
    'unclosed links': '[a]('.repeat(25_000),
    backticks: '`a``'.repeat(25_000),
    'a long word': 'a'.repeat(100_000),
    'at signs': 'a.a@'.repeat(25_000),
    'opening parentheses': 'https://a.com/' + '('.repeat(100_000),
    'blank lines': '\n '.repeat(50_000),
    fences: '```x\n'.repeat(20_000),
    'list items': '- *a\n'.repeat(25_000),
  };
  for (const [name, text] of Object.entries(inputs)) {
    it(`parses 100 KB of ${name} quickly`, () => {
      const started = performance.now();
      Markdown({ text });
      Linkified({ text });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(mount(<Linkified text={text} />).textContent).toBe(text);
    });
  }
});

const ALLOWED = new Set(['p', 'br', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'a']);
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Fails unless everything in `root` is an allowed element with only the attributes it may have. */
function expectOnlySafeMarkup(root: HTMLElement, input: string) {
  const about = `rendering ${JSON.stringify(input.slice(0, 200))}`;
  for (const element of root.querySelectorAll('*')) {
    const tag = element.localName;
    const names = element.getAttributeNames().toSorted();
    expect(ALLOWED, about).toContain(tag);
    expect(
      names.filter((name) => /^on/i.test(name)),
      about,
    ).toEqual([]);
    if (tag == 'a') {
      expect(names, about).toEqual(['href', 'rel', 'target']);
      expect(element.getAttribute('target'), about).toBe('_blank');
      expect(element.getAttribute('rel'), about).toBe('noopener noreferrer');
      expect(SAFE_PROTOCOLS, about).toContain(new NodeURL(element.getAttribute('href')!).protocol);
      expect(element.parentElement!.closest('a'), about).toBeNull();
    } else {
      expect(names, about).toEqual(tag == 'ol' && names.length ? ['start'] : []);
    }
  }
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The input without what markdown may rightly take out of the text: a link's URL (the label shows), a fence line's
 * language tag, an ordered list's numbers (the list numbers itself). The patterns are broader than the renderer's, so
 * they only ever keep fewer words to look for.
 */
function shownSource(input: string) {
  return input
    .replace(/\]\([^]*?\)/g, '](')
    .replace(/^.*```.*$/gm, '')
    .replace(/^\s*\d+[.)]/gm, '');
}

function lettersAndDigits(text: string) {
  return [...(text.match(WORD) ?? []).join('')];
}

/** Whether `inner`'s characters appear in `outer` in the same order (not necessarily next to each other). */
function isSubsequence(inner: string[], outer: string[]) {
  let at = 0;
  for (const char of outer) if (char === inner[at]) at++;
  return at === inner.length;
}

/**
 * Fails if Markdown lost or made up text. Markdown syntax is punctuation, so no letters or digits go unless they are
 * syntax (see shownSource): every word of 3 or more letters and digits of the shown input must be in the text content
 * as a whole (markup only ever sits between words, so none is cut). And nothing is invented or reordered: the letters
 * and digits of the text content, in order, are a subsequence of the input's.
 */
function expectTextKept(input: string, textContent: string) {
  const about = `rendering ${JSON.stringify(input.slice(0, 200))}`;
  for (const word of shownSource(input).match(WORD) ?? []) {
    if (word.length >= 3) expect(textContent, about).toContain(word);
  }
  expect(isSubsequence(lettersAndDigits(textContent), lettersAndDigits(input)), about).toBe(true);
}

// Node's URL, here and for the hrefs: happy-dom's global one resolves against its page (http://localhost:3000/).
const hostile: string[] = JSON.parse(readFileSync(new NodeURL('./__fixtures__/markdown-hostile.json', import.meta.url), 'utf8'));
const naughty: string[] = JSON.parse(
  readFileSync(new NodeURL('../../../apps/server/test/__fixtures__/naughty-strings/blns.json', import.meta.url), 'utf8'),
);

describe.each([
  ['hostile markdown', hostile],
  ['the Big List of Naughty Strings', naughty],
])('on %s', (_name, corpus) => {
  it('has strings to try', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it('Markdown renders only safe elements, attributes and links, and loses no words', () => {
    for (const input of corpus) {
      const root = mount(<Markdown text={input} />);
      expectOnlySafeMarkup(root, input);
      expectTextKept(input, root.textContent!);
    }
  });

  it('Linkified renders only safe links and keeps the text exactly', () => {
    for (const input of corpus) {
      const root = mount(<Linkified text={input} />);
      expectOnlySafeMarkup(root, input);
      expect(root.textContent).toBe(input);
    }
  });
});
