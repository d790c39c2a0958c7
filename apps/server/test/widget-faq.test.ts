import { knowledgeDocuments, widgets } from '@parley/db';
import type { Ack, Message, MessageSent } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { moveWidgetFaqsToKnowledgeBase } from '../src/knowledge/widget-faq.js';
import { connectVisitor, createTenant, nextEvent, ok, request, useTestServer } from './helpers/server.js';

// A widget's settings FAQ (from before the bot answered from the knowledge base alone) becomes a knowledge-base
// document the console lists and the bot cites.
const server = useTestServer();

const faq = [
  { question: 'Do you ship to Norway?', answer: 'Yes, to Norway in 5–8 business days.' },
  { question: 'Can I pick up my order?', answer: 'Yes, from our Portland store after we e-mail you.' },
  { question: '', answer: 'An entry without a question is dropped.' },
];

describe('widget FAQs', () => {
  it('move into the knowledge base once, leave the settings, and are answered from with a citation', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true }, settings: { title: 'Shop' } });
    await server.db.db
      .update(widgets)
      .set({ settings: sql`${widgets.settings} || ${JSON.stringify({ faq })}::jsonb` })
      .where(eq(widgets.id, tenant.widget.id));

    expect(await moveWidgetFaqsToKnowledgeBase(server.db.db, server.app.log)).toBeGreaterThanOrEqual(1);
    const [widget] = await server.db.db.select().from(widgets).where(eq(widgets.id, tenant.widget.id));
    expect(widget!.settings).not.toHaveProperty('faq');
    expect(widget!.settings).toMatchObject({ title: 'Shop' });
    const documents = () =>
      server.db.db
        .select({ sourceKey: knowledgeDocuments.sourceKey, title: knowledgeDocuments.title, chunkCount: knowledgeDocuments.chunkCount })
        .from(knowledgeDocuments)
        .where(and(eq(knowledgeDocuments.organizationId, tenant.organization.id)));
    expect(await documents()).toEqual([
      { sourceKey: `widget-faq/${tenant.widget.publicKey}.jsonl`, title: 'FAQ (Test widget)', chunkCount: 2 },
    ]);
    // Again: nothing left to move, nothing imported twice.
    await moveWidgetFaqsToKnowledgeBase(server.db.db, server.app.log);
    expect(await documents()).toHaveLength(1);

    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'faq-1', body: 'do you ship to norway?' }));
    const answer = await reply;
    expect(answer.body).toBe(faq[0]!.answer);
    expect(answer.citations).toEqual([expect.objectContaining({ title: 'FAQ (Test widget)', section: 'Do you ship to Norway?' })]);
    await server.app.bot.idle();
    visitor.close();
  });
});
