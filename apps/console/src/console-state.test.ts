import { describe, expect, it } from 'vitest';
import { CONVERSATION_ID, message, summary } from './__fixtures__/factories.js';
import { consoleReducer, initialConsoleState, isUnread, TYPING_TTL_MS, type ConsoleAction, type ConsoleState } from './console-state.js';

function run(actions: ConsoleAction[], state: ConsoleState = initialConsoleState()): ConsoleState {
  return actions.reduce(consoleReducer, state);
}

const visitorTyping = { conversationId: CONVERSATION_ID, author: { kind: 'visitor' as const, name: null }, typing: true };

describe('unread marker', () => {
  it('does not mark conversations that were already there when the console opened', () => {
    const state = run([
      { type: 'list-loaded', conversations: [summary({ lastSeq: 3, lastMessage: { body: 'Hi', authorKind: 'visitor' } })] },
    ]);
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

const botAuthor = { kind: 'bot' as const, id: null, name: 'Assistant' };
const started: ConsoleAction = {
  type: 'bot-reply-started',
  start: { conversationId: CONVERSATION_ID, messageId: 'message-2', author: botAuthor, createdAt: '2025-01-01T12:00:02.000Z' },
};
const delta = (text: string): ConsoleAction => ({
  type: 'bot-reply-delta',
  delta: { conversationId: CONVERSATION_ID, messageId: 'message-2', delta: text },
});
const ended = (status: 'complete' | 'cancelled' | 'failed'): ConsoleAction => ({
  type: 'bot-reply-ended',
  end: { conversationId: CONVERSATION_ID, messageId: 'message-2', status },
});
const created: ConsoleAction = { type: 'message-created', message: message(2, { author: botAuthor, body: 'Yes, it fits two.' }) };
const threadOf = (state: ConsoleState) => state.threads[CONVERSATION_ID]!;

describe('bot replies', () => {
  it('streams a reply into its conversation and swaps it for the stored message, whichever comes first', () => {
    const streaming = run([started, delta('Yes, '), delta('it fits two.')]);
    expect(threadOf(streaming).botReplies).toMatchObject([{ text: 'Yes, it fits two.', streaming: true }]);

    for (const tail of [
      [ended('complete'), created],
      [created, ended('complete')],
    ]) {
      const thread = threadOf(run(tail, streaming));
      expect(thread.botReplies).toEqual([]);
      expect(thread.messages.map((held) => held.body)).toEqual(['Yes, it fits two.']);
    }
  });

  it('removes the partial reply when a human takes over and the bot turn is cancelled', () => {
    const state = run([started, delta('Let me check'), ended('cancelled')]);
    expect(threadOf(state).botReplies).toEqual([]);
    expect(threadOf(state).messages).toEqual([]);
  });

  it('drops a reply streaming when the connection drops, since its missed deltas are lost', () => {
    const online = run([{ type: 'connection-changed', connection: 'online' }, started, delta('Yes, ')]);
    const offline = consoleReducer(online, { type: 'connection-changed', connection: 'offline' });
    expect(threadOf(offline).botReplies).toEqual([]);
    // The rest of the reply, heard after reconnecting, is not shown without its beginning.
    expect(threadOf(run([{ type: 'connection-changed', connection: 'online' }, delta('it fits two.')], offline)).botReplies).toEqual([]);
  });

  it('ignores deltas for a conversation the console holds nothing of', () => {
    const state = initialConsoleState();
    expect(consoleReducer(state, delta('Hello'))).toBe(state);
  });

  it('does not mark a conversation unread when the bot answered the visitor', () => {
    const answered = run([
      { type: 'list-loaded', conversations: [summary({ status: 'bot', lastSeq: 1 })] },
      { type: 'message-created', message: message(2) },
      { type: 'message-created', message: message(3, { author: botAuthor, body: 'Yes, it fits two.' }) },
    ]);
    expect(isUnread(answered, answered.conversations[0]!)).toBe(false);
    const asked = consoleReducer(answered, { type: 'message-created', message: message(4) });
    expect(isUnread(asked, asked.conversations[0]!)).toBe(true);
  });
});
