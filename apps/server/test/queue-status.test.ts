import { randomUUID } from 'node:crypto';
import { contacts, conversationEvents, conversations } from '@parley/db';
import type { Ack, QueueStatus, Session, VisitorConversation } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedWaitSeconds } from '../src/conversations/queue-status.js';
import { connectVisitor, createTenant, login, nextEvent, ok, request, useTestServer } from './helpers/server.js';

// The visitor sees their place in the queue and the usual wait, kept up to date as the queue moves.
const server = useTestServer();

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function queuedVisitor(widgetKey: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
  return { visitor, conversation };
}

function nextPlace(socket: Socket, position: number): Promise<QueueStatus> {
  return nextEvent<QueueStatus>(socket, 'queue:updated', (status) => status.position === position);
}

describe('the queue as the visitor sees it', () => {
  it('tells each waiting visitor their new place when someone ahead is taken', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true } });
    const { token } = await login(server, tenant.email, tenant.password);
    const first = await queuedVisitor(tenant.widget.publicKey);
    const second = await queuedVisitor(tenant.widget.publicKey);
    const third = await queuedVisitor(tenant.widget.publicKey);
    expect(first.conversation.queue).toEqual({ conversationId: first.conversation.id, position: 1, expectedWaitSeconds: null });
    expect(third.conversation.queue).toMatchObject({ position: 3 });

    const secondMovesUp = nextPlace(second.visitor, 1);
    const thirdMovesUp = nextPlace(third.visitor, 2);
    const taken = await fetch(`${server.url}/api/conversations/${first.conversation.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ assignToMe: true }),
    });
    expect(taken.status).toBe(200);
    expect(await secondMovesUp).toEqual({ conversationId: second.conversation.id, position: 1, expectedWaitSeconds: null });
    expect(await thirdMovesUp).toMatchObject({ conversationId: third.conversation.id, position: 2 });

    // A reconnecting visitor gets their place with the session.
    const session = ok(await request<Ack<Session>>(third.visitor, 'session:get'));
    expect(session.conversation?.queue).toMatchObject({ position: 2 });
  });

  it('says the usual wait as the median of recent waits, and nothing with fewer than five', async () => {
    const tenant = await createTenant(server);
    const organizationId = tenant.organization.id;
    // Five conversations that waited 1, 2, 3, 10 and 20 minutes from joining the queue to a person taking them.
    const waits = [60, 120, 180, 600, 1200];
    for (const [index, seconds] of waits.entries()) {
      const contactId = randomUUID();
      await server.db.db.insert(contacts).values({ id: contactId, organizationId, widgetId: tenant.widget.id });
      const [conversation] = await server.db.db
        .insert(conversations)
        .values({ organizationId, widgetId: tenant.widget.id, contactId, status: 'agent' })
        .returning();
      const joined = sql`now() - ${(index + 1) * 3600} * interval '1 second'`;
      const taken = sql`now() - ${(index + 1) * 3600 - seconds} * interval '1 second'`;
      await server.db.db.insert(conversationEvents).values([
        { conversationId: conversation!.id, type: 'created', toStatus: 'queued', actorKind: 'visitor', createdAt: joined },
        {
          conversationId: conversation!.id,
          type: 'status_changed',
          fromStatus: 'queued',
          toStatus: 'agent',
          actorKind: 'system',
          createdAt: taken,
        },
      ]);
      expect(await expectedWaitSeconds(server.db.db, organizationId)).toBe(index < 4 ? null : 180);
    }
    // The widget hears the same figure.
    const { conversation } = await queuedVisitor(tenant.widget.publicKey);
    expect(conversation.queue).toEqual({ conversationId: conversation.id, position: 1, expectedWaitSeconds: 180 });
  });
});
