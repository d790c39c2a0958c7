/**
 * The open panel on a phone, in a chunk of its own: loaded only when the panel opens on a narrow screen.
 * @module
 */

/**
 * Locks the page behind the panel from scrolling and makes the panel follow the visual viewport (`--parley-vh`,
 * `--parley-top` on `root`), so the composer stays above the on-screen keyboard, which iOS lays over fixed elements
 * instead of shrinking the page. Returns the function that undoes both.
 */
export function fitToScreen(root: HTMLElement): () => void {
  const styles = [document.documentElement.style, document.body.style];
  const overflows = styles.map((style) => style.overflow);
  for (const style of styles) style.overflow = 'hidden';
  const viewport = window.visualViewport;
  const fit = () => {
    root.style.setProperty('--parley-vh', `${viewport!.height}px`);
    root.style.setProperty('--parley-top', `${viewport!.offsetTop}px`);
  };
  if (viewport) {
    fit();
    viewport.addEventListener('resize', fit);
    viewport.addEventListener('scroll', fit);
  }
  return function unlock() {
    styles.forEach((style, index) => (style.overflow = overflows[index]!));
    viewport?.removeEventListener('resize', fit);
    viewport?.removeEventListener('scroll', fit);
  };
}
