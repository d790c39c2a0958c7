/**
 * A builder of the bot's tool calls for tests: a valid default, overridden per test.
 * @module
 */
import type { ToolCall } from '@parley/protocol';

/** Tool call number `n`: a successful `search_knowledge_base` of 120 ms, led to no message unless `messageId` says. */
export function toolCall(n: number, overrides: Partial<ToolCall> = {}): ToolCall {
  return {
    id: String(n),
    messageId: null,
    tool: 'search_knowledge_base',
    input: { query: `question ${n}` },
    output: { passages: [] },
    error: null,
    success: true,
    policy: null,
    decision: null,
    durationMs: 120,
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, n)).toISOString(),
    ...overrides,
  };
}
