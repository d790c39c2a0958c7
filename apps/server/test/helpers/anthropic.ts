import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

/** One scripted answer of the mocked Messages API. */
export interface ScriptedReply {
  /** Text deltas, in order. */
  text?: string[];
  /** A tool call after the text. */
  toolUse?: { id: string; name: string; input: unknown };
  stopReason?: string;
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
  /** Waited for after the first text delta: lets a test act in the middle of a stream. */
  pauseAfterFirstDelta?: Promise<void>;
  /** Ends the body after the first text delta without message_delta/message_stop: a stream cut mid-way. */
  cutAfterFirstDelta?: boolean;
  /** Answer with this HTTP error instead of a stream. */
  httpError?: { status: number; type: string; message: string };
}

const encoder = new TextEncoder();
const frame = (event: Record<string, unknown>) => encoder.encode(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);

/** Anthropic's streaming wire format (server-sent events) for a scripted reply. */
export function anthropicStream(reply: ScriptedReply, model: string): ReadableStream<Uint8Array> {
  const usage = reply.usage ?? { input: 120, output: 30 };
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(
        frame({
          type: 'message_start',
          message: {
            id: 'msg_test',
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: usage.input,
              output_tokens: 1,
              cache_creation_input_tokens: usage.cacheWrite ?? 0,
              cache_read_input_tokens: usage.cacheRead ?? 0,
            },
          },
        }),
      );
      let index = 0;
      if (reply.text && reply.text.length > 0) {
        controller.enqueue(frame({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
        for (const [position, text] of reply.text.entries()) {
          controller.enqueue(frame({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
          if (position === 0 && reply.cutAfterFirstDelta) {
            controller.close();
            return;
          }
          if (position === 0 && reply.pauseAfterFirstDelta) await reply.pauseAfterFirstDelta;
        }
        controller.enqueue(frame({ type: 'content_block_stop', index }));
        index++;
      }
      if (reply.toolUse) {
        const { id, name, input } = reply.toolUse;
        controller.enqueue(frame({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } }));
        const json = JSON.stringify(input);
        // Split the JSON like the API does, so the partial_json accumulation is exercised.
        for (const piece of [json.slice(0, Math.ceil(json.length / 2)), json.slice(Math.ceil(json.length / 2))]) {
          controller.enqueue(frame({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
        }
        controller.enqueue(frame({ type: 'content_block_stop', index }));
      }
      controller.enqueue(
        frame({
          type: 'message_delta',
          delta: { stop_reason: reply.stopReason ?? (reply.toolUse ? 'tool_use' : 'end_turn'), stop_sequence: null },
          usage: { output_tokens: usage.output },
        }),
      );
      controller.enqueue(frame({ type: 'message_stop' }));
      controller.close();
    },
  });
}

/**
 * The Anthropic Messages API mocked at the HTTP layer with msw. Replies are taken from the queue in order; every
 * request body is kept for assertions.
 */
export function mockAnthropic() {
  const queue: ScriptedReply[] = [];
  const requests: Array<Record<string, unknown>> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = setupServer(
    http.post('https://api.anthropic.com/v1/messages', async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      requests.push(body);
      const reply = queue.shift();
      if (!reply) return HttpResponse.json({ type: 'error', error: { type: 'api_error', message: 'no scripted reply' } }, { status: 500 });
      if (reply.httpError) {
        return HttpResponse.json(
          { type: 'error', error: { type: reply.httpError.type, message: reply.httpError.message } },
          { status: reply.httpError.status, headers: { 'retry-after-ms': '5' } },
        );
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const stream = anthropicStream(reply, String(body.model));
      const [forClient, forCounting] = stream.tee();
      void (async () => {
        const reader = forCounting.getReader();
        try {
          while (!(await reader.read()).done);
        } finally {
          inFlight--;
        }
      })();
      return new HttpResponse(forClient, { headers: { 'content-type': 'text/event-stream' } });
    }),
  );
  let unpatch: (() => void) | null = null;
  return {
    server,
    /** Starts intercepting (see {@link listenReadingErrorBodies}). */
    listen() {
      unpatch = listenReadingErrorBodies(server);
    },
    close() {
      unpatch?.();
      server.close();
    },
    queue,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    reply(...replies: ScriptedReply[]) {
      queue.push(...replies);
    },
  };
}

/**
 * Starts `server` intercepting, and works around mswjs/interceptors#799: cancelling the body of a response made by msw
 * never settles, and the model SDKs cancel an error body before they retry, so a mocked 529 would hang instead of being
 * retried. Error bodies are therefore read once into a plain Response; the request still goes through msw. Returns
 * what undoes the patch.
 */
export function listenReadingErrorBodies(server: ReturnType<typeof setupServer>): () => void {
  server.listen({ onUnhandledRequest: 'bypass' });
  const interceptedFetch = globalThis.fetch;
  globalThis.fetch = async function fetchWithReadErrorBodies(...args: Parameters<typeof fetch>) {
    const response = await interceptedFetch(...args);
    if (response.status < 400 || !response.body) return response;
    const body = await response.text();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return () => {
    globalThis.fetch = interceptedFetch;
  };
}

/** A tool_result block as a Messages API request carries it. */
export interface SentToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content?: string;
  is_error?: boolean;
}

/** The last tool result a request body carried back to the model (earlier turns' are in its history too). */
export function lastToolResult(body: Record<string, unknown>): SentToolResult {
  const blocks = (body.messages as Array<{ content: unknown }>).flatMap((message) =>
    Array.isArray(message.content) ? (message.content as Array<{ type: string }>) : [],
  );
  const result = blocks.filter((block): block is SentToolResult => block.type === 'tool_result').at(-1);
  if (!result) throw new Error('the request carries no tool result');
  return result;
}

/** A promise with its resolve function, for pausing a scripted stream. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
