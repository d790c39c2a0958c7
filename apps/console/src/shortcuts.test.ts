// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { isTextEntry, shortcutFor, type ShortcutKey } from './shortcuts.js';

function key(keyName: string, target: EventTarget | null = document.body, extra: Partial<ShortcutKey> = {}): ShortcutKey {
  return { key: keyName, altKey: false, ctrlKey: false, metaKey: false, isComposing: false, defaultPrevented: false, target, ...extra };
}

function element(html: string): Element {
  const holder = document.createElement('div');
  holder.innerHTML = html;
  document.body.append(holder);
  return holder.querySelector('[data-target]') ?? holder.firstElementChild!;
}

describe('shortcuts', () => {
  it('maps n, / and ? outside text fields', () => {
    expect(shortcutFor(key('n'))).toBe('next-waiting');
    expect(shortcutFor(key('/'))).toBe('saved-replies');
    expect(shortcutFor(key('?'))).toBe('help');
    expect(shortcutFor(key('Escape'))).toBe('close');
    expect(shortcutFor(key('x'))).toBeNull();
    // A button is no text field.
    expect(shortcutFor(key('n', element('<button>Take over</button>')))).toBe('next-waiting');
    expect(shortcutFor(key('n', element('<input type="checkbox">')))).toBe('next-waiting');
  });

  it('ignores keys typed in text fields, selects and editable content, but not Escape', () => {
    for (const html of [
      '<textarea></textarea>',
      '<input>',
      '<input type="search">',
      '<select><option>a</option></select>',
      '<div contenteditable="true"><p data-target>text</p></div>',
    ]) {
      const target = element(html);
      expect(isTextEntry(target)).toBe(true);
      for (const typed of ['n', '/', '?']) expect(shortcutFor(key(typed, target))).toBeNull();
      expect(shortcutFor(key('Escape', target))).toBe('close');
    }
    expect(isTextEntry(element('<div contenteditable="false"><p data-target>text</p></div>'))).toBe(false);
  });

  it('leaves modified keys, compositions and handled keys alone', () => {
    expect(shortcutFor(key('n', document.body, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('n', document.body, { metaKey: true }))).toBeNull();
    expect(shortcutFor(key('n', document.body, { altKey: true }))).toBeNull();
    expect(shortcutFor(key('n', document.body, { isComposing: true }))).toBeNull();
    expect(shortcutFor(key('Escape', document.body, { defaultPrevented: true }))).toBeNull();
  });
});
