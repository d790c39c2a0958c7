import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { listenReadingErrorBodies } from './anthropic.js';

/** One scripted answer of a mocked OpenAI-compatible chat completions endpoint. */
export interface ScriptedCompletion {
  /** Content deltas, in order. */
  text?: string[];
  /** Tool calls after the text, each streamed as an opening fragment and its arguments in two pieces. */
  toolCalls?: Array<{ id?: string; name: string; input: unknown }>;
  /** Defaults to `tool_calls` with tool calls, `stop` without. */
  finishReason?: string;
  usage?: { prompt: number; completion: number; cached?: number };
  /** Ends the body after the first content delta, without a finish reason: a stream cut mid-way. */
  cutAfterFirstDelta?: boolean;
  /** Answer with this HTTP error instead of a stream. */
  httpError?: { status: number; message: string };
}

const encoder = new TextEncoder();
const frame = (data: unknown) => encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

/** The streaming wire format of chat completions (server-sent events, ending with `[DONE]`) for a scripted answer. */
export function completionStream(reply: ScriptedCompletion, model: string): ReadableStream<Uint8Array> {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  return new ReadableStream({
    start(controller) {
      controller.enqueue(frame(chunk({ role: 'assistant', content: '' })));
      for (const [position, text] of (reply.text ?? []).entries()) {
        controller.enqueue(frame(chunk({ content: text })));
        if (position === 0 && reply.cutAfterFirstDelta) {
          controller.close();
          return;
        }
      }
      for (const [index, call] of (reply.toolCalls ?? []).entries()) {
        const json = JSON.stringify(call.input);
        const half = Math.ceil(json.length / 2);
        controller.enqueue(
          frame(
            chunk({
              tool_calls: [{ index, ...(call.id ? { id: call.id } : {}), type: 'function', function: { name: call.name, arguments: '' } }],
            }),
          ),
        );
        for (const piece of [json.slice(0, half), json.slice(half)]) {
          controller.enqueue(frame(chunk({ tool_calls: [{ index, function: { arguments: piece } }] })));
        }
      }
      controller.enqueue(frame(chunk({}, reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop'))));
      const usage = reply.usage ?? { prompt: 150, completion: 25 };
      controller.enqueue(
        frame({
          id: 'chatcmpl-test',
          object: 'chat.completion.chunk',
          created: 1_700_000_000,
          model,
          choices: [],
          usage: {
            prompt_tokens: usage.prompt,
            completion_tokens: usage.completion,
            total_tokens: usage.prompt + usage.completion,
            ...(usage.cached ? { prompt_tokens_details: { cached_tokens: usage.cached } } : {}),
          },
        }),
      );
      controller.enqueue(frame('[DONE]'));
      controller.close();
    },
  });
}

/**
 * An OpenAI-compatible endpoint at `baseUrl` (as a local Ollama or vLLM serves it) mocked at the HTTP layer with msw.
 * Answers are taken from the queue in order; every request body and authorization header is kept for assertions.
 */
export function mockOpenAICompatible(baseUrl: string) {
  const queue: ScriptedCompletion[] = [];
  const requests: Array<Record<string, unknown>> = [];
  const authorizations: Array<string | null> = [];
  const server = setupServer(
    http.post(`${baseUrl}/chat/completions`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      requests.push(body);
      authorizations.push(request.headers.get('authorization'));
      const reply = queue.shift();
      if (!reply) return HttpResponse.json({ error: { message: 'no scripted reply', type: 'server_error' } }, { status: 500 });
      if (reply.httpError) {
        return HttpResponse.json({ error: { message: reply.httpError.message, type: 'server_error' } }, { status: reply.httpError.status });
      }
      return new HttpResponse(completionStream(reply, String(body.model)), { headers: { 'content-type': 'text/event-stream' } });
    }),
  );
  let unpatch: (() => void) | null = null;
  return {
    listen() {
      unpatch = listenReadingErrorBodies(server);
    },
    close() {
      unpatch?.();
      server.close();
    },
    queue,
    requests,
    authorizations,
    reply(...replies: ScriptedCompletion[]) {
      queue.push(...replies);
    },
  };
}
