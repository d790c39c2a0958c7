import { randomUUID } from 'node:crypto';
import { conversations, toolCalls } from '@parley/db';
import type { Ack, Message, MessageSent, MessagesPage } from '@parley/protocol';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectVisitor, createTenant, nextEvent, ok, request, useServerWithClaude } from './helpers/server.js';

// Claude attaches quick replies with its offer_quick_replies tool (the Messages API mocked by msw): they go with the
// reply the turn stores, to the visitor and in the transcript.
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });

/** A bot conversation's visitor, with the bot's next stored message as a promise. */
async function askTheBot(body: string) {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  const botMessage = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
  return { visitor, conversationId: sent.conversationId, botMessage };
}

async function toolLog(conversationId: string) {
  return server.db.db.select().from(toolCalls).where(eq(toolCalls.conversationId, conversationId)).orderBy(asc(toolCalls.id));
}

describe('offer_quick_replies', () => {
  it('attaches the replies to the reply of the turn, sent to the visitor and stored with it', async () => {
    anthropic.reply(
      { toolUse: { id: 'toolu_qr', name: 'offer_quick_replies', input: { replies: ['Refund', ' Replacement '] } } },
      { text: ['Would you like a refund ', 'or a replacement?'] },
    );
    const { visitor, conversationId, botMessage } = await askTheBot('My parcel arrived damaged.');
    const reply = await botMessage;
    await server.app.bot.idle();
    expect(reply).toMatchObject({ body: 'Would you like a refund or a replacement?', quickReplies: ['Refund', 'Replacement'] });
    const synced = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0 }));
    expect(synced.messages.find((message) => message.id === reply.id)?.quickReplies).toEqual(['Refund', 'Replacement']);

    // The tool is offered with the protocol's limits, and its result tells the model to write the reply as usual.
    const tools = anthropic.requests[0]!.tools as Array<{ name: string; description: string; input_schema: unknown }>;
    const tool = tools.find((candidate) => candidate.name === 'offer_quick_replies')!;
    expect(tool.description).toMatch(/may also type anything else/);
    expect(tool.input_schema).toMatchObject({
      type: 'object',
      properties: { replies: { type: 'array', minItems: 1, maxItems: 6, items: { type: 'string', minLength: 1, maxLength: 60 } } },
      required: ['replies'],
    });
    const second = anthropic.requests[1]!.messages as Array<{ role: string; content: unknown }>;
    expect(second.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_qr' }] });
    expect((await toolLog(conversationId)).map((call) => [call.tool, call.success, call.messageId])).toEqual([
      ['offer_quick_replies', true, reply.id],
    ]);
    visitor.close();
  });

  it('refuses replies the protocol would refuse, as a tool error the model can correct; the reply then has none', async () => {
    anthropic.reply(
      { toolUse: { id: 'toolu_bad', name: 'offer_quick_replies', input: { replies: ['1', '2', '3', '4', '5', '6', '7'] } } },
      { toolUse: { id: 'toolu_empty', name: 'offer_quick_replies', input: { replies: ['Yes', ''] } } },
      { text: ['Which of the seven colours would you like?'] },
    );
    const { visitor, conversationId, botMessage } = await askTheBot('Which colours does the tent come in?');
    const reply = await botMessage;
    await server.app.bot.idle();
    expect(reply.body).toBe('Which of the seven colours would you like?');
    expect(reply).not.toHaveProperty('quickReplies');
    const second = anthropic.requests[1]!.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(second.at(-1)!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_bad', is_error: true });
    expect(String(second.at(-1)!.content[0]!.content)).toMatch(/^Invalid input: replies: At most 6 quick replies/);
    expect((await toolLog(conversationId)).map((call) => call.success)).toEqual([false, false]);
    visitor.close();
  });

  it('leaves them off a reply that hands the conversation to a person', async () => {
    anthropic.reply(
      { toolUse: { id: 'toolu_qr', name: 'offer_quick_replies', input: { replies: ['Yes', 'No'] } } },
      {
        text: ['A colleague will take it from here.'],
        toolUse: { id: 'toolu_handoff', name: 'handoff_to_human', input: { reason: 'Refund exception.' } },
      },
    );
    const { visitor, conversationId, botMessage } = await askTheBot('I want a refund after 90 days.');
    const reply = await botMessage;
    await server.app.bot.idle();
    expect(reply.body).toBe('A colleague will take it from here.');
    expect(reply).not.toHaveProperty('quickReplies');
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conversation!.status).toBe('queued');
    visitor.close();
  });
});
