import { botReplies, conversations } from '@parley/db';
import type { Ack, Message, MessageSent, VisitorConversation } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { offlinePhrases } from '../src/bot/offline-phrases.js';
import { connectVisitor, createTenant, nextEvent, ok, request, useTestServer } from './helpers/server.js';

// Without ANTHROPIC_API_KEY the offline answerer replies: from the widget's FAQ, or by offering a human.
const server = useTestServer();

const faq = [
  { question: 'How long does shipping take?', answer: 'Orders ship within 2 business days and arrive in 3–5 days.' },
  { question: 'What is your return policy?', answer: 'You can return unused items within 30 days for a full refund.' },
];

describe('the offline answerer', () => {
  it('answers from the FAQ, streamed like a model, and records the reply as offline', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true }, settings: { faq } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const deltas: string[] = [];
    visitor.on('bot:reply-delta', (event: { delta: string }) => deltas.push(event.delta));
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'hi, how long will shipping take to Oslo?' }));
    const answer = await reply;
    expect(answer.body).toBe(faq[0]!.answer);
    expect(deltas.join('')).toBe(faq[0]!.answer);
    expect(deltas.length).toBeGreaterThan(1);
    await server.app.bot.idle();
    const [row] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, answer.id));
    expect(row).toMatchObject({ model: 'offline', inputTokens: 0, outputTokens: 0 });
    visitor.close();
  });

  it('offers a human when nothing matches, and hands off when asked', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true }, settings: { faq } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const offer = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'Can I pay with cryptocurrency?' }));
    expect((await offer).body).toMatch(/talk to a person/);
    await server.app.bot.idle();

    const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c', body: 'ok, talk to a person please' }));
    await queued;
    await server.app.bot.idle();
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation!.status).toBe('queued');
    visitor.close();
  });

  it("offers a human in the widget's language, shorter the second time, and hands off on the words it suggested", async () => {
    const tenant = await createTenant(server, { bot: { enabled: true }, settings: { faq, locale: 'de' } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const german = offlinePhrases('de');
    const botReply = () => nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');

    const first = botReply();
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'd1', body: 'Kann ich mit Kryptowährung bezahlen?' }),
    );
    const offer = (await first).body;
    expect(offer).toBe(german.fallback);
    expect(offer).toMatch(/^Dazu habe ich in unseren Hilfeartikeln leider nichts gefunden\..*schreiben Sie „Mitarbeiter“/);
    await server.app.bot.idle();

    const second = botReply();
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'd2', body: 'Und mit Überweisung?' }));
    expect((await second).body).toBe(german.fallbackAgain[0]);
    await server.app.bot.idle();

    const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'd3', body: 'Mitarbeiter' }));
    await queued;
    await server.app.bot.idle();
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation!.status).toBe('queued');
    visitor.close();
  });
});
