/**
 * A builder of pending actions for tests: a valid default (a refund waiting for an agent's approval), overridden per test.
 * @module
 */
import type { PendingAction } from '@parley/protocol';
import { CONVERSATION_ID } from './factories.js';

/** Pending action number `n` of the conversation of the factories, waiting for approval by any agent. */
export function pendingAction(n: number, overrides: Partial<PendingAction> = {}): PendingAction {
  return {
    id: `40000000-0000-4000-8000-00000000000${n}`,
    conversationId: CONVERSATION_ID,
    messageId: `message-${n}`,
    tool: 'refund_order',
    input: { order_number: 'A-17', amount: 25 },
    policy: 'approve',
    summary: 'Refund 25 EUR on order A-17',
    status: 'pending',
    teamId: null,
    expiresAt: '2025-01-01T12:15:00.000Z',
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, n)).toISOString(),
    decidedAt: null,
    decidedBy: null,
    note: null,
    ...overrides,
  };
}
