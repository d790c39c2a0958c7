import type { Ack, ConversationSeenAck, ConversationSummary, MessageSent, VisitorSeen } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiRequest,
  collect,
  connectAgent,
  createTenant,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  useTestServer,
  visitorConversationWithAgent,
} from './helpers/server.js';

// Read receipts: how far the visitor has read (their `conversation:seen`) reaches the console, live on the agents'
// `conversation:seen` when it rises, and on every conversation summary (list, PATCH answer, `conversation:updated`).
const server = useTestServer();

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A conversation a visitor started (it waits in the queue), its agent signed in with a socket, and the agent's reply. */
async function repliedConversation() {
  const { token, agent, visitor, conversationId } = await visitorConversationWithAgent(server, sockets, 'Where is my parcel?');
  const reply = ok(await request<Ack<MessageSent>>(agent, 'message:send', { conversationId, clientId: 'r1', body: 'On its way.' }));
  return { token, agent, visitor, conversationId, reply };
}

async function listed(token: string, conversationId: string): Promise<ConversationSummary | undefined> {
  const page = (await jsonOf(await apiRequest(server, '/api/conversations?view=open', token))) as { conversations: ConversationSummary[] };
  return page.conversations.find((conversation) => conversation.id === conversationId);
}

describe('read receipts', () => {
  it('tell the agents live when the visitor’s seen seq rises, and only then', async () => {
    const { agent, visitor, conversationId, reply } = await repliedConversation();
    // An agent of another organization hears nothing of it.
    const other = await createTenant(server);
    const stranger = await connectAgent(server, (await login(server, other.email, other.password)).token);
    sockets.push(stranger);
    const strangerHears = collect<VisitorSeen>(stranger, 'conversation:seen');

    const heard = collect<VisitorSeen>(agent, 'conversation:seen');
    const first = nextEvent<VisitorSeen>(agent, 'conversation:seen');
    ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: reply.seq }));
    expect(await first).toEqual({ conversationId, visitorSeenSeq: reply.seq });

    // Reports that raise nothing (the same seq, an older one) are not passed on.
    ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: reply.seq }));
    ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: 1 }));
    const second = ok(await request<Ack<MessageSent>>(agent, 'message:send', { conversationId, clientId: 'r2', body: 'Tomorrow.' }));
    const next = nextEvent<VisitorSeen>(agent, 'conversation:seen');
    // Beyond the last message counts as the last message, as the ack says.
    ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: second.seq + 50 }));
    expect(await next).toEqual({ conversationId, visitorSeenSeq: second.seq });
    expect(heard).toEqual([
      { conversationId, visitorSeenSeq: reply.seq },
      { conversationId, visitorSeenSeq: second.seq },
    ]);
    expect(strangerHears).toEqual([]);
  });

  it('is on the conversation’s summary: listed, answered to a change, broadcast with `conversation:updated`', async () => {
    const { token, agent, visitor, conversationId, reply } = await repliedConversation();
    expect((await listed(token, conversationId))?.visitorSeenSeq).toBe(0);

    ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: reply.seq }));
    expect((await listed(token, conversationId))?.visitorSeenSeq).toBe(reply.seq);

    const updated = nextEvent<ConversationSummary>(agent, 'conversation:updated', (summary) => summary.status === 'queued');
    const response = await apiRequest(server, `/api/conversations/${conversationId}`, token, 'PATCH', { status: 'queued' });
    expect(response.status).toBe(200);
    expect(((await jsonOf(response)) as ConversationSummary).visitorSeenSeq).toBe(reply.seq);
    expect((await updated).visitorSeenSeq).toBe(reply.seq);
  });
});
