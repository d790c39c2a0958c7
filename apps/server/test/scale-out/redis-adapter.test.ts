import type { Ack, ConversationSeenAck, Message, MessageSent, VisitorSeen } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, createTenant, login, nextEvent, ok, request, useTwoProcesses } from '../helpers/server.js';

// Two Parley processes on one database, joined by the Socket.IO Redis adapter (PARLEY_REDIS_URL). Run by
// `pnpm test:scale-out`, which needs a Redis server; .ci/run starts one if the machine has none running.
const { first, second } = useTwoProcesses();

describe('two processes joined by the Redis adapter', () => {
  it('carries a visitor message to an agent on the other process, and the reply back', async () => {
    const tenant = await createTenant(first);
    const { token } = await login(second, tenant.email, tenant.password);
    const agent = await connectAgent(second, token);
    const visitor = await connectVisitor(first, { widgetKey: tenant.widget.publicKey });

    const agentSees = nextEvent<Message>(agent, 'message:created');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'x', body: 'Hello from process one' }));
    expect((await agentSees).id).toBe(sent.id);

    const visitorSees = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    const reply = ok(
      await request<Ack<MessageSent>>(agent, 'message:send', {
        conversationId: sent.conversationId,
        clientId: 'y',
        body: 'Hi from process two',
      }),
    );
    expect((await visitorSees).id).toBe(reply.id);

    // Read receipts too: the visitor's `conversation:seen` on process one reaches the agent on process two.
    const agentHearsSeen = nextEvent<VisitorSeen>(agent, 'conversation:seen');
    ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: reply.seq }));
    expect(await agentHearsSeen).toEqual({ conversationId: sent.conversationId, visitorSeenSeq: reply.seq });
    visitor.close();
    agent.close();
  });
});
