/**
 * One claimed bot turn, from the visitor's waiting messages to the stored reply: load the context, check the
 * ask-for-a-person and "that didn't help" rules, find knowledge-base passages, run the model/tool loop
 * ({@link runModelLoop}) while streaming its text to both sides, and store the reply, its usage and tool calls in the
 * transaction that releases the claim. A reply may carry a handoff (the visitor's words, the model's tool, too many
 * replies without a source, the provider failing): it is stored with the reply, in the same transaction.
 * The runner schedules turns, renews their claims and cancels them; this module does one.
 * @module
 */
import type { ActionRunner } from '../actions/run-action.js';
import type { ModelImageReader } from '../attachments/model-images.js';
import { randomUUID } from 'node:crypto';
import { botReplies, contacts, conversations, toolCalls, widgets, type Database, type Transaction } from '@parley/db';
import { widgetSettingsSchema, type Message, type VisitorServerEvents } from '@parley/protocol';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config, ModelPrices } from '../config.js';
import { appendMessage } from '../conversations/append-message.js';
import { announceConversation } from '../conversations/broadcast.js';
import type { EffectHandler } from '../conversations/effects.js';
import type { HandoffTrigger } from '../conversations/machine.js';
import { toMessage } from '../conversations/mappers.js';
import { appendSystemMessages } from '../conversations/system-messages.js';
import { visitorLocale } from '../conversations/visitor-locale.js';
import { insertAuditEvents, listMessages, planTransition } from '../conversations/service.js';
import { relevantSources, UPFRONT_PASSAGES } from '../knowledge/relevant-source.js';
import type { KnowledgeScope } from '../knowledge/scope.js';
import { searchKnowledge } from '../knowledge/search.js';
import type { SemanticIndex } from '../knowledge/semantic-index.js';
import { contactRoom, organizationRoom, type Realtime } from '../plugins/io.js';
import { conversationBot } from '../profiles/conversation-bot.js';
import { DEFAULT_BOT_MODEL, type HandoffRules } from '../widgets/bot-config.js';
import { dailyUsageUpsert } from './daily-usage.js';
import { asksForHuman, describeFailure, notHelpfulCount, repliesWithoutSource, saysNotHelpful } from './handoff-rule.js';
import { emptyUsage, type ChatMessage, type ChatModel, type ModelProvider, type Usage } from './model.js';
import { actionPhrases } from './action-phrases.js';
import { offlinePhrases } from './offline-phrases.js';
import { emptyProgress, runModelLoop, type PausedCall, type ToolCall } from './model-loop.js';
import { OFFLINE_MODEL } from './offline-model.js';
import { costOf } from './prices.js';
import {
  announcePendingActions,
  closeUnrunCall,
  insertPendingAction,
  settleAtTurnStart,
  withdrawActions,
  type PendingActionRow,
} from './pending-actions.js';
import { buildHistory, buildSystemPrompt, withImages, withKnowledge, withNote, withResumedCall } from './prompt.js';
import { botReplyNeedsNoTransition, storePlainReply } from './store-reply.js';
import { httpActionTools } from './tools/http-actions.js';
import { mcpServerTools } from './tools/mcp-tools.js';
import { parseInput, runTool, type BotTool, type ToolContext } from './tools/registry.js';
import {
  forgetCallsInFlight,
  lockOwnedConversation,
  noteCallInFlight,
  ownedByCondition,
  releaseClaim,
  releasedClaim,
} from './turn-claim.js';
import { chooseByModel, chooseByWords, triageCandidates } from './triage.js';
import { formatKnowledgeBlock, TurnSources } from './turn-sources.js';
import type { ConfiguredMcp } from '../actions/configured-mcp.js';
import { withProfilePolicy } from './tools/pause.js';

/** How much history is loaded before trimming to the token budget. */
const HISTORY_MESSAGES = 100;
/** Passages one search_knowledge_base call returns. */
const TOOL_PASSAGES = 5;

/** What `tool_calls` says of a call a crash stopped: nobody knows whether it ran. */
const OUTCOME_UNKNOWN = 'Outcome unknown: the server stopped while this call was running.';

/** The longest summary of a paused call shown to the visitor and agents. */
const SUMMARY_MAX = 500;

/** Events that both the visitor and the agent namespaces carry with the same payload. */
type SharedEvent = 'message:created' | 'bot:reply-start' | 'bot:reply-delta' | 'bot:reply-end';

/** What every turn of a runner shares. */
export interface TurnDependencies {
  db: Database;
  realtime: Realtime;
  log: FastifyBaseLogger;
  config: Config;
  model: ChatModel;
  mode: ModelProvider;
  tools: readonly BotTool[];
  prices: ModelPrices;
  semantic: SemanticIndex | null;
  /** Hands the effects of a handoff the turn committed to the other domains (routing's `route`). */
  perform: EffectHandler;
  /** Reads the images the visitor sent, for the model to see; none without it. */
  images?: ModelImageReader | undefined;
  /** Runs the organization's HTTP actions, offered to the model next to `tools`; none without it. */
  actions?: ActionRunner | undefined;
  /** The MCP servers of the server's configuration file, whose tools are offered with the admins' servers'. */
  configuredMcp?: ConfiguredMcp | undefined;
}

/** A claimed turn: its id, the conversation as claimed, and what cancels it (the runner's heartbeat, a takeover). */
export interface ClaimedTurn {
  turnId: string;
  conversation: typeof conversations.$inferSelect;
  controller: AbortController;
}

/** A handoff a turn stores with its reply: what set it off and why, both kept in the audit row. */
interface Handoff {
  trigger: HandoffTrigger;
  reason: string;
}

/** What a finished turn stores. */
interface Reply {
  text: string;
  /** Asked for before the reply is stored; the no-source rule may add one when storing it. */
  handoff: Handoff | null;
  usage: Usage;
  modelId: string;
  ttft: number | null;
  stopReason: string | null;
  rounds: number;
}

/** The cost of `usage` in USD; a model without a price costs 0, with a warning. */
function priceOf(deps: TurnDependencies, modelId: string, usage: Usage): number {
  const cost = costOf(deps.prices, modelId, usage);
  if (cost === null) deps.log.warn({ model: modelId }, 'no price for this model; its cost is reported as 0 (set PARLEY_MODEL_PRICES)');
  return cost ?? 0;
}

/** "once", "twice", "3 times": for the reasons of the rules. */
function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

/** The model returned nothing to show: a failure of the provider like any other. */
class EmptyReplyError extends Error {
  override readonly name = 'EmptyReplyError';
}

/** Emits a bot event to the visitor's sockets and to the organization's agents alike. */
function emitToBoth(realtime: Realtime, organizationId: string, contactId: string) {
  const visitors = realtime.visitors.to(contactRoom(contactId));
  const agents = realtime.agents.to(organizationRoom(organizationId));
  return function emitBotEvent<E extends SharedEvent>(event: E, ...payload: Parameters<VisitorServerEvents[E]>) {
    // Both namespaces declare these events with the same payloads; the union of two emit signatures needs a cast.
    (visitors.emit as (event: string, ...args: unknown[]) => boolean)(event, ...payload);
    (agents.emit as (event: string, ...args: unknown[]) => boolean)(event, ...payload);
  };
}

/**
 * Runs one claimed turn to its end: a stored reply (or handoff), a stored apology when the model failed, or nothing
 * when the turn was cancelled (the claim released). Its tokens and tool calls are recorded in every case.
 */
export async function runClaimedTurn(deps: TurnDependencies, turn: ClaimedTurn): Promise<void> {
  const { db, log, config, mode } = deps;
  const { turnId, conversation: claimed, controller } = turn;
  const cancelled = controller.signal;
  const conversationId = claimed.id;
  const emit = emitToBoth(deps.realtime, claimed.organizationId, claimed.contactId);
  const startedAt = performance.now();
  const messageId = randomUUID();
  let streamStarted = false;
  let streamEnded = false;
  let botDisplayName: string | null = null;
  // The bot's fixed replies (handing off, an apology) in the visitor's language, once it is known; English before.
  let fixedReplies = offlinePhrases();
  // The widget's handoff rules and the conversation so far, read as the turn starts: storing a reply needs them.
  let rules: HandoffRules | null = null;
  let history: Message[] = [];
  // The knowledge-base passages this turn showed the model, numbered for citations.
  const sources = new TurnSources();
  // What the model rounds of this turn cost so far: recorded even when the turn fails or is cancelled.
  const progress = emptyProgress();
  let modelId: string | null = null;
  // The tools offered to the model this turn.
  let tools: readonly BotTool[] = [];
  // A decided call this turn claimed, until it has run (or been refused to the model): closed if the turn ends first.
  let claimedCall: PendingActionRow | null = null;
  // Whether this turn noted external calls in flight (`botCallsInFlight`), which ending without a reply forgets.
  let notedCalls = false;
  // The bot profile that answers (null: the widget's own settings), recorded with the reply, and the documents it
  // answers from (null: all), for every search of the turn.
  let profile: { id: string; name: string } | null = null;
  let knowledgeScope: KnowledgeScope | null = null;

  try {
    // The widget and the visitor's language (their contact's), in one read.
    const [row] = await db
      .select({ widget: widgets, visitorLanguage: contacts.language })
      .from(widgets)
      .leftJoin(contacts, eq(contacts.id, claimed.contactId))
      .where(eq(widgets.id, claimed.widgetId));
    const widget = row!.widget;
    const widgetSettings = widgetSettingsSchema.parse(widget.settings);
    // The language of the visitor's sentences (the offline answerer's, the questions about actions), and theirs as
    // known, for the model's hint.
    const visitorLanguage = row!.visitorLanguage ?? null;
    const locale = visitorLocale(visitorLanguage, widgetSettings.locale);
    fixedReplies = offlinePhrases(locale);
    // Up to the claim only: later messages are the next turn's to answer.
    history = (
      await listMessages(db, conversationId, { afterSeq: Math.max(0, claimed.lastSeq - HISTORY_MESSAGES), limit: HISTORY_MESSAGES })
    ).messages.filter((message) => message.seq <= claimed.lastSeq);
    const pending = history.filter((message) => message.author.kind === 'visitor' && message.seq > claimed.botAnsweredSeq);
    // The team's profile, the one triage chose, the widget's, or the widget's own settings.
    let bot = await conversationBot(db, widget, claimed);
    rules = bot.config.handoff;
    botDisplayName = bot.botName ?? widgetSettings.botName;
    // A crash stopped the turn before this one while it had external calls out: whether they ran is unknown. They are
    // logged as such; a call that may not be repeated (anything but an HTTP GET) hands the conversation to a person,
    // who checks, rather than let the bot make it again. Checked before anything else.
    const interrupted = (claimed.botCallsInFlight ?? []).filter((entry) => entry.turnId !== turnId);
    for (const entry of interrupted) {
      progress.toolLog.push({
        toolUseId: `interrupted:${entry.turnId}`,
        tool: entry.tool,
        input: entry.input,
        output: null,
        error: OUTCOME_UNKNOWN,
        success: false,
        policy: entry.policy,
        pendingActionId: entry.pendingActionId,
        durationMs: 0,
      });
    }
    const unrepeatable = [...new Set(interrupted.filter((entry) => !entry.idempotent).map((entry) => entry.tool))];
    if (unrepeatable.length > 0) {
      await finish({
        text: fixedReplies.interrupted,
        handoff: {
          trigger: 'action_interrupted',
          reason: `The server stopped while ${unrepeatable.join(', ')} was running; whether it ran is unknown.`,
        },
        usage: emptyUsage(),
        modelId: OFFLINE_MODEL,
        ttft: null,
        stopReason: 'action_interrupted',
        rounds: 0,
      });
      return;
    }
    // Only calls that may be made again: logged with this turn's reply, and this turn's own calls noted from scratch.
    if (interrupted.length > 0) await forgetCallsInFlight(db, conversationId, interrupted[0]!.turnId);
    // The rules on the visitor's words always work, whatever the model does: checked before any model call. Asking
    // for a human goes first; then "that didn't help", once the visitor has said it often enough. A handoff withdraws
    // the calls waiting for a decision (in its transaction).
    const ruleHandoff = wordsHandoff(bot.config.handoff, [locale, widgetSettings.locale], pending);
    if (ruleHandoff) {
      await finish({
        text: fixedReplies.handingOff,
        handoff: ruleHandoff,
        usage: emptyUsage(),
        modelId: OFFLINE_MODEL,
        ttft: null,
        stopReason: 'handoff_rule',
        rounds: 0,
      });
      return;
    }

    // The first triage step, on the conversation's first turn: one of the widget's triage profiles may take it, for good.
    if (
      bot.chosenBy !== 'team' &&
      claimed.botProfileId === null &&
      claimed.botAnsweredSeq === 0 &&
      bot.config.triageProfileIds.length > 0
    ) {
      const chosen = await triageTurn(bot.config.model, bot.config.triageProfileIds, pending);
      if (chosen) bot = await conversationBot(db, widget, { teamId: claimed.teamId, botProfileId: chosen });
    }
    // A profile's bot name is the one visitors see.
    const settings = bot.botName ? { ...widgetSettings, botName: bot.botName } : widgetSettings;
    const botConfig = bot.config;
    profile = bot.profile;
    knowledgeScope = bot.knowledgeScope;
    rules = botConfig.handoff;
    const author = { kind: 'bot' as const, id: null, name: settings.botName };
    botDisplayName = settings.botName;

    // Calls waiting for a decision: the visitor's first message after a question may answer it; a decided call is
    // claimed here, by this turn alone, and resumed below (or closed, if the turn ends first).
    const heldCalls = await db.transaction(async (tx) =>
      (await lockOwnedConversation(tx, conversationId, turnId)) ? settleAtTurnStart(tx, conversationId, pending) : null,
    );
    if (!heldCalls) {
      controller.abort(new Error('The conversation was taken over.'));
      throw cancelled.reason;
    }
    announceActions(heldCalls.changed);
    claimedCall = heldCalls.resume;

    const chosenModel = mode === 'offline' ? OFFLINE_MODEL : (botConfig.model ?? config.botModel ?? DEFAULT_BOT_MODEL);
    modelId = chosenModel;
    // A search that fails costs the turn its passages, not its answer: the model is told nothing matched.
    const found = await searchKnowledge(db, {
      organizationId: claimed.organizationId,
      query: pending.map((message) => message.body).join('\n'),
      limit: UPFRONT_PASSAGES,
      semantic: deps.semantic,
      scope: knowledgeScope,
    }).catch((error: unknown) => {
      log.warn({ err: error, conversationId }, 'knowledge-base search failed; answering without passages');
      return [];
    });
    // The "no relevant source" decision (shared with the offline answerer): none passes, none is given.
    const passages = sources.add(relevantSources(found));
    // The images of the messages it answers now (a failure to read them costs the turn its images, not its answer).
    const images =
      mode === 'offline' || !deps.images
        ? []
        : await deps.images(pending.flatMap((message) => message.attachments ?? [])).catch((error: unknown) => {
            log.warn({ err: error, conversationId }, 'could not read the visitor images; answering without them');
            return [];
          });
    let messages: ChatMessage[] = withImages(
      withKnowledge(buildHistory(history, claimed.botAnsweredSeq, botConfig.historyTokenBudget), formatKnowledgeBlock(passages)),
      images,
    );
    const visitorText = history
      .filter((message) => message.author.kind === 'visitor')
      .map((message) => message.body)
      .join('\n');
    // The built-in tools and the organization's actions; the offline answerer, which searches and hands off by its own
    // rules, calls only actions. Actions that can't be read cost the turn its actions, not its answer.
    tools = [
      ...(mode === 'offline' ? [] : deps.tools),
      ...(deps.actions
        ? await Promise.all([
            httpActionTools(db, claimed.organizationId, deps.actions),
            mcpServerTools(db, claimed.organizationId, deps.actions, deps.configuredMcp),
          ])
            // Only what the profile allows is offered; a call of anything else is refused as unknown.
            .then(([actions, mcp]) =>
              [...actions, ...mcp]
                .filter((tool) => bot.tools === null || bot.tools.includes(tool.name))
                // The profile's policies, where stricter than the tools' own.
                .map((tool) => withProfilePolicy(tool, bot.toolPolicies[tool.name])),
            )
            .catch((error: unknown) => {
              // A call this turn resumes needs its action: the turn fails (and closes the call) rather than
              // report the action gone.
              if (claimedCall) throw error;
              log.warn({ err: error, conversationId }, "could not load the organization's actions; answering without them");
              return [];
            })
        : []),
    ];
    if (heldCalls.resume) {
      const { resume } = heldCalls;
      const result = await resumeCall(resume, settings.defaultCountry, visitorText);
      messages = withResumedCall(messages, { id: resume.toolUseId, name: resume.tool, input: resume.input }, result);
    }
    const { waiting } = heldCalls;
    // What waits goes with the visitor's turn, not the system prompt: its summary is built from the model's input.
    if (waiting) messages = withNote(messages, waitingNote(waiting));
    const deadline = AbortSignal.timeout(config.anthropic.timeoutMs * (config.anthropic.maxRetries + 1));
    const signal = AbortSignal.any([cancelled, deadline]);
    let ttft: number | null = null;

    const result = await runModelLoop({
      model: deps.model,
      request: {
        model: chosenModel,
        system: buildSystemPrompt(botConfig, settings, visitorLanguage),
        messages,
        maxTokens: botConfig.maxTokens,
        knowledge: { greeting: settings.greeting, passages },
        locale,
      },
      tools,
      maxToolRounds: botConfig.maxToolRounds,
      signal,
      stallTimeoutMs: config.anthropic.timeoutMs,
      progress,
      onText(text) {
        if (!streamStarted) {
          streamStarted = true;
          ttft = Math.round(performance.now() - startedAt);
          emit('bot:reply-start', { conversationId, messageId, author, createdAt: new Date().toISOString() });
        }
        emit('bot:reply-delta', { conversationId, messageId, delta: text });
      },
      runToolCall: (call) => runToolCall(call, settings.defaultCountry, visitorText),
      pauseRefusal: () =>
        waiting
          ? `Another action (${waiting.tool}) is waiting for a decision; this one can't be asked for until it is decided. Tell the visitor.`
          : null,
    });
    if (result.paused) {
      await finishPaused(result.paused, result.text, {
        locale,
        modelId: chosenModel,
        ttft,
        stopReason: result.stopReason,
        rounds: result.rounds,
      });
      return;
    }
    const text = result.handoffReason !== null && !result.text.trim() ? fixedReplies.handingOff : result.text;
    if (!text.trim()) throw new EmptyReplyError(`The model returned no text (stop reason ${result.stopReason ?? 'none'}).`);
    await finish({
      text,
      handoff: result.handoffReason !== null ? { trigger: 'bot_tool', reason: result.handoffReason } : null,
      usage: progress.usage,
      modelId: chosenModel,
      ttft,
      stopReason: result.stopReason,
      rounds: result.rounds,
    });
  } catch (error) {
    if (cancelled.aborted) {
      log.info({ conversationId }, 'bot turn cancelled');
      await db.transaction(async (tx) => {
        await recordAbandoned(tx);
        await releaseClaim(tx, conversationId, turnId);
      });
      endStream('cancelled');
    } else {
      log.warn({ err: error, conversationId }, 'bot turn failed');
      endStream('failed');
      await storeFailure(error);
    }
  }

  /**
   * The handoff the visitor's waiting messages ask for, by the words rules, before any model call; or null. The words
   * count in English and in each of `locales`: the visitor's (the offline answerer's quick reply is in it) and the
   * widget's.
   */
  function wordsHandoff(handoffRules: HandoffRules, locales: readonly string[], pending: readonly Message[]): Handoff | null {
    if (pending.some((message) => asksForHuman(message.body, locales))) {
      return { trigger: 'visitor_words', reason: 'The visitor asked for a person.' };
    }
    const threshold = handoffRules.afterNotHelpful;
    if (threshold > 0 && pending.some((message) => saysNotHelpful(message.body, locales))) {
      const count = notHelpfulCount(history, claimed.botAnsweredSeq, locales);
      if (count >= threshold) return { trigger: 'not_helpful', reason: `The visitor said ${times(count)} that the answers didn't help.` };
    }
    return null;
  }

  /**
   * The no-source rule, for a reply about to be stored without citations: a handoff once it makes
   * `afterRepliesWithoutSource` bot replies in a row without one (see {@link repliesWithoutSource}); or null.
   */
  function noSourceHandoff(): Handoff | null {
    const threshold = rules?.afterRepliesWithoutSource ?? 0;
    if (threshold === 0) return null;
    const count = repliesWithoutSource(history) + 1;
    return count >= threshold
      ? { trigger: 'no_source_replies', reason: `${count} replies in a row without a knowledge-base source` }
      : null;
  }

  /**
   * Runs a tool call. A tool that writes acts only while this turn owns the conversation, checked under the row lock
   * in the tool's transaction. Read-only tools (search) change nothing, so they need no lock; and they may wait on the
   * network (embeddings), which must not happen inside a transaction (on PGlite's one connection it would stall all).
   * Reply tools (quick replies) store nothing either: what they return goes with the reply, stored under the lock.
   */
  /**
   * The triage step on the visitor's first messages: the model (offline, the words) chooses among the widget's triage
   * profiles, and the choice is kept on the conversation while this turn owns it. The model call's tokens are recorded
   * with it, under its model. A failure costs the triage, not the turn: the default bot answers.
   */
  async function triageTurn(model: string | undefined, profileIds: readonly string[], pending: readonly Message[]) {
    const message = pending.map((entry) => entry.body).join('\n');
    try {
      const candidates = await triageCandidates(db, claimed.organizationId, profileIds);
      if (candidates.length === 0) return null;
      const triageModel = model ?? config.botModel ?? DEFAULT_BOT_MODEL;
      const { profileId, usage } =
        mode === 'offline'
          ? { profileId: await chooseByWords(db, claimed.organizationId, candidates, message), usage: null }
          : await chooseByModel(
              deps.model,
              triageModel,
              candidates,
              message,
              AbortSignal.any([cancelled, AbortSignal.timeout(config.anthropic.timeoutMs)]),
            );
      return await db.transaction(async (tx) => {
        if (usage) await recordUsage(tx, triageModel, usage, 0);
        if (!profileId) return null;
        const kept = await tx
          .update(conversations)
          .set({ botProfileId: profileId })
          .where(and(eq(conversations.id, conversationId), eq(conversations.botTurnId, turnId), isNull(conversations.botProfileId)))
          .returning({ id: conversations.id });
        return kept.length > 0 ? profileId : null;
      });
    } catch (error) {
      if (cancelled.aborted) throw error;
      log.warn({ err: error, conversationId }, 'the triage step failed; the default bot answers');
      return null;
    }
  }

  async function runToolCall(call: ToolCall, defaultCountry: string | undefined, visitorText: string) {
    const context = (database: Database): ToolContext => ({
      db: database,
      conversationId,
      contactId: claimed.contactId,
      organizationId: claimed.organizationId,
      defaultCountry,
      visitorText,
      signal: cancelled,
      searchKnowledge: async (query) =>
        sources.add(
          await searchKnowledge(database, {
            organizationId: claimed.organizationId,
            query,
            limit: TOOL_PASSAGES,
            semantic: deps.semantic,
            scope: knowledgeScope,
          }),
        ),
    });
    const kind = tools.find((tool) => tool.name === call.name)?.kind;
    if (kind === 'read' || kind === 'reply') return runTool(tools, call.name, call.input, context(db));
    if (kind === 'external') {
      // Another system is called, over the network: not inside a transaction, but only while the turn still owns the
      // conversation (a person who took over decides from here), and noted first, so that a crash during the call
      // leaves word of it for the turn that resumes.
      const tool = tools.find((candidate) => candidate.name === call.name)!;
      const noted = await noteCallInFlight(db, conversationId, {
        turnId,
        tool: call.name,
        input: call.input ?? null,
        idempotent: tool.idempotent === true,
        policy: tool.policy ?? null,
        pendingActionId: claimedCall?.toolUseId === call.id ? claimedCall.id : null,
        startedAt: new Date().toISOString(),
      });
      if (!noted) {
        controller.abort(new Error('The conversation was taken over.'));
        throw cancelled.reason;
      }
      notedCalls = true;
      return runTool(tools, call.name, call.input, context(db));
    }
    return db.transaction(async (tx) => {
      if (!(await lockOwnedConversation(tx, conversationId, turnId))) {
        controller.abort(new Error('The conversation was taken over.'));
        throw cancelled.reason;
      }
      return runTool(tools, call.name, call.input, context(tx as unknown as Database));
    });
  }

  /**
   * Resumes a decided call: runs it (confirmed, approved) as the model asked for it then, or says why it didn't run.
   * Either way it goes in `tool_calls` with its policy and the pending action that holds its decision.
   */
  async function resumeCall(row: PendingActionRow, defaultCountry: string | undefined, visitorText: string) {
    const callStartedAt = performance.now();
    const call = { id: row.toolUseId, name: row.tool, input: row.input };
    let result: { content: string; isError: boolean };
    let output: unknown = null;
    if (row.status === 'confirmed' || row.status === 'approved') {
      // Run only under the policy it was decided under: an action since removed, renamed or made stricter (confirm →
      // approve) is not run on an older, weaker decision.
      const tool = tools.find((candidate) => candidate.name === row.tool);
      const outcome =
        tool?.pause?.policy === row.policy
          ? await runToolCall(call, defaultCountry, visitorText)
          : ({
              ok: false,
              error: `The action ${row.tool} changed or was removed since it was asked for, so it was not run. Tell the visitor.`,
            } as const);
      if (outcome.ok) output = outcome.output;
      result = outcome.ok ? { content: JSON.stringify(outcome.output), isError: false } : { content: outcome.error, isError: true };
    } else {
      result = { content: refusalOf(row), isError: true };
    }
    progress.toolLog.push({
      toolUseId: row.toolUseId,
      tool: row.tool,
      input: row.input ?? null,
      output,
      error: result.isError ? result.content : null,
      success: !result.isError,
      policy: row.policy,
      pendingActionId: row.id,
      durationMs: Math.round(performance.now() - callStartedAt),
    });
    // Logged with the turn's other calls from here: nothing is left to close.
    claimedCall = null;
    return result;
  }

  /**
   * Ends the turn on a call that waits for a decision: the bot's message says what will happen (with Confirm and
   * Cancel for the visitor, or the wait for a colleague's approval), stored with the pending call in one transaction.
   */
  async function finishPaused(
    paused: PausedCall,
    text: string,
    reply: { locale: string; modelId: string; ttft: number | null; stopReason: string | null; rounds: number },
  ) {
    const { pause } = paused.tool;
    const parsed = parseInput(paused.tool, paused.input);
    const summary = truncate(pause.summary(parsed.ok ? parsed.data : paused.input), SUMMARY_MAX);
    const phrases = actionPhrases(reply.locale);
    const ask = pause.policy === 'confirm' ? phrases.askToConfirm(summary) : phrases.awaitingApproval(summary);
    // The stored body is what was streamed and then the question, as one more delta.
    const delta = streamStarted ? `${text.trim() ? '\n\n' : ''}${ask}` : ask;
    if (!streamStarted) {
      streamStarted = true;
      emit('bot:reply-start', {
        conversationId,
        messageId,
        author: { kind: 'bot', id: null, name: botDisplayName ?? '' },
        createdAt: new Date().toISOString(),
      });
    }
    emit('bot:reply-delta', { conversationId, messageId, delta });
    const body = text + delta;
    const actionId = randomUUID();
    const latencyMs = Math.round(performance.now() - startedAt);
    const citations = sources.citations(body, progress.citations);
    let stored: PendingActionRow | null = null;
    await storeWithTransition({
      message: {
        id: messageId,
        clientId: `bot-${turnId}`,
        body,
        metadata: {
          model: reply.modelId,
          authorName: botDisplayName,
          ...(citations.length > 0 ? { citations } : {}),
          action: { id: actionId, policy: pause.policy, summary },
          // Confirm or Cancel for the visitor to decide; for an approval, Cancel withdraws the request.
          quickReplies: pause.policy === 'confirm' ? [phrases.confirm, phrases.cancel] : [phrases.cancel],
        },
      },
      handoff: null,
      async record(tx, organizationId) {
        await recordReply(tx, organizationId, { ...reply, usage: progress.usage }, latencyMs, sources.shown(body, progress.citations));
        stored = await insertPendingAction(tx, {
          id: actionId,
          organizationId,
          conversationId,
          messageId,
          turnId,
          toolUseId: paused.id,
          tool: paused.name,
          input: paused.input ?? null,
          policy: pause.policy,
          summary,
          confirmLabel: pause.policy === 'confirm' ? phrases.confirm : null,
          cancelLabel: phrases.cancel,
          teamId: pause.policy === 'approve' ? pause.teamId : null,
          timeoutSeconds: pause.timeoutSeconds,
        });
      },
    });
    if (stored) announceActions([stored]);
  }

  /** Tells the organization's agents that calls started waiting, were decided or closed. */
  function announceActions(rows: readonly PendingActionRow[]) {
    announcePendingActions(deps.realtime, rows);
  }

  /** Ends the streamed reply, if one started: once, whatever ends it first. */
  function endStream(status: 'complete' | 'cancelled' | 'failed') {
    if (!streamStarted || streamEnded) return;
    streamEnded = true;
    emit('bot:reply-end', { conversationId, messageId, status });
  }

  /**
   * A turn that stores no reply still leaves its tool calls and its token usage on record, and closes a decided call it
   * claimed but did not get to run.
   */
  async function recordAbandoned(tx: Transaction) {
    if (notedCalls) await forgetCallsInFlight(tx, conversationId, turnId);
    await insertToolLog(tx, null);
    if (claimedCall) {
      const closed = await closeUnrunCall(tx, claimedCall, 'Not run: the turn that resumed it ended first');
      claimedCall = null;
      // Announced after the transaction's commit, as the turn's other events are.
      setImmediate(() => announceActions([closed]));
    }
    const { usage } = progress;
    if (modelId && usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens > 0) {
      await recordUsage(tx, modelId, usage, 0);
    }
  }

  async function recordUsage(tx: Transaction, model: string, usage: Usage, replies: number) {
    const costUsd = priceOf(deps, model, usage);
    await tx.execute(dailyUsageUpsert({ organizationId: sql`${claimed.organizationId}`, model, usage, costUsd, replies }));
  }

  async function insertToolLog(tx: Transaction, storedMessageId: string | null) {
    if (progress.toolLog.length === 0) return;
    await tx.insert(toolCalls).values(progress.toolLog.map((entry) => ({ ...entry, conversationId, messageId: storedMessageId, turnId })));
  }

  /**
   * Stores the reply and releases the claim, only if this turn still owns the conversation: a human who took over in
   * the meantime cleared the claim, and then nothing is stored. A reply without a source may make the no-source rule
   * hand off. A plain reply is one statement; one with tool calls or a handoff is a transaction under the row lock
   * ({@link storeWithTransition}).
   */
  async function finish(reply: Reply) {
    const citations = sources.citations(reply.text, progress.citations);
    const shown = sources.shown(reply.text, progress.citations);
    const latencyMs = Math.round(performance.now() - startedAt);
    // A reply drawn from an action's result has a source: the action's.
    const sourced = citations.length > 0 || progress.toolLog.some((entry) => entry.success);
    const handoff = reply.handoff ?? (sourced ? null : noSourceHandoff());
    // Quick replies answer a reply the bot goes on with: a reply stored with a handoff leaves the bot, so it has none
    // (the rules' reply never gets any: the loop did not run).
    const quickReplies = handoff ? null : progress.quickReplies;
    const metadata = {
      model: reply.modelId,
      authorName: botDisplayName,
      ...(citations.length > 0 ? { citations } : {}),
      ...(quickReplies && quickReplies.length > 0 ? { quickReplies } : {}),
    };
    if (!handoff && progress.toolLog.length === 0 && botReplyNeedsNoTransition) {
      const row = await storePlainReply(db, {
        owned: ownedByCondition(conversationId, turnId),
        turnId,
        messageId,
        answeredSeq: claimed.lastSeq,
        body: reply.text,
        metadata,
        model: reply.modelId,
        usage: reply.usage,
        timeToFirstTokenMs: reply.ttft,
        latencyMs,
        stopReason: reply.stopReason,
        rounds: reply.rounds,
        sources: shown,
        profile,
        costUsd: priceOf(deps, reply.modelId, reply.usage),
      });
      if (!row) {
        await db.transaction((tx) => recordAbandoned(tx));
        endStream('cancelled');
        return;
      }
      emit('message:created', toMessage(row, botDisplayName));
      endStream('complete');
      return;
    }
    await storeWithTransition({
      message: { id: messageId, clientId: `bot-${turnId}`, body: reply.text, metadata },
      handoff,
      record: (tx, organizationId) => recordReply(tx, organizationId, reply, latencyMs, shown),
    });
  }

  /** A stored reply's bookkeeping: its tool calls, how it was produced (`bot_replies`) and its usage. */
  async function recordReply(
    tx: Transaction,
    organizationId: string,
    reply: Pick<Reply, 'modelId' | 'usage' | 'ttft' | 'stopReason' | 'rounds'>,
    latencyMs: number,
    shown: ReturnType<TurnSources['shown']>,
  ) {
    await insertToolLog(tx, messageId);
    await tx.insert(botReplies).values({
      messageId,
      conversationId,
      organizationId,
      model: reply.modelId,
      ...reply.usage,
      timeToFirstTokenMs: reply.ttft,
      latencyMs,
      stopReason: reply.stopReason,
      rounds: reply.rounds,
      sources: shown,
      profileId: profile?.id ?? null,
      profileName: profile?.name ?? null,
    });
    await recordUsage(tx, reply.modelId, reply.usage, 1);
  }

  /**
   * The one way a bot message is stored with a transition: under the row lock, only while this turn owns the
   * conversation, the message (releasing the claim), `bot.replied` and the optional handoff's patch and audit rows
   * (its trigger and reason), then the handoff's system lines after the message, as the visitor reads them ("A person
   * from our team was asked to join", the queue position), and `record`'s bookkeeping. A turn that lost the
   * conversation stores nothing but its usage. After the commit the message and the lines go out, and the handoff is
   * announced.
   */
  async function storeWithTransition(write: {
    message: { id?: string; clientId: string; body: string; metadata: Record<string, unknown> };
    handoff: Handoff | null;
    record: (tx: Transaction, organizationId: string) => Promise<void>;
  }) {
    const stored = await db.transaction(async (tx) => {
      const conversation = await lockOwnedConversation(tx, conversationId, turnId);
      if (!conversation) {
        await recordAbandoned(tx);
        return null;
      }
      const actor = { kind: 'bot' as const, id: null };
      const plan = planTransition(conversation, { type: 'bot.replied' }, actor);
      const handoff = write.handoff
        ? planTransition(conversation, { type: 'handoff.requested', trigger: write.handoff.trigger, reason: write.handoff.reason }, actor)
        : null;
      const appended = await appendMessage(tx, {
        conversation: ownedByCondition(conversationId, turnId),
        patch: { ...plan.patch, ...handoff?.patch, ...releasedClaim(claimed.lastSeq) },
        message: { ...write.message, authorKind: 'bot', authorId: null },
      });
      await insertAuditEvents(tx, conversationId, [...plan.events, ...(handoff?.events ?? [])]);
      // After the reply, as the visitor reads it: the handoff's "A person was asked to join", the queue position.
      const systemMessages = await appendSystemMessages(tx, appended!.conversation, [...plan.messages, ...(handoff?.messages ?? [])]);
      await write.record(tx, conversation.organizationId);
      // A handoff takes the conversation from the bot: what it waited for is withdrawn with it.
      const withdrawn = handoff ? await withdrawActions(tx, conversationId) : [];
      const [current] = systemMessages.length > 0 ? await tx.select().from(conversations).where(eq(conversations.id, conversationId)) : [];
      return {
        message: appended!.message,
        conversation: current ?? appended!.conversation,
        systemMessages,
        changed: handoff !== null,
        // This turn is the one the handoff cancels, and it is over: what is left is routing's nudge.
        effects: (handoff?.effects ?? []).filter((effect) => effect.type !== 'cancel-bot-turn'),
        withdrawn,
      };
    });
    if (!stored) {
      endStream('cancelled');
      return;
    }
    emit('message:created', toMessage(stored.message, botDisplayName));
    endStream('complete');
    for (const systemMessage of stored.systemMessages) emit('message:created', systemMessage);
    announceActions(stored.withdrawn);
    if (stored.changed) {
      // Stored and announced as complete already: a failure to announce the handoff must not look like a failed turn.
      await announceConversation(deps.realtime, db, stored.conversation).catch((error: unknown) =>
        log.warn({ err: error, conversationId }, 'could not announce the handoff'),
      );
      deps.perform(stored.conversation, stored.effects);
    }
  }

  /**
   * Stores the apology, releasing the claim. With the widget's `onProviderFailure` rule on, the apology says a person
   * was asked and the conversation is handed off with it (trigger `provider_failed`, the reason naming the error's
   * class and HTTP status, never its message); with the rule off it offers a person, as the visitor may ask for one.
   * If even storing fails, just releases the claim.
   */
  async function storeFailure(error: unknown) {
    const handoff: Handoff | null = rules?.onProviderFailure
      ? { trigger: 'provider_failed', reason: `The model provider failed (${describeFailure(error)}).` }
      : null;
    try {
      await storeWithTransition({
        message: {
          clientId: `bot-failed-${turnId}`,
          body: handoff ? fixedReplies.failedHandingOff : fixedReplies.failed,
          metadata: { failed: true, authorName: botDisplayName },
        },
        handoff,
        record: (tx) => recordAbandoned(tx),
      });
    } catch (storeError) {
      log.error({ err: storeError, conversationId }, 'could not store the bot failure message');
      await db
        .transaction(async (tx) => {
          await recordAbandoned(tx);
          await releaseClaim(tx, conversationId, turnId);
        })
        .catch((releaseError: unknown) =>
          log.error(
            { err: releaseError, conversationId },
            "could not release the bot turn's claim; it will be taken over when its lease runs out",
          ),
        );
    }
  }
}

/** What the model is told while a call waits for its decision (a note on the visitor's turn). */
function waitingNote(waiting: PendingActionRow): string {
  const who = waiting.policy === 'approve' ? "a colleague's approval" : "the visitor's Confirm or Cancel";
  return `(Note from Parley, not the visitor: the action ${waiting.tool} you asked for waits for ${who}: ${waiting.summary}. Don't promise an outcome and don't ask for it again; when it is decided, you'll get its result.)`;
}

/** Why a decided call did not run, as the model is told. */
function refusalOf(row: PendingActionRow): string {
  const note = row.note ? ` Their note: ${row.note}` : '';
  switch (row.status) {
    case 'cancelled':
      return "The visitor chose Cancel: the action was not run. Don't run it unless they ask for it again.";
    case 'rejected':
      return `${row.decidedByName ?? 'A colleague'} from the team did not approve the action, so it was not run.${note} Tell the visitor.`;
    case 'expired':
      return 'Nobody from the team decided in time, so the action was not run. Tell the visitor, and offer to connect them with a person.';
    default:
      return `The action was not run (${row.status}).`;
  }
}

/** At most `max` characters (code points), with an ellipsis when cut. */
function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
