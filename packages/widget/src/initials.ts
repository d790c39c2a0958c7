/**
 * Initials for avatars: the widget's authors and the theme's agents.
 * @module
 */

/** Up to two initials of a name, for the avatar of an agent or the bot. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => [...word][0] ?? '')
    .join('');
}
