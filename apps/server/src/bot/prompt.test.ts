import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { buildHistory } from './prompt.js';

function message(seq: number, kind: Message['author']['kind'], body: string, name: string | null = null): Message {
  return { id: `m${seq}`, conversationId: 'c', seq, clientId: null, author: { kind, id: null, name }, body, createdAt: '' };
}

describe('buildHistory', () => {
  it('alternates roles, merges neighbours and marks agents as humans', () => {
    const history = buildHistory(
      [
        message(1, 'visitor', 'Hi'),
        message(2, 'visitor', 'Anyone?'),
        message(3, 'agent', 'Yes', 'Robin'),
        message(4, 'system', 'x'),
        message(5, 'visitor', 'Thanks'),
      ],
      5,
      10_000,
    );
    expect(history).toEqual([
      { role: 'user', content: 'Hi\n\nAnyone?' },
      { role: 'assistant', content: '(Robin from the team wrote) Yes' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('puts unanswered visitor messages last, after an answer stored later', () => {
    const history = buildHistory([message(1, 'visitor', 'Q1'), message(2, 'visitor', 'Q2'), message(3, 'bot', 'A1')], 1, 10_000);
    expect(history).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ]);
  });

  it('keeps the newest messages within the token budget and starts with the user', () => {
    const long = 'x'.repeat(400);
    const history = buildHistory([message(1, 'visitor', long), message(2, 'bot', long), message(3, 'visitor', 'last')], 3, 120);
    expect(history).toEqual([{ role: 'user', content: 'last' }]);
  });
});
