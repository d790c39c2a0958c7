import { botReplies, conversations } from '@parley/db';
import type { Ack, Message, MessageSent, MessagesPage, VisitorConversation, WidgetSettings } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { offlinePhrases } from '../src/bot/offline-phrases.js';
import { importDocument } from '../src/knowledge/import-document.js';
import { connectVisitor, createTenant, nextEvent, ok, request, useTestServer } from './helpers/server.js';

// Without ANTHROPIC_API_KEY the offline answerer replies: from the knowledge base, citing it, or by offering a human.
const server = useTestServer();

const faq = [
  { question: 'How long does shipping take?', answer: 'Orders ship within 2 business days and arrive in 3–5 days.' },
  { question: 'What is your return policy?', answer: 'You can return unused items within 30 days for a full refund.' },
];

/** A bot tenant whose knowledge base is `faq`, as a FAQ document. */
async function tenantWithFaq(settings: Partial<WidgetSettings> = {}) {
  const tenant = await createTenant(server, { bot: { enabled: true }, settings });
  await importDocument(server.db.db, {
    organizationId: tenant.organization.id,
    sourceKey: 'faq.jsonl',
    format: 'faq',
    title: 'FAQ',
    url: 'https://shop.example/help/faq',
    content: faq.map((entry) => JSON.stringify(entry)).join('\n'),
  });
  return tenant;
}

describe('the offline answerer', () => {
  it('answers from the knowledge base, cited, streamed like a model, and records the reply as offline', async () => {
    const tenant = await tenantWithFaq();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const deltas: string[] = [];
    visitor.on('bot:reply-delta', (event: { delta: string }) => deltas.push(event.delta));
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'hi, how long will shipping take to Oslo?' }));
    const answer = await reply;
    expect(answer.body).toBe(faq[0]!.answer);
    expect(deltas.join('')).toBe(faq[0]!.answer);
    expect(deltas.length).toBeGreaterThan(1);
    expect(answer.citations).toEqual([
      expect.objectContaining({ index: 1, title: 'FAQ', section: 'How long does shipping take?', url: 'https://shop.example/help/faq' }),
    ]);
    await server.app.bot.idle();
    const [row] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, answer.id));
    expect(row).toMatchObject({ model: 'offline', inputTokens: 0, outputTokens: 0 });
    visitor.close();
  });

  it('offers a human when no passage answers, never an unrelated answer, and hands off when asked', async () => {
    const tenant = await tenantWithFaq();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const offer = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'Can I pay with cryptocurrency?' }));
    const offered = await offer;
    expect(offered.body).toBe(offlinePhrases('en').fallback);
    expect(offered.body).not.toMatch(/\b(below|above)\b/i);
    expect(offered.citations).toBeUndefined();
    expect(offered.quickReplies).toEqual(['Talk to a person']);
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
    const tenant = await tenantWithFaq({ locale: 'de' });
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

  it.each(['en', 'it', 'nl', 'de', 'ar'])(
    'in %s, offers a person with a quick reply that, sent as the visitor’s message, queues the conversation',
    async (locale) => {
      const tenant = await tenantWithFaq({ locale });
      const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
      const phrases = offlinePhrases(locale);
      const offer = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
      const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: `${locale}-1`, body: 'Kryptowährung? 🪙' }));
      const offered = await offer;
      expect(offered.body).toBe(phrases.fallback);
      expect(offered.quickReplies).toEqual([phrases.button]);
      if (locale !== 'en') expect(offered.quickReplies).not.toEqual(['Talk to a person']);
      await server.app.bot.idle();
      // Stored with it: a reconnecting widget gets the quick reply back.
      const synced = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0 }));
      expect(synced.messages.find((message) => message.id === offered.id)?.quickReplies).toEqual([phrases.button]);

      // The click: the widget sends the quick reply's text as the visitor's message.
      const queued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conversation) => conversation.status === 'queued');
      const handoffLine = nextEvent<Message>(visitor, 'message:created', (message) => message.event?.type === 'handoff_requested');
      ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: `${locale}-2`, body: offered.quickReplies![0]! }));
      await queued;
      expect((await handoffLine).event).toEqual({ type: 'handoff_requested', by: 'visitor' });
      await server.app.bot.idle();
      const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
      expect(conversation!.status).toBe('queued');
      // The reply that said a person was asked carries no quick reply.
      const after = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: offered.seq }));
      expect(after.messages.filter((message) => message.quickReplies !== undefined)).toEqual([]);
      visitor.close();
    },
  );
});
