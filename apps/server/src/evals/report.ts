/**
 * The results of `parley eval`: per scenario, its k runs and pass^k (every run passed); written as JSON and as JUnit
 * XML (one test case per scenario, its failed runs in the failure message) for CI. The report's shape is the protocol's
 * (`evalReportSchema`): the console reads stored ones.
 * @module
 */
import type { EvalReport } from '@parley/protocol';

/** One line per scenario and a total, for the terminal. */
export function formatSummary(report: EvalReport): string {
  const lines = report.scenarios.map((scenario) => {
    const passedRuns = scenario.runs.filter((run) => run.passed).length;
    const mark = scenario.passed ? 'pass' : 'FAIL';
    const detail = scenario.passed
      ? ''
      : scenario.runs.flatMap((run, index) => run.failures.map((failure) => `\n      run ${index + 1}: ${failure}`)).join('');
    return `  ${mark}  ${scenario.name}  (${passedRuns}/${scenario.runs.length} runs)${detail}`;
  });
  const passed = report.scenarios.filter((scenario) => scenario.passed).length;
  return [
    ...lines,
    '',
    `  ${passed}/${report.scenarios.length} scenarios pass^${report.runsPerScenario} · model ${report.model}` +
      `${report.profile ? ` · profile ${report.profile}` : ''} · ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

/** JUnit XML: a test suite of the scenarios, each failing with its failed runs' reasons. */
export function toJUnit(report: EvalReport): string {
  const failures = report.scenarios.filter((scenario) => !scenario.passed).length;
  const cases = report.scenarios.map((scenario) => {
    const seconds = (scenario.runs.reduce((total, run) => total + run.durationMs, 0) / 1000).toFixed(3);
    const open = `    <testcase classname="${xml(scenario.file)}" name="${xml(scenario.name)}" time="${seconds}"`;
    if (scenario.passed) return `${open}/>`;
    const reasons = scenario.runs.flatMap((run, index) => run.failures.map((failure) => `run ${index + 1}: ${failure}`)).join('\n');
    const failedRuns = scenario.runs.filter((run) => !run.passed).length;
    return `${open}>\n      <failure message="${xml(`${failedRuns} of ${scenario.runs.length} runs failed`)}">${xml(reasons)}</failure>\n    </testcase>`;
  });
  const seconds = (report.durationMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="parley eval" tests="${report.scenarios.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="parley eval" tests="${report.scenarios.length}" failures="${failures}" time="${seconds}" timestamp="${report.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Text for an XML attribute or element; characters XML 1.0 can't hold are dropped. */
function xml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
