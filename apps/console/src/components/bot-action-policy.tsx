/**
 * When the bot may run one of its actions (its policy), in the bot actions form (bot-actions.tsx): automatically, after
 * the visitor confirms, or after an agent approves; for the last two the confirmation text people read and how long the
 * decision is waited for, and for approval the team whose agents decide. Only bot-actions.tsx imports it, so it lands in
 * the webhooks page's lazy chunk.
 * @module
 */
import type { BotAction, BotActionPolicy, Team } from '@parley/protocol';
import { useState } from 'preact/hooks';
import type { EditForm } from './settings-forms.js';

/** Each policy in the admin's words, in the order offered. */
export const policyLabels: Record<BotActionPolicy, string> = {
  auto: 'Automatically',
  confirm: 'After the visitor confirms',
  approve: 'After an agent approves',
};

// The protocol's default and the UI's range of the time to decide, in minutes (the server takes 5 s to 24 h).
const DEFAULT_DECISION_SECONDS = 900;
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
 * The policy fields' state, starting from `saved` (none for a new action). `read` gives what to send, or what is wrong
 * with the time to decide. A saved time outside the form's range (a few seconds, set over the API) is sent back as it
 * was unless the admin changes it.
 */
export function usePolicy(saved?: Pick<BotAction, keyof PolicyValues>) {
  const savedSeconds = saved?.decisionTimeoutSeconds ?? DEFAULT_DECISION_SECONDS;
  const [policy, setPolicy] = useState<BotActionPolicy>(saved?.policy ?? 'auto');
  const [confirmationText, setConfirmationText] = useState(saved?.confirmationText ?? '');
  const [approverTeamId, setApproverTeamId] = useState<string | null>(saved?.approverTeamId ?? null);
  const [minutes, setMinutes] = useState(minutesText(savedSeconds));

  function read(): { values: PolicyValues; issue: string | null } {
    const unchanged = minutes === minutesText(savedSeconds);
    const number = Number(minutes);
    const inRange = minutes.trim() !== '' && number >= DECISION_MINUTES.min && number <= DECISION_MINUTES.max;
    return {
      values: {
        policy,
        confirmationText: confirmationText.trim(),
        approverTeamId,
        decisionTimeoutSeconds: unchanged ? savedSeconds : Math.round(number * 60),
      },
      issue:
        unchanged || inRange || policy === 'auto'
          ? null
          : `The time to decide is from ${DECISION_MINUTES.min} to ${DECISION_MINUTES.max} minutes.`,
    };
  }

  return { policy, setPolicy, confirmationText, setConfirmationText, approverTeamId, setApproverTeamId, minutes, setMinutes, read };
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
export function PolicyFields({ policy: state, teams, form: { invalid, error, hint } }: PolicyFieldsProps) {
  const { policy, approverTeamId } = state;
  // A saved team this list doesn't have (not loaded, or deleted): kept, and said so, rather than silently changed.
  const unknownTeam = approverTeamId !== null && !teams.some((team) => team.id === approverTeamId);
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
      {policy === 'approve' && (
        <>
          <label class="field">
            <span class="field-label">Approver team</span>
            <select
              value={approverTeamId ?? ''}
              {...invalid('approverTeamId', hint('approverTeamId'))}
              onChange={(event) => state.setApproverTeamId(event.currentTarget.value || null)}
            >
              <option value="">Any agent</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
              {unknownTeam && <option value={approverTeamId}>A team not listed</option>}
            </select>
          </label>
          <p id={hint('approverTeamId')} class="hint">
            Whose agents may approve. Admins always may.
          </p>
          {error('approverTeamId')}
        </>
      )}
      {policy !== 'auto' && (
        <>
          <label class="field">
            <span class="field-label">Time to decide (minutes)</span>
            <input
              class="capacity-input"
              type="number"
              min={DECISION_MINUTES.min}
              max={DECISION_MINUTES.max}
              step={1}
              value={state.minutes}
              {...invalid('decisionTimeoutSeconds', hint('decisionTimeoutSeconds'))}
              onInput={(event) => state.setMinutes(event.currentTarget.value)}
            />
          </label>
          <p id={hint('decisionTimeoutSeconds')} class="hint">
            Nobody decided by then: the action does not run.
          </p>
          {error('decisionTimeoutSeconds')}
        </>
      )}
    </>
  );
}

/** The policy of a listed action, in words: "Runs after an agent approves (Billing)". */
export function policySummary(action: Pick<BotAction, 'policy' | 'approverTeamId'>, teams: readonly Team[]): string {
  if (action.policy === 'auto') return 'Runs automatically.';
  const team = action.approverTeamId === null ? 'any agent' : teams.find((candidate) => candidate.id === action.approverTeamId)?.name;
  return `Runs ${policyLabels[action.policy].toLowerCase()}${action.policy === 'approve' && team ? ` (${team})` : ''}.`;
}
