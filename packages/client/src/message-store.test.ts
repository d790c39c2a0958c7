import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createMessageStore } from './message-store.js';

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: null,
    author: { kind: 'agent', id: 'a1', name: 'Ada' },
    body: `message ${seq}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    ...overrides,
  };
}

const seqs = (messages: readonly Message[]) => messages.map((held) => held.seq);

describe('createMessageStore', () => {
  it('keeps messages in seq order and reports each one once', () => {
    const store = createMessageStore();
    expect(seqs(store.add(message(1)))).toEqual([1]);
    expect(seqs(store.add(message(2)))).toEqual([2]);
    expect(store.add(message(2))).toEqual([]);
    expect(store.add(message(1))).toEqual([]);
    expect(seqs(store.messages)).toEqual([1, 2]);
    expect(store.lastSeq).toBe(2);
    expect(store.conversationId).toBe('c1');
  });

  it('holds back a message that arrives ahead of a gap until the gap is filled', () => {
    const store = createMessageStore();
    store.add(message(1));
    expect(store.add(message(4))).toEqual([]);
    expect(store.add(message(3))).toEqual([]);
    expect(store.hasGap).toBe(true);
    expect(store.lastSeq).toBe(1);
    expect(seqs(store.messages)).toEqual([1]);

    expect(seqs(store.add(message(2)))).toEqual([2, 3, 4]);
    expect(store.hasGap).toBe(false);
    expect(seqs(store.messages)).toEqual([1, 2, 3, 4]);
  });

  it('releases held-back messages in order when the gap cannot be filled', () => {
    const store = createMessageStore();
    store.add(message(1));
    store.add(message(5));
    store.add(message(3));
    expect(seqs(store.release())).toEqual([3, 5]);
    expect(store.lastSeq).toBe(5);
    expect(store.hasGap).toBe(false);
    expect(seqs(store.add(message(6)))).toEqual([6]);
  });

  it("replaces a copy built from a send's ack with the server's copy without reporting it again", () => {
    const store = createMessageStore();
    const fromAck = message(1, { author: { kind: 'visitor', id: null, name: null }, clientId: 'x' });
    const fromServer = message(1, { author: { kind: 'visitor', id: 'v1', name: null }, clientId: 'x' });
    expect(store.add(fromAck, true)).toEqual([fromAck]);
    expect(store.add(fromServer)).toEqual([]);
    expect(store.messages).toEqual([fromServer]);
  });

  it("keeps the server's copy when the ack arrives after the echo", () => {
    const store = createMessageStore();
    const fromServer = message(1, { author: { kind: 'visitor', id: 'v1', name: null } });
    const fromAck = message(1, { author: { kind: 'visitor', id: null, name: null } });
    store.add(fromServer);
    expect(store.add(fromAck, true)).toEqual([]);
    expect(store.messages[0]).toBe(fromServer);
  });

  it("keeps the server's copy over an ack's copy while both wait behind a gap", () => {
    const store = createMessageStore();
    store.add(message(1));
    const fromServer = message(3, { author: { kind: 'visitor', id: 'v1', name: null } });
    const fromAck = message(3, { author: { kind: 'visitor', id: null, name: null } });
    store.add(fromServer);
    store.add(fromAck, true);
    const second = message(2);
    const added = store.add(second);
    expect(added).toHaveLength(2);
    expect(added[0]).toBe(second);
    expect(added[1]).toBe(fromServer);
  });

  it('does not let a different message with a seen seq overwrite the one held', () => {
    const store = createMessageStore();
    const first = message(1);
    store.add(first);
    store.add(message(1, { id: 'other' }));
    expect(store.messages).toEqual([first]);
  });

  it('starts over when a message of a new conversation arrives', () => {
    const store = createMessageStore();
    store.add(message(1));
    store.add(message(2));
    expect(seqs(store.add(message(1, { id: 'n1', conversationId: 'c2' })))).toEqual([1]);
    expect(store.conversationId).toBe('c2');
    expect(store.messages.map((held) => held.id)).toEqual(['n1']);
  });

  it('returns the same array until something changes', () => {
    const store = createMessageStore();
    store.add(message(1));
    const before = store.messages;
    store.add(message(1));
    expect(store.messages).toBe(before);
    store.add(message(2));
    expect(store.messages).not.toBe(before);
    expect(before).toHaveLength(1);
  });
});
