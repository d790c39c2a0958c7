import type { BotReplyDelta, BotReplyEnd, BotReplyStart } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_ID, message } from './__fixtures__/factories.js';
import {
  addPending,
  appendBotReply,
  confirmPending,
  dropStreamingBotReplies,
  emptyThread,
  endBotReply,
  failPending,
  hasGap,
  loadMessages,
  mergeMessages,
  mergeSentMessage,
  retryPending,
  skipGaps,
  startBotReply,
  syncedSeq,
  type MessageThread,
} from './message-thread.js';

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
    const thread = mergeMessages(mergeMessages(emptyThread, [message(1, { body: 'draft copy' })]), [message(1, { body: 'stored copy' })]);
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

const botAuthor = { kind: 'bot' as const, id: null, name: 'Assistant' };
const start: BotReplyStart = {
  conversationId: CONVERSATION_ID,
  messageId: 'message-2',
  author: botAuthor,
  createdAt: '2025-01-01T12:00:02.000Z',
};
const delta = (text: string): BotReplyDelta => ({ conversationId: CONVERSATION_ID, messageId: 'message-2', delta: text });
const end = (status: BotReplyEnd['status']): BotReplyEnd => ({ conversationId: CONVERSATION_ID, messageId: 'message-2', status });
const stored = message(2, { author: botAuthor, body: 'The tent fits two.' });
const history = loadMessages(emptyThread, [message(1)]);

/** Any event that concerns one bot reply. */
type BotEvent = BotReplyStart | BotReplyDelta | BotReplyEnd | 'stored';
/** Applies one event to a thread. */
function apply(thread: MessageThread, event: BotEvent): MessageThread {
  if (event === 'stored') return mergeMessages(thread, [stored]);
  if ('delta' in event) return appendBotReply(thread, event);
  if ('status' in event) return endBotReply(thread, event);
  return startBotReply(thread, event);
}

describe('bot replies', () => {
  it('shows the text so far as deltas arrive, after the stored messages', () => {
    let thread = startBotReply(history, start);
    expect(thread.botReplies).toEqual([
      { messageId: 'message-2', conversationId: CONVERSATION_ID, author: botAuthor, text: '', createdAt: start.createdAt, streaming: true },
    ]);
    thread = appendBotReply(thread, delta('The tent '));
    thread = appendBotReply(thread, delta('fits two.'));
    expect(thread.botReplies[0]!.text).toBe('The tent fits two.');
    expect(thread.messages.map((held) => held.id)).toEqual(['message-1']);
  });

  it.each(['cancelled', 'failed'] as const)('removes the partial text when the reply is %s', (status) => {
    const streaming = appendBotReply(startBotReply(history, start), delta('The tent '));
    const ended = endBotReply(streaming, end(status));
    expect(ended.botReplies).toEqual([]);
    expect(ended.messages).toEqual(history.messages);
    // A delta that was already on its way changes nothing once the reply is gone.
    expect(appendBotReply(ended, delta('fits two.'))).toBe(ended);
  });

  it('keeps a complete reply on screen until its stored message replaces it', () => {
    let thread = appendBotReply(startBotReply(history, start), delta('The tent fits two.'));
    thread = endBotReply(thread, end('complete'));
    expect(thread.botReplies).toMatchObject([{ messageId: 'message-2', text: 'The tent fits two.', streaming: false }]);
    thread = mergeMessages(thread, [stored]);
    expect(thread.botReplies).toEqual([]);
    expect(thread.messages.map((held) => held.id)).toEqual(['message-1', 'message-2']);
  });

  it('replaces the reply with its stored message from a REST page too', () => {
    const thread = loadMessages(appendBotReply(startBotReply(emptyThread, start), delta('The tent')), [message(1), stored]);
    expect(thread.botReplies).toEqual([]);
    expect(thread.messages.map((held) => held.body)).toEqual(['Message 1', 'The tent fits two.']);
  });

  // The stream's own events keep their order; the stored message may come at any point of it, even first.
  const stream: BotEvent[] = [start, delta('The tent '), delta('fits two.'), end('complete')];
  const orders = stream.map((_, index) => [...stream.slice(0, index), 'stored' as const, ...stream.slice(index)]);
  orders.push([...stream, 'stored']);
  it.each(orders.map((events) => [events.indexOf('stored'), events] as const))(
    'shows the reply once when the stored message arrives after %i stream events',
    (_position, events) => {
      const thread = events.reduce(apply, history);
      expect(thread.botReplies).toEqual([]);
      expect(thread.messages.map((held) => held.id)).toEqual(['message-1', 'message-2']);
      expect(thread.messages[1]!.body).toBe('The tent fits two.');
    },
  );

  it('ignores deltas of a reply whose start it missed, rather than show text without its beginning', () => {
    expect(appendBotReply(history, delta('fits two.'))).toBe(history);
    expect(endBotReply(history, end('complete'))).toBe(history);
  });

  it('ignores a repeated start, keeping the text received', () => {
    const streaming = appendBotReply(startBotReply(history, start), delta('The tent '));
    expect(startBotReply(streaming, start)).toBe(streaming);
  });

  it('drops replies still streaming after a disconnection and keeps completed ones', () => {
    let thread = appendBotReply(startBotReply(history, start), delta('The tent fits two.'));
    thread = endBotReply(thread, end('complete'));
    thread = startBotReply(thread, { ...start, messageId: 'message-3' });
    thread = dropStreamingBotReplies(thread);
    expect(thread.botReplies.map((draft) => draft.messageId)).toEqual(['message-2']);
    expect(dropStreamingBotReplies(thread)).toBe(thread);
  });
});

// Rules the visitor SDK's message store relies on (packages/client/src/message-store.ts wraps a thread).
describe('one copy per message', () => {
  it('returns the same thread when a message arrives again, equal but not identical', () => {
    const thread = mergeMessages(emptyThread, [message(1), message(2)]);
    expect(mergeMessages(thread, [message(2)])).toBe(thread);
  });

  it('keeps the held message when another one claims its seq', () => {
    const held = message(2);
    const thread = mergeMessages(emptyThread, [message(1), held]);
    expect(mergeMessages(thread, [message(2, { id: 'other' })]).messages[1]).toBe(held);
  });

  it("never lets a copy built from an ack replace the server's, whichever comes first", () => {
    const fromServer = message(1, { author: agentAuthor, clientId: 'client-a' });
    const fromAck = message(1, { author: { ...agentAuthor, name: null }, clientId: 'client-a' });
    const served = mergeMessages(emptyThread, [fromServer]);
    expect(mergeSentMessage(served, fromAck)).toBe(served);
    expect(mergeMessages(mergeSentMessage(emptyThread, fromAck), [fromServer]).messages).toEqual([fromServer]);
  });

  it('skips a gap the server cannot fill and then ignores the missing message if it comes after all', () => {
    const thread = skipGaps(mergeMessages(emptyThread, [message(1), message(4)]));
    expect(syncedSeq(thread)).toBe(4);
    expect(hasGap(thread)).toBe(false);
    expect(mergeMessages(thread, [message(2)])).toBe(thread);
    expect(seqs(mergeMessages(thread, [message(5)]))).toEqual([1, 4, 5]);
  });

  it('ignores an empty delta', () => {
    const streaming = startBotReply(history, start);
    expect(appendBotReply(streaming, delta(''))).toBe(streaming);
  });
});
