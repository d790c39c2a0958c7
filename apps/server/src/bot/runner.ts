/**
 * Runs bot turns: claims the conversation in the database (at most one turn per conversation across every process),
 * streams the model's answer to the visitor, runs tools, and stores the final message once, complete, in the same
 * transaction that releases the claim. Effects of the state machine arrive here after their transaction commits.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { botReplies, conversations, messages, toolCalls, widgets, type Database, type Transaction } from '@parley/db';
import { widgetSettingsSchema, type Message, type VisitorServerEvents } from '@parley/protocol';
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { announceConversation } from '../conversations/broadcast.js';
import { toMessage } from '../conversations/mappers.js';
import { appendMessage } from '../conversations/append-message.js';
import { insertAuditEvents, listMessages, planTransition, type TransitionPlan } from '../conversations/service.js';
import { searchKnowledge } from '../knowledge/search.js';
import type { SemanticIndex } from '../knowledge/semantic-index.js';
import { contactRoom, organizationRoom, type Realtime } from '../plugins/io.js';
import { abortable } from './abortable.js';
import { createAnthropicModel } from './anthropic-model.js';
import { botConfigSchema, DEFAULT_BOT_MODEL } from '../widgets/bot-config.js';
import { asksForHuman } from './handoff-rule.js';
import type { Effect } from '../conversations/machine.js';
import { emptyUsage, type ChatMessage, type ChatModel, type ContentBlock, type Usage } from './model.js';
import { createOfflineModel, OFFLINE_MODEL } from './offline-model.js';
import { dailyUsageUpsert } from './daily-usage.js';
import { costOf, defaultModelPrices } from './prices.js';
import { buildHistory, buildSystemPrompt, withKnowledge } from './prompt.js';
import { botReplyNeedsNoTransition, storePlainReply } from './store-reply.js';
import { collectContact } from './tools/collect-contact.js';
import { handoffToHuman } from './tools/handoff-to-human.js';
import { inputToLog, runTool, toToolSpecs, type BotTool, type ToolContext } from './tools/registry.js';
import { searchKnowledgeBase } from './tools/search-knowledge-base.js';
import { formatKnowledgeBlock, TurnSources } from './turn-sources.js';

/** How often a running turn renews its claim and checks it still owns the conversation. */
const HEARTBEAT_MS = 2000;
/**
 * A claim not renewed for this long belongs to a process that died mid-turn and may be taken over: four missed
 * heartbeats. Together with {@link STRANDED_CHECK_MS} it bounds how long a visitor waits after a crash.
 */
const TURN_LEASE_SECONDS = 8;
/** How often each process looks for stale claims (one index lookup: only claimed rows are in the index). */
export const STRANDED_CHECK_MS = 2000;
/** A waiting visitor message older than this, with no claim at all (its run-bot-turn effect was lost), is picked up. */
const STRANDED_AFTER_SECONDS = 20;
/** How much history is loaded before trimming to the token budget. */
const HISTORY_MESSAGES = 100;
/** Knowledge-base passages given to the model with the visitor's message, before it asks for more. */
const UPFRONT_PASSAGES = 4;
/** Passages covering less of the message than this (coverage, 0–1) are noise, not context… */
const MIN_PASSAGE_COVERAGE = 0.2;
/** …unless semantic search finds them this close (cosine similarity; a middling value for common embedding models). */
const MIN_PASSAGE_SIMILARITY = 0.5;
/** Passages one search_knowledge_base call returns. */
const TOOL_PASSAGES = 5;

const HANDOFF_REPLY = "I'm connecting you with a person from our team. They'll reply right here.";
const FAILURE_REPLY =
  "Sorry, I can't answer right now. If you'd like, ask for a person and someone from our team will reply here.";

/** Events that both the visitor and the agent namespaces carry with the same payload. */
type SharedEvent = 'message:created' | 'bot:reply-start' | 'bot:reply-delta' | 'bot:reply-end';

/** Runs bot turns; decorated on the app as `app.bot`. */
export interface BotRunner {
  /** Which model answers: an Anthropic model id, or `offline`. */
  readonly mode: 'anthropic' | 'offline';
  /** Starts a turn for the conversation unless one is running (the running one answers new messages afterwards). */
  schedule(conversationId: string): void;
  /** Aborts this process's running turn of the conversation, if any. The database claim was already cleared. */
  cancel(conversationId: string): void;
  /** Carries out the effects a committed transition left. */
  perform(conversationId: string, effects: readonly Effect[]): void;
  /** Resolves when no turn runs in this process (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Schedules turns for `bot` conversations whose visitor waits for an answer but no live turn owns them (their process
   * crashed, or a message arrived just as a turn ended). Returns how many were scheduled.
   */
  resumeStranded(): Promise<number>;
  /**
   * For a process that is the only one on its database (the embedded one, under its folder lock) and is just starting:
   * every claim is a dead process's, however fresh it looks. Releases them all and schedules the conversations still
   * waiting for the bot, at once rather than after the lease. Returns how many were scheduled.
   */
  resumeAfterRestart(): Promise<number>;
}

interface RunningTurn {
  turnId: string;
  controller: AbortController;
}

interface ToolLog {
  toolUseId: string;
  tool: string;
  input: unknown;
  output: unknown;
  error: string | null;
  success: boolean;
  durationMs: number;
}

/** The turn holding the claim stopped renewing it: its process is dead (or cut off from the database). */
const claimExpired = lt(conversations.botTurnStartedAt, sql`now() - make_interval(secs => ${TURN_LEASE_SECONDS})`);

/** A visitor message after the last one the bot answered: the conversation waits for a bot turn. */
const waitsForBot = sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id} and ${messages.seq} > ${conversations.botAnsweredSeq} and ${messages.authorKind} = 'visitor')`;

/** The tools every bot gets in this release. */
export const builtInTools: readonly BotTool[] = [handoffToHuman, collectContact, searchKnowledgeBase] as readonly BotTool[];

/** Creates the runner: Claude when an API key is configured, the offline answerer otherwise. */
export function createBotRunner(deps: {
  db: Database;
  realtime: Realtime;
  log: FastifyBaseLogger;
  config: Config;
  /** Replaces the model (benchmarks); defaults from configuration. */
  model?: ChatModel;
  /** Semantic search next to the lexical one, when embeddings are configured. */
  semantic?: SemanticIndex | null;
}): BotRunner {
  const { db, realtime, log, config } = deps;
  const semantic = deps.semantic ?? null;
  const mode = deps.model || config.anthropic.apiKey ? 'anthropic' : 'offline';
  const model =
    deps.model ??
    (config.anthropic.apiKey
      ? createAnthropicModel({
          apiKey: config.anthropic.apiKey,
          baseUrl: config.anthropic.baseUrl,
          timeoutMs: config.anthropic.timeoutMs,
          maxRetries: config.anthropic.maxRetries,
        })
      : createOfflineModel());
  const prices = { ...defaultModelPrices, ...config.modelPrices };
  const running = new Map<string, RunningTurn>();
  const inFlight = new Set<Promise<void>>();

  function schedule(conversationId: string) {
    const turn = runTurn(conversationId).catch((error: unknown) => log.error({ err: error, conversationId }, 'bot turn crashed'));
    inFlight.add(turn);
    void turn.finally(() => inFlight.delete(turn));
  }

  /** Emits a bot event to the visitor's sockets and to the organization's agents alike. */
  function emitToBoth(organizationId: string, contactId: string) {
    const visitors = realtime.visitors.to(contactRoom(contactId));
    const agents = realtime.agents.to(organizationRoom(organizationId));
    return function emitBotEvent<E extends SharedEvent>(event: E, ...payload: Parameters<VisitorServerEvents[E]>) {
      // Both namespaces declare these events with the same payloads; the union of two emit signatures needs a cast.
      (visitors.emit as (event: string, ...args: unknown[]) => boolean)(event, ...payload);
      (agents.emit as (event: string, ...args: unknown[]) => boolean)(event, ...payload);
    };
  }

  async function runTurn(conversationId: string): Promise<void> {
    const turnId = randomUUID();
    // The claim: only a `bot` conversation with an unanswered visitor message, and no live turn, can be claimed.
    const [claimed] = await db
      .update(conversations)
      .set({ botTurnId: turnId, botTurnStartedAt: sql`now()` })
      .where(
        and(
          eq(conversations.id, conversationId),
          eq(conversations.status, 'bot'),
          or(isNull(conversations.botTurnId), claimExpired),
          waitsForBot,
        ),
      )
      .returning();
    if (!claimed) return;

    const controller = new AbortController();
    running.set(conversationId, { turnId, controller });
    // The heartbeat renews the claim and notices when it was taken away (a human took over, maybe through another
    // process): then the turn stops streaming at once instead of at its end.
    const heartbeat = setInterval(() => {
      void db
        .update(conversations)
        .set({ botTurnStartedAt: sql`now()` })
        .where(and(eq(conversations.id, conversationId), eq(conversations.botTurnId, turnId), eq(conversations.status, 'bot')))
        .returning({ id: conversations.id })
        .then((rows) => {
          if (rows.length === 0) controller.abort(new Error('The conversation was taken over.'));
        })
        .catch((error: unknown) => log.warn({ err: error, conversationId }, 'bot turn heartbeat failed'));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const emit = emitToBoth(claimed.organizationId, claimed.contactId);
    const startedAt = performance.now();
    const messageId = randomUUID();
    let streamStarted = false;
    let botDisplayName: string | null = null;
    const toolLog: ToolLog[] = [];
    // The knowledge-base passages this turn showed the model, numbered for citations.
    const sources = new TurnSources();
    const modelCitations: number[] = [];
    // What the model rounds of this turn cost so far: recorded even when the turn fails or is cancelled.
    const usage = emptyUsage();
    let modelId: string | null = null;
    try {
      const [widget] = await db.select().from(widgets).where(eq(widgets.id, claimed.widgetId));
      const settings = widgetSettingsSchema.parse(widget!.settings);
      const botConfig = botConfigSchema.parse(widget!.bot);
      const author = { kind: 'bot' as const, id: null, name: settings.botName };
      botDisplayName = settings.botName;
      // Up to the claim only: later messages are the next turn's to answer.
      const history = (
        await listMessages(db, conversationId, { afterSeq: Math.max(0, claimed.lastSeq - HISTORY_MESSAGES), limit: HISTORY_MESSAGES })
      ).messages.filter((message) => message.seq <= claimed.lastSeq);
      const pending = history.filter((message) => message.author.kind === 'visitor' && message.seq > claimed.botAnsweredSeq);

      // Asking for a human always works, whatever the model does: checked before any model call.
      if (pending.some((message) => asksForHuman(message.body, settings.locale))) {
        await finishTurn({ text: HANDOFF_REPLY, handoffReason: 'The visitor asked for a person.', usage: emptyUsage(), modelId: OFFLINE_MODEL, ttft: null, stopReason: 'handoff_rule', rounds: 0 });
        return;
      }

      const chosenModel = mode === 'offline' ? OFFLINE_MODEL : (botConfig.model ?? config.botModel ?? DEFAULT_BOT_MODEL);
      modelId = chosenModel;
      const tools = mode === 'offline' ? [] : builtInTools;
      // A search that fails costs the turn its passages, not its answer: the model is told nothing matched.
      const found = await searchKnowledge(db, {
        organizationId: claimed.organizationId,
        query: pending.map((message) => message.body).join('\n'),
        limit: UPFRONT_PASSAGES,
        semantic,
      }).catch((error: unknown) => {
        log.warn({ err: error, conversationId }, 'knowledge-base search failed; answering without passages');
        return [];
      });
      const passages = sources.add(
        found.filter((hit) => hit.coverage >= MIN_PASSAGE_COVERAGE || (hit.similarity ?? 0) >= MIN_PASSAGE_SIMILARITY),
      );
      const conversationForModel: ChatMessage[] = withKnowledge(
        buildHistory(history, claimed.botAnsweredSeq, botConfig.historyTokenBudget),
        formatKnowledgeBlock(passages),
      );
      const visitorText = history
        .filter((message) => message.author.kind === 'visitor')
        .map((message) => message.body)
        .join('\n');
      const system = buildSystemPrompt(botConfig, settings);
      const deadline = AbortSignal.timeout(config.anthropic.timeoutMs * (config.anthropic.maxRetries + 1));
      const signal = AbortSignal.any([controller.signal, deadline]);

      let text = '';
      let ttft: number | null = null;
      let stopReason: string | null = null;
      let handoffReason: string | null = null;
      let rounds = 0;
      while (true) {
        rounds++;
        const calls: Array<{ id: string; name: string; input: unknown }> = [];
        let roundText = '';
        const request = {
          model: chosenModel,
          system,
          messages: conversationForModel,
          tools: toToolSpecs(tools),
          maxTokens: botConfig.maxTokens,
          knowledge: { faq: settings.faq, greeting: settings.greeting, passages },
        };
        for await (const part of abortable(model.stream(request, signal), signal, config.anthropic.timeoutMs)) {
          if (part.type === 'text-delta') {
            if (part.text === '') continue;
            if (!streamStarted) {
              streamStarted = true;
              ttft = Math.round(performance.now() - startedAt);
              emit('bot:reply-start', { conversationId, messageId, author, createdAt: new Date().toISOString() });
            }
            text += part.text;
            roundText += part.text;
            const delta = { conversationId, messageId, delta: part.text };
            emit('bot:reply-delta', delta);
          } else if (part.type === 'tool-call') {
            calls.push(part);
          } else {
            stopReason = part.stopReason;
            addUsage(usage, part.usage);
            if (part.citations) modelCitations.push(...part.citations);
          }
        }
        if (stopReason !== 'tool_use' || calls.length === 0) break;
        if (rounds >= botConfig.maxToolRounds) {
          stopReason = 'max_tool_rounds';
          break;
        }
        const assistantBlocks: ContentBlock[] = [];
        if (roundText) assistantBlocks.push({ type: 'text', text: roundText });
        const results: ContentBlock[] = [];
        for (const call of calls) {
          assistantBlocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
          const callStartedAt = performance.now();
          // A tool acts only while this turn owns the conversation, checked under the row lock in the tool's transaction.
          const toolContext = (database: Database): ToolContext => ({
            db: database,
            conversationId,
            contactId: claimed.contactId,
            organizationId: claimed.organizationId,
            defaultCountry: settings.defaultCountry,
            visitorText,
            searchKnowledge: async (query) =>
              sources.add(await searchKnowledge(database, { organizationId: claimed.organizationId, query, limit: TOOL_PASSAGES, semantic })),
          });
          // Read-only tools (search) change nothing, so they need no lock; and they may wait on the network (embeddings),
          // which must not happen inside a transaction (on PGlite's single connection it would stall every request).
          const outcome =
            tools.find((tool) => tool.name === call.name)?.kind === 'read'
              ? await runTool(tools, call.name, call.input, toolContext(db))
              : await db.transaction(async (tx) => {
                  const [owned] = await tx
                    .select({ id: conversations.id })
                    .from(conversations)
                    .where(and(eq(conversations.id, conversationId), eq(conversations.botTurnId, turnId)))
                    .for('update');
                  if (!owned) {
                    controller.abort(new Error('The conversation was taken over.'));
                    throw controller.signal.reason;
                  }
                  return runTool(tools, call.name, call.input, toolContext(tx as unknown as Database));
                });
          const durationMs = Math.round(performance.now() - callStartedAt);
          toolLog.push({
            toolUseId: call.id,
            tool: call.name,
            input: inputToLog(call.input, outcome),
            output: outcome.ok ? outcome.output : null,
            error: outcome.ok ? null : outcome.error,
            success: outcome.ok,
            durationMs,
          });
          if (outcome.ok && outcome.tool.kind === 'handoff') {
            const reason = (call.input as { reason?: unknown }).reason;
            handoffReason = typeof reason === 'string' ? reason : 'The assistant handed off.';
          }
          results.push({
            type: 'tool_result',
            tool_use_id: call.id,
            content: outcome.ok ? JSON.stringify(outcome.output) : outcome.error,
            ...(outcome.ok ? {} : { is_error: true }),
          });
        }
        // A handoff ends the turn: the human takes it from here.
        if (handoffReason !== null) break;
        conversationForModel.push({ role: 'assistant', content: assistantBlocks }, { role: 'user', content: results });
      }
      if (handoffReason !== null && !text.trim()) text = HANDOFF_REPLY;
      if (!text.trim()) throw new Error(`The model returned no text (stop reason ${stopReason ?? 'none'}).`);
      await finishTurn({ text, handoffReason, usage, modelId: chosenModel, ttft, stopReason, rounds });
    } catch (error) {
      if (controller.signal.aborted) {
        log.info({ conversationId }, 'bot turn cancelled');
        await releaseClaim();
        endStream('cancelled');
      } else {
        log.warn({ err: error, conversationId }, 'bot turn failed');
        endStream('failed');
        await storeFailure();
      }
    } finally {
      clearInterval(heartbeat);
      if (running.get(conversationId)?.turnId === turnId) running.delete(conversationId);
    }
    // Messages that arrived during a turn that failed or was cancelled still deserve an answer (or a handoff).
    schedule(conversationId);

    function endStream(status: 'complete' | 'cancelled' | 'failed') {
      if (!streamStarted) return;
      const end = { conversationId, messageId, status };
      emit('bot:reply-end', end);
    }

    /** A turn that stores no reply still leaves its tool calls and its token usage on record. */
    async function recordAbandonedTurn(tx: Transaction) {
      await insertToolLog(tx, null);
      if (modelId && usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens > 0) {
        await recordUsage(tx, claimed!.organizationId, modelId, usage, 0);
      }
    }

    async function releaseClaim() {
      await db.transaction(async (tx) => {
        await recordAbandonedTurn(tx);
        await tx
          .update(conversations)
          .set({ botTurnId: null, botTurnStartedAt: null })
          .where(and(eq(conversations.id, conversationId), eq(conversations.botTurnId, turnId)));
      });
    }

    async function insertToolLog(tx: Transaction, storedMessageId: string | null) {
      if (toolLog.length === 0) return;
      await tx.insert(toolCalls).values(toolLog.map((entry) => ({ ...entry, conversationId, messageId: storedMessageId, turnId })));
    }

    /** What storing this turn's reply writes on the conversation besides the seq: the claim released, what it answered. */
    function releasedClaim() {
      return { botTurnId: null, botTurnStartedAt: null, botAnsweredSeq: claimed!.lastSeq };
    }

    /**
     * Stores the reply and releases the claim in one transaction, only if this turn still owns the conversation: a
     * human who took over in the meantime cleared the claim, and then nothing is stored.
     */
    async function finishTurn(reply: {
      text: string;
      handoffReason: string | null;
      usage: Usage;
      modelId: string;
      ttft: number | null;
      stopReason: string | null;
      rounds: number;
    }) {
      const citations = sources.citations(reply.text, modelCitations);
      const metadata = { model: reply.modelId, authorName: botDisplayName, ...(citations.length > 0 ? { citations } : {}) };
      if (!reply.handoffReason && toolLog.length === 0 && botReplyNeedsNoTransition) {
        const row = await storePlainReply(db, {
          conversationId,
          turnId,
          messageId,
          answeredSeq: claimed!.lastSeq,
          body: reply.text,
          metadata,
          model: reply.modelId,
          usage: reply.usage,
          timeToFirstTokenMs: reply.ttft,
          latencyMs: Math.round(performance.now() - startedAt),
          stopReason: reply.stopReason,
          rounds: reply.rounds,
          costUsd: priceOf(reply.modelId, reply.usage),
        });
        if (!row) {
          await db.transaction((tx) => recordAbandonedTurn(tx));
          endStream('cancelled');
          return;
        }
        const message = toMessage(row, botDisplayName);
        emit('message:created', message);
        endStream('complete');
        return;
      }
      const stored = await db.transaction(async (tx) => {
        const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for('update');
        if (!conversation || conversation.botTurnId !== turnId) {
          await recordAbandonedTurn(tx);
          return null;
        }
        const plan: TransitionPlan = planTransition(conversation, { type: 'bot.replied' }, { kind: 'bot', id: null });
        const handoff = reply.handoffReason
          ? planTransition(conversation, { type: 'handoff.requested', by: reply.stopReason === 'handoff_rule' ? 'rule' : 'bot', reason: reply.handoffReason }, { kind: 'bot', id: null })
          : null;
        const appended = await appendMessage(tx, {
          conversation: sql`c.id = ${conversationId}`,
          patch: { ...plan.patch, ...handoff?.patch, ...releasedClaim() },
          message: { id: messageId, clientId: `bot-${turnId}`, authorKind: 'bot', authorId: null, body: reply.text, metadata },
        });
        const { message: row, conversation: updated } = appended!;
        await insertAuditEvents(tx, conversationId, [...plan.events, ...(handoff?.events ?? [])]);
        await insertToolLog(tx, messageId);
        await tx.insert(botReplies).values({
          messageId,
          conversationId,
          organizationId: conversation.organizationId,
          model: reply.modelId,
          ...reply.usage,
          timeToFirstTokenMs: reply.ttft,
          latencyMs: Math.round(performance.now() - startedAt),
          stopReason: reply.stopReason,
          rounds: reply.rounds,
        });
        await recordUsage(tx, conversation.organizationId, reply.modelId, reply.usage);
        return { row, conversation: updated, changed: handoff !== null };
      });

      if (!stored) {
        endStream('cancelled');
        return;
      }
      const message: Message = toMessage(stored.row, botDisplayName);
      emit('message:created', message);
      endStream('complete');
      if (stored.changed) {
        // Stored and announced as complete already: a failure to announce the handoff must not look like a failed turn.
        await announceConversation(realtime, db, stored.conversation).catch((error: unknown) => log.warn({ err: error, conversationId }, 'could not announce the handoff'));
      }
    }

    async function storeFailure() {
      try {
        await finishFailure();
      } catch (error) {
        log.error({ err: error, conversationId }, 'could not store the bot failure message');
        await releaseClaim().catch(() => undefined);
      }
    }

    async function finishFailure() {
      const stored = await db.transaction(async (tx) => {
        const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for('update');
        if (!conversation || conversation.botTurnId !== turnId || conversation.status !== 'bot') {
          await recordAbandonedTurn(tx);
          return null;
        }
        const appended = await appendMessage(tx, {
          conversation: sql`c.id = ${conversationId}`,
          patch: releasedClaim(),
          message: { clientId: `bot-failed-${turnId}`, authorKind: 'bot', authorId: null, body: FAILURE_REPLY, metadata: { failed: true, authorName: botDisplayName } },
        });
        await recordAbandonedTurn(tx);
        return appended!.message;
      });
      if (!stored) return;
      const message = toMessage(stored, botDisplayName);
      emit('message:created', message);
    }
  }

  async function recordUsage(tx: Transaction, organizationId: string, modelId: string, usage: Usage, replies = 1) {
    await tx.execute(dailyUsageUpsert({ organizationId: sql`${organizationId}`, model: modelId, usage, costUsd: priceOf(modelId, usage), replies }));
  }

  /** The cost of `usage` in USD; a model without a price costs 0, with a warning. */
  function priceOf(modelId: string, usage: Usage): number {
    const cost = costOf(prices, modelId, usage);
    if (cost === null) log.warn({ model: modelId }, 'no price for this model; its cost is reported as 0 (set PARLEY_MODEL_PRICES)');
    return cost ?? 0;
  }

  const runner: BotRunner = {
    mode,
    schedule,
    cancel(conversationId) {
      running.get(conversationId)?.controller.abort();
    },
    perform(conversationId, effects) {
      // Subscribed to every committed transition's effects; the bot's are starting and cancelling turns. The others
      // (an assignment, a handoff to announce) were written or broadcast by the conversations domain.
      for (const effect of effects) {
        if (effect.type === 'run-bot-turn') schedule(conversationId);
        else if (effect.type === 'cancel-bot-turn') running.get(conversationId)?.controller.abort();
      }
    },
    async resumeStranded() {
      const stranded = await db
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.status, 'bot'),
            or(
              // A turn whose process stopped renewing its claim (crashed, or cut off from the database).
              and(isNotNull(conversations.botTurnId), claimExpired),
              // A message whose turn was never started (the process died between storing it and claiming).
              and(isNull(conversations.botTurnId), lt(conversations.updatedAt, sql`now() - make_interval(secs => ${STRANDED_AFTER_SECONDS})`)),
            ),
            waitsForBot,
          ),
        )
        .limit(100);
      // This process's own turns are alive whatever the clock says (a long pause of the event loop delays heartbeats).
      const resumable = stranded.filter(({ id }) => !running.has(id));
      for (const { id } of resumable) schedule(id);
      return resumable.length;
    },
    async resumeAfterRestart() {
      const released = await db
        .update(conversations)
        .set({ botTurnId: null, botTurnStartedAt: null })
        .where(and(isNotNull(conversations.botTurnId), eq(conversations.status, 'bot'), waitsForBot))
        .returning({ id: conversations.id });
      for (const { id } of released) schedule(id);
      return released.length;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled(inFlight);
    },
  };
  return runner;
}

function addUsage(total: Usage, part: Usage) {
  total.inputTokens += part.inputTokens;
  total.outputTokens += part.outputTokens;
  total.cacheReadTokens += part.cacheReadTokens;
  total.cacheWriteTokens += part.cacheWriteTokens;
}
