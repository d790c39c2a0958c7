import { conversationNotes, messages } from '@parley/db';
import type { Ack, Message, MessageSent, MessagesPage } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { apiRequest, jsonOf, nextEvent, ok, request, useTestServer, visitorConversationWithAgent } from './helpers/server.js';

// Quick replies an agent attaches to a message: stored with it and delivered to the visitor; refused, with nothing
// stored, when they are not valid; never on an internal note. (The bot's: offline-answerer.test.ts, bot-quick-replies.test.ts.)
const server = useTestServer();

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A conversation a visitor started (the widget has no bot: it waits in the queue), and its agent, signed in. */
function conversationWithAgent() {
  return visitorConversationWithAgent(server, sockets, 'My parcel is damaged.');
}

async function storedMessages(conversationId: string) {
  return server.db.db.select().from(messages).where(eq(messages.conversationId, conversationId));
}

describe('an agent’s quick replies', () => {
  it('reach the visitor with the message, and come back with it on a sync and to the agents', async () => {
    const { token, agent, visitor, conversationId } = await conversationWithAgent();
    const visitorSees = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    const agentsSee = nextEvent<Message>(agent, 'message:created', (message) => message.author.kind === 'agent');
    const reply = ok(
      await request<Ack<MessageSent>>(agent, 'message:send', {
        conversationId,
        clientId: 'r1',
        body: 'Would you like a refund or a replacement?',
        quickReplies: [' Refund ', 'Replacement', 'Something else'],
      }),
    );
    // Trimmed, as the schema reads them.
    const quickReplies = ['Refund', 'Replacement', 'Something else'];
    expect(await visitorSees).toMatchObject({ id: reply.id, body: 'Would you like a refund or a replacement?', quickReplies });
    expect((await agentsSee).quickReplies).toEqual(quickReplies);
    const synced = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0 }));
    expect(synced.messages.find((message) => message.id === reply.id)?.quickReplies).toEqual(quickReplies);
    const listed = (await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/messages`, token))) as MessagesPage;
    expect(listed.messages.find((message) => message.id === reply.id)?.quickReplies).toEqual(quickReplies);

    // A message without them has none; the visitor's click is an ordinary message.
    const plain = nextEvent<Message>(visitor, 'message:created', (message) => message.clientId === 'r2');
    ok(await request<Ack<MessageSent>>(agent, 'message:send', { conversationId, clientId: 'r2', body: 'Take your time.' }));
    expect(await plain).not.toHaveProperty('quickReplies');
    const click = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'click', body: 'Refund' }));
    expect((await storedMessages(conversationId)).find((row) => row.id === click.id)).toMatchObject({ body: 'Refund', metadata: {} });
  });

  it('go with a reply posted over REST too', async () => {
    const { token, visitor, conversationId } = await conversationWithAgent();
    const visitorSees = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    const answer = await apiRequest(server, `/api/conversations/${conversationId}/messages`, token, 'POST', {
      clientId: 'rest-1',
      body: 'Did the replacement arrive?',
      quickReplies: ['Yes', 'No'],
    });
    expect(answer.status).toBe(200);
    const sent = (await jsonOf(answer)) as MessageSent;
    expect(await visitorSees).toMatchObject({ id: sent.id, quickReplies: ['Yes', 'No'] });
  });

  it.each([
    ['seven of them', ['1', '2', '3', '4', '5', '6', '7']],
    ['an empty one', ['Yes', '']],
    ['one of 61 characters', ['x'.repeat(61)]],
    ['the same one twice', ['Yes', 'Yes']],
    ['none at all', []],
    ['not a list', 'Yes'],
  ])('are refused with invalid_payload, nothing stored, when there are %s', async (_name, quickReplies) => {
    const { token, agent, conversationId } = await conversationWithAgent();
    const before = await storedMessages(conversationId);
    const ack = await request<Ack<MessageSent>>(agent, 'message:send', { conversationId, clientId: 'bad', body: 'Pick one', quickReplies });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const rest = await apiRequest(server, `/api/conversations/${conversationId}/messages`, token, 'POST', {
      clientId: 'bad-rest',
      body: 'Pick one',
      quickReplies,
    });
    expect(rest.status).toBe(400);
    expect((await jsonOf(rest)).error.code).toBe('invalid_payload');
    expect(await storedMessages(conversationId)).toHaveLength(before.length);
  });

  it('are never on an internal note: a note with them is refused with invalid_payload, nothing stored', async () => {
    const { token, conversationId } = await conversationWithAgent();
    const notesPath = `/api/conversations/${conversationId}/notes`;
    const refused = await apiRequest(server, notesPath, token, 'POST', {
      clientId: 'n1',
      body: 'Check the courier.',
      quickReplies: ['Yes'],
    });
    expect(refused.status).toBe(400);
    expect((await jsonOf(refused)).error).toMatchObject({
      code: 'invalid_payload',
      issues: [expect.objectContaining({ path: 'body.quickReplies' })],
    });
    expect(await server.db.db.select().from(conversationNotes).where(eq(conversationNotes.conversationId, conversationId))).toEqual([]);
    expect((await apiRequest(server, notesPath, token, 'POST', { clientId: 'n2', body: 'Check the courier.' })).status).toBe(200);
  });
});
