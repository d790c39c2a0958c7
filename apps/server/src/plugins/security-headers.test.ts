import { describe, expect, it } from 'vitest';
import { resourceKindOf } from './security-headers.js';

describe('resourceKindOf', () => {
  it.each([
    ['/widget.js', 'widget'],
    ['/widget/*', 'widget'],
    ['/widget/widget.js', 'widget'],
    ['/console', 'console'],
    ['/console/', 'console'],
    ['/console/*', 'console'],
    ['/console/assets/index-Dn6eHnSz.js', 'console'],
    ['/', 'demo'],
    ['/index.html', 'demo'],
    ['/api/me', 'api'],
    ['/api/conversations/:id/messages', 'api'],
    ['/healthz', 'api'],
    ['/widgets.json', 'api'],
    ['/consoles', 'api'],
  ])('gives %s the %s policy', (url, kind) => {
    expect(resourceKindOf(url)).toBe(kind);
  });
});
