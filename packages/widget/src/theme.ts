/**
 * The widget's look from its settings: the text color on the accent (WCAG AA) and the dark theme.
 * @module
 */

/**
 * The text color for an accent (a CSS hex color: `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`, alpha ignored): white or
 * black, whichever contrasts more with it by WCAG 2's formula. Both contrasts are equal where the accent's relative
 * luminance L has (L + 0.05)² = 1.05 × 0.05, at L ≈ 0.179, and even there each is 4.58:1: every accent gets WCAG AA
 * for normal text (a softer dark gray than black could fall to 4.2:1 on mid-tone accents).
 */
export function accentText(accent: string): '#fff' | '#000' {
  const digits = accent.length < 7 ? accent.replace(/\w/g, '$&$&') : accent;
  let light = 0.05;
  for (const [at, weight] of [
    [1, 0.2126],
    [3, 0.7152],
    [5, 0.0722],
  ] as const) {
    const channel = parseInt(digits.slice(at, at + 2), 16) / 255;
    light += weight * (channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4);
  }
  return light * light > 0.0525 ? '#000' : '#fff';
}

/** Whether the widget shows its dark theme: `dark`, or `auto` while the visitor's system is dark. */
export function isDark(theme: string | undefined): boolean {
  return theme === 'dark' || (theme === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
}
