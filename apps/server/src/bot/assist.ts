/**
 * AI help for agents: a summary of a conversation so far, and a suggested reply the agent can insert and edit. With
 * Claude, both are written from the transcript (system lines and the handoff's reason included) and the knowledge-base
 * passages that match the visitor's latest questions, and streamed. Offline, the summary is extractive (the visitor's
 * messages, the first sentence of each bot reply, the handoff's trigger and reason) and the suggestion is the best
 * passage. Tokens and cost go into `usage_daily` like the bot's, under the purpose `assist`.
 *
 * The caller checks that the agent may see the conversation (it passes the row it loaded for the agent's
 * organization) and carries the stream to the agent (`assist-socket.ts`).
 * @module
 */
import { conversationEvents, widgets, type conversations, type Database } from '@parley/db';
import { widgetSettingsSchema, type Citation, type Message, type WidgetSettings } from '@parley/protocol';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config, ModelPrices } from '../config.js';
import type { HandoffTrigger } from '../conversations/machine.js';
import { listMessages } from '../conversations/service.js';
import { isRelevantSource } from '../knowledge/relevant-source.js';
import { searchKnowledge, type KnowledgeHit } from '../knowledge/search.js';
import type { SemanticIndex } from '../knowledge/semantic-index.js';
import { botConfigSchema, DEFAULT_BOT_MODEL, type BotConfig } from '../widgets/bot-config.js';
import { abortable } from './abortable.js';
import {
  assistTask,
  buildAssistSystemPrompt,
  buildTranscript,
  offlineSuggestion,
  offlineSummary,
  type AssistKind,
  type HandoffNote,
} from './assist-prompt.js';
import { dailyUsageUpsert } from './daily-usage.js';
import { addUsage, emptyUsage, type ChatModel, type ChatRequest, type ModelProvider, type Usage } from './model.js';
import { OFFLINE_MODEL } from './offline-model.js';
import { costOf } from './prices.js';
import { formatKnowledgeBlock, TurnSources, type SourcePassage } from './turn-sources.js';

export type { AssistKind } from './assist-prompt.js';

/** What AI help needs: the bot's model and mode, prices, the knowledge base's semantic index. */
export interface AssistDependencies {
  db: Database;
  log: FastifyBaseLogger;
  config: Config;
  model: ChatModel;
  mode: ModelProvider;
  prices: ModelPrices;
  semantic: SemanticIndex | null;
}

/** Where the answer goes as it is written, and what stops it (the agent's socket closing). */
export interface AssistOutput {
  signal: AbortSignal;
  /** Each piece of text as it arrives (never empty); the answer is their concatenation. */
  onText(text: string): void;
}

/** A finished answer: its whole text and the knowledge-base passages it used. */
export interface AssistResult {
  text: string;
  sources: Citation[];
  /** False when the text tells the agent there is nothing to suggest, rather than being a reply they could send. */
  insertable: boolean;
}

/** A conversation row, loaded for the agent's organization. */
type ConversationRow = typeof conversations.$inferSelect;

/** Messages read for the transcript, newest last; the token budget trims them further. */
const HISTORY_MESSAGES = 100;
/** Visitor messages searched for passages, newest first, until enough are found. */
const QUESTION_MESSAGES = 3;
/** Passages given to Claude with the transcript. */
const PASSAGES = 4;

/** The model returned nothing to show: a failure of the provider like any other. */
export class EmptyAnswerError extends Error {
  override readonly name = 'EmptyAnswerError';
}

/** A summary of the conversation so far, for an agent of its organization; streamed to `output`. */
export function summarize(deps: AssistDependencies, conversation: ConversationRow, output: AssistOutput): Promise<AssistResult> {
  return assist(deps, 'summary', conversation, output);
}

/** A reply the agent could send next, for an agent of the conversation's organization; streamed to `output`. */
export function suggestReply(deps: AssistDependencies, conversation: ConversationRow, output: AssistOutput): Promise<AssistResult> {
  return assist(deps, 'reply', conversation, output);
}

/** What the answer is written from. */
interface AssistContext {
  settings: WidgetSettings;
  botConfig: BotConfig;
  messages: Message[];
  handoff: HandoffNote | null;
}

async function assist(
  deps: AssistDependencies,
  kind: AssistKind,
  conversation: ConversationRow,
  output: AssistOutput,
): Promise<AssistResult> {
  const context = await loadContext(deps.db, conversation);
  output.signal.throwIfAborted();
  const sources = new TurnSources();
  const passages = sources.add(await findPassages(deps, conversation, context.messages));
  output.signal.throwIfAborted();
  if (deps.mode === 'offline') return answerOffline(deps, kind, conversation, context, passages, sources, output);
  return answerWithModel(deps, kind, conversation, context, passages, sources, output);
}

async function loadContext(db: Database, conversation: ConversationRow): Promise<AssistContext> {
  const [widget] = await db.select().from(widgets).where(eq(widgets.id, conversation.widgetId));
  const { messages } = await listMessages(db, conversation.id, {
    afterSeq: Math.max(0, conversation.lastSeq - HISTORY_MESSAGES),
    limit: HISTORY_MESSAGES,
  });
  return {
    settings: widgetSettingsSchema.parse(widget!.settings),
    botConfig: botConfigSchema.parse(widget!.bot),
    messages,
    handoff: await latestHandoff(db, conversation.id),
  };
}

/** The trigger and reason of the conversation's latest handoff, from its audit rows; null when it never had one. */
async function latestHandoff(db: Database, conversationId: string): Promise<HandoffNote | null> {
  const [row] = await db
    .select({ data: conversationEvents.data })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), sql`${conversationEvents.data} ->> 'trigger' is not null`))
    .orderBy(desc(conversationEvents.id))
    .limit(1);
  if (!row) return null;
  const { trigger, reason } = row.data;
  return typeof trigger === 'string' ? { trigger: trigger as HandoffTrigger, reason: typeof reason === 'string' ? reason : '' } : null;
}

/**
 * The passages for the visitor's latest questions: each of their newest messages is searched, newest first, until
 * enough passages are found. "Talk to a person", the usual last message before a handoff, matches nothing; the
 * question before it does.
 */
async function findPassages(
  deps: AssistDependencies,
  conversation: ConversationRow,
  messages: readonly Message[],
): Promise<KnowledgeHit[]> {
  const questions = messages
    .filter((message) => message.author.kind === 'visitor' && message.body.trim() !== '')
    .slice(-QUESTION_MESSAGES)
    .toReversed();
  const found: KnowledgeHit[] = [];
  for (const question of questions) {
    if (found.length >= PASSAGES) break;
    // A search that fails costs the answer its passages, not the answer.
    const hits = await searchKnowledge(deps.db, {
      organizationId: conversation.organizationId,
      query: question.body,
      limit: PASSAGES,
      semantic: deps.semantic,
    }).catch((error: unknown) => {
      deps.log.warn({ err: error, conversationId: conversation.id }, 'knowledge-base search for AI help failed');
      return [];
    });
    for (const hit of hits) {
      // As for a bot turn: the shared "no relevant source" decision.
      if (isRelevantSource(hit) && !found.some((seen) => seen.chunkId === hit.chunkId)) found.push(hit);
    }
  }
  return found.slice(0, PASSAGES);
}

/** The offline answer, streamed in word-sized pieces like the offline bot's. */
async function answerOffline(
  deps: AssistDependencies,
  kind: AssistKind,
  conversation: ConversationRow,
  context: AssistContext,
  passages: readonly SourcePassage[],
  sources: TurnSources,
  output: AssistOutput,
): Promise<AssistResult> {
  let text: string;
  let cited: number[] = [];
  if (kind === 'summary') {
    text = offlineSummary(context.messages, context.handoff, context.settings.locale);
  } else {
    // The best passage of the newest question that has one, as the offline bot would answer with it.
    const best = passages.find((passage) => isRelevantSource(passage)) ?? null;
    text = offlineSuggestion(best);
    if (best) cited = [best.index];
  }
  for (const piece of text.match(/\s*\S+\s*/g) ?? [text]) {
    output.signal.throwIfAborted();
    output.onText(piece);
  }
  await recordUsage(deps, conversation.organizationId, OFFLINE_MODEL, emptyUsage(), 1);
  // Offline, a suggestion without a passage is the note that none matched: nothing to insert.
  return { text, sources: sources.citations('', cited), insertable: kind === 'summary' || cited.length > 0 };
}

/** Claude's answer, streamed as it is written; its tokens are recorded whether it completes or not. */
async function answerWithModel(
  deps: AssistDependencies,
  kind: AssistKind,
  conversation: ConversationRow,
  context: AssistContext,
  passages: readonly SourcePassage[],
  sources: TurnSources,
  output: AssistOutput,
): Promise<AssistResult> {
  const { config } = deps;
  const modelId = context.botConfig.model ?? config.botModel ?? DEFAULT_BOT_MODEL;
  const request: ChatRequest = {
    model: modelId,
    system: buildAssistSystemPrompt(kind, context.settings),
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: formatKnowledgeBlock(passages) },
          { type: 'text', text: buildTranscript(context.messages, context.handoff, context.botConfig.historyTokenBudget) },
          { type: 'text', text: assistTask(kind) },
        ],
      },
    ],
    tools: [],
    maxTokens: context.botConfig.maxTokens,
    knowledge: { greeting: context.settings.greeting, passages: [...passages] },
  };
  const deadline = AbortSignal.timeout(config.anthropic.timeoutMs * (config.anthropic.maxRetries + 1));
  const signal = AbortSignal.any([output.signal, deadline]);
  const usage = emptyUsage();
  const cited: number[] = [];
  let text = '';
  let delivered = false;
  try {
    for await (const part of abortable(deps.model.stream(request, signal), signal, config.anthropic.timeoutMs)) {
      if (part.type === 'text-delta') {
        if (part.text === '') continue;
        text += part.text;
        output.onText(part.text);
      } else if (part.type === 'finish') {
        addUsage(usage, part.usage);
        if (part.citations) cited.push(...part.citations);
      }
    }
    if (!text.trim()) throw new EmptyAnswerError('The model returned no text.');
    delivered = true;
  } finally {
    const spent = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    if (delivered || spent > 0) await recordUsage(deps, conversation.organizationId, modelId, usage, delivered ? 1 : 0);
  }
  return { text, sources: sources.citations(text, cited), insertable: true };
}

/** Adds `usage` to the day's `assist` row; a failure to record is logged, never the agent's problem. */
async function recordUsage(deps: AssistDependencies, organizationId: string, model: string, usage: Usage, replies: number) {
  const cost = costOf(deps.prices, model, usage);
  if (cost === null) deps.log.warn({ model }, 'no price for this model; its cost is reported as 0 (set PARLEY_MODEL_PRICES)');
  await deps.db
    .execute(dailyUsageUpsert({ organizationId: sql`${organizationId}`, model, purpose: 'assist', usage, costUsd: cost ?? 0, replies }))
    .catch((error: unknown) => deps.log.error({ err: error, organizationId }, 'could not record the usage of AI help'));
}
