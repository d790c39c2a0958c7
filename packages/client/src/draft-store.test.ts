import type { BotReplyEnd } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createDraftStore } from './draft-store.js';

const author = { kind: 'bot' as const, id: null, name: 'Assistant' };
const start = (messageId: string) => ({ conversationId: 'c1', messageId, author, createdAt: '2025-01-01T00:00:00.000Z' });
const delta = (messageId: string, text: string) => ({ conversationId: 'c1', messageId, delta: text });
const end = (messageId: string, status: BotReplyEnd['status']) => ({ conversationId: 'c1', messageId, status });

describe('createDraftStore', () => {
  it('appends deltas in order and keeps each state as a new array', () => {
    const drafts = createDraftStore(() => false);
    expect(drafts.start(start('m1'))).toBe(true);
    const before = drafts.drafts;
    expect(drafts.delta(delta('m1', 'Hi'))).toBe(true);
    expect(drafts.delta(delta('m1', ' there'))).toBe(true);
    expect(drafts.drafts).not.toBe(before);
    expect(before[0]!.text).toBe('');
    expect(drafts.drafts).toMatchObject([{ messageId: 'm1', text: 'Hi there', streaming: true, author }]);
  });

  it.each([
    ['cancelled', false, []],
    ['failed', false, []],
    ['complete', true, []],
    ['complete', false, [{ text: 'Hi', streaming: false }]],
  ] as const)('on %s (message stored: %s) leaves %j', (status, stored, expected) => {
    let messageStored = false;
    const drafts = createDraftStore(() => messageStored);
    drafts.start(start('m1'));
    drafts.delta(delta('m1', 'Hi'));
    messageStored = stored;
    expect(drafts.end(end('m1', status))).toBe(true);
    expect(drafts.drafts).toMatchObject(expected);
  });

  it('ignores what it cannot place: a repeated start, a stored message, unknown ids, text after the end', () => {
    let stored = false;
    const drafts = createDraftStore(() => stored);
    drafts.start(start('m1'));
    expect(drafts.start(start('m1'))).toBe(false);
    expect(drafts.delta(delta('nope', 'x'))).toBe(false);
    expect(drafts.end(end('nope', 'failed'))).toBe(false);
    drafts.end(end('m1', 'complete'));
    expect(drafts.delta(delta('m1', 'late'))).toBe(false);
    expect(drafts.end(end('m1', 'complete'))).toBe(false);
    stored = true;
    expect(drafts.start(start('m2'))).toBe(false);
    expect(drafts.drafts.map((draft) => draft.messageId)).toEqual(['m1']);
  });

  it('retains only what the filter keeps and reports whether anything went', () => {
    const drafts = createDraftStore(() => false);
    drafts.start(start('m1'));
    drafts.start(start('m2'));
    expect(drafts.retain(() => true)).toBe(false);
    expect(drafts.retain((draft) => draft.messageId === 'm2')).toBe(true);
    expect(drafts.drafts.map((draft) => draft.messageId)).toEqual(['m2']);
  });
});
