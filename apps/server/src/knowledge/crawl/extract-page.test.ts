import { describe, expect, it } from 'vitest';
import { parseDocument } from '../parse-document.js';
import { decodeHtml, extractPage } from './extract-page.js';

const helpArticle = `<!doctype html>
<html lang="en"><head>
  <title>Returns | Harbor &amp; Pine Help</title>
  <link rel="canonical" href="/help/returns">
  <meta name="description" content="How to send an item back.">
  <base href="https://help.example.com/help/">
</head><body>
  <header class="site-header"><a href="/">Harbor &amp; Pine</a> <a href="/help">Help center</a> <a href="/account">Sign in</a></header>
  <nav><ul><li><a href="shipping">Shipping</a></li><li><a href="payment">Payment</a></li></ul></nav>
  <div class="sidebar"><h3>Popular articles</h3><ul><li><a href="tracking#top">Tracking a parcel</a></li><li><a href="gift-cards">Gift cards and vouchers</a></li></ul></div>
  <main><article>
    <h1>Returning an item</h1>
    <p>You can return any unused item within 30 days of delivery. Pack it in its original box, print the prepaid label
    from your account page and drop the parcel off at any post office. We refund within five working days.</p>
    <h2>Damaged items</h2>
    <p>If the item arrived damaged, send us a photo through the chat first: we send a replacement straight away,
    without waiting for the return. <a href="damage-policy">Our damage policy</a> has the details for fragile goods.</p>
    <h3>Glassware</h3>
    <p>Broken glassware does not need to be sent back at all; a photo of the pieces next to the box is enough for us.</p>
    <h2>Refund timing</h2>
    <p>Refunds go back to the original payment method. Card refunds take three to five days to show on a statement,
    depending on the bank, and gift card refunds are instant.</p>
  </article></main>
  <footer class="site-footer"><p>© 2026 Harbor &amp; Pine. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="mailto:help@example.com">Write to us</a></footer>
</body></html>`;

describe('extractPage', () => {
  it('keeps the article under its headings and drops the navigation, header, sidebar and footer', () => {
    const page = extractPage(helpArticle, 'https://help.example.com/help/returns?ref=nav');
    expect(page.source).toBe('article');
    expect(page.title).toBe('Returning an item');
    expect(page.document.title).toBe('Returning an item');
    expect(page.document.blocks.map((block) => block.headingPath)).toEqual([
      [],
      ['Damaged items'],
      ['Damaged items', 'Glassware'],
      ['Refund timing'],
    ]);
    const text = page.document.blocks.map((block) => block.text).join('\n');
    expect(text).toContain('within 30 days of delivery');
    expect(text).toContain('gift card refunds are instant');
    for (const boilerplate of ['All rights reserved', 'Popular articles', 'Tracking a parcel', 'Sign in', 'Help center', 'Write to us']) {
      expect(text).not.toContain(boilerplate);
    }
  });

  it("keeps the page's title, canonical address and description for the import", () => {
    const page = extractPage(helpArticle, 'https://help.example.com/help/returns?ref=nav');
    expect(page.canonicalUrl).toBe('https://help.example.com/help/returns');
    expect(page.description).toBe('How to send an item back.');
    expect(page.content).toContain('<title>Returns | Harbor &amp; Pine Help</title>');
    // The content is what gets imported as an HTML file: parsing it again gives the same document.
    expect(parseDocument('html', page.content)).toEqual(page.document);
    expect(page.document.url).toBe('https://help.example.com/help/returns');
    expect(page.document.description).toBe('How to send an item back.');
  });

  it("uses the page's own address when it has no canonical link", () => {
    const page = extractPage(
      '<html><head><title>Hours</title></head><body><h1>Opening hours</h1><p>Open 9 to 5.</p></body></html>',
      'https://help.example.com/hours',
    );
    expect(page.canonicalUrl).toBeNull();
    expect(page.document.url).toBe('https://help.example.com/hours');
    expect(page.document.title).toBe('Opening hours');
  });

  it("takes the title from the page's heading, not from a logo in the site header", () => {
    const html = `<html><head><title>Gift cards – Harbor &amp; Pine</title></head><body>
      <header><h1><a href="/">Harbor &amp; Pine</a></h1></header>
      <main><article><header><h1>Gift cards</h1></header>${'<p>Gift cards never expire and can be used for any order in the shop, online or in person, with any other payment method.</p>'.repeat(3)}
      <h2>Lost cards</h2><p>We can replace a lost card when you still have the order confirmation that came with it.</p></article></main>
    </body></html>`;
    const page = extractPage(html, 'https://help.example.com/gift-cards');
    expect(page.title).toBe('Gift cards');
    expect(page.document.blocks.map((block) => block.headingPath)).toEqual([[], [], [], ['Lost cards']]);
  });

  it('lists every link once, absolute, against <base href>, without fragments or other schemes', () => {
    const page = extractPage(helpArticle, 'https://help.example.com/help/returns');
    expect(page.links).toEqual([
      'https://help.example.com/',
      'https://help.example.com/help',
      'https://help.example.com/account',
      'https://help.example.com/help/shipping',
      'https://help.example.com/help/payment',
      'https://help.example.com/help/tracking',
      'https://help.example.com/help/gift-cards',
      'https://help.example.com/help/damage-policy',
      'https://help.example.com/privacy',
    ]);
  });

  it('reads the whole body when Readability finds no article', () => {
    // Readability keeps only what a reader would see; a FAQ whose answers are all collapsed (`hidden`) shows nothing.
    const html =
      '<html><head><title>Contact</title></head><body><nav><a href="/">Home</a></nav><h1>Contact</h1><div hidden><p>Call us on 555-0100 on weekdays.</p><p>Or write to help@example.com.</p></div></body></html>';
    const page = extractPage(html, 'https://help.example.com/contact');
    expect(page.source).toBe('body');
    expect(page.document.title).toBe('Contact');
    expect(page.document.blocks.map((block) => block.text)).toEqual(['Call us on 555-0100 on weekdays.', 'Or write to help@example.com.']);
  });

  it('reads a page of more elements than any article has without Readability', () => {
    const rows = Array.from({ length: 7000 }, (_, row) => `<tr><td>Part ${row}</td><td>In stock</td></tr>`).join('');
    const html = `<html><head><title>Parts</title></head><body><h1>Parts</h1><p>Every spare part we sell.</p><table>${rows}</table></body></html>`;
    const page = extractPage(html, 'https://help.example.com/parts');
    expect(page.source).toBe('body');
    expect(page.document.title).toBe('Parts');
    expect(page.document.blocks[0]!.text).toBe('Every spare part we sell.');
    expect(page.document.blocks).toHaveLength(7001);
  });
});

describe('decodeHtml', () => {
  const cafe = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);

  it('uses the charset of the Content-Type, then of a meta tag, then UTF-8', () => {
    expect(decodeHtml(cafe, 'text/html; charset=windows-1252')).toBe('café');
    const withMeta = new Uint8Array([...new TextEncoder().encode('<meta charset="iso-8859-1">'), ...cafe]);
    expect(decodeHtml(withMeta, 'text/html')).toBe('<meta charset="iso-8859-1">café');
    expect(decodeHtml(new TextEncoder().encode('café'), 'text/html')).toBe('café');
    expect(decodeHtml(new TextEncoder().encode('café'), 'text/html; charset=no-such-charset')).toBe('café');
  });
});
