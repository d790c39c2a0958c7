/**
 * AI help for agents, on the console's side: per conversation, the summary and the suggested reply as they stream in
 * (`assist:request`, then `assist:delta`… `assist:end` on the agent's socket). A small store of its own, next to the
 * console's state, that the AI help panel subscribes to. No DOM, no Preact.
 * @module
 */
import type { AssistAccepted, AssistDelta, AssistEnd, AssistKind, AssistRequest, Citation } from '@parley/protocol';

export type { AssistKind } from '@parley/protocol';

/** One answer: asked for, streaming, done, or failed (with what had arrived). */
export interface AssistAnswer {
  status: 'requesting' | 'streaming' | 'done' | 'error';
  text: string;
  sources: Citation[];
  /** False when the text is a note to the agent (no passage matched), not a reply to insert. */
  insertable: boolean;
  /** Why it failed, in words people can read; null unless `status` is `error`. */
  error: string | null;
}

/** Options of {@link createAssistStore}. */
export interface AssistStoreOptions {
  /** Sends `assist:request`; the controller's live connection. */
  request(payload: AssistRequest): Promise<AssistAccepted>;
  /** Turns a failure into the message to show (and ends the session on `unauthorized`). */
  describeError(error: unknown): string;
}

/** The AI help of one console session. */
export interface AssistStore {
  /** The answer of `kind` for the conversation, if one was asked for. */
  get(conversationId: string, kind: AssistKind): AssistAnswer | undefined;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Asks for an answer; one asked for before (of the same kind and conversation) is replaced and its stream ignored. */
  request(conversationId: string, kind: AssistKind): void;
  /** Asks for the conversation's summary, unless it was asked for already in this session. */
  autoSummarize(conversationId: string): void;
  /** An `assist:delta` arrived. */
  delta(delta: AssistDelta): void;
  /** An `assist:end` arrived. */
  end(end: AssistEnd): void;
  /** The connection dropped: the server stopped the answers streaming, which then fail with a Retry. */
  connectionLost(): void;
  /** Forgets everything (signing out). */
  clear(): void;
}

/** Events for request ids not acked yet are kept (a few) until their ack is processed. */
const MAX_EARLY_REQUESTS = 8;

/** The suggested reply as it goes into the reply box: without the `[n]` citation markers, which the visitor can't follow. */
export function withoutCitationMarkers(text: string): string {
  return text
    .replace(/[ \t]*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]/g, '')
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .trim();
}

const keyOf = (conversationId: string, kind: AssistKind) => `${kind}:${conversationId}`;

/**
 * Creates the store.
 *
 * @example
 * ```ts
 * const assist = createAssistStore({ request: (payload) => connection.requestAssist(payload), describeError })
 * connection.on('assist:delta', assist.delta)
 * ```
 */
export function createAssistStore(options: AssistStoreOptions): AssistStore {
  const answers = new Map<string, AssistAnswer>();
  // The request each answer waits on, and back: a replaced request's events are dropped.
  const requestOf = new Map<string, string>();
  const answerOf = new Map<string, string>();
  // Events that may arrive before the ack's promise settles: applied once it has.
  const early = new Map<string, Array<{ type: 'delta'; delta: AssistDelta } | { type: 'end'; end: AssistEnd }>>();
  const autoRequested = new Set<string>();
  const listeners = new Set<() => void>();
  let generation = 0;

  function set(key: string, answer: AssistAnswer) {
    answers.set(key, answer);
    for (const listener of listeners) listener();
  }

  function finish(key: string, requestId: string) {
    requestOf.delete(key);
    answerOf.delete(requestId);
  }

  function applyDelta(key: string, delta: AssistDelta) {
    const answer = answers.get(key);
    if (!answer) return;
    set(key, { ...answer, status: 'streaming', text: answer.text + delta.text });
  }

  function applyEnd(key: string, end: AssistEnd) {
    finish(key, end.requestId);
    set(key, {
      status: end.error ? 'error' : 'done',
      text: end.text,
      sources: end.sources,
      insertable: end.insertable ?? true,
      error: end.error ? end.error.message : null,
    });
  }

  function hold(requestId: string, event: { type: 'delta'; delta: AssistDelta } | { type: 'end'; end: AssistEnd }) {
    let held = early.get(requestId);
    if (!held) {
      if (early.size >= MAX_EARLY_REQUESTS) early.delete(early.keys().next().value!);
      held = [];
      early.set(requestId, held);
    }
    held.push(event);
  }

  const store: AssistStore = {
    get: (conversationId, kind) => answers.get(keyOf(conversationId, kind)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    request(conversationId, kind) {
      const key = keyOf(conversationId, kind);
      const previous = requestOf.get(key);
      if (previous) finish(key, previous);
      const current = ++generation;
      // Marks the answer as this attempt's: a newer request for the same answer wins over a late ack.
      requestOf.set(key, `pending-${current}`);
      set(key, { status: 'requesting', text: '', sources: [], insertable: true, error: null });
      options.request({ conversationId, kind }).then(
        ({ requestId }) => {
          if (requestOf.get(key) !== `pending-${current}`) return;
          requestOf.set(key, requestId);
          answerOf.set(requestId, key);
          const held = early.get(requestId) ?? [];
          early.delete(requestId);
          for (const event of held) {
            if (event.type === 'delta') applyDelta(key, event.delta);
            else applyEnd(key, event.end);
          }
        },
        (error: unknown) => {
          if (requestOf.get(key) !== `pending-${current}`) return;
          requestOf.delete(key);
          set(key, { status: 'error', text: '', sources: [], insertable: true, error: options.describeError(error) });
        },
      );
    },
    autoSummarize(conversationId) {
      if (autoRequested.has(conversationId)) return;
      autoRequested.add(conversationId);
      if (!answers.has(keyOf(conversationId, 'summary'))) store.request(conversationId, 'summary');
    },
    delta(delta) {
      const key = answerOf.get(delta.requestId);
      if (key) applyDelta(key, delta);
      else hold(delta.requestId, { type: 'delta', delta });
    },
    end(end) {
      const key = answerOf.get(end.requestId);
      if (key) applyEnd(key, end);
      else hold(end.requestId, { type: 'end', end });
    },
    connectionLost() {
      // Answers waiting for their ack fail on their own (timeout); those streaming won't get their end any more.
      for (const [requestId, key] of answerOf) {
        finish(key, requestId);
        const answer = answers.get(key);
        if (answer) set(key, { ...answer, status: 'error', error: 'The connection was lost before the answer was complete.' });
      }
      early.clear();
    },
    clear() {
      answers.clear();
      requestOf.clear();
      answerOf.clear();
      early.clear();
      autoRequested.clear();
      for (const listener of listeners) listener();
    },
  };
  return store;
}
