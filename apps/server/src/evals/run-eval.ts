/**
 * Runs scenarios against the real server, in-process: Parley's app on a loopback port over the sandbox database, a
 * socket.io visitor per run writing the scenario's messages, the bot answering as it does on a site (the same turn,
 * prompt, knowledge search, tools and policies), and the transcript read back from the sandbox and checked.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  botActions,
  botProfiles,
  botReplies,
  conversations,
  knowledgeDocuments,
  mcpServers,
  messages,
  pendingActions,
  toolCalls,
  widgets,
  type Database,
} from '@parley/db';
import type {
  Ack,
  Citation,
  EvalReport,
  EvalScenarioResult as ScenarioResult,
  EvalScenarioRun as RunResult,
  EvalTranscript as Transcript,
  MessageSent,
} from '@parley/protocol';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../app.js';
import type { ChatModel } from '../bot/model.js';
import { loadConfig } from '../config.js';
import { createAgent, generatePassword } from '../seed/accounts.js';
import { failedExpectations } from './expectations.js';
import type { Judge } from './judge.js';
import type { Sandbox } from './sandbox.js';
import type { Scenario } from './scenario.js';
import { startToolMocks, type ToolMocks } from './tool-mocks.js';

/** The origin the eval's visitors write from: the eval's app allows localhost origins for every widget. */
const VISITOR_ORIGIN = 'http://localhost';
/** How often a run looks at the sandbox for the bot's answer. */
const POLL_MS = 20;
/** Decisions of calls that wait, in a row, before a run stops deciding (a bot that keeps asking). */
const MAX_DECISIONS = 3;

/** Options of {@link runEval}. */
export interface RunEvalOptions {
  scenarios: readonly Scenario[];
  /** Runs per scenario (k of pass^k). */
  runs: number;
  /** The bot profile that answers every scenario (its name), over each scenario's own `profile`. */
  profile: string | null;
  sandbox: Sandbox;
  /** The environment the eval's app is configured from (the eval overrides what isolates it). */
  env: Record<string, string | undefined>;
  /** The app's secret (actions' sealed secrets open with it). */
  secret: string;
  /** What the report calls the bot's model. */
  modelName: string;
  /** Replaces the configured model (recording, replaying). */
  model?: ChatModel | undefined;
  /** Plays personas and judges rubrics; null without a model key. */
  judge: Judge | null;
  /**
   * Why the model could not answer the run that just ended, as a failure of the run (a replay that ran out of recorded
   * calls: the turn stores an apology, so the reason would otherwise be lost); null when nothing went wrong.
   */
  modelProblem?(): string | null;
  /** Before each run (a recording starts its cassette). */
  beforeRun?(scenario: Scenario, run: number): void;
  /** After each run, with its result (progress on the terminal; a recording writes its cassette). */
  afterRun?(scenario: Scenario, run: number, result: RunResult): void | Promise<void>;
}

/** The environment of the eval's app: the caller's, isolated from its database, Redis, data folder and sweeps. */
function evalEnvironment(env: Record<string, string | undefined>, dataDir: string): Record<string, string | undefined> {
  const allow = [env.PARLEY_OUTBOUND_ALLOW, '127.0.0.1'].filter(Boolean).join(',');
  return {
    ...env,
    DATABASE_URL: undefined,
    PARLEY_REDIS_URL: undefined,
    // Search in the sandbox is lexical: its chunks have no vectors.
    PARLEY_EMBEDDINGS_URL: undefined,
    PARLEY_EMBEDDINGS_MODEL: undefined,
    PARLEY_EMBEDDINGS_DIMENSIONS: undefined,
    // The configuration file's programs are not started in an eval (their tools are not offered).
    PARLEY_MCP_CONFIG: undefined,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_PUBLIC_URL: undefined,
    PARLEY_LOG_LEVEL: 'silent',
    // No background sweeps (e-mails, inactivity, expiries): a run is short, and decides its calls itself.
    PARLEY_SWEEP_INTERVAL_SECONDS: '0',
    // Each message is answered before the next is sent: no pause to wait for.
    PARLEY_BOT_REPLY_PAUSE_MS: '0',
    PARLEY_ALLOW_LOCALHOST_ORIGINS: 'true',
    PARLEY_RATE_LIMIT_NEW_SESSIONS: '100000',
    // The mocked tools answer on loopback.
    PARLEY_OUTBOUND_ALLOW: allow,
  };
}

/** Runs every scenario `runs` times and reports pass^k. The sandbox is the caller's to close. */
export async function runEval(options: RunEvalOptions): Promise<EvalReport> {
  const startedAt = new Date();
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-eval-'));
  const { db } = options.sandbox.handle;
  const { organizationId } = options.sandbox;
  const mocks = await startToolMocks();
  let app: FastifyInstance | null = null;
  try {
    await isolateTools(db, organizationId, mocks);
    const approver = await createApprover(db, organizationId);
    const config = loadConfig(evalEnvironment(options.env, dataDir));
    app = await buildApp({
      config,
      db: options.sandbox.handle,
      secret: options.secret,
      staticDirs: false,
      logger: false,
      model: options.model,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('The eval server did not bind a port.');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const token = await signIn(app, approver);
    const turnTimeoutMs = config.anthropic.timeoutMs * (config.anthropic.maxRetries + 1) + 10_000;

    const results: ScenarioResult[] = [];
    for (const scenario of options.scenarios) {
      const widgetKey = await prepareWidget(db, organizationId, scenario, options.profile ?? scenario.profile ?? null);
      mocks.use(scenario);
      const runs: RunResult[] = [];
      for (let run = 0; run < options.runs; run += 1) {
        const started = performance.now();
        let outcome: Omit<RunResult, 'durationMs'>;
        try {
          options.beforeRun?.(scenario, run);
          outcome = await runOnce({ app, db, baseUrl, widgetKey, token, scenario, judge: options.judge, turnTimeoutMs });
        } catch (error) {
          // A run that can't start (a recording missing) fails alone; the others still run.
          outcome = { passed: false, failures: [(error as Error).message], rubric: [], transcript: emptyTranscript() };
        }
        const problem = options.modelProblem?.() ?? null;
        if (problem) outcome = { ...outcome, passed: false, failures: [problem, ...outcome.failures] };
        const result = { ...outcome, durationMs: Math.round(performance.now() - started) };
        runs.push(result);
        await options.afterRun?.(scenario, run, result);
      }
      results.push({ name: scenario.name, file: scenario.file, runs, passed: runs.every((run) => run.passed) });
    }
    return {
      model: options.modelName,
      profile: options.profile,
      runsPerScenario: options.runs,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      scenarios: results,
      passed: results.every((result) => result.passed),
    };
  } finally {
    await app?.close();
    await mocks.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Points every HTTP action and MCP server of the sandbox at the mock endpoint (without their headers and secrets): a
 * scenario never reaches the site's own systems. The MCP servers keep the tools their admins allowed. (Their names are
 * lowercase letters, digits and `_`: safe in a path as they are.)
 */
async function isolateTools(db: Database, organizationId: string, mocks: ToolMocks) {
  await db
    .update(botActions)
    .set({ url: sql`${`${mocks.origin}/tools/`} || ${botActions.name}`, headers: {}, secrets: {} })
    .where(eq(botActions.organizationId, organizationId));
  await db
    .update(mcpServers)
    .set({ url: sql`${`${mocks.origin}/mcp/`} || ${mcpServers.name}`, headers: {}, secrets: {} })
    .where(eq(mcpServers.organizationId, organizationId));
}

/** An owner of the sandbox's organization, who decides the calls that wait for an agent's approval. */
async function createApprover(db: Database, organizationId: string) {
  const password = generatePassword();
  const email = `eval-${randomUUID()}@parley.invalid`;
  await createAgent(db, { organizationId, email, name: 'parley eval', password, role: 'owner' });
  return { email, password };
}

async function signIn(app: FastifyInstance, approver: { email: string; password: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: approver });
  if (response.statusCode !== 200) throw new Error(`The eval could not sign in its approver: ${response.body}`);
  return (response.json() as { token: string }).token;
}

/** The scenario's widget (its public key), answered by `profile` when one is named (triage then doesn't choose). */
async function prepareWidget(db: Database, organizationId: string, scenario: Scenario, profile: string | null): Promise<string> {
  const [widget] = await db
    .select({ id: widgets.id, publicKey: widgets.publicKey })
    .from(widgets)
    .where(and(eq(widgets.organizationId, organizationId), scenario.widget ? eq(widgets.publicKey, scenario.widget) : undefined))
    .orderBy(asc(widgets.createdAt))
    .limit(1);
  if (!widget) throw new Error(scenario.widget ? `No widget has the public key ${scenario.widget}.` : 'The organization has no widget.');
  if (profile) {
    const [found] = await db
      .select({ id: botProfiles.id })
      .from(botProfiles)
      .where(and(eq(botProfiles.organizationId, organizationId), sql`lower(${botProfiles.name}) = lower(${profile})`));
    if (!found) throw new Error(`No bot profile is named "${profile}".`);
    await db
      .update(widgets)
      .set({ botProfileId: found.id, bot: sql`${widgets.bot} - 'triageProfileIds'` })
      .where(eq(widgets.id, widget.id));
  }
  return widget.publicKey;
}

interface RunContext {
  app: FastifyInstance;
  db: Database;
  baseUrl: string;
  widgetKey: string;
  token: string;
  scenario: Scenario;
  judge: Judge | null;
  turnTimeoutMs: number;
}

/** One run: a new visitor, the scenario's conversation, its transcript checked. A run that can't finish fails. */
async function runOnce(context: RunContext): Promise<Omit<RunResult, 'durationMs'>> {
  const { scenario, judge } = context;
  const socket = io(`${context.baseUrl}/visitor`, {
    transports: ['websocket'],
    auth: { widgetKey: context.widgetKey },
    extraHeaders: { origin: VISITOR_ORIGIN },
    reconnection: false,
    forceNew: true,
  });
  let conversationId: string | null = null;
  // What stops the run from doing what the scenario says, besides its expectations.
  const failures: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const queued = [...(scenario.messages ?? [])];
    let personaTurns = 0;
    for (;;) {
      if (conversationId && (await isWithPerson(context.db, conversationId))) break;
      let body = queued.shift() ?? null;
      if (body === null && scenario.persona) {
        if (!judge) {
          failures.push('The scenario has a persona, which needs a model key (ANTHROPIC_API_KEY): its messages were not played.');
          break;
        }
        if (personaTurns >= scenario.persona.maxTurns) break;
        personaTurns += 1;
        body = await judge.visitorMessage(scenario.persona, await readTranscript(context.db, conversationId));
      }
      if (body === null) break;
      conversationId = await send(context, socket, conversationId, body);
      await decideWaitingCalls(context, socket, conversationId, failures);
    }
    const transcript = await readTranscript(context.db, conversationId);
    failures.push(...failedExpectations(scenario.expect, transcript));
    const rubric = await judgeRubric(judge, scenario, transcript);
    for (const criterion of rubric)
      if (criterion.passed === false) failures.push(`Rubric "${criterion.criterion}" not met: ${criterion.reason}`);
    return { passed: failures.length === 0, failures, rubric, transcript };
  } catch (error) {
    const transcript = await readTranscript(context.db, conversationId).catch(() => emptyTranscript());
    return { passed: false, failures: [`The run could not finish: ${(error as Error).message}`], rubric: [], transcript };
  } finally {
    socket.close();
  }
}

/** Sends a visitor message and waits for the bot's answer to it. Returns the conversation's id. */
async function send(context: RunContext, socket: Socket, conversationId: string | null, body: string): Promise<string> {
  const before = conversationId ? await botMessageCount(context.db, conversationId) : 0;
  const ack = (await socket.timeout(10_000).emitWithAck('message:send', { clientId: randomUUID(), body })) as Ack<MessageSent>;
  if (!ack.ok) throw new Error(`The visitor's message was refused: ${ack.error.code}: ${ack.error.message}`);
  await settled(context, ack.data.conversationId, before);
  return ack.data.conversationId;
}

/**
 * Waits until the bot has answered (a new bot message, and no turn running) or the conversation is no longer the bot's
 * (a person has it: nobody answers in the sandbox).
 */
async function settled(context: RunContext, conversationId: string, botMessagesBefore: number): Promise<void> {
  const deadline = Date.now() + context.turnTimeoutMs;
  while (Date.now() < deadline) {
    const [row] = await context.db
      .select({ status: conversations.status, botTurnId: conversations.botTurnId })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    if (row && row.botTurnId === null) {
      if (row.status !== 'bot') return;
      if ((await botMessageCount(context.db, conversationId)) > botMessagesBefore) return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`The bot did not answer within ${Math.round(context.turnTimeoutMs / 1000)} s.`);
}

/**
 * Decides the calls that wait, as the scenario says: the visitor clicks Confirm or Cancel, or the eval's approver
 * approves or rejects; then waits for the bot to go on. A decision that doesn't fit the call's policy fails the run
 * (added to `failures`); a call the scenario doesn't decide is left waiting.
 */
async function decideWaitingCalls(context: RunContext, socket: Socket, conversationId: string, failures: string[]) {
  const { decision } = context.scenario;
  for (let round = 0; round < MAX_DECISIONS; round += 1) {
    const [waiting] = await context.db
      .select()
      .from(pendingActions)
      .where(and(eq(pendingActions.conversationId, conversationId), eq(pendingActions.status, 'pending')));
    if (!waiting || !decision) return;
    const visitorDecides = waiting.policy === 'confirm';
    if (visitorDecides !== (decision === 'confirm' || decision === 'cancel')) {
      failures.push(
        `${waiting.tool} waits for ${visitorDecides ? "the visitor's confirmation" : "an agent's approval"}; the scenario's decision is "${decision}".`,
      );
      return;
    }
    if (visitorDecides) {
      const label = decision === 'confirm' ? waiting.confirmLabel : waiting.cancelLabel;
      await send(context, socket, conversationId, label ?? decision);
      continue;
    }
    const before = await botMessageCount(context.db, conversationId);
    const response = await context.app.inject({
      method: 'POST',
      url: `/api/pending-actions/${waiting.id}/decision`,
      headers: { authorization: `Bearer ${context.token}` },
      payload: { decision },
    });
    if (response.statusCode !== 200) throw new Error(`The ${decision} of ${waiting.tool} was refused: ${response.body}`);
    await settled(context, conversationId, before);
  }
}

async function botMessageCount(db: Database, conversationId: string): Promise<number> {
  const [row] = await db
    .select({ value: count() })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.authorKind, 'bot')));
  return row?.value ?? 0;
}

/** A conversation a person has (or is asked to take): the handoff a scenario may expect. */
const withPerson = (status: string | undefined) => status === 'queued' || status === 'agent';

async function isWithPerson(db: Database, conversationId: string): Promise<boolean> {
  const [row] = await db.select({ status: conversations.status }).from(conversations).where(eq(conversations.id, conversationId));
  return withPerson(row?.status);
}

function emptyTranscript(): Transcript {
  return { messages: [], toolCalls: [], handedOff: false, tokens: { input: 0, output: 0 } };
}

/** The citations a stored bot message carries in its metadata. */
function citationsOf(metadata: unknown): Citation[] {
  return (metadata as { citations?: Citation[] } | null)?.citations ?? [];
}

/** The run's conversation as the sandbox holds it. */
async function readTranscript(db: Database, conversationId: string | null): Promise<Transcript> {
  if (!conversationId) return emptyTranscript();
  const rows = await db
    .select({ id: messages.id, authorKind: messages.authorKind, body: messages.body, metadata: messages.metadata })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq));
  const replies = await db
    .select({
      messageId: botReplies.messageId,
      profileName: botReplies.profileName,
      input: botReplies.inputTokens,
      output: botReplies.outputTokens,
    })
    .from(botReplies)
    .where(eq(botReplies.conversationId, conversationId));
  const documentIds = [...new Set(rows.flatMap((row) => citationsOf(row.metadata).map((citation) => citation.documentId)))];
  const documents =
    documentIds.length > 0
      ? await db
          .select({ id: knowledgeDocuments.id, sourceKey: knowledgeDocuments.sourceKey })
          .from(knowledgeDocuments)
          .where(inArray(knowledgeDocuments.id, documentIds))
      : [];
  const sourceKeys = new Map(documents.map((document) => [document.id, document.sourceKey]));
  const profiles = new Map(replies.map((reply) => [reply.messageId, reply.profileName]));
  const calls = await db
    .select({ tool: toolCalls.tool, input: toolCalls.input, output: toolCalls.output, error: toolCalls.error, policy: toolCalls.policy })
    .from(toolCalls)
    .where(eq(toolCalls.conversationId, conversationId))
    .orderBy(asc(toolCalls.id));
  const [conversation] = await db.select({ status: conversations.status }).from(conversations).where(eq(conversations.id, conversationId));
  return {
    messages: rows.map((row) => ({
      author: row.authorKind,
      text: row.body,
      ...(row.authorKind === 'bot'
        ? {
            citations: citationsOf(row.metadata).map((citation) => ({
              title: citation.title,
              url: citation.url,
              sourceKey: sourceKeys.get(citation.documentId) ?? '',
            })),
            profile: profiles.get(row.id) ?? null,
          }
        : {}),
    })),
    toolCalls: calls,
    handedOff: withPerson(conversation?.status),
    tokens: replies.reduce((total, reply) => ({ input: total.input + reply.input, output: total.output + reply.output }), {
      input: 0,
      output: 0,
    }),
  };
}

async function judgeRubric(judge: Judge | null, scenario: Scenario, transcript: Transcript): Promise<RunResult['rubric']> {
  const criteria = scenario.expect.rubric ?? [];
  if (!judge) return criteria.map((criterion) => ({ criterion, passed: null, reason: 'Not judged: no model key (ANTHROPIC_API_KEY).' }));
  const judged: RunResult['rubric'] = [];
  for (const criterion of criteria) judged.push({ criterion, ...(await judge.criterion(criterion, transcript)) });
  return judged;
}
