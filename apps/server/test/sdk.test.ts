import { createClient, createMemoryStorage, type ConnectionStatus, type Message, type ParleyClient } from '@parley/client';
import type { Ack, IdentityVerification, MessageSent, Session } from '@parley/protocol';
import { SignJWT } from 'jose';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectAgent,
  createTenant,
  createTenantWithAdmin,
  login,
  nextEvent,
  ok,
  request,
  SHOP_ORIGIN,
  startServer,
  type TestServer,
} from './helpers/server.js';

// @parley/client, the SDK developers import, against the real server.
let server: TestServer;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await server?.close();
});

function sdk(widgetKey: string, storage = createMemoryStorage(), serverUrl = server.url): ParleyClient {
  const client = createClient({
    serverUrl,
    widgetKey,
    storage,
    io: { transports: ['websocket'], extraHeaders: { origin: SHOP_ORIGIN }, reconnectionDelay: 50, reconnectionDelayMax: 200 },
  });
  clients.push(client);
  return client;
}

function waitForStatus(client: ParleyClient, wanted: ConnectionStatus): Promise<void> {
  if (client.status === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = client.on('status', (status) => {
      if (status !== wanted) return;
      stop();
      resolve();
    });
  });
}

function waitForMessage(client: ParleyClient, predicate: (message: Message) => boolean): Promise<Message> {
  const seen = client.messages.find(predicate);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const stop = client.on('message', (message) => {
      if (!predicate(message)) return;
      stop();
      resolve(message);
    });
  });
}

describe('@parley/client against the real server', () => {
  it('sends, receives the reply, and resumes the same conversation from storage', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    const storage = createMemoryStorage();
    const client = sdk(tenant.widget.publicKey, storage);

    const agentSees = nextEvent<Message>(agent, 'message:created');
    const sent = await client.send('Hello from the SDK');
    expect(sent.seq).toBe(1);
    expect((await agentSees).body).toBe('Hello from the SDK');

    ok(
      await request<Ack<MessageSent>>(agent, 'message:send', { conversationId: sent.conversationId, clientId: 'reply', body: 'Hi there' }),
    );
    await waitForMessage(client, (message) => message.body === 'Hi there');
    expect(client.messages.map((message) => [message.seq, message.author.kind, message.body])).toEqual([
      [1, 'visitor', 'Hello from the SDK'],
      [2, 'system', "You're number 1 in the queue."],
      [3, 'system', `${tenant.user.name} joined the conversation.`],
      [4, 'agent', 'Hi there'],
    ]);
    const visitorId = client.session!.visitorId;
    client.close();

    // A new page load: the same storage resumes the visitor and brings the history back.
    const resumed = sdk(tenant.widget.publicKey, storage);
    await waitForMessage(resumed, (message) => message.seq === 4);
    expect(resumed.session!.visitorId).toBe(visitorId);
    expect(resumed.messages.map((message) => message.body)).toEqual([
      'Hello from the SDK',
      "You're number 1 in the queue.",
      `${tenant.user.name} joined the conversation.`,
      'Hi there',
    ]);
    agent.close();
  });

  it('starts a new conversation after a resolved one, lists both, and reads the past one again', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const client = sdk(tenant.widget.publicKey);
    const first = await client.send('Where is my order?');
    await expect(client.startConversation()).rejects.toMatchObject({ code: 'transition_rejected' });

    const resolvedLine = waitForMessage(client, (message) => message.event?.type === 'resolved');
    const response = await apiRequest(server, `/api/conversations/${first.conversationId}`, token, 'PATCH', { status: 'resolved' });
    expect(response.status).toBe(200);
    await resolvedLine;
    expect(client.session!.pastConversations).toBe(0);

    const closed = await client.startConversation();
    expect(closed).toMatchObject({ id: first.conversationId, status: 'closed' });
    expect(client.session!.conversation).toBeNull();
    expect(client.messages).toEqual([]);
    expect(client.session!.pastConversations).toBe(1);

    const second = await client.send('And can I change the address?');
    expect(second.conversationId).not.toBe(first.conversationId);
    expect(second.seq).toBe(1);
    await waitForMessage(client, (message) => message.body === 'And can I change the address?');
    // Only the new conversation's messages (the away line that follows the message included).
    expect(client.messages[0]).toMatchObject({ seq: 1, body: 'And can I change the address?' });
    expect(new Set(client.messages.map((message) => message.conversationId))).toEqual(new Set([second.conversationId]));

    const listed = await client.listConversations();
    expect(listed.map((summary) => [summary.id, summary.status, summary.lastMessage?.body])).toEqual([
      [second.conversationId, client.session!.conversation!.status, 'And can I change the address?'],
      [first.conversationId, 'closed', 'Where is my order?'],
    ]);
    const page = await client.readConversation(first.conversationId);
    expect(page.hasMore).toBe(false);
    expect(page.messages[0]).toMatchObject({ seq: 1, body: 'Where is my order?', author: { kind: 'visitor' } });
    expect(page.messages.at(-1)!.event?.type).toBe('resolved');
    // Reading a past conversation leaves the current one as it was.
    expect(new Set(client.messages.map((message) => message.conversationId))).toEqual(new Set([second.conversationId]));

    // Another visitor can't read it.
    const other = sdk(tenant.widget.publicKey);
    await waitForStatus(other, 'connected');
    await expect(other.readConversation(first.conversationId)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('uploads a file and sends it; the agent reads it through a signed URL; a renamed executable is refused', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const client = sdk(tenant.widget.publicKey);
    await waitForStatus(client, 'connected');
    const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#228855' } })
      .png()
      .toBuffer();
    const attachment = await client.upload(new File([bytes], 'damaged box.png'));
    expect(attachment).toMatchObject({
      name: 'damaged box.png',
      contentType: 'image/png',
      inline: true,
      thumbnail: true,
      size: bytes.length,
    });

    const sent = await client.send('damaged box.png', { attachments: [attachment.id] });
    const mine = await waitForMessage(client, (message) => message.id === sent.id);
    expect(mine.attachments).toEqual([attachment]);
    const urls = await client.attachmentUrl(attachment.id);
    expect(urls.url.startsWith(`${server.url}/api/files/${attachment.id}?`)).toBe(true);
    const fetched = await fetch(urls.url);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
    const forAgent = await apiRequest(server, `/api/attachments/${attachment.id}/url`, token);
    expect(forAgent.status).toBe(200);

    const elf = new Uint8Array(256);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01]);
    await expect(client.upload(new File([elf], 'invoice.png'))).rejects.toMatchObject({ code: 'invalid_payload' });
  });

  it('keeps a message written offline in the outbox and delivers it once on the next connection', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    const storage = createMemoryStorage();

    // Nothing listens on port 9: the client stays offline and queues the message in storage.
    const offline = sdk(tenant.widget.publicKey, storage, 'http://127.0.0.1:9');
    const pending = offline.send('Written in a tunnel');
    pending.catch(() => {});
    await waitForStatus(offline, 'offline');
    expect(offline.pending.map((item) => item.body)).toEqual(['Written in a tunnel']);
    offline.close();

    const agentSees = nextEvent<Message>(agent, 'message:created');
    const online = sdk(tenant.widget.publicKey, storage);
    const delivered = await agentSees;
    expect(delivered.body).toBe('Written in a tunnel');
    await waitForMessage(online, (message) => message.body === 'Written in a tunnel');
    await expect.poll(() => online.pending.length).toBe(0);
    // Delivered once: the message and the queue place of the conversation it started (this widget has no bot).
    await expect.poll(() => online.messages.map((message) => message.author.kind)).toEqual(['visitor', 'system']);
    agent.close();
  });

  it('reports a refused origin as an error status with its code', async () => {
    const tenant = await createTenant(server, { allowedOrigins: ['https://other.example'] });
    const client = sdk(tenant.widget.publicKey);
    await waitForStatus(client, 'error');
    expect(client.error).toMatchObject({ code: 'origin_not_allowed' });
  });

  it('proves who the visitor is with identify({ token }): reconnects and continues as the verified contact', async () => {
    const tenant = await createTenantWithAdmin(server);
    const path = `/api/widgets/${tenant.widget.id}/identity-verification`;
    const { newSecret } = (await (
      await apiRequest(server, path, tenant.adminToken, 'PATCH', { secret: 'generate' })
    ).json()) as IdentityVerification;
    const client = sdk(tenant.widget.publicKey);
    await waitForStatus(client, 'connected');
    const sent = await client.send('Before signing in');
    const anonymousId = client.session!.visitorId;
    const verified = new Promise<Session>((resolve) => {
      const stop = client.on('session', (session) => {
        if (!session.identity?.verified) return;
        stop();
        resolve(session);
      });
    });

    const token = await new SignJWT({ name: 'Ada Lovelace' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(newSecret));
    client.identify({ token });
    const session = await verified;
    expect(session.visitorId).not.toBe(anonymousId);
    expect(session.conversation?.id).toBe(sent.conversationId);
    await waitForStatus(client, 'connected');
    expect(client.messages.map((message) => message.body)).toContain('Before signing in');
    const contact = await (await apiRequest(server, `/api/contacts/${session.visitorId}`, tenant.agentToken)).json();
    expect(contact).toMatchObject({ externalId: 'user-1', name: 'Ada Lovelace' });
  });
});
