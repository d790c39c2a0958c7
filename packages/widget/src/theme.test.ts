// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accentText, isDark } from './theme.js';

/** WCAG 2's contrast ratio of two relative luminances. */
const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

afterEach(() => vi.restoreAllMocks());

/** WCAG 2's relative luminance of a hex color, written out as the standard has it, to check against. */
function luminance(hex: string): number {
  const long = hex.length < 7 ? `#${Array.from(hex.slice(1, 4), (digit) => digit + digit).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = Number.parseInt(long.slice(at, at + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : Math.pow((channel + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe('accentText', () => {
  it('is white on dark accents and black on light ones', () => {
    expect(accentText('#2563eb')).toBe('#fff');
    expect(accentText('#1f6f5c')).toBe('#fff');
    expect(accentText('#fde047')).toBe('#000');
    expect(accentText('#ffffff')).toBe('#000');
  });

  it('reads short and alpha hex colors as their long form', () => {
    expect(accentText('#fa0')).toBe(accentText('#ffaa00'));
    expect(accentText('#2563ebcc')).toBe(accentText('#2563eb'));
    expect(accentText('#fa08')).toBe(accentText('#ffaa00'));
  });

  it('picks the color of higher contrast, and reaches WCAG AA (4.5:1) on every accent', () => {
    for (let value = 0; value < 4096; value++) {
      const accent = `#${value.toString(16).padStart(3, '0')}`;
      const [picked, other] = accentText(accent) === '#fff' ? [1, 0] : [0, 1];
      expect(contrast(luminance(accent), picked), accent).toBeGreaterThanOrEqual(4.5);
      expect(contrast(luminance(accent), picked), accent).toBeGreaterThanOrEqual(contrast(luminance(accent), other));
    }
  });
});

describe('isDark', () => {
  it('is dark for the dark theme, light for the light one, and follows the system for auto', () => {
    const prefersDark = vi.fn(() => true);
    vi.spyOn(window, 'matchMedia').mockImplementation((query) => ({ matches: query.includes('dark') && prefersDark() }) as MediaQueryList);
    expect(isDark('dark')).toBe(true);
    expect(isDark('light')).toBe(false);
    expect(isDark(undefined)).toBe(false);
    expect(isDark('auto')).toBe(true);
    prefersDark.mockReturnValue(false);
    expect(isDark('auto')).toBe(false);
  });
});
