import { describe, expect, it } from 'vitest';
import { CONVERSATION_ID, message, note, summary } from './__fixtures__/factories.js';
import {
  consoleReducer,
  initialConsoleState,
  isUnread,
  TYPING_TTL_MS,
  unreadCount,
  type ConsoleAction,
  type ConsoleState,
} from './console-state.js';

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

  it('marks a conversation that appears after the console opened, from its first visitor message', () => {
    const appeared = run([
      { type: 'list-loaded', conversations: [] },
      { type: 'conversation-updated', conversation: summary() },
    ]);
    expect(isUnread(appeared, appeared.conversations[0]!)).toBe(false);
    const state = consoleReducer(appeared, { type: 'message-created', message: message(1) });
    expect(isUnread(state, state.conversations[0]!)).toBe(true);
  });

  it('takes the count the server keeps for the agent, unless a live message made it newer', () => {
    const state = run([{ type: 'list-loaded', conversations: [summary({ lastSeq: 4, unreadCount: 3 })] }]);
    expect(unreadCount(state, CONVERSATION_ID)).toBe(3);
    const raised = consoleReducer(state, { type: 'message-created', message: message(5) });
    expect(unreadCount(raised, CONVERSATION_ID)).toBe(4);
    // A page fetched before that message arrived: its count is older than the one held.
    const stale = consoleReducer(raised, { type: 'list-loaded', conversations: [summary({ lastSeq: 4, unreadCount: 3 })] });
    expect(unreadCount(stale, CONVERSATION_ID)).toBe(4);
    const read = consoleReducer(stale, { type: 'read-confirmed', conversationId: CONVERSATION_ID, unreadCount: 0 });
    expect(unreadCount(read, CONVERSATION_ID)).toBe(0);
    // The same message heard twice counts once.
    const again = run(
      [
        { type: 'message-created', message: message(6) },
        { type: 'message-created', message: message(6) },
      ],
      read,
    );
    expect(unreadCount(again, CONVERSATION_ID)).toBe(1);
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

  it('counts the visitor messages the agent has not read, even those the bot answered', () => {
    const answered = run([
      { type: 'list-loaded', conversations: [summary({ status: 'bot', lastSeq: 1 })] },
      { type: 'message-created', message: message(2) },
      { type: 'message-created', message: message(3, { author: botAuthor, body: 'Yes, it fits two.' }) },
    ]);
    expect(unreadCount(answered, CONVERSATION_ID)).toBe(1);
    const asked = consoleReducer(answered, { type: 'message-created', message: message(4) });
    expect(unreadCount(asked, CONVERSATION_ID)).toBe(2);
  });
});

const bodies = (state: ConsoleState) => state.notes[CONVERSATION_ID]?.map((held) => held.body);

describe('internal notes', () => {
  it('keeps each note once, whether the list or note:created brings it, in createdAt order', () => {
    const state = run([
      { type: 'note-created', note: note(3, { afterSeq: 2 }) },
      { type: 'notes-loaded', conversationId: CONVERSATION_ID, notes: [note(1), note(2, { afterSeq: 1 }), note(3, { afterSeq: 2 })] },
    ]);
    expect(bodies(state)).toEqual(['Note 1', 'Note 2', 'Note 3']);
    // An older note heard late goes where its time puts it.
    const late = consoleReducer(state, { type: 'note-created', note: note(0, { createdAt: '2025-01-01T11:00:00.000Z' }) });
    expect(bodies(late)).toEqual(['Note 0', 'Note 1', 'Note 2', 'Note 3']);
  });

  it('changes nothing for a note it has already, nor for an empty list', () => {
    const state = run([{ type: 'note-created', note: note(1) }]);
    expect(consoleReducer(state, { type: 'note-created', note: note(1) })).toBe(state);
    expect(consoleReducer(state, { type: 'notes-loaded', conversationId: CONVERSATION_ID, notes: [note(1)] })).toBe(state);
    const empty = initialConsoleState();
    expect(consoleReducer(empty, { type: 'notes-loaded', conversationId: CONVERSATION_ID, notes: [] })).toBe(empty);
  });

  it('keeps notes written at the same instant in the order they came, and apart per conversation', () => {
    const at = '2025-01-01T12:05:00.000Z';
    const state = run([
      { type: 'note-created', note: note(2, { createdAt: at }) },
      { type: 'note-created', note: note(1, { createdAt: at }) },
      { type: 'note-created', note: note(9, { conversationId: 'other' }) },
    ]);
    expect(bodies(state)).toEqual(['Note 2', 'Note 1']);
    expect(state.notes.other?.map((held) => held.body)).toEqual(['Note 9']);
  });

  it('does not touch the inbox or its unread marks', () => {
    const state = run([{ type: 'list-loaded', conversations: [summary({ lastSeq: 1 })] }]);
    const noted = consoleReducer(state, { type: 'note-created', note: note(1, { afterSeq: 1 }) });
    expect(noted.conversations).toBe(state.conversations);
    expect(isUnread(noted, noted.conversations[0]!)).toBe(false);
  });

  it('keeps why the notes could not be loaded until they are', () => {
    const failed = run([{ type: 'notes-failed', conversationId: CONVERSATION_ID, error: 'Cannot reach the server.' }]);
    expect(failed.noteErrors[CONVERSATION_ID]).toBe('Cannot reach the server.');
    const loaded = consoleReducer(failed, { type: 'notes-loaded', conversationId: CONVERSATION_ID, notes: [] });
    expect(loaded.noteErrors[CONVERSATION_ID]).toBeUndefined();
  });
});
