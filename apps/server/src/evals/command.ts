/**
 * `parley eval`'s work between the command line and {@link runEval}: which files, which model (the configured one, a
 * recording of it, its replay, or the offline answerer), the progress and summary on the terminal, and the JSON and
 * JUnit files. The command line (`cli.ts`) opens the databases.
 * @module
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { EvalReport } from '@parley/protocol';
import { configuredModel } from '../bot/runner.js';
import type { Config } from '../config.js';
import { DEFAULT_BOT_MODEL } from '../widgets/bot-config.js';
import { createJudge, type Judge } from './judge.js';
import { recordTo, replayFrom, type Recordings } from './recordings.js';
import { toJUnit } from './report.js';
import { runEval } from './run-eval.js';
import type { Sandbox } from './sandbox.js';
import { scenarioExtensions, ScenarioFileError, type Scenario } from './scenario.js';

/** What the command line chose. */
export interface EvalCommandOptions {
  runs: number;
  profile: string | null;
  /** Write the report as JSON here. */
  json?: string | undefined;
  /** Write the report as JUnit XML here. */
  junit?: string | undefined;
  /** Record the model's streams into this folder (needs a model key). */
  record?: string | undefined;
  /** Replay the model's streams from this folder (no model key needed). */
  replay?: string | undefined;
}

/** The scenario files among `paths`: files as given, folders searched (with their subfolders), in name order. */
export async function collectScenarioFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => {
      throw new ScenarioFileError(`No such file or folder: ${path}`);
    });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((entry) => entry.isFile() && (scenarioExtensions as readonly string[]).includes(extname(entry.name).toLowerCase()))
        .map((entry) => join(entry.parentPath, entry.name))
        .toSorted(),
    );
  }
  if (files.length === 0) throw new ScenarioFileError(`No scenario files (${scenarioExtensions.join(', ')}) in ${paths.join(', ')}.`);
  return files;
}

/** The model a run of the command uses, and what the report calls it. */
function chooseModel(
  config: Config,
  options: EvalCommandOptions,
): { modelName: string; recordings: Recordings | null; judge: Judge | null } {
  const configured = configuredModel(config);
  const hasKey = configured.mode !== 'offline';
  const judge = hasKey ? createJudge(configured.model, config.botModel ?? DEFAULT_BOT_MODEL) : null;
  const name = configured.mode === 'anthropic' ? 'claude' : configured.mode;
  if (options.replay) return { modelName: 'replay', recordings: replayFrom(options.replay), judge };
  if (options.record) {
    if (!hasKey) throw new ScenarioFileError('--record needs a model to record: set ANTHROPIC_API_KEY (or PARLEY_OPENAI_BASE_URL).');
    return { modelName: name, recordings: recordTo(options.record, configured.model), judge };
  }
  // The configured model itself (the app makes its own of the same configuration), or the offline answerer.
  return { modelName: name, recordings: null, judge };
}

/**
 * Runs the scenarios in `sandbox` and writes what `options` asks for; prints a line per run as it goes. Returns the
 * report (the caller stores it and sets the exit code).
 */
export async function runEvalCommand(input: {
  config: Config;
  env: Record<string, string | undefined>;
  secret: string;
  sandbox: Sandbox;
  scenarios: readonly Scenario[];
  options: EvalCommandOptions;
  print: (line: string) => void;
}): Promise<EvalReport> {
  const { options, print } = input;
  const { modelName, recordings, judge } = chooseModel(input.config, options);
  const report = await runEval({
    scenarios: input.scenarios,
    runs: options.runs,
    profile: options.profile,
    sandbox: input.sandbox,
    env: input.env,
    secret: input.secret,
    modelName,
    model: recordings?.model,
    judge,
    beforeRun: (scenario, run) => recordings?.start(scenario.name, run),
    modelProblem: () => recordings?.problem() ?? null,
    afterRun: (scenario, run, result) => {
      print(
        `  ${result.passed ? 'pass' : 'FAIL'}  ${scenario.name}  run ${run + 1}/${options.runs}  ${(result.durationMs / 1000).toFixed(1)} s`,
      );
    },
  });
  await recordings?.save();
  if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.junit) await writeFile(options.junit, toJUnit(report));
  return report;
}
