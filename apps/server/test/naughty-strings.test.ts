import type { Ack, Message, MessageSent, MessagesPage } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { connectVisitor, createTenant, login, request, useTestServer } from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// The default limit (4,000 characters), so that every string of the list fits.
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '1000' });

describe('naughty strings', () => {
  const naughty: string[] = naughtyStrings();

  it('returns every string as the same text, or refuses it with a typed error', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const accepted: Array<{ seq: number; body: string }> = [];
    const refused: Array<{ body: string; code: string }> = [];
    for (const [index, body] of naughty.entries()) {
      const ack = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: `n${index}`, body });
      if (ack.ok) accepted.push({ seq: ack.data.seq, body });
      else refused.push({ body, code: ack.error.code });
    }
    // The only refusals are the empty and whitespace-only strings, which are not messages.
    for (const refusal of refused) {
      expect(refusal.code).toBe('invalid_payload');
      expect(refusal.body.trim()).toBe('');
    }
    expect(accepted.length + refused.length).toBe(naughty.length);
    expect(accepted.length).toBeGreaterThan(naughty.length - 20);

    // What the agent reads back is byte-for-byte what the visitor sent.
    const conversationId = await (async () => {
      const session = await request<Ack<{ conversation: { id: string } }>>(visitor, 'session:get');
      if (!session.ok) throw new Error('no session');
      return session.data.conversation.id;
    })();
    const stored: Message[] = [];
    for (let afterSeq = 0; ;) {
      const response = await fetch(`${server.url}/api/conversations/${conversationId}/messages?afterSeq=${afterSeq}&limit=500`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const page = (await response.json()) as MessagesPage;
      stored.push(...page.messages);
      if (!page.hasMore) break;
      afterSeq = page.messages.at(-1)!.seq;
    }
    // Besides the visitor's messages, the conversation holds one status line: it joined the queue (no bot here) while
    // nobody was online, so the visitor was told that and asked for a way to be answered.
    const said = stored.filter((message) => message.author.kind !== 'system');
    expect(stored.filter((message) => message.author.kind === 'system').map((message) => message.event?.type)).toEqual(['away']);
    expect(said.map((message) => message.body)).toEqual(accepted.map((entry) => entry.body));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    visitor.close();
  });
});
