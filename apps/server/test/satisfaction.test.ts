import { conversationRatings } from '@parley/db';
import type { Ack, Message, MessageSent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  login,
  nextEvent,
  ok,
  request,
  resolveAsAgent,
  useTestServer,
} from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// After a resolution the visitor rates it once; the rating is stored with who handled it and shown to both sides.
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A visitor whose conversation an agent answered and resolved; returns the seq of the "resolved" line. */
async function resolvedConversation() {
  const tenant = await createTenant(server);
  const { token, agent } = await login(server, tenant.email, tenant.password);
  const agentSocket = await connectAgent(server, token);
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  sockets.push(agentSocket, visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'q', body: 'Where is my parcel?' }));
  ok(
    await request<Ack<MessageSent>>(agentSocket, 'message:send', {
      conversationId: sent.conversationId,
      clientId: 'a',
      body: 'On its way.',
    }),
  );
  const resolvedLine = await resolve(visitor, sent.conversationId, token);
  return { tenant, token, agent, agentSocket, visitor, conversationId: sent.conversationId, resolvedSeq: resolvedLine.seq };
}

const resolve = (visitor: Socket, conversationId: string, token: string) => resolveAsAgent(server, visitor, conversationId, token);

async function ratings(conversationId: string) {
  return server.db.db.select().from(conversationRatings).where(eq(conversationRatings.conversationId, conversationId));
}

describe('satisfaction', () => {
  it('takes one rating per resolution, stores who handled it, and shows it to both sides', async () => {
    const { agent, agentSocket, visitor, conversationId, resolvedSeq, token } = await resolvedConversation();
    const agentSees = nextEvent<Message>(agentSocket, 'message:created', (message) => message.event?.type === 'rated');
    const rated = ok(await request<Ack<Message>>(visitor, 'rating:submit', { resolvedSeq, rating: 4, comment: 'Quick and kind' }));
    expect(rated).toMatchObject({ seq: resolvedSeq + 1, event: { type: 'rated', rating: 4, comment: 'Quick and kind' } });
    expect((await agentSees).body).toBe('The conversation was rated 4 out of 5. “Quick and kind”');
    expect(await ratings(conversationId)).toMatchObject([
      { resolvedSeq, rating: 4, comment: 'Quick and kind', agentId: agent.id, botInvolved: false },
    ]);

    const again = await request<Ack<Message>>(visitor, 'rating:submit', { resolvedSeq, rating: 1 });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Writing again reopens it: the old resolution can no longer be rated; the next one can.
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'more', body: 'One more thing' }));
    const stale = await request<Ack<Message>>(visitor, 'rating:submit', { resolvedSeq, rating: 5 });
    expect(stale).toMatchObject({ ok: false, error: { code: 'transition_rejected' } });
    const second = await resolve(visitor, conversationId, token);
    ok(await request<Ack<Message>>(visitor, 'rating:submit', { resolvedSeq: second.seq, rating: 5 }));
    expect((await ratings(conversationId)).map((row) => row.rating).toSorted()).toEqual([4, 5]);
  });

  it('refuses what is not the latest resolution, an open conversation, another visitor, and bad payloads', async () => {
    const { tenant, visitor, conversationId, resolvedSeq } = await resolvedConversation();
    const notAResolution = await request<Ack<Message>>(visitor, 'rating:submit', { resolvedSeq: resolvedSeq - 1, rating: 3 });
    expect(notAResolution).toMatchObject({ ok: false, error: { code: 'transition_rejected' } });

    const stranger = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(stranger);
    const foreign = await request<Ack<Message>>(stranger, 'rating:submit', { resolvedSeq, rating: 1 });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found' } });

    for (const payload of [
      { resolvedSeq, rating: 0 },
      { resolvedSeq, rating: 6 },
      { resolvedSeq, rating: 3.5 },
      { resolvedSeq: 0, rating: 3 },
      { rating: 3 },
      'five stars',
    ]) {
      const refused = await request<Ack<Message>>(visitor, 'rating:submit', payload);
      expect(refused, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await ratings(conversationId)).toEqual([]);
  });

  it('keeps every naughty string as a comment, or refuses it with invalid_payload and stores nothing', async () => {
    const codes = new Set<string>();
    for (const comment of naughtyStrings().slice(0, 60)) {
      const { visitor, conversationId, resolvedSeq } = await resolvedConversation();
      const answer = await request<Ack<Message>>(visitor, 'rating:submit', { resolvedSeq, rating: 3, comment });
      const stored = await ratings(conversationId);
      if (answer.ok) expect(stored.map((row) => row.comment ?? '')).toEqual([comment.trim()]);
      else {
        codes.add(answer.error.code);
        expect(stored).toEqual([]);
      }
      for (const socket of sockets.splice(0)) socket.close();
    }
    expect([...codes].every((code) => code === 'invalid_payload')).toBe(true);
  });
});
