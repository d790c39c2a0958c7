import { describe, expect, it } from 'vitest';
import { createOutbox, type OutboxItem } from './outbox.js';
import { createMemoryStorage } from './storage.js';

const item = (clientId: string, body = clientId): OutboxItem => ({ clientId, body, createdAt: '2025-01-01T00:00:00.000Z' });

describe('createOutbox', () => {
  it('keeps items oldest first and persists them', () => {
    const storage = createMemoryStorage();
    const outbox = createOutbox(storage, 'k');
    outbox.add(item('a'));
    outbox.add(item('b'));
    expect(outbox.items.map((held) => held.clientId)).toEqual(['a', 'b']);
    expect(createOutbox(storage, 'k').items).toEqual([item('a'), item('b')]);
  });

  it('removes items and clears the key when empty', () => {
    const storage = createMemoryStorage();
    const outbox = createOutbox(storage, 'k');
    outbox.add(item('a'));
    outbox.add(item('b'));
    outbox.remove('a');
    expect(outbox.items).toEqual([item('b')]);
    outbox.remove('b');
    expect(outbox.items).toEqual([]);
    expect(storage.getItem('k')).toBeNull();
  });

  it('does not queue the same clientId twice', () => {
    const outbox = createOutbox(createMemoryStorage(), 'k');
    outbox.add(item('a', 'first'));
    outbox.add(item('a', 'again'));
    expect(outbox.items).toEqual([item('a', 'again')]);
  });

  it('keeps what another tab queued meanwhile when it changes the list', () => {
    const storage = createMemoryStorage();
    const tab1 = createOutbox(storage, 'k');
    const tab2 = createOutbox(storage, 'k');
    tab1.add(item('a'));
    tab2.add(item('b'));
    tab1.remove('a');
    expect(tab1.items).toEqual([item('b')]);
  });

  it('ignores corrupt or foreign data instead of failing', () => {
    const storage = createMemoryStorage();
    storage.setItem('k', '{not json');
    expect(createOutbox(storage, 'k').items).toEqual([]);
    storage.setItem('k', JSON.stringify([item('a'), { clientId: 1 }, null, 'x']));
    expect(createOutbox(storage, 'k').items).toEqual([item('a')]);
  });
});
