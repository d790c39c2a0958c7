/**
 * `/api/bot/eval-runs`: the results of `parley eval`, kept so that a site owner sees, in the console, how a bot profile
 * did on their scenarios before publishing it. A run holds each scenario's k runs (pass^k: all must pass) with their
 * transcripts: the messages, the tool calls, the documents cited, and whether a person took over.
 * @module
 */
import { z } from 'zod';

/** A document a bot message cites, as a scenario names it: its title, source key (file path) or URL. */
export const evalCitationSchema = z.object({ title: z.string(), url: z.string().nullable(), sourceKey: z.string() });

/** A message of a scenario run's conversation. */
export const evalMessageSchema = z.object({
  author: z.enum(['visitor', 'bot', 'agent', 'system']),
  text: z.string(),
  /** The documents a bot message cites. */
  citations: z.array(evalCitationSchema).optional(),
  /** The bot profile that wrote a bot message (null: the widget's own settings). */
  profile: z.string().nullable().optional(),
});
/** A message of a scenario run. */
export type EvalMessage = z.infer<typeof evalMessageSchema>;

/** A tool call of a scenario run, with the policy it ran under (`auto`, `confirm`, `approve`; null: built in). */
export const evalToolCallSchema = z.object({
  tool: z.string(),
  input: z.unknown(),
  output: z.unknown(),
  error: z.string().nullable(),
  policy: z.string().nullable(),
});

/** What one run of a scenario did. */
export const evalTranscriptSchema = z.object({
  messages: z.array(evalMessageSchema),
  toolCalls: z.array(evalToolCallSchema),
  /** The conversation went to a person (queued for, or with, an agent). */
  handedOff: z.boolean(),
  /** Tokens of the bot's replies. */
  tokens: z.object({ input: z.number().int(), output: z.number().int() }),
});
/** What one run of a scenario did. */
export type EvalTranscript = z.infer<typeof evalTranscriptSchema>;

/** One run of a scenario: passed or the expectations it failed, its rubric verdicts, its transcript. */
export const evalScenarioRunSchema = z.object({
  passed: z.boolean(),
  failures: z.array(z.string()),
  /** Criteria a model judged (`passed: null`: not judged, no model key). */
  rubric: z.array(z.object({ criterion: z.string(), passed: z.boolean().nullable(), reason: z.string() })),
  durationMs: z.number().int().nonnegative(),
  transcript: evalTranscriptSchema,
});
/** One run of a scenario. */
export type EvalScenarioRun = z.infer<typeof evalScenarioRunSchema>;

/** A scenario's k runs; `passed` is pass^k (every run passed). */
export const evalScenarioResultSchema = z.object({
  name: z.string(),
  file: z.string(),
  runs: z.array(evalScenarioRunSchema),
  passed: z.boolean(),
});
/** A scenario's k runs. */
export type EvalScenarioResult = z.infer<typeof evalScenarioResultSchema>;

/** A whole eval, as `parley eval --json` writes it. */
export const evalReportSchema = z.object({
  /** `claude`, `openai-compatible`, `replay` or `offline`. */
  model: z.string(),
  /** The bot profile every scenario ran with (null: each scenario's own, or the widget's). */
  profile: z.string().nullable(),
  runsPerScenario: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  durationMs: z.number().int().nonnegative(),
  scenarios: z.array(evalScenarioResultSchema),
  passed: z.boolean(),
});
/** A whole eval. */
export type EvalReport = z.infer<typeof evalReportSchema>;

/** A stored eval in a list: its figures without the transcripts. */
export const evalRunSummarySchema = evalReportSchema.omit({ scenarios: true }).extend({
  id: z.uuid(),
  scenarioCount: z.number().int().nonnegative(),
  passedCount: z.number().int().nonnegative(),
});
/** A stored eval in a list. */
export type EvalRunSummary = z.infer<typeof evalRunSummarySchema>;

/** `GET /api/bot/eval-runs`: the latest first. */
export const evalRunListSchema = z.object({ runs: z.array(evalRunSummarySchema) });
/** `GET /api/bot/eval-runs`. */
export type EvalRunList = z.infer<typeof evalRunListSchema>;

/** `GET /api/bot/eval-runs/:evalRunId`: a stored eval with every transcript. */
export const evalRunSchema = evalRunSummarySchema.extend({ scenarios: z.array(evalScenarioResultSchema) });
/** A stored eval with every transcript. */
export type EvalRun = z.infer<typeof evalRunSchema>;

/** Path parameters of one stored eval. */
export const evalRunParamsSchema = z.object({ evalRunId: z.uuid() });
