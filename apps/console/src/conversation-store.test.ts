import { describe, expect, it } from 'vitest';
import { message, summary } from './__fixtures__/factories.js';
import { applyMessage, mergeSummary, upsertConversations } from './conversation-store.js';

describe('upsertConversations', () => {
  it('sorts the most recent activity first', () => {
    const older = summary({ id: 'a', lastMessageAt: '2025-01-01T10:00:00.000Z' });
    const newer = summary({ id: 'b', lastMessageAt: '2025-01-01T11:00:00.000Z' });
    expect(upsertConversations([], [older, newer]).map((conversation) => conversation.id)).toEqual(['b', 'a']);
  });

  it('keeps a live update that is newer than the list fetched before it', () => {
    const live = summary({ status: 'resolved', updatedAt: '2025-01-01T12:05:00.000Z' });
    const stale = summary({ status: 'queued', updatedAt: '2025-01-01T12:00:00.000Z' });
    const [conversation] = upsertConversations([live], [stale]);
    expect(conversation!.status).toBe('resolved');
  });
});

describe('mergeSummary', () => {
  it('takes the state of the later update and the preview of the copy that saw more messages', () => {
    const resolved = summary({ status: 'resolved', updatedAt: '2025-01-01T12:05:00.000Z', lastSeq: 3 });
    const withMessage = summary({
      updatedAt: '2025-01-01T12:00:00.000Z',
      lastSeq: 4,
      lastMessage: { body: 'Thanks!', authorKind: 'visitor' },
      lastMessageAt: '2025-01-01T12:06:00.000Z',
    });
    expect(mergeSummary(resolved, withMessage)).toMatchObject({
      status: 'resolved',
      lastSeq: 4,
      lastMessage: { body: 'Thanks!', authorKind: 'visitor' },
    });
  });
});

describe('applyMessage', () => {
  it('moves a conversation with a new message to the top with its preview', () => {
    const first = summary({ id: 'a', lastMessageAt: '2025-01-01T11:00:00.000Z' });
    const second = summary({ lastMessageAt: '2025-01-01T10:00:00.000Z' });
    const list = applyMessage([first, second], message(1, { body: 'Where is my order?' }));
    expect(list[0]).toMatchObject({ lastSeq: 1, lastMessage: { body: 'Where is my order?', authorKind: 'visitor' } });
  });

  it('ignores a message already counted in the summary', () => {
    const list = [summary({ lastSeq: 2 })];
    expect(applyMessage(list, message(2))).toBe(list);
  });

  it('keeps since when the visitor waits: from their first unanswered message until an agent or the bot answers', () => {
    const asked = applyMessage([summary()], message(1));
    expect(asked[0]!.waitingSince).toBe(message(1).createdAt);
    const again = applyMessage(asked, message(2));
    const noted = applyMessage(again, message(3, { author: { kind: 'system', id: null, name: null } }));
    expect(noted[0]!.waitingSince).toBe(message(1).createdAt);
    const answered = applyMessage(noted, message(4, { author: { kind: 'bot', id: null, name: 'Assistant' } }));
    expect(answered[0]!.waitingSince).toBeNull();
  });
});
