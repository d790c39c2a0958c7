import { randomUUID } from 'node:crypto';
import { toolCalls } from '@parley/db';
import type { Ack, Message, MessageSent, MessagesPage, Session, ToolCallList } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { apiRequest, connectVisitor, createTenant, jsonOf, login, nextEvent, ok, request, useServerWithClaude } from './helpers/server.js';

// The bot's tool calls as agents read them: a real bot turn (Claude mocked by msw) logs a call, the organization's
// agents list it with its input and result; no visitor path ever carries one.
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });

const toolCallsPath = (conversationId: string) => `/api/conversations/${conversationId}/tool-calls`;

/** A bot tenant whose visitor asked something, and the bot looked it up with a tool before answering. */
async function conversationWithToolCall() {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  const { token } = await login(server, tenant.email, tenant.password);
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  const visitorSaw: string[] = [];
  visitor.onAny((event: string, ...args: unknown[]) => visitorSaw.push(`${event} ${JSON.stringify(args)}`));
  // A query the visitor never wrote: if it showed up on their side, it could only have come from the tool log.
  const query = `warranty claim form ${randomUUID()}`;
  anthropic.reply(
    { toolUse: { id: 'toolu_lookup', name: 'search_knowledge_base', input: { query } } },
    { text: ['Let me get a colleague.'] },
  );
  const botMessage = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  const sent = ok(
    await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'How do I claim the warranty?' }),
  );
  const reply = await botMessage;
  await server.app.bot.idle();
  return { tenant, token, visitor, visitorSaw, query, conversationId: sent.conversationId, reply };
}

describe('the bot’s tool calls', () => {
  it('are listed for the organization’s agents in the order they were made, with input and result, and never reach the visitor', async () => {
    const { token, visitor, visitorSaw, query, conversationId, reply } = await conversationWithToolCall();
    // A call of a turn that stored no reply (here: written directly), after the first: it keeps no message.
    await server.db.db.insert(toolCalls).values({
      conversationId,
      messageId: null,
      turnId: randomUUID(),
      toolUseId: 'toolu_refused',
      tool: 'collect_contact',
      input: { phone: '[withheld]' },
      output: null,
      error: 'The phone number is not valid.',
      success: false,
      durationMs: 7,
    });

    const answer = await apiRequest(server, toolCallsPath(conversationId), token);
    expect(answer.status).toBe(200);
    const { toolCalls: listed } = (await jsonOf(answer)) as ToolCallList;
    expect(listed).toEqual([
      {
        id: expect.any(String),
        messageId: reply.id,
        tool: 'search_knowledge_base',
        input: { query },
        output: expect.objectContaining({ passages: [] }),
        error: null,
        success: true,
        policy: null,
        decision: null,
        durationMs: expect.any(Number),
        createdAt: expect.any(String),
      },
      {
        id: expect.any(String),
        messageId: null,
        tool: 'collect_contact',
        input: { phone: '[withheld]' },
        output: null,
        error: 'The phone number is not valid.',
        success: false,
        policy: null,
        decision: null,
        durationMs: 7,
        createdAt: expect.any(String),
      },
    ]);
    expect(Number.isNaN(Date.parse(listed[0]!.createdAt))).toBe(false);

    // The visitor's side: nothing pushed, synced or in the session carries the tool call.
    const synced = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0, limit: 100 }));
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(synced.messages.some((message) => message.id === reply.id)).toBe(true);
    const seenByVisitor = JSON.stringify([synced, session, visitorSaw]);
    expect(seenByVisitor).not.toContain(query);
    expect(seenByVisitor).not.toContain('search_knowledge_base');
    expect(seenByVisitor).not.toContain('The phone number is not valid.');
    // Nor does the agents' message list: tool calls are their own list.
    expect(JSON.stringify(await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/messages`, token)))).not.toContain(
      query,
    );
    visitor.close();
  });

  it('are out of reach of other organizations and strangers, and a bad id is a typed error', async () => {
    const { conversationId, visitor } = await conversationWithToolCall();
    visitor.close();
    const other = await createTenant(server);
    const { token: otherToken } = await login(server, other.email, other.password);

    const foreign = await apiRequest(server, toolCallsPath(conversationId), otherToken);
    expect(foreign.status).toBe(404);
    expect((await jsonOf(foreign)).error.code).toBe('not_found');
    const unknown = await apiRequest(server, toolCallsPath(randomUUID()), otherToken);
    expect(unknown.status).toBe(404);
    expect((await jsonOf(unknown)).error.code).toBe('not_found');

    const badId = await apiRequest(server, toolCallsPath('not-a-uuid'), otherToken);
    expect(badId.status).toBe(400);
    expect((await jsonOf(badId)).error.code).toBe('invalid_payload');

    const anonymous = await fetch(`${server.url}${toolCallsPath(conversationId)}`);
    expect(anonymous.status).toBe(401);
    expect((await jsonOf(anonymous)).error.code).toBe('unauthorized');
  });
});
