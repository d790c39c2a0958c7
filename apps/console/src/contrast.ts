/**
 * WCAG 2 colour contrast, for the widget preview: which text colour reads on the widget's accent colour.
 * @module
 */

/** The dark text colour offered on light accents (Tailwind gray-900, the widget's own text colour). */
export const DARK_TEXT = '#111827';
/** The light text colour offered on dark accents. */
export const LIGHT_TEXT = '#ffffff';
/** WCAG 2 AA for normal text. */
export const MIN_CONTRAST = 4.5;

/** The red, green and blue of `#rrggbb` (0–255), or null for anything else. */
export function parseHexColor(color: string): [number, number, number] | null {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!match) return null;
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/** An sRGB channel (0–255) as linear light (0–1). */
function linear(channel: number): number {
  const value = channel / 255;
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of an sRGB colour, from 0 (black) to 1 (white). */
export function relativeLuminance([red, green, blue]: [number, number, number]): number {
  return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
}

/** WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(first: string, second: string): number {
  const a = relativeLuminance(parseHexColor(first) ?? [0, 0, 0]);
  const b = relativeLuminance(parseHexColor(second) ?? [0, 0, 0]);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The text colour to write on `background`, its contrast, and whether that reaches {@link MIN_CONTRAST}. */
export interface TextColorChoice {
  color: string;
  ratio: number;
  readable: boolean;
}

/** White or near-black on `background` (`#rrggbb`), whichever contrasts more. */
export function readableTextColor(background: string): TextColorChoice {
  const light = contrastRatio(background, LIGHT_TEXT);
  const dark = contrastRatio(background, DARK_TEXT);
  const [color, ratio] = light >= dark ? [LIGHT_TEXT, light] : [DARK_TEXT, dark];
  return { color, ratio, readable: ratio >= MIN_CONTRAST };
}
