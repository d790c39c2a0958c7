/**
 * Runs bot turns: schedules one per conversation that waits for the bot, claims it in the database (at most one turn
 * per conversation across every process, see `turn-claim.ts`), renews the claim while the turn runs and cancels the
 * turn when the claim is taken away, and resumes turns stranded by a crashed process. What a turn does is `turn.ts`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '@parley/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { ConversationRef, EffectHandler } from '../conversations/effects.js';
import type { Effect } from '../conversations/machine.js';
import type { SemanticIndex } from '../knowledge/semantic-index.js';
import type { Realtime } from '../plugins/io.js';
import { createAnthropicModel } from './anthropic-model.js';
import { TYPING_EXPIRY_MS } from '@parley/protocol';
import type { ReplyTiming } from '../widgets/bot-config.js';
import type { ChatModel, ModelProvider } from './model.js';
import { createOpenAICompatibleModel } from './openai-compatible-model.js';
import { createOfflineModel } from './offline-model.js';
import { defaultModelPrices } from './prices.js';
import { collectContact } from './tools/collect-contact.js';
import { handoffToHuman } from './tools/handoff-to-human.js';
import { offerQuickReplies } from './tools/offer-quick-replies.js';
import type { BotTool } from './tools/registry.js';
import { searchKnowledgeBase } from './tools/search-knowledge-base.js';
import type { ActionRunner } from '../actions/run-action.js';
import type { ModelImageReader } from '../attachments/model-images.js';
import { runClaimedTurn, type TurnDependencies } from './turn.js';
import { announcePendingActions, expireDueActions, withdrawActions, type PendingActionRow } from './pending-actions.js';
import { claimTurn, findStrandedTurns, HEARTBEAT_MS, releaseAllClaims, renewClaim, replyTimingOf } from './turn-claim.js';
import type { ConfiguredMcp } from '../actions/configured-mcp.js';

/** Runs bot turns; decorated on the app as `app.bot`. */
export interface BotRunner {
  /** Who answers: Claude, an OpenAI-compatible endpoint, or the offline answerer. */
  readonly mode: ModelProvider;
  /** The model that answers (Claude, or the offline answerer); AI help for agents uses it too. */
  readonly model: ChatModel;
  /**
   * Starts a turn for the conversation once the visitor pauses (the widget's turn-taking), unless one is running (the
   * running one answers new messages afterwards). A call while it waits restarts the pause: the new message is answered
   * with the others.
   */
  schedule(conversationId: string): void;
  /** The visitor started or stopped typing: a turn waiting for their pause waits while they type (bounded). */
  visitorTyping(conversationId: string, typing: boolean): void;
  /** Aborts this process's running turn of the conversation, if any. The database claim was already cleared. */
  cancel(conversationId: string): void;
  /** Carries out the bot's effects of a committed transition (start or cancel a turn); ignores the others. */
  perform(conversation: ConversationRef, effects: readonly Effect[]): void;
  /**
   * A call waiting for a decision was decided (or changed otherwise): tells the organization's agents, and schedules the
   * turn that resumes it.
   */
  actionDecided(row: PendingActionRow): void;
  /** Resolves when no turn runs or waits for a pause in this process (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * For shutdown: drops the turns still waiting for a visitor's pause instead of starting them (the stranded-turn
   * sweep of a process that stays, or this one's restart, answers those visitors).
   */
  dropWaiting(): void;
  /**
   * Schedules turns for `bot` conversations whose visitor waits for an answer but no live turn owns them (their process
   * crashed, or a message arrived just as a turn ended), and for calls whose decision timed out (after deciding them
   * `expired`). Returns how many were scheduled.
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

/** A conversation whose visitor may still be writing: its turn starts at their first pause, or at the deadline. */
interface WaitingTurn {
  /** The first message's arrival: the wait never lasts longer than `maxWaitMs` from here. */
  since: number;
  /** The latest message's arrival (or the typing's end). */
  lastActivity: number;
  /** While the visitor types, their pause can't start before this (a `typing: true` holds for TYPING_EXPIRY_MS). */
  typingUntil: number;
  /** Read from the widget; null until then. */
  timing: ReplyTiming | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** Ends the wait: the turn is tried now, unless `dropped`. */
  release: () => void;
  dropped: boolean;
}

/** The tools every bot gets in this release. */
export const builtInTools: readonly BotTool[] = [
  handoffToHuman,
  collectContact,
  searchKnowledgeBase,
  offerQuickReplies,
] as readonly BotTool[];

/**
 * Creates the runner: Claude when an Anthropic API key is configured, an OpenAI-compatible endpoint when its base URL
 * is, the offline answerer otherwise (configuration refuses both at once).
 */
export function createBotRunner(deps: {
  db: Database;
  realtime: Realtime;
  log: FastifyBaseLogger;
  config: Config;
  /** Replaces the model (benchmarks); defaults from configuration. */
  model?: ChatModel;
  /** Semantic search next to the lexical one, when embeddings are configured. */
  semantic?: SemanticIndex | null;
  /** Where the effects of a handoff a turn commits go (the app's `conversationEffects.perform`). */
  perform?: EffectHandler;
  /** Reads the visitor's images for the model (the attachments domain's). */
  images?: ModelImageReader;
  /** Runs the organization's HTTP actions (the actions domain's). */
  actions?: ActionRunner;
  /** The MCP servers of the server's configuration file (the actions domain's). */
  configuredMcp?: ConfiguredMcp;
}): BotRunner {
  const { db, realtime, log, config } = deps;
  const semantic = deps.semantic ?? null;
  const { mode, model } = deps.model ? { mode: 'anthropic' as const, model: deps.model } : configuredModel(config);
  const turnDependencies: TurnDependencies = {
    db,
    realtime,
    log,
    config,
    model,
    mode,
    tools: builtInTools,
    prices: { ...defaultModelPrices, ...config.modelPrices },
    semantic,
    perform: (conversation, effects) => deps.perform?.(conversation, effects),
    images: deps.images,
    actions: deps.actions,
    configuredMcp: deps.configuredMcp,
  };
  const running = new Map<string, RunningTurn>();
  const waiting = new Map<string, WaitingTurn>();
  const inFlight = new Set<Promise<void>>();

  function schedule(conversationId: string) {
    const now = Date.now();
    const wait = waiting.get(conversationId);
    if (wait) {
      wait.lastActivity = now;
      wait.typingUntil = 0;
      arm(conversationId, wait);
      return;
    }
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const created: WaitingTurn = { since: now, lastActivity: now, typingUntil: 0, timing: null, timer: null, release, dropped: false };
    waiting.set(conversationId, created);
    const turn = released
      .then(() => (created.dropped ? undefined : runTurn(conversationId)))
      .catch((error: unknown) => log.error({ err: error, conversationId }, 'bot turn crashed'));
    inFlight.add(turn);
    void turn.finally(() => inFlight.delete(turn));
    // A visitor with nothing unanswered, or whose messages a live turn will answer, needs no turn from here.
    replyTimingOf(db, conversationId, config.botReplyTiming)
      .then((timing) => {
        if (timing === null) {
          end(conversationId, created);
          return;
        }
        created.timing = timing;
        arm(conversationId, created);
      })
      .catch((error: unknown) => {
        log.warn({ err: error, conversationId }, 'could not read the turn-taking; trying the turn at once');
        end(conversationId, created);
      });
  }

  /** (Re)sets the wait's timer to the visitor's pause, or ends the wait when it is due. */
  function arm(conversationId: string, wait: WaitingTurn) {
    if (!wait.timing) return;
    if (wait.timer) clearTimeout(wait.timer);
    const { pauseMs, maxWaitMs } = wait.timing;
    const dueAt = Math.min(wait.since + maxWaitMs, Math.max(wait.lastActivity + pauseMs, wait.typingUntil));
    const delay = dueAt - Date.now();
    if (delay <= 0) end(conversationId, wait);
    else wait.timer = setTimeout(() => arm(conversationId, wait), delay);
  }

  function end(conversationId: string, wait: WaitingTurn) {
    if (wait.timer) clearTimeout(wait.timer);
    if (waiting.get(conversationId) === wait) waiting.delete(conversationId);
    wait.release();
  }

  async function runTurn(conversationId: string): Promise<void> {
    const turnId = randomUUID();
    const claimed = await claimTurn(db, conversationId, turnId);
    if (!claimed) return;
    const controller = new AbortController();
    running.set(conversationId, { turnId, controller });
    // The heartbeat renews the claim and notices when it was taken away (a human took over, maybe through another
    // process): then the turn stops streaming at once instead of at its end.
    const heartbeat = setInterval(() => {
      renewClaim(db, conversationId, turnId)
        .then((owned) => {
          if (!owned) controller.abort(new Error('The conversation was taken over.'));
        })
        .catch((error: unknown) => log.warn({ err: error, conversationId }, 'bot turn heartbeat failed'));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await runClaimedTurn(turnDependencies, { turnId, conversation: claimed, controller });
    } finally {
      clearInterval(heartbeat);
      if (running.get(conversationId)?.turnId === turnId) running.delete(conversationId);
    }
    // Messages that arrived during the turn, or during one that failed or was cancelled, still deserve an answer.
    schedule(conversationId);
  }

  const announce = (rows: readonly PendingActionRow[]) => announcePendingActions(realtime, rows);

  const runner: BotRunner = {
    mode,
    model,
    schedule,
    actionDecided(row) {
      announce([row]);
      if (row.resumedAt === null) schedule(row.conversationId);
    },
    visitorTyping(conversationId, typing) {
      const wait = waiting.get(conversationId);
      if (!wait) return;
      const now = Date.now();
      if (typing) wait.typingUntil = now + TYPING_EXPIRY_MS;
      else {
        // The pause starts when the typing stops: clients stop it just before they send, and a visitor who deleted
        // their draft may be writing another.
        wait.typingUntil = 0;
        wait.lastActivity = now;
      }
      arm(conversationId, wait);
    },
    cancel(conversationId) {
      running.get(conversationId)?.controller.abort();
    },
    perform({ id: conversationId }, effects) {
      // Subscribed to every committed transition's effects; the bot's are starting and cancelling turns. The others
      // (an assignment) were written by the conversations domain in the transition's transaction.
      for (const effect of effects) {
        if (effect.type === 'run-bot-turn') schedule(conversationId);
        else if (effect.type === 'cancel-bot-turn') {
          running.get(conversationId)?.controller.abort();
          // The bot no longer has the conversation: what it waited for is withdrawn (a person decides from here).
          withdrawActions(db, conversationId)
            .then(announce)
            .catch((error: unknown) => log.warn({ err: error, conversationId }, 'could not withdraw the pending actions'));
          // A turn still waiting for the visitor's pause is tried now, and finds the conversation no longer the bot's.
          const wait = waiting.get(conversationId);
          if (wait) end(conversationId, wait);
        }
      }
    },
    async resumeStranded() {
      // A failure here must not stop the crash recovery below.
      const expired = await expireDueActions(db).catch((error: unknown) => {
        log.error({ err: error }, 'expiring pending actions failed');
        return [];
      });
      for (const row of expired) runner.actionDecided(row);
      // This process's own turns are alive whatever the clock says (a long pause of the event loop delays heartbeats).
      const resumable = (await findStrandedTurns(db)).filter((id) => !running.has(id) && !waiting.has(id));
      for (const id of resumable) schedule(id);
      return resumable.length + expired.filter((row) => row.resumedAt === null).length;
    },
    async resumeAfterRestart() {
      const released = await releaseAllClaims(db);
      for (const id of released) schedule(id);
      return released.length;
    },
    dropWaiting() {
      for (const [conversationId, wait] of waiting) {
        wait.dropped = true;
        end(conversationId, wait);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled(inFlight);
    },
  };
  return runner;
}

/** The model the configuration names, and who it is. */
export function configuredModel(config: Config): { mode: ModelProvider; model: ChatModel } {
  const { timeoutMs, maxRetries } = config.anthropic;
  if (config.anthropic.apiKey) {
    return {
      mode: 'anthropic',
      model: createAnthropicModel({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl, timeoutMs, maxRetries }),
    };
  }
  if (config.openaiCompatible) {
    return { mode: 'openai-compatible', model: createOpenAICompatibleModel({ ...config.openaiCompatible, timeoutMs, maxRetries }) };
  }
  return { mode: 'offline', model: createOfflineModel() };
}
