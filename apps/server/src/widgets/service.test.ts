import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './service.js';

describe('isOriginAllowed', () => {
  const allowed = ['https://shop.example', 'https://www.shop.example:8443'];

  it.each([
    ['an allowed origin', 'https://shop.example', false, true],
    ['an allowed origin with its port', 'https://www.shop.example:8443', false, true],
    ['another scheme', 'http://shop.example', false, false],
    ['another port', 'https://shop.example:444', false, false],
    ['a look-alike host', 'https://shop.example.evil.test', false, false],
    ['a missing origin', undefined, false, false],
    ['a malformed origin', 'not a url', false, false],
    ['the null origin of sandboxed frames', 'null', false, false],
    ['localhost in development', 'http://localhost:5173', true, true],
    ['localhost in production', 'http://localhost:5173', false, false],
    ['127.0.0.1 in development', 'http://127.0.0.1:3000', true, true],
  ])('%s', (_name, origin, allowLocalhost, expected) => {
    expect(isOriginAllowed(origin, allowed, allowLocalhost)).toBe(expected);
  });
});
