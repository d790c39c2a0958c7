import { randomUUID } from 'node:crypto';
import type { Ack, ConversationList, MessageSent, MessagesPage, Note, NoteList, Session } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { naughtyStrings } from './helpers/naughty-strings.js';
import {
  apiRequest,
  connectAgent,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  useTestServer,
} from './helpers/server.js';

// Internal notes: agents write them on a conversation for each other; a visitor never receives one, by any path.
// The naughty-strings test writes hundreds of notes: the per-agent send budget is raised for it.
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '100000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** Everything a socket receives, every event, as JSON text. */
function recordAll(socket: Socket): string[] {
  const seen: string[] = [];
  socket.onAny((event: string, ...args: unknown[]) => seen.push(`${event} ${JSON.stringify(args)}`));
  return seen;
}

async function conversationWithVisitor() {
  const tenant = await createTenant(server);
  const { token } = await login(server, tenant.email, tenant.password);
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  sockets.push(visitor);
  const visitorSaw = recordAll(visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'My order never came.' }));
  // The newest message: the visitor's, or the status line after it (nobody online to answer).
  const list = (await jsonOf(await apiRequest(server, '/api/conversations', token))) as ConversationList;
  const afterSeq = list.conversations.find((conversation) => conversation.id === sent.conversationId)!.lastSeq;
  return { tenant, token, visitor, visitorSaw, conversationId: sent.conversationId, afterSeq };
}

const writeNote = (token: string, conversationId: string, body: string, clientId: string = randomUUID()) =>
  apiRequest(server, `/api/conversations/${conversationId}/notes`, token, 'POST', { clientId, body });

describe('internal notes', () => {
  it('reach the organization’s agents, in place after the newest message, and no visitor path ever', async () => {
    const { token, visitor, visitorSaw, conversationId, afterSeq } = await conversationWithVisitor();
    const agent = await connectAgent(server, token);
    sockets.push(agent);
    const secret = `Refund approved by finance ${randomUUID()}`;

    const announced = nextEvent<Note>(agent, 'note:created');
    const clientId = randomUUID();
    const written = await writeNote(token, conversationId, secret, clientId);
    expect(written.status).toBe(200);
    const note = (await jsonOf(written)) as Note;
    expect(note).toMatchObject({ conversationId, afterSeq, body: secret, author: { name: expect.any(String) } });
    expect(await announced).toEqual(note);
    // A retry stores it once.
    expect(await jsonOf(await writeNote(token, conversationId, secret, clientId))).toEqual(note);
    expect(((await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/notes`, token))) as NoteList).notes).toEqual([
      note,
    ]);

    // The agent's reply after it is seen by the visitor; the note never is: not pushed, not synced, not in the session.
    await apiRequest(server, `/api/conversations/${conversationId}/messages`, token, 'POST', {
      clientId: randomUUID(),
      body: 'On its way!',
    });
    const synced = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0, limit: 100 }));
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(synced.messages.filter((message) => message.author.kind !== 'system').map((message) => message.body)).toEqual([
      'My order never came.',
      'On its way!',
    ]);
    expect(JSON.stringify([synced, session, visitorSaw])).not.toContain(secret);
    expect(visitorSaw.some((entry) => entry.startsWith('message:created') && entry.includes('On its way!'))).toBe(true);
    // Nor does the agent transcript's messages list carry it: notes are their own list.
    const page = await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/messages`, token));
    expect(JSON.stringify(page)).not.toContain(secret);
  });

  it('are out of reach of other organizations, and answer bad input with typed errors, storing nothing', async () => {
    const { token, conversationId } = await conversationWithVisitor();
    const other = await createTenant(server);
    const { token: otherToken } = await login(server, other.email, other.password);
    expect((await writeNote(otherToken, conversationId, 'Peeking')).status).toBe(404);
    expect((await apiRequest(server, `/api/conversations/${conversationId}/notes`, otherToken)).status).toBe(404);
    expect((await apiRequest(server, `/api/conversations/${conversationId}/notes`, 'not-a-token')).status).toBe(401);

    const stored: string[] = [];
    for (const value of naughtyStrings()) {
      const answer = await writeNote(token, conversationId, value);
      if (answer.status === 200) stored.push(((await jsonOf(answer)) as Note).body);
      else expect((await jsonOf(answer)).error.code).toBe('invalid_payload');
    }
    const listed = ((await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/notes`, token))) as NoteList).notes;
    // Whatever was accepted is stored exactly as sent.
    expect(listed.map((note) => note.body)).toEqual(stored);
    expect((await writeNote(token, conversationId, '')).status).toBe(400);
    expect((await apiRequest(server, `/api/conversations/not-a-uuid/notes`, token)).status).toBe(400);
  });
});
