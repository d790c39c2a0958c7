/**
 * Builders of protocol objects for the thread's tests (the same defaults as the console's fixtures, whose tests these
 * were): valid defaults, overridden per test.
 * @module
 */
import type { Message } from '@parley/protocol';

/** A conversation id used across tests. */
export const CONVERSATION_ID = '5f0c2a9e-0a4b-4c49-9d1e-3f6f6c1f2b10';

/** A stored message with sequence number `seq`. */
export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `message-${seq}`,
    conversationId: CONVERSATION_ID,
    seq,
    clientId: null,
    author: { kind: 'visitor', id: null, name: null },
    body: `Message ${seq}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    ...overrides,
  };
}
