/**
 * When the bot may run one of its tools (its policy): automatically, after the visitor confirms, or after an agent
 * approves; for the last two how long the decision is waited for, and for approval the team whose agents decide. The
 * bot actions form (bot-actions.tsx) uses {@link PolicyFields} (with the confirmation text); the MCP servers form
 * (mcp-servers.tsx) a policy per tool and the server's {@link ApproverTeamField} and {@link DecisionTimeField}. Only
 * those two import it, so it lands in the webhooks page's lazy chunk.
 * @module
 */
import type { BotAction, BotActionPolicy, Team } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import type { EditForm } from './settings-forms.js';

/** Each policy in the admin's words, in the order offered. */
export const policyLabels: Record<BotActionPolicy, string> = {
  auto: 'Automatically',
  confirm: 'After the visitor confirms',
  approve: 'After an agent approves',
};

/** The protocol's default time to decide, in seconds (the server takes 5 s to 24 h). */
export const DEFAULT_DECISION_SECONDS = 900;
/** The shortest and longest time to decide the form takes, in minutes. */
export const DECISION_MINUTES = { min: 1, max: 1440 } as const;
/** The protocol's longest confirmation text (BOT_ACTION_LIMITS.confirmationText; bot-actions.test.tsx checks it). */
export const CONFIRMATION_TEXT_MAX_LENGTH = 500;

/** What the policy fields send. */
export interface PolicyValues {
  policy: BotActionPolicy;
  confirmationText: string;
  approverTeamId: string | null;
  decisionTimeoutSeconds: number;
}

/** The fields of {@link PolicyValues}, whose refusals show next to them. */
export type PolicyField = keyof PolicyValues;

/** Seconds as minutes to type, to two decimals at most (`15`, `0.5`). */
const minutesText = (seconds: number) => String(Math.round((seconds / 60) * 100) / 100);

/**
 * The organization's teams, the approver team's choices, asked once. Without them (a failed load) a tool is still
 * saved, approved by any agent or its team kept.
 */
export function useTeams(api: Pick<ConsoleApi, 'listTeams'>): readonly Team[] {
  const [teams, setTeams] = useState<readonly Team[]>([]);
  useEffect(() => {
    api.listTeams().then(
      (list) => setTeams(list.teams),
      () => {},
    );
  }, []);
  return teams;
}

/**
 * The time to decide, typed in minutes, starting from `savedSeconds`. `read(waits)` gives the seconds to send, and what
 * is wrong with them when a decision is waited for. A saved time outside the form's range (a few seconds, set over the
 * API) is sent back as it was unless the admin changes it.
 */
export function useDecisionTime(savedSeconds = DEFAULT_DECISION_SECONDS) {
  const [minutes, setMinutes] = useState(minutesText(savedSeconds));

  function read(waits: boolean): { seconds: number; issue: string | null } {
    const unchanged = minutes === minutesText(savedSeconds);
    const number = Number(minutes);
    const inRange = minutes.trim() !== '' && number >= DECISION_MINUTES.min && number <= DECISION_MINUTES.max;
    return {
      seconds: unchanged ? savedSeconds : Math.round(number * 60),
      issue:
        unchanged || inRange || !waits ? null : `The time to decide is from ${DECISION_MINUTES.min} to ${DECISION_MINUTES.max} minutes.`,
    };
  }

  return { minutes, setMinutes, read };
}

/** The policy fields' state, starting from `saved` (none for a new action). `read` gives what to send, or what is wrong with the time to decide. */
export function usePolicy(saved?: Pick<BotAction, keyof PolicyValues>) {
  const [policy, setPolicy] = useState<BotActionPolicy>(saved?.policy ?? 'auto');
  const [confirmationText, setConfirmationText] = useState(saved?.confirmationText ?? '');
  const [approverTeamId, setApproverTeamId] = useState<string | null>(saved?.approverTeamId ?? null);
  const time = useDecisionTime(saved?.decisionTimeoutSeconds);

  function read(): { values: PolicyValues; issue: string | null } {
    const { seconds, issue } = time.read(policy !== 'auto');
    return { values: { policy, confirmationText: confirmationText.trim(), approverTeamId, decisionTimeoutSeconds: seconds }, issue };
  }

  return { policy, setPolicy, confirmationText, setConfirmationText, approverTeamId, setApproverTeamId, time, read };
}

/** The policy choices of a select, in the admin's words. */
export const policyOptions = () =>
  (Object.keys(policyLabels) as BotActionPolicy[]).map((choice) => (
    <option key={choice} value={choice}>
      {policyLabels[choice]}
    </option>
  ));

/** Props of {@link ApproverTeamField}. */
export interface ApproverTeamFieldProps {
  value: string | null;
  onChange: (teamId: string | null) => void;
  /** The organization's teams, the choices. */
  teams: readonly Team[];
  form: Pick<EditForm<'approverTeamId'>, 'invalid' | 'error' | 'hint'>;
}

/** The approver team select ("Any agent": null), its hint and its error. */
export function ApproverTeamField({ value, onChange, teams, form: { invalid, error, hint } }: ApproverTeamFieldProps) {
  // A saved team this list doesn't have (not loaded, or deleted): kept, and said so, rather than silently changed.
  const unknownTeam = value !== null && !teams.some((team) => team.id === value);
  return (
    <>
      <label class="field">
        <span class="field-label">Approver team</span>
        <select
          value={value ?? ''}
          {...invalid('approverTeamId', hint('approverTeamId'))}
          onChange={(event) => onChange(event.currentTarget.value || null)}
        >
          <option value="">Any agent</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
          {unknownTeam && <option value={value}>A team not listed</option>}
        </select>
      </label>
      <p id={hint('approverTeamId')} class="hint">
        Whose agents may approve. Admins always may.
      </p>
      {error('approverTeamId')}
    </>
  );
}

/** Props of {@link DecisionTimeField}. */
export interface DecisionTimeFieldProps {
  time: ReturnType<typeof useDecisionTime>;
  form: Pick<EditForm<'decisionTimeoutSeconds'>, 'invalid' | 'error' | 'hint'>;
  /** Its hint: what happens when nobody decides in time. */
  children: ComponentChildren;
}

/** The time to decide, in minutes (sent as seconds), its hint and its error. */
export function DecisionTimeField({ time, form: { invalid, error, hint }, children }: DecisionTimeFieldProps) {
  return (
    <>
      <label class="field">
        <span class="field-label">Time to decide (minutes)</span>
        <input
          class="capacity-input"
          type="number"
          min={DECISION_MINUTES.min}
          max={DECISION_MINUTES.max}
          step={1}
          value={time.minutes}
          {...invalid('decisionTimeoutSeconds', hint('decisionTimeoutSeconds'))}
          onInput={(event) => time.setMinutes(event.currentTarget.value)}
        />
      </label>
      <p id={hint('decisionTimeoutSeconds')} class="hint">
        {children}
      </p>
      {error('decisionTimeoutSeconds')}
    </>
  );
}

/** Props of {@link PolicyFields}. */
export interface PolicyFieldsProps {
  policy: ReturnType<typeof usePolicy>;
  /** The organization's teams, the approver team's choices. */
  teams: readonly Team[];
  form: Pick<EditForm<PolicyField>, 'invalid' | 'error' | 'hint'>;
}

/**
 * "When the bot may run it" as radio buttons; then, for confirm and approve, the confirmation text and the time to
 * decide, and for approve the approver team ("Any agent": null).
 */
export function PolicyFields({ policy: state, teams, form }: PolicyFieldsProps) {
  const { invalid, error, hint } = form;
  const { policy, approverTeamId } = state;
  return (
    <>
      <fieldset class="member-choices" {...invalid('policy')}>
        <legend>When the bot may run it</legend>
        {(Object.keys(policyLabels) as BotActionPolicy[]).map((choice) => (
          <label key={choice} class="checkbox-field">
            <input type="radio" name="policy" value={choice} checked={policy === choice} onChange={() => state.setPolicy(choice)} />
            {policyLabels[choice]}
          </label>
        ))}
      </fieldset>
      {error('policy')}
      {policy !== 'auto' && (
        <>
          <label class="field">
            <span class="field-label">Confirmation text</span>
            <textarea
              rows={2}
              maxLength={CONFIRMATION_TEXT_MAX_LENGTH}
              value={state.confirmationText}
              {...invalid('confirmationText', hint('confirmationText'))}
              onInput={(event) => state.setConfirmationText(event.currentTarget.value)}
            />
          </label>
          <p id={hint('confirmationText')} class="hint">
            What the visitor and agents read, e.g. <code>{'Refund {{amount}} EUR on order {{order_number}}'}</code>. Empty: the action’s
            name and its inputs.
          </p>
          {error('confirmationText')}
        </>
      )}
      {policy === 'approve' && <ApproverTeamField value={approverTeamId} onChange={state.setApproverTeamId} teams={teams} form={form} />}
      {policy !== 'auto' && (
        <DecisionTimeField time={state.time} form={form}>
          Nobody decided by then: the action does not run.
        </DecisionTimeField>
      )}
    </>
  );
}

/** When a tool waits, in words: "after an agent approves (Billing)", "after the visitor confirms". */
export function waitSummary(policy: Exclude<BotActionPolicy, 'auto'>, approverTeamId: string | null, teams: readonly Team[]): string {
  const team = approverTeamId === null ? 'any agent' : teams.find((candidate) => candidate.id === approverTeamId)?.name;
  return `${policyLabels[policy].toLowerCase()}${policy === 'approve' && team ? ` (${team})` : ''}`;
}

/** The policy of a listed action, in words: "Runs after an agent approves (Billing)". */
export function policySummary(action: Pick<BotAction, 'policy' | 'approverTeamId'>, teams: readonly Team[]): string {
  return action.policy === 'auto' ? 'Runs automatically.' : `Runs ${waitSummary(action.policy, action.approverTeamId, teams)}.`;
}
