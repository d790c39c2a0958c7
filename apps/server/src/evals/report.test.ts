import { describe, expect, it } from 'vitest';
import type { EvalReport, EvalScenarioRun } from '@parley/protocol';
import { formatSummary, toJUnit } from './report.js';

function run(failures: string[], durationMs: number): EvalScenarioRun {
  return {
    passed: failures.length === 0,
    failures,
    rubric: [],
    durationMs,
    transcript: { messages: [], toolCalls: [], handedOff: false, tokens: { input: 0, output: 0 } },
  };
}

const tricky = 'Expected the bot to say "<b>Tom & Jerry</b>"\u0001; it did not.';

const report: EvalReport = {
  model: 'offline',
  profile: null,
  runsPerScenario: 2,
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 4321,
  passed: false,
  scenarios: [
    { name: 'Greets', file: 'greetings.yaml', runs: [run([], 100), run([], 250)], passed: true },
    {
      name: 'Refunds <fast> & "safe"',
      file: 'refunds & returns.yaml',
      runs: [run([], 1000), run([tricky, 'Expected a handoff to a person; the bot kept the conversation.'], 1500)],
      passed: false,
    },
  ],
};

describe('toJUnit', () => {
  const xml = toJUnit(report);

  it('writes an XML document with the counts of tests and failures', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml).toContain('<testsuites name="parley eval" tests="2" failures="1" time="4.321">');
    expect(xml).toContain('<testsuite name="parley eval" tests="2" failures="1" time="4.321" timestamp="2026-01-02T03:04:05.000Z">');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    // Every element opened is closed.
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(1);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<\/failure>/g)).toHaveLength(1);
  });

  it('writes a passing scenario as a self-closing test case with the time of its runs', () => {
    expect(xml).toContain('<testcase classname="greetings.yaml" name="Greets" time="0.350"/>');
  });

  it('writes a failing scenario with a failure that counts its failed runs and lists their reasons by run', () => {
    const failing =
      /<testcase classname="([^"]*)" name="([^"]*)" time="([^"]*)">\n\s*<failure message="([^"]*)">([\s\S]*?)<\/failure>\n\s*<\/testcase>/.exec(
        xml,
      );
    expect(failing).not.toBeNull();
    const [, classname, name, time, message, body] = failing!;
    expect(classname).toBe('refunds &amp; returns.yaml');
    expect(name).toBe('Refunds &lt;fast&gt; &amp; &quot;safe&quot;');
    expect(time).toBe('2.500');
    expect(message).toBe('1 of 2 runs failed');
    expect(body).toBe(
      'run 2: Expected the bot to say &quot;&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;&quot;; it did not.\n' +
        'run 2: Expected a handoff to a person; the bot kept the conversation.',
    );
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xml).toContain('&lt;');
    expect(xml).toContain('&amp;');
    expect(xml).toContain('&gt;');
    expect(xml).toContain('&quot;');
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('Tom & Jerry');
    // No stray ampersand: each is the start of an entity.
    expect(xml.match(/&(?!(?:amp|lt|gt|quot);)/g)).toBeNull();
  });

  it('writes a report of passing scenarios with no failures', () => {
    const allPass = toJUnit({ ...report, scenarios: [report.scenarios[0]!], passed: true });
    expect(allPass).toContain('tests="1" failures="0"');
    expect(allPass).not.toContain('<failure');
  });
});

describe('formatSummary', () => {
  const summary = formatSummary(report);
  const lines = summary.split('\n');

  it('writes a line per scenario, pass or FAIL with its passed runs', () => {
    expect(lines[0]).toBe('  pass  Greets  (2/2 runs)');
    expect(lines[1]).toBe('  FAIL  Refunds <fast> & "safe"  (1/2 runs)');
  });

  it("lists a failed scenario's failures by run number", () => {
    expect(lines[2]).toBe(`      run 2: ${tricky}`);
    expect(lines[3]).toBe('      run 2: Expected a handoff to a person; the bot kept the conversation.');
    expect(summary).not.toContain('run 1:');
  });

  it('ends with the count of scenarios that pass^k, the model and the duration', () => {
    expect(lines.at(-2)).toBe('');
    expect(lines.at(-1)).toContain('1/2 scenarios pass^2');
    expect(lines.at(-1)).toBe('  1/2 scenarios pass^2 · model offline · 4.3 s');
  });

  it('names the profile when one was given', () => {
    expect(
      formatSummary({ ...report, profile: 'Support' })
        .split('\n')
        .at(-1),
    ).toBe('  1/2 scenarios pass^2 · model offline · profile Support · 4.3 s');
  });
});
