import type { messages } from '@parley/db';
import { describe, expect, it } from 'vitest';
import { toMessage } from './mappers.js';

type MessageRow = typeof messages.$inferSelect;

function row(authorKind: MessageRow['authorKind'], metadata: Record<string, unknown>): MessageRow {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    conversationId: '00000000-0000-4000-8000-000000000002',
    seq: 3,
    clientId: 'c',
    authorKind,
    authorId: null,
    body: 'Did that answer your question?',
    metadata,
    createdAt: new Date('2025-01-01T00:00:00Z'),
  };
}

describe('toMessage', () => {
  it('gives back the quick replies stored in the metadata', () => {
    expect(toMessage(row('bot', { quickReplies: ['Yes', 'No'] })).quickReplies).toEqual(['Yes', 'No']);
    expect(toMessage(row('agent', { quickReplies: ['Track my order'] }), 'Robin')).toMatchObject({
      author: { kind: 'agent', name: 'Robin' },
      quickReplies: ['Track my order'],
    });
  });

  it('leaves them out when there are none', () => {
    expect(toMessage(row('bot', {}))).not.toHaveProperty('quickReplies');
  });

  it.each([
    ['not a list', 'Yes'],
    ['an empty list', []],
    ['an empty reply', ['Yes', '']],
    ['a reply over 60 characters', ['x'.repeat(61)]],
    ['seven replies', ['1', '2', '3', '4', '5', '6', '7']],
    ['a repeated reply', ['Yes', 'Yes']],
    ['a reply that is not text', [42]],
  ])('drops stored quick replies that are invalid: %s', (_name, quickReplies) => {
    const message = toMessage(row('bot', { quickReplies }));
    expect(message).not.toHaveProperty('quickReplies');
    expect(message.body).toBe('Did that answer your question?');
  });
});
