/**
 * AI help over the agent's socket: `assist:request` is acked with a `requestId`, then the answer streams to the
 * requesting socket alone as `assist:delta` events and one `assist:end` (with its sources, or an error). Limited per
 * agent; the conversation must be the agent's organization's; the model stream stops when the socket disconnects.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { APIError } from '@anthropic-ai/sdk';
import { ParleyError, type AssistEnd } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { getConversationRow } from '../conversations/service.js';
import { createRateLimit } from '../plugins/rate-limit.js';
import { StalledError } from './abortable.js';
import { EmptyAnswerError, suggestReply, summarize, type AssistDependencies } from './assist.js';
import { describeFailure } from './handoff-rule.js';

/** AI help requests one agent may make per {@link ASSIST_WINDOW_SECONDS}. */
export const ASSIST_REQUESTS_PER_WINDOW = 20;
/** The window of {@link ASSIST_REQUESTS_PER_WINDOW}. */
export const ASSIST_WINDOW_SECONDS = 60;
/** Answers one socket streams at once; more are refused until one ends. */
const MAX_STREAMS_PER_SOCKET = 3;

/** Why an answer failed, for `assist:end`: a provider's failure in general terms (its class and status, never its text). */
function endError(error: unknown, deps: AssistDependencies): NonNullable<AssistEnd['error']> {
  if (ParleyError.isInstance(error)) {
    const { code, message } = error.toBody();
    return { code, message };
  }
  if (error instanceof StalledError || (error instanceof DOMException && error.name === 'TimeoutError')) {
    return { code: 'unavailable', message: 'The AI did not answer in time. Try again.' };
  }
  if (error instanceof APIError || error instanceof EmptyAnswerError) {
    deps.log.warn({ failure: describeFailure(error) }, 'AI help: the model provider failed');
    return { code: 'unavailable', message: `The AI could not answer right now (${describeFailure(error)}). Try again.` };
  }
  deps.log.error({ err: error }, 'AI help failed');
  return { code: 'internal_error', message: 'Something went wrong on our side. Try again.' };
}

/** Registers `assist:request` on every agent socket (through `app.agentSocketExtensions`). */
export function registerAssistEvents(app: FastifyInstance, deps: AssistDependencies): void {
  const limit = createRateLimit(ASSIST_REQUESTS_PER_WINDOW, ASSIST_WINDOW_SECONDS, 'Too many AI help requests; try again in {seconds} s.');
  const inFlight = new Set<Promise<void>>();
  const streams = new Set<AbortController>();

  app.agentSocketExtensions.push(function serveAssist(socket, events) {
    const mine = new Set<AbortController>();
    socket.on('disconnect', function stopAssistStreams() {
      for (const controller of mine) controller.abort(new Error('The agent disconnected.'));
    });

    events.on('assist:request', async (payload) => {
      const { agent } = socket.data;
      await limit(`assist:${agent.organizationId}:${agent.userId}`);
      if (mine.size >= MAX_STREAMS_PER_SOCKET) {
        throw new ParleyError('rate_limited', 'Wait for the AI help already on its way.');
      }
      // `not_found` for another organization's conversation as for one that doesn't exist.
      const conversation = await getConversationRow(app.db, agent.organizationId, payload.conversationId);
      const requestId = randomUUID();
      const controller = new AbortController();
      mine.add(controller);
      streams.add(controller);

      async function stream() {
        // What the agent has seen so far: a failed answer's end says where it stopped.
        let sent = '';
        const output = {
          signal: controller.signal,
          onText(text: string) {
            sent += text;
            socket.emit('assist:delta', { requestId, text });
          },
        };
        let end: AssistEnd;
        try {
          const result = await (payload.kind === 'summary' ? summarize : suggestReply)(deps, conversation, output);
          end = { requestId, text: result.text, sources: result.sources, insertable: result.insertable };
        } catch (error) {
          // Nobody is left to tell.
          if (controller.signal.aborted) return;
          end = { requestId, text: sent, sources: [], error: endError(error, deps) };
        }
        if (!controller.signal.aborted) socket.emit('assist:end', end);
      }

      // After the ack, which is sent once this handler returns: Socket.IO keeps a socket's packets in order, so the
      // client knows the id before the first delta.
      setImmediate(() => {
        const task = stream().finally(() => {
          mine.delete(controller);
          streams.delete(controller);
        });
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task));
      });
      return { requestId };
    });
  });

  // Streams in flight stop (their tokens are recorded) before the database closes.
  app.addHook('onClose', async function stopAssist() {
    for (const controller of streams) controller.abort(new Error('The server is shutting down.'));
    while (inFlight.size > 0) await Promise.allSettled(inFlight);
  });
}
