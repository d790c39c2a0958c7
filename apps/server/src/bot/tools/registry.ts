/**
 * Bot tools: each declared once with a zod input schema (converted to the JSON schema Anthropic expects), a
 * description and a handler. Input from the model is untrusted: it is parsed with the schema, and a failure goes back
 * to the model as a tool error it can correct.
 * @module
 */
import type { Database } from '@parley/db';
import { z } from 'zod';
import type { ToolSpec } from '../model.js';
import type { SourcePassage } from '../turn-sources.js';

/** What a tool handler may use. */
export interface ToolContext {
  db: Database;
  conversationId: string;
  contactId: string;
  organizationId: string;
  /** The widget's default country for phone numbers without a country code. */
  defaultCountry: string | undefined;
  /** Everything the visitor wrote in this conversation: tools that store what the visitor said check against it. */
  visitorText: string;
  /** Aborts when the turn is cancelled (a person took over): tools that wait on the network stop with it. */
  signal: AbortSignal;
  /** Searches the organization's knowledge base; the passages are numbered for citation in this turn. */
  searchKnowledge(query: string): Promise<SourcePassage[]>;
}

/** An error the model should see and may correct (bad phone number, unknown order…). */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

/** A tool the bot can call. */
export interface BotTool<I extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  /**
   * `handoff` tools end the turn: the conversation goes to a human, and the model is not asked to continue. `read`
   * tools change nothing: they run without the transaction and conversation lock that other tools get. `reply` tools
   * change nothing stored either (they run like `read` tools): their output, a {@link ReplyAttachment}, is attached to
   * the reply the turn stores. `external` tools call another system (an admin's HTTP action): they wait on the network,
   * so they run without the transaction too, once the turn has checked it still owns the conversation.
   */
  kind?: 'handoff' | 'read' | 'reply' | 'external';
  /**
   * The input's JSON Schema as the model sees it, for tools whose schema is JSON Schema already (an admin's action,
   * checked by `input` as well); without it, `input` converted.
   */
  inputJsonSchema?: Record<string, unknown>;
  /**
   * For an `external` tool: a call changes nothing when repeated (an HTTP GET), so a turn resumed after a crash may make
   * it again; any other call whose outcome a crash left unknown hands the conversation to a person instead.
   */
  idempotent?: boolean;
  /** The policy an admin's action is called under, kept with each call in `tool_calls`; none for the built-in tools. */
  policy?: 'auto' | 'confirm' | 'approve';
  /**
   * For a `confirm` or `approve` action: a call doesn't run when the model makes it; the turn pauses for the decision
   * (`bot/pending-actions.ts`). Set by the action's policy alone: nothing the model reads can add or remove it.
   */
  pause?: ToolPause;
  handler(input: z.output<I>, context: ToolContext): Promise<unknown>;
  /**
   * What of a call's input is kept in `tool_calls.input`; by default the input as the model sent it. Tools that take
   * personal details keep only what they accepted, so a refused value (one the visitor never wrote) is not stored.
   */
  inputToLog?(input: unknown, outcome: ToolOutcome): unknown;
}

/** How a call of a `confirm` or `approve` tool waits for its decision. */
export interface ToolPause {
  policy: 'confirm' | 'approve';
  /** What the call will do, in plain words, from its (parsed) input. */
  summary(input: unknown): string;
  /** `approve`: the team whose agents decide; null: any agent. */
  teamId: string | null;
  timeoutSeconds: number;
}

/** What a `reply` tool's handler returns: what goes with the turn's reply. */
export interface ReplyAttachment {
  /** Buttons under the reply; a click sends the text as the visitor's message. */
  quickReplies: string[];
}

/** Declares a tool; the generic keeps the handler's input typed by the schema. */
export function defineTool<I extends z.ZodType>(tool: BotTool<I>): BotTool<I> {
  return tool;
}

/** The JSON-schema view of tools, for the model. */
export function toToolSpecs(tools: readonly BotTool[]): ToolSpec[] {
  return tools.map((tool) => {
    if (tool.inputJsonSchema) return { name: tool.name, description: tool.description, inputSchema: tool.inputJsonSchema };
    const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(tool.input, { target: 'draft-2020-12' }) as Record<string, unknown>;
    return { name: tool.name, description: tool.description, inputSchema };
  });
}

/** The result of running one tool call. */
export type ToolOutcome = { ok: true; output: unknown; tool: BotTool } | { ok: false; error: string; tool: BotTool | undefined };

/** The model's input parsed with the tool's schema, or why it doesn't fit (for the model to correct). */
export function parseInput(tool: BotTool, input: unknown): { ok: true; data: unknown } | { ok: false; error: string } {
  const parsed = tool.input.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
  return { ok: false, error: `Invalid input: ${problems}` };
}

/** Parses the model's input and runs the tool; never throws. */
export async function runTool(tools: readonly BotTool[], name: string, input: unknown, context: ToolContext): Promise<ToolOutcome> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) return { ok: false, error: `There is no tool named "${name}".`, tool: undefined };
  const parsed = parseInput(tool, input);
  if (!parsed.ok) return { ok: false, error: parsed.error, tool };
  try {
    return { ok: true, output: await tool.handler(parsed.data, context), tool };
  } catch (error) {
    if (error instanceof ToolInputError) return { ok: false, error: error.message, tool };
    throw error;
  }
}

/** The input of a call as `tool_calls.input` keeps it: see {@link BotTool.inputToLog}. */
export function inputToLog(input: unknown, outcome: ToolOutcome): unknown {
  return outcome.tool?.inputToLog ? outcome.tool.inputToLog(input, outcome) : (input ?? null);
}
