import { createClient, createMemoryStorage, type Message as ClientMessage, type ParleyClient } from '@parley/client';
import { contacts } from '@parley/db';
import type { Ack, LanguageSet, Message, MessageSent, VisitorConversation, WidgetSettings } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { offlinePhrases } from '../src/bot/offline-phrases.js';
import { importDocument } from '../src/knowledge/import-document.js';
import {
  connectVisitor,
  createTenant,
  nextEvent,
  ok,
  openConsole,
  request,
  SHOP_ORIGIN,
  useTestServer,
  waitUntil,
} from './helpers/server.js';

// The server writes to each visitor in the language they read (what the SDK reports: the language the widget shows,
// or the page's `setLocale`), not in the widget's: the status lines, the offline answerer's sentences and its "talk
// to a person" quick reply. For a language it has no sentences in, the widget's locale; then English. Without
// ANTHROPIC_API_KEY the offline answerer replies.
const server = useTestServer();

const sockets: Socket[] = [];
const clients: ParleyClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const client of clients.splice(0)) client.close();
  await server.app.bot.idle();
});

/**
 * A tenant whose bot answers from a small FAQ (nothing about payments), with its agent online, so that a handoff
 * queues the conversation with a place rather than "nobody is there".
 */
async function tenantWithAgent(settings: Partial<WidgetSettings> = {}) {
  const tenant = await createTenant(server, { bot: { enabled: true }, settings });
  await importDocument(server.db.db, {
    organizationId: tenant.organization.id,
    sourceKey: 'faq.jsonl',
    format: 'faq',
    title: 'FAQ',
    url: 'https://shop.example/help/faq',
    content: JSON.stringify({ question: 'How long does shipping take?', answer: 'Orders ship within 2 business days.' }),
  });
  sockets.push(await openConsole(server, tenant));
  return tenant;
}

/** A visitor socket whose handshake reports `language` as the SDK does (`auth.language`). */
async function visitorReading(widgetKey: string, language: string): Promise<Socket> {
  const visitor = await connectVisitor(server, { widgetKey, language });
  sockets.push(visitor);
  return visitor;
}

const botReply = (visitor: Socket) => nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
const systemLine = (visitor: Socket, type: string) =>
  nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'system' && message.event?.type === type);

/** Sends `body` as the visitor and waits for the bot's reply to it. */
async function ask(visitor: Socket, clientId: string, body: string): Promise<{ reply: Message; conversationId: string }> {
  const reply = botReply(visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId, body }));
  const answered = await reply;
  await server.app.bot.idle();
  return { reply: answered, conversationId: sent.conversationId };
}

async function storedLanguage(contactId: string): Promise<string | null | undefined> {
  const [contact] = await server.db.db.select({ language: contacts.language }).from(contacts).where(eq(contacts.id, contactId));
  return contact?.language;
}

describe("the server writes to the visitor in the visitor's language", () => {
  it('answers a Spanish browser on an English widget in Spanish: the offer of a person, its quick reply, and the handoff and queue lines', async () => {
    const tenant = await tenantWithAgent();
    expect(tenant.widget.settings.locale).toBe('en');
    const visitor = await visitorReading(tenant.widget.publicKey, 'es-ES');

    const { reply: offer } = await ask(visitor, 'es-1', '¿Puedo pagar con criptomonedas?');
    expect(offer.body).toBe(offlinePhrases('es').fallback);
    expect(offer.body).toMatch(/^No he encontrado nada sobre eso en nuestros artículos de ayuda\./);
    expect(offer.quickReplies).toEqual(['Hablar con una persona']);

    // The click: the widget sends the quick reply's text, which the ask-for-a-person rule hears in Spanish.
    const handoffLine = systemLine(visitor, 'handoff_requested');
    const queuedLine = systemLine(visitor, 'queued');
    const handingOff = botReply(visitor);
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'es-2', body: offer.quickReplies![0]! }));
    // The bot's own words as it hands off, in Spanish too.
    expect((await handingOff).body).toBe('Te paso con una persona de nuestro equipo. Te responderá aquí mismo.');
    expect((await handoffLine).body).toBe('Hemos pedido a una persona de nuestro equipo que se una.');
    expect((await queuedLine).body).toBe('Estás en el puesto 1 de la cola.');
    await server.app.bot.idle();
    // The contact keeps the language, for the agents' contact panel too.
    expect(await storedLanguage(await visitorIdOf(visitor))).toBe('es-ES');
  });

  it('follows language:set: the lines after it are in the new language, set before or after the contact exists', async () => {
    const tenant = await tenantWithAgent();
    const visitor = await visitorReading(tenant.widget.publicKey, 'es');
    const visitorId = await visitorIdOf(visitor);

    // Before the first message: no contact yet; the socket keeps it, and the first message writes it with the contact.
    expect(ok(await request<Ack<LanguageSet>>(visitor, 'language:set', { language: 'pt-br' }))).toEqual({ language: 'pt-BR' });
    const { reply: portuguese } = await ask(visitor, 'set-1', 'Posso pagar com criptomoedas?');
    expect(portuguese.body).toBe(offlinePhrases('pt').fallback);
    expect(portuguese.quickReplies).toEqual([offlinePhrases('pt').button]);
    expect(await storedLanguage(visitorId)).toBe('pt-BR');

    // After: stored on the contact at once, and the next reply and lines are German.
    expect(ok(await request<Ack<LanguageSet>>(visitor, 'language:set', { language: 'de' }))).toEqual({ language: 'de' });
    expect(await storedLanguage(visitorId)).toBe('de');
    const { reply: german } = await ask(visitor, 'set-2', 'Und mit Überweisung?');
    expect(german.body).toBe(offlinePhrases('de').fallback);
    expect(german.quickReplies).toEqual(['Mit einem Mitarbeiter sprechen']);
    const handoffLine = systemLine(visitor, 'handoff_requested');
    const queuedLine = systemLine(visitor, 'queued');
    ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    expect((await handoffLine).body).toBe('Jemand aus unserem Team wurde hinzugebeten.');
    expect((await queuedLine).body).toBe('Sie sind auf Platz 1 der Warteschlange.');
  });

  it("falls back to the widget's locale for a language the server has no sentences in, then to English", async () => {
    const german = await tenantWithAgent({ locale: 'de' });
    const japanese = await visitorReading(german.widget.publicKey, 'ja-JP');
    const { reply } = await ask(japanese, 'ja-1', '暗号通貨で支払えますか？');
    expect(reply.body).toBe(offlinePhrases('de').fallback);
    expect(reply.quickReplies).toEqual(['Mit einem Mitarbeiter sprechen']);
    const queuedLine = systemLine(japanese, 'queued');
    ok(await request<Ack<VisitorConversation>>(japanese, 'handoff:request', {}));
    expect((await queuedLine).body).toBe('Sie sind auf Platz 1 der Warteschlange.');
    // The contact keeps the visitor's own language, for the agents.
    expect(await storedLanguage(await visitorIdOf(japanese))).toBe('ja-JP');

    const unspoken = await tenantWithAgent({ locale: 'ko' });
    const visitor = await visitorReading(unspoken.widget.publicKey, 'ja');
    const queued = systemLine(visitor, 'queued');
    ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    expect((await queued).body).toBe("You're number 1 in the queue.");
  });

  it('refuses a language:set that is not a language tag with invalid_payload, and keeps the language', async () => {
    const tenant = await tenantWithAgent();
    const visitor = await visitorReading(tenant.widget.publicKey, 'es');
    await ask(visitor, 'bad-1', '¿Puedo pagar con criptomonedas?');
    const refused = await request<Ack<LanguageSet>>(visitor, 'language:set', { language: 'not a language' });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'invalid_payload',
        message: expect.any(String),
        issues: [{ path: 'language', message: '"not a language" is not a language tag such as en or pt-BR.' }],
      },
    });
    expect(await request<Ack<LanguageSet>>(visitor, 'language:set', {})).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await storedLanguage(await visitorIdOf(visitor))).toBe('es');
  });

  it("follows the SDK's setLocale, before connecting (the handshake) and while connected (language:set)", async () => {
    const tenant = await tenantWithAgent();
    const client = createClient({
      serverUrl: server.url,
      widgetKey: tenant.widget.publicKey,
      storage: createMemoryStorage(),
      autoConnect: false,
      io: { transports: ['websocket'], extraHeaders: { origin: SHOP_ORIGIN } },
    });
    clients.push(client);
    client.setLocale('es');
    client.connect();
    const spanishOffer = nextClientMessage(client, (message) => message.author.kind === 'bot');
    await client.send('¿Puedo pagar con criptomonedas?');
    expect((await spanishOffer).quickReplies).toEqual(['Hablar con una persona']);
    await server.app.bot.idle();
    expect(await storedLanguage(client.session!.visitorId)).toBe('es');

    client.setLocale('de');
    await waitUntil(async () => (await storedLanguage(client.session!.visitorId)) === 'de', 'the contact reading German');
    const queuedLine = nextClientMessage(client, (message) => message.event?.type === 'queued');
    await client.requestHuman();
    expect((await queuedLine).body).toBe('Sie sind auf Platz 1 der Warteschlange.');
    expect(client.messages.find((message) => message.event?.type === 'handoff_requested')?.body).toBe(
      'Jemand aus unserem Team wurde hinzugebeten.',
    );
  });
});

/** The visitor's id (their contact's), as `session:get` reports it. */
async function visitorIdOf(visitor: Socket): Promise<string> {
  return ok(await request<Ack<{ visitorId: string }>>(visitor, 'session:get')).visitorId;
}

/** The next message `client` reports that `predicate` accepts (one it holds already counts). */
function nextClientMessage(client: ParleyClient, predicate: (message: ClientMessage) => boolean): Promise<ClientMessage> {
  const held = client.messages.find(predicate);
  if (held) return Promise.resolve(held);
  return new Promise((resolve) => {
    const stop = client.on('message', (message) => {
      if (!predicate(message)) return;
      stop();
      resolve(message);
    });
  });
}
