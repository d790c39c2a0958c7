import { isTag, type Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { naughtyStrings } from '../../test/helpers/naughty-strings.js';
import { agentReplyEmail, escapeHtml, linkableUrl, transcriptEmail, type EmailMessage, type RenderedEmail } from './mail-templates.js';

const at = new Date('2026-03-12T14:05:00Z');
const url = 'https://chat.example.com/c/abc123?token=x';

const naughty = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '&amp; &lt;b&gt; &#60;script&#62;',
  '</p></div><a href="javascript:alert(1)">click</a>',
  '<!-- comment --><![CDATA[x]]>',
  'مرحبا، كيف يمكنني مساعدتك؟ שלום',
  '\u202Eevil\u202C \u2066isolated\u2069',
  'emoji 👩🏽‍💻🎉 and a flag 🇩🇪',
  'line one\nline two\r\nline three\rline four',
  'x'.repeat(10_000),
];

const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'p', 'strong', 'br', 'a']);
const ALLOWED_ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'style', 'dir', 'href']);

function both(messages: EmailMessage[], names: { organizationName: string; agentName: string }, conversationUrl = url): RenderedEmail[] {
  return [
    agentReplyEmail({ ...names, messages, conversationUrl }),
    transcriptEmail({ organizationName: names.organizationName, messages, conversationUrl }),
  ];
}

/** What in the html is not the template's own markup: other tags, other attributes, non-http links. Empty when safe. */
function foreignMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const element of DomUtils.findAll(() => true, parseDocument(html).children) as Element[]) {
    if (!ALLOWED_TAGS.has(element.name)) problems.push(`<${element.name}>`);
    for (const [name, value] of Object.entries(element.attribs)) {
      if (!ALLOWED_ATTRIBUTES.has(name)) problems.push(`${name}= on <${element.name}>`);
      if (name === 'href' && !/^https?:\/\//.test(value)) problems.push(`href="${value}"`);
    }
  }
  return problems;
}

function expectOnlyTemplateMarkup(html: string) {
  expect(foreignMarkup(html)).toEqual([]);
}

/** Each message body as the html shows it: the text of its paragraph, `<br>` read as a line break. */
function bodiesIn(html: string): string[] {
  const document = parseDocument(html);
  const paragraphs = DomUtils.findAll((element) => element.name === 'p' && element.attribs.dir === 'auto', document.children);
  return paragraphs.map((paragraph) =>
    paragraph.children.map((node) => (isTag(node) && node.name === 'br' ? '\n' : DomUtils.textContent(node))).join(''),
  );
}

describe('agentReplyEmail', () => {
  it('renders the reply, its author and date, and a link back', () => {
    const email = agentReplyEmail({
      organizationName: 'Acme Shop',
      agentName: 'Anna',
      messages: [
        { authorName: 'Anna', body: 'Your parcel left today.\nTracking: 12345', createdAt: at },
        { authorName: 'Anna', body: 'Anything else?', createdAt: at },
      ],
      conversationUrl: url,
    });
    expect(email.subject).toBe('You have a new reply from Anna at Acme Shop');
    expect(email.text).toBe(
      'You have a new reply from Anna at Acme Shop.\n\n' +
        'Anna · Mar 12, 2026, 2:05 PM UTC\nYour parcel left today.\nTracking: 12345\n\n' +
        'Anna · Mar 12, 2026, 2:05 PM UTC\nAnything else?\n\n' +
        `Reply: ${url}\n`,
    );
    expect(email.html).toContain('You have a new reply from <strong dir="auto">Anna</strong> at <strong dir="auto">Acme Shop</strong>.');
    expect(email.html).toContain('Your parcel left today.<br>Tracking: 12345');
    expect(email.html).toContain(`<a href="${url}"`);
    expect(bodiesIn(email.html)).toEqual(['Your parcel left today.\nTracking: 12345', 'Anything else?']);
    expectOnlyTemplateMarkup(email.html);
  });

  it('formats dates for the locale, and falls back to English for an invalid one', () => {
    const message = { authorName: 'Anna', body: 'Hallo', createdAt: at };
    const german = agentReplyEmail({
      organizationName: 'A',
      agentName: 'Anna',
      messages: [message],
      conversationUrl: url,
      locale: 'de-DE',
    });
    expect(german.text).toContain('12.03.2026, 14:05 UTC');
    expect(german.html).toContain('<html lang="de-DE">');
    const invalid = agentReplyEmail({
      organizationName: 'A',
      agentName: 'Anna',
      messages: [message],
      conversationUrl: url,
      locale: '"><x',
    });
    expect(invalid.text).toContain('Mar 12, 2026, 2:05 PM UTC');
    expect(invalid.html).toContain('<html lang="en">');
  });

  it('keeps the subject on one line and short, whatever the names', () => {
    const email = agentReplyEmail({
      organizationName: `Acme\r\nBcc: victim@example.com`,
      agentName: 'y'.repeat(500),
      messages: [],
      conversationUrl: url,
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toBe(`You have a new reply from ${'y'.repeat(79)}… at Acme Bcc: victim@example.com`);
  });

  it('shows an invalid date as nothing rather than throwing', () => {
    const email = agentReplyEmail({
      organizationName: 'A',
      agentName: 'B',
      messages: [{ authorName: 'B', body: 'hi', createdAt: new Date(Number.NaN) }],
      conversationUrl: url,
    });
    expect(email.text).toContain('B · \nhi');
  });
});

describe('transcriptEmail', () => {
  it('renders every message of the conversation and a link to it', () => {
    const email = transcriptEmail({
      organizationName: 'Acme Shop',
      messages: [
        { authorName: 'Visitor', body: 'Where is my order?', createdAt: at },
        { authorName: 'Anna', body: 'It left today.', createdAt: at },
      ],
      conversationUrl: url,
    });
    expect(email.subject).toBe('Transcript of your conversation with Acme Shop');
    expect(email.text).toContain(
      'Visitor · Mar 12, 2026, 2:05 PM UTC\nWhere is my order?\n\nAnna · Mar 12, 2026, 2:05 PM UTC\nIt left today.',
    );
    expect(email.text).toContain(`Conversation: ${url}\n`);
    expect(bodiesIn(email.html)).toEqual(['Where is my order?', 'It left today.']);
    expect(email.html).toContain('>View the conversation</a>');
    expectOnlyTemplateMarkup(email.html);
  });
});

describe('user content in both templates', () => {
  it.each(naughty.map((text) => [text.length > 60 ? `${text.slice(0, 20)}… (${text.length} chars)` : text, text]))(
    'escapes %j in html and keeps it whole in text',
    (_label, text) => {
      const messages = [{ authorName: text, body: text, createdAt: at }];
      for (const email of both(messages, { organizationName: text, agentName: text })) {
        expectOnlyTemplateMarkup(email.html);
        expect(email.html).not.toContain('<script');
        expect(email.html).not.toContain('<img');
        expect(email.html).not.toContain('<svg');
        if (/[<>&"]/.test(text)) expect(email.html).not.toContain(text);
        expect(bodiesIn(email.html)).toContain(text.replace(/\r\n|\r/g, '\n'));
        expect(email.text).toContain(`\n${text}\n`);
        expect(email.subject).not.toMatch(/[\r\n]/);
      }
    },
  );

  it('never lets a string of the Big List of Naughty Strings add markup or lose text', () => {
    const failures: string[] = [];
    for (const text of naughtyStrings()) {
      const messages = [{ authorName: text, body: text, createdAt: at }];
      for (const email of both(messages, { organizationName: text, agentName: text })) {
        const problems = foreignMarkup(email.html);
        if (problems.length > 0) failures.push(`${JSON.stringify(text)}: ${problems.join(', ')}`);
        if (!bodiesIn(email.html).includes(text.replace(/\r\n|\r/g, '\n'))) failures.push(`${JSON.stringify(text)}: body not in html`);
        if (!email.text.includes(`\n${text}\n`)) failures.push(`${JSON.stringify(text)}: body not in text`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('the conversation link', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(document.cookie)',
    ' javascript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/phish',
    '/c/abc123',
    '',
  ])('does not link %j, in html or in text', (conversationUrl) => {
    for (const email of both([{ authorName: 'A', body: 'b', createdAt: at }], { organizationName: 'O', agentName: 'A' }, conversationUrl)) {
      expect(email.html).not.toContain('<a ');
      expect(email.html).not.toMatch(/script:|data:/i);
      expect(email.text).not.toMatch(/script:|data:|Reply:|Conversation:/i);
      expectOnlyTemplateMarkup(email.html);
    }
  });

  it('links an http(s) URL with its attribute escaped', () => {
    const tricky = "https://chat.example.com/c/1?q=\"><script>alert(1)</script>&x='y'";
    for (const email of both([], { organizationName: 'O', agentName: 'A' }, tricky)) {
      const href = /<a href="([^"]*)"/.exec(email.html)?.[1];
      expect(href).toBeDefined();
      expect(href).not.toMatch(/[<>"]/);
      expect(email.html).not.toContain('<script');
      expectOnlyTemplateMarkup(email.html);
    }
    expect(linkableUrl('http://localhost:3000/c/1')).toBe('http://localhost:3000/c/1');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a> é 👍`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt; é 👍',
    );
  });
});
