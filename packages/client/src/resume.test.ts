import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from './__fixtures__/fake-visitor-server.js';
import { createClientWithSocket, type ParleyClient } from './create-client.js';
import { hasConversationToResume } from './resume.js';
import { createMemoryStorage, type StorageLike } from './storage.js';

const clients: ParleyClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function storageWith(values: Record<string, string>): StorageLike {
  const storage = createMemoryStorage();
  for (const [key, value] of Object.entries(values)) storage.setItem(key, value);
  return storage;
}

const queued = JSON.stringify([{ clientId: 'c1', body: 'Hello?', createdAt: '2025-01-01T00:00:00.000Z' }]);

describe('hasConversationToResume', () => {
  it.each([
    ['nothing stored (a new visitor)', false, {}],
    ['a session token alone (opened the chat once, never wrote)', false, { 'parley:pk_test:session': 't' }],
    ['a token and a conversation with the bot', true, { 'parley:pk_test:session': 't', 'parley:pk_test:conversation': 'bot' }],
    ['a token and a conversation waiting for a person', true, { 'parley:pk_test:session': 't', 'parley:pk_test:conversation': 'queued' }],
    ['a token and a conversation with a person', true, { 'parley:pk_test:session': 't', 'parley:pk_test:conversation': 'agent' }],
    ['a token and a resolved conversation', false, { 'parley:pk_test:session': 't', 'parley:pk_test:conversation': 'resolved' }],
    ['a token and a closed conversation', false, { 'parley:pk_test:session': 't', 'parley:pk_test:conversation': 'closed' }],
    ['an open conversation but no token', false, { 'parley:pk_test:conversation': 'agent' }],
    ['messages waiting to be sent', true, { 'parley:pk_test:outbox': queued }],
    ['an outbox that cannot be read', false, { 'parley:pk_test:outbox': '{not json' }],
    ["another widget's open conversation", false, { 'parley:pk_other:session': 't', 'parley:pk_other:conversation': 'bot' }],
  ])('%s: %s', (_name, expected, values: Record<string, string>) => {
    expect(hasConversationToResume({ widgetKey: 'pk_test', storage: storageWith(values) })).toBe(expected);
  });

  it('is false, not an error, when storage cannot be read', () => {
    const blocked: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {},
      removeItem: () => {},
    };
    expect(hasConversationToResume({ widgetKey: 'pk_test', storage: blocked })).toBe(false);
  });

  it("follows the client's conversation: none, then open after the first message, then not once resolved", async () => {
    const server = new FakeServer();
    const storage = createMemoryStorage();
    const resumable = () => hasConversationToResume({ widgetKey: 'pk_test', storage });
    const client = createClientWithSocket({ serverUrl: 'http://localhost:3000', widgetKey: 'pk_test', storage }, server.createSocket);
    clients.push(client);
    await vi.waitFor(() => expect(client.status).toBe('connected'));
    expect(resumable()).toBe(false);

    await client.send('Where is my order?');
    const visitor = [...server.visitors.values()][0]!;
    // As the real server does when a send starts a conversation (the fake leaves it to the test).
    server.broadcast(visitor, 'conversation:updated', { ...visitor.conversation });
    await vi.waitFor(() => expect(resumable()).toBe(true));

    visitor.conversation!.status = 'resolved';
    server.broadcast(visitor, 'conversation:updated', { ...visitor.conversation });
    await vi.waitFor(() => expect(resumable()).toBe(false));

    // A later page learns of the conversation from the session, without news pushed.
    client.close();
    visitor.conversation!.status = 'agent';
    const next = createClientWithSocket({ serverUrl: 'http://localhost:3000', widgetKey: 'pk_test', storage }, server.createSocket);
    clients.push(next);
    await vi.waitFor(() => expect(next.status).toBe('connected'));
    expect(resumable()).toBe(true);
  });
});
