/**
 * Scenario files of `parley eval`: what a visitor says, what the tools answer, and what the bot must (not) do. YAML or
 * JSON, one scenario or a list of them per file, parsed with zod so that a mistake names its file and field.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const text = z.string().trim().min(1);

/** What a tool answers in a scenario: a JSON body (and a status; an error status makes the call fail). */
const toolResponseSchema = z.strictObject({
  respond: z.unknown(),
  status: z.int().min(200).max(599).default(200),
});

/** A tool call the bot must make: its name and, optionally, input fields that must match (a subset, compared as JSON). */
const expectedCallSchema = z.strictObject({
  tool: text,
  input: z.record(z.string(), z.unknown()).optional(),
});

/** What a run of the scenario must show. Every field is optional; a scenario with none fails as "expects nothing". */
const expectationsSchema = z.strictObject({
  /** Documents the bot's replies cite, each by title, source key (file path) or URL. */
  cites: z.array(text).optional(),
  /** true: the conversation ends with a person (a handoff); false: it stays with the bot. */
  handoff: z.boolean().optional(),
  calls: z.array(expectedCallSchema).optional(),
  neverCalls: z.array(text).optional(),
  /** Text the bot's replies contain (any case). */
  contains: z.array(text).optional(),
  notContains: z.array(text).optional(),
  /** Criteria a model judges the transcript on (only with a model key; otherwise reported as not judged). */
  rubric: z.array(text).optional(),
});

/** A visitor played by a model (only with a model key). */
const personaSchema = z.strictObject({
  description: text,
  /** What the visitor wants; the model ends the conversation once it is reached. */
  goal: text,
  maxTurns: z.int().min(1).max(10).default(4),
});

/** One scenario. */
export const scenarioSchema = z
  .strictObject({
    name: text.max(200),
    /** The visitor's messages, each sent once the bot answered the one before. */
    messages: z.array(text.max(4000)).max(20).optional(),
    persona: personaSchema.optional(),
    /** The widget the visitor writes to (its public key); the organization's first by default. */
    widget: text.optional(),
    /** The bot profile that answers (its name); `--profile` on the command line wins. */
    profile: text.optional(),
    /** Answers of the organization's HTTP actions, by action name. An action without one fails when called. */
    tools: z.record(text, toolResponseSchema).default({}),
    /**
     * How a call that waits for a decision is decided: `confirm`/`cancel` (the visitor, for `confirm` actions),
     * `approve`/`reject` (an agent, for `approve` actions).
     */
    decision: z.enum(['confirm', 'cancel', 'approve', 'reject']).optional(),
    expect: expectationsSchema,
  })
  .refine((scenario) => (scenario.messages?.length ?? 0) > 0 || scenario.persona, {
    message: 'A scenario needs messages, a persona, or both.',
  });

/** A parsed scenario, with the file it came from. */
export type Scenario = z.infer<typeof scenarioSchema> & { file: string };
/** What a scenario expects. */
export type Expectations = z.infer<typeof expectationsSchema>;

/** A scenario file that can't be read or doesn't match the format. */
export class ScenarioFileError extends Error {
  override readonly name = 'ScenarioFileError';
}

/** Extensions of scenario files. */
export const scenarioExtensions = ['.yaml', '.yml', '.json'] as const;

/** Parses the text of a scenario file (YAML, of which JSON is a subset). */
export function parseScenarios(source: string, file: string): Scenario[] {
  let data: unknown;
  try {
    data = parseYaml(source, { prettyErrors: true });
  } catch (error) {
    throw new ScenarioFileError(`${file}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  const entries: unknown[] = Array.isArray(data) ? data : isScenarioList(data) ? data.scenarios : [data];
  if (entries.length === 0) throw new ScenarioFileError(`${file}: holds no scenario.`);
  return entries.map((entry, index) => {
    const parsed = scenarioSchema.safeParse(entry);
    if (!parsed.success) {
      const where = entries.length > 1 ? `${file} (scenario ${index + 1})` : file;
      throw new ScenarioFileError(`${where}: ${z.prettifyError(parsed.error)}`);
    }
    return { ...parsed.data, file };
  });
}

function isScenarioList(value: unknown): value is { scenarios: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { scenarios?: unknown }).scenarios);
}

/** Reads scenario files; two scenarios of one name are refused (reports and recordings are keyed by name). */
export async function loadScenarios(files: readonly string[]): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const file of files) {
    if (!(scenarioExtensions as readonly string[]).includes(extname(file).toLowerCase())) {
      throw new ScenarioFileError(`${file}: a scenario file ends in ${scenarioExtensions.join(', ')}.`);
    }
    const source = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ScenarioFileError(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    scenarios.push(...parseScenarios(source, basename(file)));
  }
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    if (seen.has(scenario.name)) throw new ScenarioFileError(`Two scenarios are named "${scenario.name}": names must differ.`);
    seen.add(scenario.name);
  }
  return scenarios;
}
