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
