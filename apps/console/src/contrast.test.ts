import { describe, expect, it } from 'vitest';
import { contrastRatio, DARK_TEXT, LIGHT_TEXT, parseHexColor, readableTextColor, relativeLuminance } from './contrast.js';

describe('WCAG contrast', () => {
  it('computes relative luminance and contrast ratios as WCAG 2 defines them', () => {
    expect(relativeLuminance([255, 255, 255])).toBe(1);
    expect(relativeLuminance([0, 0, 0])).toBe(0);
    expect(contrastRatio('#000000', '#FFFFFF')).toBe(21);
    // #767676 is the classic lightest grey that passes AA on white.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(parseHexColor('#2563eb')).toEqual([0x25, 0x63, 0xeb]);
    expect(parseHexColor('red')).toBeNull();
  });

  it('picks white on dark accents, near-black on light ones, and says when neither reads', () => {
    expect(readableTextColor('#2563eb')).toMatchObject({ color: LIGHT_TEXT, readable: true });
    expect(readableTextColor('#facc15')).toMatchObject({ color: DARK_TEXT, readable: true });
    expect(readableTextColor('#ffffff')).toMatchObject({ color: DARK_TEXT, readable: true });
    const grey = readableTextColor('#808080');
    expect(grey.readable).toBe(false);
    expect(grey.ratio).toBeLessThan(4.5);
  });
});
