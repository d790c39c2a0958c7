/**
 * The model/tool loop of one bot turn, over {@link ChatModel} alone: stream a round, run the tool calls it asked for,
 * feed their results back, until the model answers without tools, hands off, or runs out of rounds. No database, no
 * sockets: what a tool call does and where text goes are the caller's (the runner's) business.
 * @module
 */
import { abortable } from './abortable.js';
import { addUsage, emptyUsage, type ChatMessage, type ChatModel, type ChatRequest, type ContentBlock, type Usage } from './model.js';
import { inputToLog, parseInput, toToolSpecs, type BotTool, type ReplyAttachment, type ToolOutcome } from './tools/registry.js';

/** One tool call as the turn logs it (`tool_calls`). */
export interface ToolLog {
  toolUseId: string;
  tool: string;
  input: unknown;
  output: unknown;
  error: string | null;
  success: boolean;
  /** The policy of an admin's action (`auto`, `confirm`, `approve`); null for the built-in tools. */
  policy: string | null;
  /** The pending action that held a `confirm` or `approve` call for its decision. */
  pendingActionId?: string | null;
  durationMs: number;
}

/** A tool call the model asked for. */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

/**
 * What the loop has spent and done so far. The caller owns it and the loop adds to it as it goes, so that a turn that
 * fails half-way still records its tokens and tool calls.
 */
export interface LoopProgress {
  usage: Usage;
  toolLog: ToolLog[];
  /** Passage numbers the model cited without `[n]` markers (the offline answerer). */
  citations: number[];
  /**
   * The quick replies to attach to the turn's reply: the last ones a round's finish part carried (the offline answerer)
   * or a `reply` tool returned (`offer_quick_replies`), whichever came last; null for none.
   */
  quickReplies: string[] | null;
}

/** Options of {@link runModelLoop}. */
export interface ModelLoopOptions {
  model: ChatModel;
  /** The first round's request; later rounds add the assistant's tool calls and their results to `messages`. */
  request: Omit<ChatRequest, 'tools'>;
  tools: readonly BotTool[];
  maxToolRounds: number;
  signal: AbortSignal;
  /** Longest wait for the stream's first part and between parts. */
  stallTimeoutMs: number;
  /** Each piece of text as it arrives (never empty). */
  onText(text: string): void;
  /** Runs one tool call; the loop logs and returns its outcome to the model. */
  runToolCall(call: ToolCall): Promise<ToolOutcome>;
  /**
   * Why a call of a tool that pauses (`confirm`, `approve`) can't pause now (another call waits for its decision), for
   * the model to read; null when it may.
   */
  pauseRefusal(): string | null;
  progress: LoopProgress;
}

/** How the loop ended. */
export interface ModelLoopResult {
  /** Every round's text, in order. */
  text: string;
  /** The last round's stop reason, or `max_tool_rounds`. */
  stopReason: string | null;
  /** Set when a handoff tool succeeded: the turn ends and a person takes over. */
  handoffReason: string | null;
  /**
   * Set when the model called a tool that waits for a decision (with input its schema accepts): the turn ends and asks
   * for it. Calls the model made after it in the same round are not run.
   */
  paused: PausedCall | null;
  rounds: number;
}

/** A call that waits for a decision, with the tool it calls. */
export interface PausedCall extends ToolCall {
  tool: BotTool & { pause: NonNullable<BotTool['pause']> };
}

/** Runs the loop. Throws what the model or a tool call throws (an abort included); `progress` is up to date then. */
export async function runModelLoop(options: ModelLoopOptions): Promise<ModelLoopResult> {
  const { tools, progress, signal } = options;
  const messages: ChatMessage[] = [...options.request.messages];
  const toolSpecs = toToolSpecs(tools);
  let text = '';
  let stopReason: string | null = null;
  let rounds = 0;
  while (true) {
    rounds++;
    const calls: ToolCall[] = [];
    let roundText = '';
    const request: ChatRequest = { ...options.request, messages, tools: toolSpecs };
    for await (const part of abortable(options.model.stream(request, signal), signal, options.stallTimeoutMs)) {
      if (part.type === 'text-delta') {
        if (part.text === '') continue;
        text += part.text;
        roundText += part.text;
        options.onText(part.text);
      } else if (part.type === 'tool-call') {
        calls.push(part);
      } else {
        stopReason = part.stopReason;
        addUsage(progress.usage, part.usage);
        if (part.citations) progress.citations.push(...part.citations);
        if (part.quickReplies) progress.quickReplies = [...part.quickReplies];
      }
    }
    if (stopReason !== 'tool_use' || calls.length === 0) return { text, stopReason, handoffReason: null, paused: null, rounds };
    if (rounds >= options.maxToolRounds) return { text, stopReason: 'max_tool_rounds', handoffReason: null, paused: null, rounds };

    const assistantBlocks: ContentBlock[] = roundText ? [{ type: 'text', text: roundText }] : [];
    const results: ContentBlock[] = [];
    let handoffReason: string | null = null;
    for (const call of calls) {
      assistantBlocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
      const startedAt = performance.now();
      const pausing = tools.find((tool) => tool.name === call.name && tool.pause);
      let outcome: ToolOutcome;
      if (pausing) {
        // Checked as if it ran: a call the decision could never run is the model's to correct now, not the visitor's.
        const parsed = parseInput(pausing, call.input);
        const refusal = parsed.ok ? options.pauseRefusal() : parsed.error;
        if (refusal === null) {
          // The calls after it wait with it, unrun: on record, so that the log has every call the model made.
          for (const skipped of calls.slice(calls.indexOf(call) + 1)) {
            progress.toolLog.push({
              toolUseId: skipped.id,
              tool: skipped.name,
              input: skipped.input ?? null,
              output: null,
              error: 'Not run: it came after a call that waits for a decision.',
              success: false,
              policy: tools.find((tool) => tool.name === skipped.name)?.policy ?? null,
              durationMs: 0,
            });
          }
          return { text, stopReason, handoffReason: null, paused: { ...call, tool: pausing as PausedCall['tool'] }, rounds };
        }
        outcome = { ok: false, error: refusal, tool: pausing };
      } else {
        outcome = await options.runToolCall(call);
      }
      progress.toolLog.push({
        toolUseId: call.id,
        tool: call.name,
        input: inputToLog(call.input, outcome),
        output: outcome.ok ? outcome.output : null,
        error: outcome.ok ? null : outcome.error,
        success: outcome.ok,
        policy: outcome.tool?.policy ?? null,
        durationMs: Math.round(performance.now() - startedAt),
      });
      if (outcome.ok && outcome.tool.kind === 'reply') progress.quickReplies = [...(outcome.output as ReplyAttachment).quickReplies];
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
    if (handoffReason !== null) return { text, stopReason, handoffReason, paused: null, rounds };
    messages.push({ role: 'assistant', content: assistantBlocks }, { role: 'user', content: results });
  }
}

/** A fresh {@link LoopProgress}. */
export function emptyProgress(): LoopProgress {
  return { usage: emptyUsage(), toolLog: [], citations: [], quickReplies: null };
}
