import { randomUUID } from 'node:crypto';
import type { Ack, BotReplyList, Message, MessageSent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import { apiRequest, connectVisitor, createTenant, jsonOf, login, nextEvent, ok, request, useServerWithClaude } from './helpers/server.js';

// An answer can be audited: every passage the bot's model was shown is stored with the reply, cited or not, and the
// organization's agents read them; a visitor never does.
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });

const botRepliesPath = (conversationId: string) => `/api/conversations/${conversationId}/bot-replies`;

const articles = {
  'tents.md': '# Tent repairs\n\nWe repair tent zippers and poles for free within two years of purchase.',
  'packs.md': '# Pack repairs\n\nWe repair pack zippers and straps for a small fee; send the pack to our workshop.',
};

describe('bot replies', () => {
  it('keep every passage the model was shown, marking the ones it cited, for agents only', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true } });
    for (const [sourceKey, content] of Object.entries(articles)) {
      await importDocument(server.db.db, { organizationId: tenant.organization.id, sourceKey, format: 'markdown', content });
    }
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const visitorSaw: string[] = [];
    visitor.onAny((event: string, ...args: unknown[]) => visitorSaw.push(`${event} ${JSON.stringify(args)}`));
    anthropic.reply({ text: ['We repair zippers [1].'] });
    const botMessage = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'do you repair zippers' }));
    const reply = await botMessage;
    await server.app.bot.idle();

    const answer = await apiRequest(server, botRepliesPath(sent.conversationId), token);
    expect(answer.status).toBe(200);
    const { botReplies } = (await jsonOf(answer)) as BotReplyList;
    expect(botReplies).toHaveLength(1);
    const [stored] = botReplies;
    expect(stored).toMatchObject({ messageId: reply.id, rounds: 1 });
    expect(stored!.model).not.toBe('offline');
    // Both articles were shown (each holds the question's words); the reply cited the first only.
    expect(stored!.sources.map((source) => [source.index, source.cited])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(stored!.sources.map((source) => source.title).toSorted()).toEqual(['Pack repairs', 'Tent repairs']);
    for (const source of stored!.sources) {
      expect(source.coverage).toBeGreaterThan(0.4);
      expect(source.similarity).toBeNull();
    }
    const [cited, uncited] = stored!.sources;
    // The reply's own citations are the cited passage alone.
    expect(reply.citations?.map((citation) => citation.chunkId)).toEqual([cited!.chunkId]);
    // The visitor never gets the passage that wasn't cited, nor any search evidence.
    const seenByVisitor = JSON.stringify(visitorSaw);
    expect(seenByVisitor).not.toContain(uncited!.title);
    expect(seenByVisitor).not.toContain('coverage');
    visitor.close();
  });

  it('are out of reach of other organizations and strangers, and a bad id is a typed error', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    anthropic.reply({ text: ['Hello!'] });
    const botMessage = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'hello' }));
    await botMessage;
    await server.app.bot.idle();
    visitor.close();
    const { token } = await login(server, tenant.email, tenant.password);
    const own = (await jsonOf(await apiRequest(server, botRepliesPath(sent.conversationId), token))) as BotReplyList;
    expect(own.botReplies.map((botReply) => botReply.sources)).toEqual([[]]);

    const other = await createTenant(server);
    const { token: otherToken } = await login(server, other.email, other.password);
    const foreign = await apiRequest(server, botRepliesPath(sent.conversationId), otherToken);
    expect(foreign.status).toBe(404);
    expect((await jsonOf(foreign)).error.code).toBe('not_found');
    const badId = await apiRequest(server, botRepliesPath('not-a-uuid'), otherToken);
    expect(badId.status).toBe(400);
    expect((await jsonOf(badId)).error.code).toBe('invalid_payload');
    const anonymous = await fetch(`${server.url}${botRepliesPath(sent.conversationId)}`);
    expect(anonymous.status).toBe(401);
  });
});
