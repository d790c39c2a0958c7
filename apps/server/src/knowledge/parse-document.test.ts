import { describe, expect, it } from 'vitest';
import { DocumentFormatError, parseDocument } from './parse-document.js';

describe('parseDocument', () => {
  it('reads Markdown headings as a path and the first top-level heading as the title', () => {
    const parsed = parseDocument(
      'markdown',
      '# Returns\n\nIntro **text** with a [link](https://x.example).\n\n## Damaged items\n\nSend a photo.\n\n### Outside the US\n\n- one\n- two\n\n## Refunds\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    );
    expect(parsed.title).toBe('Returns');
    expect(parsed.blocks).toEqual([
      { headingPath: [], text: 'Intro text with a link.' },
      { headingPath: ['Damaged items'], text: 'Send a photo.' },
      { headingPath: ['Damaged items', 'Outside the US'], text: 'one' },
      { headingPath: ['Damaged items', 'Outside the US'], text: 'two' },
      { headingPath: ['Refunds'], text: 'a | b' },
      { headingPath: ['Refunds'], text: '1 | 2' },
    ]);
  });

  it('reduces HTML to text: drops scripts, styles and navigation, keeps headings, title and canonical URL', () => {
    const parsed = parseDocument(
      'html',
      `<html><head><title>Help: Repairs</title><link rel="canonical" href="https://shop.example/repairs"><style>p{}</style></head>
       <body><nav>Home | Help</nav><script>alert("x")</script><h2>Times</h2><p>Repairs take <b>2</b>&nbsp;weeks.<br>Really.</p>
       <ul><li>Zip: $25</li></ul><table><tr><td>Pole</td><td>$15</td></tr></table></body></html>`,
    );
    expect(parsed.title).toBe('Help: Repairs');
    expect(parsed.url).toBe('https://shop.example/repairs');
    expect(parsed.blocks).toEqual([
      { headingPath: ['Times'], text: 'Repairs take 2 weeks. Really.' },
      { headingPath: ['Times'], text: 'Zip: $25' },
      { headingPath: ['Times'], text: 'Pole | $15' },
    ]);
    expect(JSON.stringify(parsed)).not.toContain('alert');
  });

  it('keeps HTML tags in plain text as text', () => {
    const parsed = parseDocument('text', 'First <b>para</b>\ngraph.\n\nSecond.');
    expect(parsed.blocks.map((block) => block.text)).toEqual(['First <b>para</b> graph.', 'Second.']);
  });

  it('reads FAQ CSV with a header, quoted commas, categories and links', () => {
    const parsed = parseDocument(
      'faq',
      '\ufeffQuestion,Answer,Category,URL\n"Do you ship, abroad?","Yes, to the EU.",Shipping,https://s.example/ship\n',
    );
    expect(parsed.atomic).toBe(true);
    expect(parsed.blocks).toEqual([
      { headingPath: ['Shipping', 'Do you ship, abroad?'], text: 'Yes, to the EU.', url: 'https://s.example/ship' },
    ]);
  });

  it('reads FAQ JSON Lines', () => {
    const parsed = parseDocument(
      'faq',
      '{"question":"Q1?","answer":"A1."}\n\n{"question":"Q2?","answer":"A2.","url":"https://s.example/q2"}\n',
    );
    expect(parsed.blocks.map((block) => [block.headingPath, block.text, block.url])).toEqual([
      [['Q1?'], 'A1.', undefined],
      [['Q2?'], 'A2.', 'https://s.example/q2'],
    ]);
  });

  it.each([
    ['a CSV without question and answer columns', 'foo,bar\n1,2\n', /header row with "question" and "answer"/],
    ['a CSV row without an answer', 'question,answer\nWhy?,\n', /Row 2: answer: the answer is empty/],
    ['a JSON Lines file with a broken line', '{"question":"Q","answer":"A"}\n{oops\n', /Line 2 is not valid JSON/],
    ['a JSON Lines row with a javascript: link', '{"question":"Q","answer":"A","url":"javascript:alert(1)"}', /Line 1: url/],
    ['a FAQ file with no rows', 'question,answer\n', /no question\/answer rows/],
  ])('refuses %s with the reason', (_name, content, reason) => {
    expect(() => parseDocument('faq', content)).toThrow(DocumentFormatError);
    expect(() => parseDocument('faq', content)).toThrow(reason);
  });
});

const texts = (content: string, format: 'markdown' | 'mdx' = 'markdown') =>
  parseDocument(format, content).blocks.map((block) => block.text);

describe('parseDocument: help-centre Markdown and MDX', () => {
  it('reads YAML front matter: title, description, slug, tags and keywords, and keeps it out of the text', () => {
    const parsed = parseDocument(
      'markdown',
      '---\ntitle: Invoices\ndescription: "Download invoices: PDF or CSV."\nslug: /billing/invoices\ntags: [billing, { label: VAT }]\nkeywords: receipts\nsidebar_label: Inv\n---\n\n# Billing invoices\n\nText.\n',
    );
    expect(parsed).toMatchObject({
      title: 'Invoices',
      description: 'Download invoices: PDF or CSV.',
      slug: '/billing/invoices',
      url: null,
      keywords: ['billing', 'VAT', 'receipts'],
      warnings: [],
    });
    expect(parsed.blocks).toEqual([{ headingPath: [], text: 'Text.' }]);
  });

  it('takes the title from sidebar_label, then the first heading, when the front matter has none', () => {
    expect(parseDocument('markdown', '---\nsidebar_label: Reset password\n---\n# Password\n\nText.').title).toBe('Reset password');
    expect(parseDocument('markdown', '---\ndescription: About\n---\n# Password\n\nText.').title).toBe('Password');
  });

  it('reads TOML front matter, with an absolute url as the address and a relative one as a slug', () => {
    const parsed = parseDocument(
      'markdown',
      '+++\ntitle = "Start"\nurl = "https://help.example.com/start"\ntags = ["onboarding"]\n+++\n\nHello.',
    );
    expect(parsed).toMatchObject({ title: 'Start', url: 'https://help.example.com/start', slug: null, keywords: ['onboarding'] });
    expect(parsed.blocks.map((block) => block.text)).toEqual(['Hello.']);
    expect(parseDocument('markdown', '+++\nurl = "/help/start/"\n+++\n\nHello.').slug).toBe('/help/start/');
  });

  it('ignores front matter that is not valid YAML, with a warning', () => {
    const parsed = parseDocument('markdown', '---\ntitle: [unclosed\n---\n# Heading\n\nText.');
    expect(parsed.title).toBe('Heading');
    expect(parsed.warnings).toEqual([expect.stringMatching(/^The front matter is not valid YAML and was ignored/)]);
    expect(parsed.blocks.map((block) => block.text)).toEqual(['Text.']);
  });

  it('reads MDX: drops import/export and expressions, reduces JSX to its text and an <img> to its alt text', () => {
    const parsed = parseDocument(
      'mdx',
      [
        "import CtaBox from '@site/src/components/CtaBox';",
        "import useBaseUrl from '@docusaurus/useBaseUrl';",
        '',
        '# Billing',
        '',
        'Open <b>Settings</b> {props.where} and click the gear (<Icon name="gear" />) icon.',
        '',
        '<img src={useBaseUrl(\'/img/x.png\')} alt="Settings page" />',
        '',
        '<CtaBox title="Upgrade" href="/pricing" />',
        '',
        '<Tabs>',
        '  <TabItem value="web" label="Web">',
        '    1. Click **Plan**.',
        '  </TabItem>',
        '</Tabs>',
        '',
        '{/* a comment */}',
        '',
        'export const toc = [];',
      ].join('\n'),
    );
    expect(parsed.title).toBe('Billing');
    expect(parsed.warnings).toEqual([]);
    expect(parsed.blocks.map((block) => block.text)).toEqual(['Open Settings and click the gear icon.', 'Settings page', 'Click Plan.']);
  });

  it('reads a .md file with ESM imports as MDX, as Docusaurus does', () => {
    expect(texts('import Tabs from \'@theme/Tabs\';\n\n<Tabs><TabItem value="a">Hi {name}.</TabItem></Tabs>\n')).toEqual(['Hi.']);
  });

  it('reads MDX that does not parse as Markdown without its ESM, and says so with the line of the file', () => {
    const parsed = parseDocument(
      'mdx',
      "---\ntitle: Keys\n---\nimport X from 'x';\n\n<!-- a comment -->\n\nPress <kbd>Ctrl</kbd>+<kbd>K</kbd>.<br>\n",
    );
    expect(parsed.title).toBe('Keys');
    expect(parsed.warnings).toEqual([expect.stringMatching(/^Not valid MDX \(line 6: Unexpected character/)]);
    expect(parsed.blocks.map((block) => block.text)).toEqual(['Press Ctrl+K.']);
  });

  it('reduces stray HTML in Markdown to its text: icons and their parentheses go, an image keeps its alt text', () => {
    expect(
      texts(
        'Click the **gear** (<i class="zulip-icon zulip-icon-gear"></i>) icon, then <kbd>Esc</kbd> **<i>now</i>**.\n\n<img src="/x.png" alt="The menu">\n\n<div class="note">\n<p>Block <b>HTML</b>.</p>\n</div>\n\n<!-- hidden -->\n\nAn &#10004; entity.\n',
      ),
    ).toEqual(['Click the gear icon, then Esc now.', 'The menu', 'Block HTML.', 'An ✔ entity.']);
  });

  it('keeps inline "tags" that are no HTML element nor component as text: placeholders like <username>', () => {
    expect(texts('Run ssh <username>@<server_ip>, then <b>wait</b> <Spinner/>.')).toEqual(['Run ssh <username>@<server_ip>, then wait.']);
  });

  it('keeps Docusaurus admonitions as text, the title as a line of its own', () => {
    expect(
      texts(
        ':::tip Save money\nPay **yearly**.\n:::\n\n:::warning[Careful]\n\nDeleting is final.\n\n:::\n\n::::note\n:::info\nNested.\n:::\n::::\n',
      ),
    ).toEqual(['Save money', 'Pay yearly.', 'Careful', 'Deleting is final.', 'Nested.']);
    expect(texts(':::tip Title\nIn MDX.\n:::\n', 'mdx')).toEqual(['Title', 'In MDX.']);
  });

  it('keeps MkDocs and Python-Markdown admonitions as text, not as code, also inside a list', () => {
    const parsed = parseDocument(
      'markdown',
      '# Notes\n\n!!! tip "Quiet hours"\n    Mute **everything**\n    at night.\n\n    Second paragraph.\n\n!!! warn ""\n\n    No title.\n\n1. Step one.\n\n    !!! tip ""\n\n        Inside the step.\n\n??? note\n    Collapsed.\n\nAfter.\n',
    );
    expect(parsed.blocks.map((block) => block.text)).toEqual([
      'Quiet hours',
      'Mute everything at night.',
      'Second paragraph.',
      'No title.',
      'Step one. Inside the step.',
      'Collapsed.',
      'After.',
    ]);
  });

  it('drops unresolved template macros with a warning per kind, and keeps code as written', () => {
    const parsed = parseDocument(
      'markdown',
      [
        '# Log out',
        '',
        '{!admin-only.md!}',
        '',
        '{start_tabs}',
        '{tab|desktop-web}',
        '',
        '{relative|gear|settings}',
        '',
        '1. Click **Log out**.',
        '',
        '{tab|mobile}',
        '',
        '{settings_tab|account-and-privacy}',
        '',
        '1. Tap **Log out**.',
        '',
        '{end_tabs}',
        '',
        '{emoticon_translations}',
        '',
        'Write to us ({{ support_email }}) {% if cloud %}today{% endif %}.',
        '',
        'Templates look like `{{ name }}` and `{!file.md!}`.',
        '',
        '```',
        '{start_tabs}',
        '```',
      ].join('\n'),
    );
    expect(parsed.blocks.map((block) => block.text)).toEqual([
      'Click Log out.',
      'Tap Log out.',
      'Write to us today.',
      'Templates look like {{ name }} and {!file.md!}.',
      '{start_tabs}',
    ]);
    expect(parsed.warnings).toEqual([
      'Dropped 1 include macro ({!admin-only.md!}): the text they include is not in this file, so it is missing from the knowledge base.',
      'Dropped 3 template placeholders ({{ support_email }}, {% if cloud %}, {% endif %}): the values they stand for are missing from the text.',
      'Dropped 7 template macros ({start_tabs}, {tab|desktop-web}, {relative|gear|settings}, …): the tabs, steps or text they stand for are not in the knowledge base.',
    ]);
    // The names in the macros are what the rendered page would say there: indexed with the document, not shown.
    expect(parsed.keywords).toEqual([
      'admin',
      'only',
      'desktop',
      'web',
      'gear',
      'settings',
      'mobile',
      'account',
      'and',
      'privacy',
      'emoticon',
      'translations',
    ]);
  });

  it('keeps headings, code blocks, nested lists and tables of Markdown', () => {
    const parsed = parseDocument(
      'markdown',
      '# T\n\n## Setup\n\n```sh\nnpm i x\n```\n\n- one\n  - a\n  - b\n\n| a | b |\n|---|---|\n| <b>1</b> | 2 |\n',
    );
    expect(parsed.blocks).toEqual([
      { headingPath: ['Setup'], text: 'npm i x' },
      { headingPath: ['Setup'], text: 'one a b' },
      { headingPath: ['Setup'], text: 'a | b' },
      { headingPath: ['Setup'], text: '1 | 2' },
    ]);
  });

  it('reads the meta description of an HTML page', () => {
    expect(parseDocument('html', '<head><meta name="description" content=" Repairs  and parts "></head><p>x</p>').description).toBe(
      'Repairs and parts',
    );
  });
});
