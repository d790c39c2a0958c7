import { conversationEvents, conversations } from '@parley/db';
import type { Ack, MessageSent, VisitorConversation } from '@parley/protocol';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, createTenant, login, nextEvent, ok, request, useTestServer } from './helpers/server.js';

// The inactivity sweeper, running every second in the real server.
const server = useTestServer({ PARLEY_SWEEP_INTERVAL_SECONDS: '1', PARLEY_RESOLVE_AFTER_MINUTES: '30', PARLEY_CLOSE_AFTER_MINUTES: '60' });

async function quietFor(conversationId: string, minutes: number) {
  await server.db.db
    .update(conversations)
    .set({ updatedAt: sql`now() - make_interval(mins => ${minutes})` })
    .where(eq(conversations.id, conversationId));
}

describe('inactivity timeout', () => {
  it('resolves a quiet conversation, closes it later, and a new message then starts a new conversation', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'Hello' }));
    ok(await request<Ack<MessageSent>>(agent, 'message:send', { conversationId: first.conversationId, clientId: 'r', body: 'Hi!' }));

    // Quiet, but not long enough: nothing happens.
    await quietFor(first.conversationId, 10);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [stillOpen] = await server.db.db.select().from(conversations).where(eq(conversations.id, first.conversationId));
    expect(stillOpen!.status).toBe('agent');

    const resolved = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'resolved');
    await quietFor(first.conversationId, 45);
    expect((await resolved).id).toBe(first.conversationId);

    const closed = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'closed');
    await quietFor(first.conversationId, 90);
    await closed;

    const events = await server.db.db
      .select()
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, first.conversationId))
      .orderBy(asc(conversationEvents.id));
    expect(events.filter((event) => event.actorKind === 'system').map((event) => [event.fromStatus, event.toStatus, event.data])).toEqual([
      ['agent', 'resolved', { event: 'inactivity.timeout' }],
      ['resolved', 'closed', { event: 'inactivity.timeout' }],
    ]);

    const next = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'Back again' }));
    expect(next.conversationId).not.toBe(first.conversationId);
    expect(next.seq).toBe(1);
    visitor.close();
    agent.close();
  });
});
