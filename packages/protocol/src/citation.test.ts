import { describe, expect, it } from 'vitest';
import { citationHref, citationLabel } from './citation.js';

describe('citationLabel', () => {
  it('shows the title, followed by the section when there is one', () => {
    expect(citationLabel({ title: 'Shipping', section: '' })).toBe('Shipping');
    expect(citationLabel({ title: 'Shipping', section: 'Returns › Refunds' })).toBe('Shipping › Returns › Refunds');
  });

  it('names the page of a PDF after the title', () => {
    expect(citationLabel({ title: 'Manual', section: '', page: 3 })).toBe('Manual, p. 3');
    expect(citationLabel({ title: 'Manual', section: 'Care', page: 12 })).toBe('Manual › Care, p. 12');
  });
});

describe('citationHref', () => {
  it.each([
    ['an https URL', 'https://help.example.com/shipping', 'https://help.example.com/shipping'],
    ['an http URL in capitals', 'HTTP://help.example.com/', 'HTTP://help.example.com/'],
    ['a javascript: URL', 'javascript:alert(1)', null],
    ['a relative path', '/shipping', null],
    ['no URL', null, null],
  ])('links %s only when it is http(s)', (_name, url, expected) => {
    expect(citationHref({ url })).toBe(expected);
  });
});
