import { describe, expect, it } from 'vitest';
import { createSafeStorage, type StorageLike } from './storage.js';

function failingStorage(failing: { get?: boolean; set?: boolean }): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem(key) {
      if (failing.get) throw new DOMException('blocked', 'SecurityError');
      return data.get(key) ?? null;
    },
    setItem(key, value) {
      if (failing.set) throw new DOMException('full', 'QuotaExceededError');
      data.set(key, value);
    },
    removeItem(key) {
      data.delete(key);
    },
  };
}

describe('createSafeStorage', () => {
  it('passes through to a working storage', () => {
    const inner = failingStorage({});
    const storage = createSafeStorage(inner);
    storage.setItem('a', '1');
    expect(inner.data.get('a')).toBe('1');
    expect(storage.getItem('a')).toBe('1');
    storage.removeItem('a');
    expect(inner.data.has('a')).toBe(false);
  });

  it('keeps values in memory when writing fails (quota full), and they win over stale stored ones', () => {
    const inner = failingStorage({});
    inner.data.set('a', 'old');
    const storage = createSafeStorage(inner);
    inner.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    storage.setItem('a', 'new');
    expect(storage.getItem('a')).toBe('new');
    storage.removeItem('a');
    expect(storage.getItem('a')).toBeNull();
  });

  it('works in memory when storage is blocked or missing', () => {
    for (const storage of [createSafeStorage(failingStorage({ get: true, set: true })), createSafeStorage(undefined)]) {
      expect(storage.getItem('a')).toBeNull();
      storage.setItem('a', '1');
      expect(storage.getItem('a')).toBe('1');
    }
  });
});
