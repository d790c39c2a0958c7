import { describe, expect, it } from 'vitest';
import { CONVERSATION_ID, message, summary } from './__fixtures__/factories.js';
import { consoleReducer, initialConsoleState, isUnread, TYPING_TTL_MS, type ConsoleAction, type ConsoleState } from './console-state.js';

function run(actions: ConsoleAction[], state: ConsoleState = initialConsoleState()): ConsoleState {
  return actions.reduce(consoleReducer, state);
}

const visitorTyping = { conversationId: CONVERSATION_ID, author: { kind: 'visitor' as const, name: null }, typing: true };

describe('unread marker', () => {
  it('does not mark conversations that were already there when the console opened', () => {
    const state = run([{ type: 'list-loaded', conversations: [summary({ lastSeq: 3, lastMessage: { body: 'Hi', authorKind: 'visitor' } })] }]);
    expect(isUnread(state, state.conversations[0]!)).toBe(false);
  });

  it('marks a conversation when the visitor writes after that, until it is opened', () => {
    const state = run([
      { type: 'list-loaded', conversations: [summary({ lastSeq: 1 })] },
      { type: 'message-created', message: message(2) },
    ]);
    expect(isUnread(state, state.conversations[0]!)).toBe(true);
    const opened = consoleReducer(state, { type: 'conversation-opened', conversationId: CONVERSATION_ID });
    const closed = consoleReducer(opened, { type: 'conversation-opened', conversationId: null });
    expect(isUnread(closed, closed.conversations[0]!)).toBe(false);
  });

  it('marks a conversation that appears after the console opened', () => {
    const state = run([
      { type: 'list-loaded', conversations: [] },
      { type: 'conversation-updated', conversation: summary() },
    ]);
    expect(isUnread(state, state.conversations[0]!)).toBe(true);
  });
});

describe('typing indicator', () => {
  it('shows the visitor typing until they send their message', () => {
    const typing = run([{ type: 'typing-changed', typing: visitorTyping, now: 0 }]);
    expect(typing.typing[CONVERSATION_ID]).toMatchObject({ kind: 'visitor' });
    const sent = consoleReducer(typing, { type: 'message-created', message: message(1) });
    expect(sent.typing[CONVERSATION_ID]).toBeUndefined();
  });

  it('expires when no update arrives, in case "stopped typing" was lost', () => {
    const typing = run([{ type: 'typing-changed', typing: visitorTyping, now: 0 }]);
    expect(consoleReducer(typing, { type: 'typing-expired', now: TYPING_TTL_MS - 1 }).typing[CONVERSATION_ID]).toBeDefined();
    expect(consoleReducer(typing, { type: 'typing-expired', now: TYPING_TTL_MS }).typing[CONVERSATION_ID]).toBeUndefined();
  });
});
