/**
 * A person's picture, or their initials without one: decorative, always beside their name.
 * @module
 */

/**
 * The path of a picture's URL. The server hands out absolute URLs (the widget shows them on other sites); the console
 * loads them from its own server, whose Content-Security-Policy allows images from itself only, whatever address the
 * server's public URL names.
 */
export function avatarPath(url: string): string {
  return new URL(url, location.origin).pathname;
}

/** Up to two initials of a name (`Ada Lovelace` → `AL`). */
export function initialsOf(name: string): string {
  return name
    .trim()
    .split(/\s+/u)
    .slice(0, 2)
    .map((word) => [...word][0] ?? '')
    .join('')
    .toUpperCase();
}

/** Props of {@link Avatar}. */
export interface AvatarProps {
  name: string;
  /** The picture's URL (`avatarUrl` of the API); absent or null: the initials. */
  url?: string | null | undefined;
  /** The disc's width and height in CSS pixels: 28 by default, a line of text. */
  size?: number;
}

/**
 * The picture in a disc, or the initials; hidden from screen readers, since the name is next to it. Styled in place
 * (through the CSSOM, which the console's CSP allows) rather than in styles.css, which every agent loads at once: only
 * the lazy chunks that show people draw avatars.
 */
export function Avatar({ name, url, size = 28 }: AvatarProps) {
  const style = {
    display: 'inline-grid',
    flex: 'none',
    placeItems: 'center',
    width: `${size}px`,
    height: `${size}px`,
    borderRadius: '50%',
    objectFit: 'cover',
    background: 'var(--accent-soft)',
    color: 'var(--accent-text)',
    fontSize: `${Math.round(size * 0.4)}px`,
    fontWeight: 600,
    verticalAlign: 'middle',
  } as const;
  return url ? (
    <img class="avatar" style={style} src={avatarPath(url)} alt="" />
  ) : (
    <span class="avatar" style={style} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
