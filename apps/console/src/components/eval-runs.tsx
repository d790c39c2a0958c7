/**
 * Scenario runs, a section of Settings → Bot profiles (admins): the reports `parley eval` kept, the latest first, each
 * with its figures (scenarios passed, runs per scenario, model, profile) and, on demand, every scenario's runs with
 * their transcripts (the messages, the tools called and what they answered, the documents cited, a handoff), so that a
 * profile is seen at work before it is published. Transcripts are text, never HTML. Only protocol types are imported.
 * @module
 */
import type { EvalRun, EvalRunList, EvalRunSummary, EvalScenarioRun } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { Listing, useListing } from './settings-forms.js';

/** Props of {@link EvalRuns}. */
export interface EvalRunsProps {
  api: Pick<ConsoleApi, 'request'>;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The section: the stored runs, each opening to its transcripts. */
export function EvalRuns({ api }: EvalRunsProps) {
  const titleId = useId();
  const listing = useListing(async () => (await api.request<EvalRunList>('GET', '/api/bot/eval-runs')).runs);
  return (
    <section class="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId} class="team-settings-name">
        Scenario runs
      </h2>
      <p class="hint">
        Test a profile before you publish it: <code>parley eval &lt;folder&gt; --profile &lt;name&gt;</code> runs your scenarios against a
        copy of your bot setup (see docs/evals.md), and keeps its report here.
      </p>
      <Listing listing={listing} empty="No scenario runs yet.">
        {(run) => <EvalRunItem key={run.id} api={api} run={run} />}
      </Listing>
    </section>
  );
}

/** One line of figures for a stored run. */
export function runFigures(run: EvalRunSummary): string {
  const parts = [
    `${run.passedCount} of ${run.scenarioCount} scenarios passed`,
    run.runsPerScenario > 1 ? `pass^${run.runsPerScenario}` : null,
    `model ${run.model}`,
    run.profile ? `profile ${run.profile}` : null,
    `${(run.durationMs / 1000).toFixed(1)} s`,
  ];
  return parts.filter(Boolean).join(' · ');
}

function EvalRunItem({ api, run }: { api: EvalRunsProps['api']; run: EvalRunSummary }) {
  const [details, setDetails] = useState<EvalRun | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const panelId = useId();

  async function toggle() {
    if (open) return setOpen(false);
    setOpen(true);
    if (details) return;
    setError(null);
    try {
      setDetails(await api.request<EvalRun>('GET', `/api/bot/eval-runs/${encodeURIComponent(run.id)}`));
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <li class="eval-run">
      <div class="eval-run-row">
        <span>
          <strong>{run.passed ? 'Passed' : 'Failed'}</strong> · {dateFormat.format(new Date(run.startedAt))}
          <br />
          <span class="hint">{runFigures(run)}</span>
        </span>
        <button type="button" class="button" aria-expanded={open} aria-controls={panelId} onClick={() => void toggle()}>
          {open ? 'Hide transcripts' : 'Show transcripts'}
        </button>
      </div>
      {open && (
        <div id={panelId}>
          {error ? (
            <p class="form-error" role="alert">
              {error}
            </p>
          ) : details ? (
            details.scenarios.map((scenario) => (
              <section key={scenario.name} class="eval-scenario" aria-label={scenario.name}>
                <h3>
                  {scenario.passed ? '✓' : '✗'} {scenario.name} <span class="hint">({scenario.file})</span>
                </h3>
                {scenario.runs.map((scenarioRun, index) => (
                  <ScenarioRunDetails key={index} run={scenarioRun} number={index + 1} />
                ))}
              </section>
            ))
          ) : (
            <p class="hint">Loading…</p>
          )}
        </div>
      )}
    </li>
  );
}

function ScenarioRunDetails({ run, number }: { run: EvalScenarioRun; number: number }) {
  const { transcript } = run;
  return (
    <details open={!run.passed}>
      <summary>
        Run {number}: {run.passed ? 'passed' : 'failed'} ({(run.durationMs / 1000).toFixed(1)} s)
      </summary>
      {run.failures.length > 0 && (
        <ul class="form-error">
          {run.failures.map((failure) => (
            <li key={failure}>{failure}</li>
          ))}
        </ul>
      )}
      {run.rubric.length > 0 && (
        <ul>
          {run.rubric.map((verdict) => (
            <li key={verdict.criterion}>
              {verdict.passed === null ? 'Not judged' : verdict.passed ? 'Met' : 'Not met'}: {verdict.criterion}
              {verdict.reason && <span class="hint"> — {verdict.reason}</span>}
            </li>
          ))}
        </ul>
      )}
      <ol class="eval-transcript">
        {transcript.messages.map((message, index) => (
          <li key={index}>
            <strong>{message.author === 'bot' && message.profile ? `bot (${message.profile})` : message.author}:</strong>{' '}
            <span class="eval-text">{message.text}</span>
            {message.citations && message.citations.length > 0 && (
              <span class="hint"> Cites {message.citations.map((citation) => citation.title).join(', ')}.</span>
            )}
          </li>
        ))}
      </ol>
      {transcript.toolCalls.length > 0 && (
        <ul class="eval-tools" aria-label="Tool calls">
          {transcript.toolCalls.map((call, index) => (
            <li key={index}>
              <code>
                {call.tool}({JSON.stringify(call.input)})
              </code>
              {call.policy && <span class="hint"> ({call.policy})</span>} →{' '}
              {call.error ? <span class="form-error">{call.error}</span> : <code>{JSON.stringify(call.output)}</code>}
            </li>
          ))}
        </ul>
      )}
      {transcript.handedOff && <p class="hint">Handed to a person.</p>}
    </details>
  );
}
