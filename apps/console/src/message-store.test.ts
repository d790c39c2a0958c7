import { describe, expect, it } from 'vitest';
import { message } from './__fixtures__/factories.js';
import {
  addPending,
  confirmPending,
  emptyThread,
  failPending,
  hasGap,
  loadMessages,
  mergeMessages,
  retryPending,
  syncedSeq,
} from './message-store.js';

const seqs = (thread: { messages: readonly { seq: number }[] }) => thread.messages.map((held) => held.seq);
const agentAuthor = { kind: 'agent' as const, id: 'agent-1', name: 'Grace' };

describe('mergeMessages', () => {
  it('orders messages by seq whatever order they arrive in', () => {
    const thread = mergeMessages(emptyThread, [message(3), message(1), message(2)]);
    expect(seqs(thread)).toEqual([1, 2, 3]);
  });

  it('keeps one copy of a message received twice (live event and REST page)', () => {
    let thread = mergeMessages(emptyThread, [message(1), message(2)]);
    thread = mergeMessages(thread, [message(2)]);
    thread = mergeMessages(thread, [message(1), message(2), message(3)]);
    expect(seqs(thread)).toEqual([1, 2, 3]);
  });

  it('replaces a held copy with the incoming one of the same id', () => {
    const thread = mergeMessages(mergeMessages(emptyThread, [message(1, { body: 'draft copy' })]), [
      message(1, { body: 'stored copy' }),
    ]);
    expect(thread.messages).toHaveLength(1);
    expect(thread.messages[0]!.body).toBe('stored copy');
  });

  it('appends a newer message without reordering the rest', () => {
    const thread = mergeMessages(mergeMessages(emptyThread, [message(1), message(2)]), [message(3)]);
    expect(seqs(thread)).toEqual([1, 2, 3]);
  });

  it('drops a pending reply once the stored message with its clientId arrives', () => {
    let thread = addPending(emptyThread, 'client-a', 'Hello', '2025-01-01T12:00:00.000Z');
    thread = addPending(thread, 'client-b', 'Second', '2025-01-01T12:00:01.000Z');
    thread = mergeMessages(thread, [message(1, { clientId: 'client-a', author: agentAuthor, body: 'Hello' })]);
    expect(thread.pending.map((item) => item.clientId)).toEqual(['client-b']);
  });

  it('keeps a pending reply when a visitor message happens to carry the same clientId', () => {
    let thread = addPending(emptyThread, 'client-a', 'Hello', '2025-01-01T12:00:00.000Z');
    thread = mergeMessages(thread, [message(1, { clientId: 'client-a' })]);
    expect(thread.pending).toHaveLength(1);
  });
});

describe('pending replies', () => {
  const sent = { id: 'message-5', conversationId: 'c', seq: 5, createdAt: '2025-01-01T12:00:05.000Z' };

  it('turns an acked reply into a message at its seq', () => {
    let thread = loadMessages(emptyThread, [message(1), message(2), message(3), message(4)]);
    thread = addPending(thread, 'client-a', 'On it!', '2025-01-01T12:00:04.500Z');
    thread = confirmPending(thread, 'client-a', sent, agentAuthor);
    expect(thread.pending).toEqual([]);
    expect(thread.messages.at(-1)).toMatchObject({ id: 'message-5', seq: 5, body: 'On it!', clientId: 'client-a' });
  });

  it('shows an acked reply once when message:created came first', () => {
    let thread = addPending(emptyThread, 'client-a', 'On it!', '2025-01-01T12:00:04.500Z');
    thread = mergeMessages(thread, [message(5, { clientId: 'client-a', author: agentAuthor, body: 'On it!' })]);
    thread = confirmPending(thread, 'client-a', sent, agentAuthor);
    expect(thread.messages.map((held) => held.id)).toEqual(['message-5']);
    expect(thread.pending).toEqual([]);
  });

  it('lets the server copy replace the one built from the ack', () => {
    let thread = addPending(emptyThread, 'client-a', 'On it!', '2025-01-01T12:00:04.500Z');
    thread = confirmPending(thread, 'client-a', sent, { ...agentAuthor, name: null });
    thread = mergeMessages(thread, [message(5, { clientId: 'client-a', author: agentAuthor, body: 'On it!' })]);
    expect(thread.messages).toHaveLength(1);
    expect(thread.messages[0]!.author.name).toBe('Grace');
  });

  it('marks a failed reply and resends it with the same clientId', () => {
    let thread = addPending(emptyThread, 'client-a', 'Hello', '2025-01-01T12:00:00.000Z');
    thread = failPending(thread, 'client-a', 'Too many requests');
    expect(thread.pending[0]).toMatchObject({ clientId: 'client-a', status: 'failed', error: 'Too many requests' });
    thread = retryPending(thread, 'client-a');
    expect(thread.pending[0]).toMatchObject({ clientId: 'client-a', status: 'sending', error: null });
  });
});

describe('syncedSeq', () => {
  it('is the end of the gapless run from seq 1', () => {
    expect(syncedSeq(emptyThread)).toBe(0);
    expect(syncedSeq(mergeMessages(emptyThread, [message(1), message(2), message(3)]))).toBe(3);
  });

  it('stops before a missing message, so a sync refetches from there', () => {
    const thread = mergeMessages(emptyThread, [message(1), message(2), message(5)]);
    expect(syncedSeq(thread)).toBe(2);
    expect(hasGap(thread)).toBe(true);
    const filled = mergeMessages(thread, [message(3), message(4), message(5)]);
    expect(syncedSeq(filled)).toBe(5);
    expect(hasGap(filled)).toBe(false);
  });
});
