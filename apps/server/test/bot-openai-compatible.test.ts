import { randomUUID } from 'node:crypto';
import { botReplies, toolCalls } from '@parley/db';
import type { Ack, Message, MessageSent } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import { mockOpenAICompatible } from './helpers/openai-compatible.js';
import { connectVisitor, createTenant, nextEvent, ok, request, startServer, type TestServer } from './helpers/server.js';

// The bot on a local model: a server configured with an OpenAI-compatible endpoint (as Ollama or vLLM serve one,
// mocked at the HTTP layer with msw) streams its answer to the visitor, calls the bot's tools through function calling,
// and records the model's name and tokens like Claude's.
const BASE_URL = 'http://ollama.test:11434/v1';
const endpoint = mockOpenAICompatible(BASE_URL);
const server = {} as TestServer;

beforeAll(async () => {
  endpoint.listen();
  Object.assign(
    server,
    await startServer({
      PARLEY_OPENAI_BASE_URL: BASE_URL,
      PARLEY_BOT_MODEL: 'llama3.1:8b',
      PARLEY_BOT_MAX_RETRIES: '0',
      PARLEY_BOT_TIMEOUT_MS: '5000',
    }),
  );
});
afterEach(async () => {
  await server.app.bot.idle();
  endpoint.queue.length = 0;
  endpoint.requests.length = 0;
});
afterAll(async () => {
  await server.close?.();
  endpoint.close();
});

async function askBot(body: string) {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  await importDocument(server.db.db, {
    organizationId: tenant.organization.id,
    sourceKey: 'shipping.md',
    format: 'markdown',
    content: '# Shipping\n\nOrders ship within two business days from our Lisbon warehouse.',
  });
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  const deltas: string[] = [];
  visitor.on('bot:reply-delta', (event: { delta: string }) => deltas.push(event.delta));
  const botMessage = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
  return { visitor, deltas, botMessage, conversationId: sent.conversationId };
}

describe('the bot on an OpenAI-compatible endpoint', () => {
  it('calls a tool through function calling, streams the answer that cites what it found, and records the model', async () => {
    endpoint.reply(
      { toolCalls: [{ id: 'call_search', name: 'search_knowledge_base', input: { query: 'warehouse shipping time' } }] },
      { text: ['Orders ship within ', 'two business days [1].'], usage: { prompt: 420, completion: 18 } },
    );
    const { visitor, deltas, botMessage, conversationId } = await askBot('how fast do you ship?');
    const reply = await botMessage;
    await server.app.bot.idle();

    expect(reply.body).toBe('Orders ship within two business days [1].');
    expect(deltas.join('')).toBe(reply.body);
    expect(reply.citations?.map((citation) => citation.title)).toEqual(['Shipping']);

    // The first request offered the bot's tools as functions to the configured model.
    const [first, second] = endpoint.requests;
    expect(first).toMatchObject({ model: 'llama3.1:8b', stream: true });
    expect((first!.tools as Array<{ type: string; function: { name: string } }>).map((tool) => tool.function.name)).toContain(
      'search_knowledge_base',
    );
    expect((first!.messages as Array<{ role: string }>)[0]!.role).toBe('system');
    // The second carried the call and its result, paired by the call's id.
    const messages = second!.messages as Array<{ role: string; tool_call_id?: string; content: string | null; tool_calls?: unknown[] }>;
    const call = messages.find((message) => message.role === 'assistant' && message.tool_calls);
    expect(call!.tool_calls).toEqual([
      {
        id: 'call_search',
        type: 'function',
        function: { name: 'search_knowledge_base', arguments: '{"query":"warehouse shipping time"}' },
      },
    ]);
    const result = messages.find((message) => message.role === 'tool');
    expect(result!.tool_call_id).toBe('call_search');
    expect(result!.content).toContain('Lisbon warehouse');

    const [stored] = await server.db.db.select().from(botReplies).where(eq(botReplies.messageId, reply.id));
    expect(stored).toMatchObject({
      model: 'llama3.1:8b',
      rounds: 2,
      stopReason: 'end_turn',
      inputTokens: 150 + 420,
      outputTokens: 25 + 18,
    });
    const calls = await server.db.db.select().from(toolCalls).where(eq(toolCalls.conversationId, conversationId));
    expect(calls.map((row) => [row.toolUseId, row.tool, row.success])).toEqual([['call_search', 'search_knowledge_base', true]]);
    visitor.close();
  });

  it('apologises when the endpoint fails, as it does for Claude', async () => {
    endpoint.reply({ httpError: { status: 404, message: 'model "llama3.1:8b" not found, try pulling it first' } });
    const { visitor, botMessage } = await askBot('how fast do you ship?');
    const reply = await botMessage;
    expect(reply.body).toMatch(/can't answer right now/);
    expect(reply.body).not.toContain('pulling');
    visitor.close();
  });
});
