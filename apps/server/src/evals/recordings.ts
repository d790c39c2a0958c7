/**
 * Recorded model streams, so that `parley eval` runs offline in CI: `--record DIR` keeps what the model streamed in each
 * call of each run (one JSON file per scenario), `--replay DIR` streams it back in the same order, through the same
 * turn code. A replay that asks for more calls than were recorded fails: the bot's behaviour changed, record again.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ChatModel, ChatStreamPart } from '../bot/model.js';

/** A model that records or replays, one scenario run at a time. */
export interface Recordings {
  model: ChatModel;
  /** The calls from now on belong to this run of this scenario. */
  start(scenario: string, run: number): void;
  /** Writes what a recording holds (a replay writes nothing). */
  save(): Promise<void>;
  /** Why the current run's model calls failed (a replay that ran out of recorded calls); null when none did. */
  problem(): string | null;
}

const partSchema = z.union([
  z.object({ type: z.literal('text-delta'), text: z.string() }),
  z.object({ type: z.literal('tool-call'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('finish'),
    stopReason: z.string().nullable(),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadTokens: z.number(), cacheWriteTokens: z.number() }),
    citations: z.array(z.number()).optional(),
    quickReplies: z.array(z.string()).optional(),
  }),
]);
/** A scenario's recording: its runs, each the parts of each model call. */
const recordingSchema = z.object({ scenario: z.string(), runs: z.array(z.array(z.array(partSchema))).min(1) });
type Recording = z.infer<typeof recordingSchema>;

/** The file of `scenario`'s recording in `dir`: a readable slug and a hash of the exact name. */
export function recordingFile(dir: string, scenario: string): string {
  const slug =
    scenario
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'scenario';
  return join(dir, `${slug}-${createHash('sha256').update(scenario).digest('hex').slice(0, 8)}.json`);
}

/** Records what `inner` streams. */
export function recordTo(dir: string, inner: ChatModel): Recordings {
  const recordings = new Map<string, Recording>();
  let calls: ChatStreamPart[][] = [];
  return {
    model: {
      async *stream(request, signal) {
        const parts: ChatStreamPart[] = [];
        calls.push(parts);
        for await (const part of inner.stream(request, signal)) {
          parts.push(part);
          yield part;
        }
      },
    },
    start(scenario, run) {
      const recording = recordings.get(scenario) ?? { scenario, runs: [] };
      recordings.set(scenario, recording);
      calls = [];
      recording.runs[run] = calls;
    },
    problem: () => null,
    async save() {
      await mkdir(dir, { recursive: true });
      for (const recording of recordings.values()) {
        await writeFile(recordingFile(dir, recording.scenario), `${JSON.stringify(recording, null, 1)}\n`);
      }
    },
  };
}

/** Replays the recordings in `dir`. Run n of a scenario replays its recorded run n, or the first when it has fewer. */
export function replayFrom(dir: string): Recordings {
  let calls: ChatStreamPart[][] = [];
  let scenarioName = '';
  let next = 0;
  let problem: string | null = null;
  return {
    model: {
      async *stream(_request, signal) {
        const parts = calls[next];
        next += 1;
        if (!parts) {
          problem = `The recording of "${scenarioName}" has ${calls.length} model call(s) and the bot asked for more: record it again (--record).`;
          throw new Error(problem);
        }
        for (const part of parts) {
          signal.throwIfAborted();
          yield part;
        }
      },
    },
    start(scenario, run) {
      const file = recordingFile(dir, scenario);
      if (!existsSync(file)) throw new Error(`No recording of "${scenario}" in ${dir}: record it with --record.`);
      const parsed = recordingSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file} is not a recording: ${z.prettifyError(parsed.error)}`);
      scenarioName = scenario;
      calls = (parsed.data.runs[run] ?? parsed.data.runs[0]!) as ChatStreamPart[][];
      next = 0;
      problem = null;
    },
    problem: () => problem,
    async save() {},
  };
}
