import { memberships, messages } from '@parley/db';
import type { Ack, Message, MessageSent } from '@parley/protocol';
import { and, count, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { AGENT_RECHECK_MS } from '../src/conversations/agent-socket.js';
import {
  collect,
  connectAgent,
  connectVisitor,
  createTenant,
  login,
  ok,
  request,
  useTestServer,
  type TestServer,
} from './helpers/server.js';

const server = useTestServer();

function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (!socket.connected) resolve('already');
    socket.once('disconnect', (reason) => resolve(reason));
  });
}

async function storedMessages(conversationId: string) {
  const [row] = await server.db.db.select({ value: count() }).from(messages).where(eq(messages.conversationId, conversationId));
  return row!.value;
}

/** A tenant with a visitor conversation and a signed-in agent socket watching it. */
async function agentWatchingConversation(target: TestServer) {
  const tenant = await createTenant(target);
  const { token, agent } = await login(target, tenant.email, tenant.password);
  const agentSocket = await connectAgent(target, token);
  const visitor = await connectVisitor(target, { widgetKey: tenant.widget.publicKey });
  const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'v1', body: 'Hello?' }));
  return { tenant, agent, token, agentSocket, visitor, conversationId: first.conversationId };
}

describe('an agent socket is served under the membership and token as they are now', () => {
  it('refuses the events of a removed agent and closes the socket', async () => {
    const { tenant, agent, agentSocket, visitor, conversationId } = await agentWatchingConversation(server);
    const closed = disconnected(agentSocket);
    await server.db.db
      .delete(memberships)
      .where(and(eq(memberships.userId, agent.id), eq(memberships.organizationId, tenant.organization.id)));

    const refused = await request<Ack<MessageSent>>(agentSocket, 'message:send', { conversationId, clientId: 'a1', body: 'still here' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await closed).toBe('io server disconnect');
    // The visitor's message and its queue place (this widget has no bot); nothing of the removed agent's.
    expect(await storedMessages(conversationId)).toBe(2);
    visitor.close();
  });

  it('stops sending the organization’s messages to a removed agent that sends nothing', async () => {
    const { tenant, agent, token, agentSocket, visitor } = await agentWatchingConversation(server);
    const seen = collect<Message>(agentSocket, 'message:created');
    const closed = disconnected(agentSocket);
    const removedAt = Date.now();
    await server.db.db
      .delete(memberships)
      .where(and(eq(memberships.userId, agent.id), eq(memberships.organizationId, tenant.organization.id)));

    expect(await closed).toBe('io server disconnect');
    expect(Date.now() - removedAt).toBeLessThan(AGENT_RECHECK_MS + 2000);
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'v2', body: 'A secret after removal' }));
    expect(seen.map((message) => message.body)).not.toContain('A secret after removal');
    // Nor can it come back with the token it holds.
    await expect(connectAgent(server, token)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
    visitor.close();
  });

  it('closes the socket of an agent whose role changed, and lets it reconnect with the new role', async () => {
    const { tenant, agent, token, agentSocket, visitor } = await agentWatchingConversation(server);
    const closed = disconnected(agentSocket);
    await server.db.db
      .update(memberships)
      .set({ role: 'admin' })
      .where(and(eq(memberships.userId, agent.id), eq(memberships.organizationId, tenant.organization.id)));
    expect(await closed).toBe('io server disconnect');
    const again = await connectAgent(server, token);
    expect(again.connected).toBe(true);
    again.close();
    visitor.close();
  });

  it('refuses events once the token has expired, as REST does, and closes the socket at expiry', async () => {
    const tenant = await createTenant(server);
    const { agent } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const { conversationId } = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'v1', body: 'Hello?' }));
    // A token signed as the server signs them, valid for two seconds.
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await new SignJWT({ typ: 'agent', org: tenant.organization.id, role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(agent.id)
      .setIssuer('parley')
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode('test-secret-that-is-at-least-32-chars'));
    const agentSocket = await connectAgent(server, shortLived);
    ok(await request<Ack<MessageSent>>(agentSocket, 'message:send', { conversationId, clientId: 'a1', body: 'Before expiry' }));
    const closed = disconnected(agentSocket);

    expect(await closed).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000);
    const rest = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${shortLived}` } });
    expect(rest.status).toBe(401);
    await expect(connectAgent(server, shortLived)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
    // The visitor's message, its queue place, the agent joining and their reply; nothing after expiry.
    expect(await storedMessages(conversationId)).toBe(4);
    visitor.close();
  });
});
