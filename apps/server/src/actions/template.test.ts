import { describe, expect, it } from 'vitest';
import { inputsUsed, placeholdersOf, renderHeader, renderUrl, UnsafeUrlInputError } from './template.js';

describe('action templates', () => {
  it('encode each input where it goes in the address, so a value adds no path, query or host', () => {
    expect(
      renderUrl('https://shop.example/api/orders/{{order_number}}?email={{ email }}', {
        order_number: '1001/../admin?x=1',
        email: 'a+b@x.example',
      }),
    ).toBe('https://shop.example/api/orders/1001%2F..%2Fadmin%3Fx%3D1?email=a%2Bb%40x.example');
    expect(renderUrl('https://shop.example/{{missing}}/{{count}}', { count: 3 })).toBe('https://shop.example//3');
  });

  it('refuse an input of . or .., which URL parsing would resolve into moving up the path', () => {
    expect(() => renderUrl('https://shop.example/api/orders/{{id}}/refund', { id: '..' })).toThrow(UnsafeUrlInputError);
    expect(() => renderUrl('https://shop.example/api/orders/{{id}}', { id: '.' })).toThrow(UnsafeUrlInputError);
    expect(renderUrl('https://shop.example/api/orders/{{id}}', { id: '...' })).toBe('https://shop.example/api/orders/...');
    expect(new URL(renderUrl('https://shop.example/api/orders/{{id}}', { id: '%2e%2e' })).pathname).toBe('/api/orders/%252e%252e');
  });

  it('never read a missing input off the prototype', () => {
    expect(renderUrl('https://shop.example/{{constructor}}/{{toString}}', {})).toBe('https://shop.example//');
    expect(renderHeader('{{secrets.constructor}}', {}, {})).toBe('');
  });

  it('put secrets and inputs in headers, without line breaks from the input', () => {
    expect(renderHeader('Bearer {{secrets.KEY}}', {}, { KEY: 's3cret' })).toBe('Bearer s3cret');
    expect(renderHeader('{{ref}}', { ref: 'a\r\nX-Injected: 1' }, {})).toBe('a X-Injected: 1');
    expect(renderHeader('{{secrets.NOPE}}{{other.x}}', {}, {})).toBe('');
  });

  it('list their placeholders, telling inputs, secrets and unknown dotted names apart', () => {
    expect(placeholdersOf('{{a}} {{secrets.B}} {{c.d}}')).toEqual([
      { kind: 'input', name: 'a' },
      { kind: 'secret', name: 'B' },
      { kind: 'invalid', name: 'c.d' },
    ]);
    expect([...inputsUsed(['https://x.example/{{id}}', 'Bearer {{secrets.K}} {{tenant}}'])]).toEqual(['id', 'tenant']);
  });
});
