// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { fitToScreen } from './phone.js';

/** A browser's visual viewport, as a phone's on-screen keyboard changes it: its size and where it starts. */
class VisualViewport extends EventTarget {
  height = 844;
  offsetTop = 0;
  /** The keyboard comes up (or the page is scrolled under it): the visible part shrinks and may move down. */
  change(height: number, offsetTop: number) {
    this.height = height;
    this.offsetTop = offsetTop;
    this.dispatchEvent(new Event(offsetTop === 0 ? 'resize' : 'scroll'));
  }
}

const original = Object.getOwnPropertyDescriptor(window, 'visualViewport');
afterEach(() => {
  if (original) Object.defineProperty(window, 'visualViewport', original);
  else delete (window as { visualViewport?: unknown }).visualViewport;
  document.documentElement.style.overflow = '';
  document.body.style.overflow = '';
});

function useViewport(): VisualViewport {
  const viewport = new VisualViewport();
  Object.defineProperty(window, 'visualViewport', { value: viewport, configurable: true });
  return viewport;
}

describe('fitToScreen', () => {
  it('keeps the panel in the visible part of the screen as the keyboard comes and goes', () => {
    const viewport = useViewport();
    const root = document.createElement('div');
    const unlock = fitToScreen(root);
    expect(root.style.getPropertyValue('--parley-vh')).toBe('844px');
    expect(root.style.getPropertyValue('--parley-top')).toBe('0px');

    viewport.change(508, 0);
    expect(root.style.getPropertyValue('--parley-vh')).toBe('508px');
    // iOS scrolls the visual viewport down under the keyboard: the panel follows it.
    viewport.change(508, 120);
    expect(root.style.getPropertyValue('--parley-top')).toBe('120px');

    unlock();
    viewport.change(844, 0);
    expect(root.style.getPropertyValue('--parley-vh')).toBe('508px');
  });

  it('locks the page from scrolling while open and gives it back its own overflow after', () => {
    useViewport();
    document.body.style.overflow = 'auto';
    const unlock = fitToScreen(document.createElement('div'));
    expect(document.documentElement.style.overflow).toBe('hidden');
    expect(document.body.style.overflow).toBe('hidden');
    unlock();
    expect(document.documentElement.style.overflow).toBe('');
    expect(document.body.style.overflow).toBe('auto');
  });

  it('still locks the page in a browser without a visual viewport', () => {
    Object.defineProperty(window, 'visualViewport', { value: null, configurable: true });
    const root = document.createElement('div');
    const unlock = fitToScreen(root);
    expect(document.documentElement.style.overflow).toBe('hidden');
    expect(root.style.getPropertyValue('--parley-vh')).toBe('');
    unlock();
    expect(document.documentElement.style.overflow).toBe('');
  });
});
