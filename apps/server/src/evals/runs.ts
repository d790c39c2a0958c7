/**
 * Stored evals (`eval_runs`): `parley eval` keeps each of its reports in the organization's database, and the console
 * lists them with their transcripts.
 * @module
 */
import { evalRuns, type Database } from '@parley/db';
import { evalScenarioResultSchema, ParleyError, type EvalReport, type EvalRun, type EvalRunSummary } from '@parley/protocol';
import { and, desc, eq, getTableColumns } from 'drizzle-orm';
import { z } from 'zod';

/** The most stored evals a list shows. */
const LIST_LIMIT = 100;

/** Keeps `report` as `organizationId`'s; returns its id. */
export async function storeEvalRun(db: Database, organizationId: string, report: EvalReport): Promise<string> {
  const [row] = await db
    .insert(evalRuns)
    .values({
      organizationId,
      model: report.model,
      profile: report.profile,
      runsPerScenario: report.runsPerScenario,
      scenarioCount: report.scenarios.length,
      passedCount: report.scenarios.filter((scenario) => scenario.passed).length,
      passed: report.passed,
      durationMs: report.durationMs,
      scenarios: report.scenarios,
      startedAt: new Date(report.startedAt),
    })
    .returning({ id: evalRuns.id });
  return row!.id;
}

type EvalRunRow = typeof evalRuns.$inferSelect;

function toSummary(row: Omit<EvalRunRow, 'scenarios'>): EvalRunSummary {
  return {
    id: row.id,
    model: row.model,
    profile: row.profile,
    runsPerScenario: row.runsPerScenario,
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    passed: row.passed,
    scenarioCount: row.scenarioCount,
    passedCount: row.passedCount,
  };
}

/** The organization's stored evals, the latest first, without their transcripts. */
export async function listEvalRuns(db: Database, organizationId: string): Promise<EvalRunSummary[]> {
  const { scenarios: _transcripts, ...columns } = getTableColumns(evalRuns);
  const rows = await db
    .select(columns)
    .from(evalRuns)
    .where(eq(evalRuns.organizationId, organizationId))
    .orderBy(desc(evalRuns.startedAt))
    .limit(LIST_LIMIT);
  return rows.map(toSummary);
}

/** One stored eval with every transcript; another organization's is not found. */
export async function getEvalRun(db: Database, organizationId: string, evalRunId: string): Promise<EvalRun> {
  const [row] = await db
    .select()
    .from(evalRuns)
    .where(and(eq(evalRuns.id, evalRunId), eq(evalRuns.organizationId, organizationId)));
  if (!row) throw new ParleyError('not_found', 'No eval run has this id.');
  // Written by this code, read back through the protocol's schema: a row that no longer parses says so.
  return { ...toSummary(row), scenarios: z.array(evalScenarioResultSchema).parse(row.scenarios) };
}
