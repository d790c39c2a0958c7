/**
 * The card under a bot message that asked for a decision before running an action (`message.action`): what the call
 * will do, its inputs, where the decision stands, and, for a call waiting for an agent's approval, a note and Approve /
 * Reject. In a chunk of its own (message-list.tsx loads it when such a message is first shown): most conversations
 * have none, and the bundle every agent loads has no room for it. Text only: the summary and inputs come from the
 * model and the visitor, and are shown as written, never interpreted.
 * @module
 */
import type { MessageAction, PendingAction, PendingActionDecision } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';

/**
 * What the card needs of the console: the pending actions held, the teams, the signed-in agent, and the API for the
 * decision.
 */
export interface Approvals {
  /** The pending actions held, by id (the controller's state, kept current by `pending-action:updated`). */
  actions: Readonly<Record<string, PendingAction>>;
  /** The organization's teams, to name the approver team and to know its members. */
  teams: ReadonlyArray<{ id: string; name: string; memberIds: readonly string[] }>;
  /** The signed-in agent: who may decide is known before the server would answer 403. */
  viewer: { id: string; isAdmin: boolean };
  /** The API's generic request: the decision route is called from here, out of the bundle every agent loads. */
  request: ConsoleApi['request'];
}

/** Props of {@link PendingActionCard}. */
export interface PendingActionCardProps {
  /** What the bot message carries. */
  action: MessageAction;
  approvals: Approvals;
}

/** The protocol's PENDING_ACTION_NOTE_MAX, copied: importing a value would bring zod into this chunk. */
export const DECISION_NOTE_MAX_LENGTH = 1000;

/** A call's inputs as `name: value` lines; a value that is no string is written as JSON. */
export function inputLines(input: PendingAction['input']): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [JSON.stringify(input)];
  return Object.entries(input).map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

/**
 * Where a call's decision stands, in words: "Waiting for approval (Billing)", "Rejected by Ana (out of stock)". Without
 * the call itself (not loaded yet), what the message says it waits for.
 */
export function decisionStatusText(
  action: MessageAction,
  pending: PendingAction | undefined,
  teams: ReadonlyArray<{ id: string; name: string }> = [],
): string {
  const by = pending?.decidedBy?.name ?? (pending?.decidedBy?.kind === 'visitor' ? 'the visitor' : 'an agent');
  const note = pending?.note ? ` (${pending.note})` : '';
  switch (pending?.status ?? 'pending') {
    case 'pending': {
      if (action.policy === 'confirm') return 'Waiting for the visitor to confirm';
      const team = pending?.teamId ? teams.find((candidate) => candidate.id === pending.teamId)?.name : undefined;
      return `Waiting for approval${team ? ` (${team})` : ''}`;
    }
    case 'approved':
      return `Approved by ${by}${note}`;
    case 'rejected':
      return `Rejected by ${by}${note}`;
    case 'confirmed':
      return 'Confirmed by the visitor';
    case 'cancelled':
      return 'Cancelled by the visitor';
    case 'expired':
      return 'Expired: nobody decided in time';
    default:
      return 'Withdrawn';
  }
}

/**
 * The approver team's name when the signed-in agent may not decide `pending` (the server's rule: an admin or owner, any
 * agent for a call of no team, or a member of its team), else null. A team the console does not know (the teams not
 * loaded, or changed meanwhile) leaves the decision to the server, whose refusal the card then shows.
 */
export function approverTeamBarring(pending: PendingAction | undefined, approvals: Pick<Approvals, 'teams' | 'viewer'>): string | null {
  if (!pending?.teamId || approvals.viewer.isAdmin) return null;
  const team = approvals.teams.find((candidate) => candidate.id === pending.teamId);
  return team && !team.memberIds.includes(approvals.viewer.id) ? team.name : null;
}

/**
 * The card: a labelled group with the summary, the inputs, the status (announced as it changes), and for a call waiting
 * for an agent's approval an optional note with Approve and Reject, to those who may decide (the others are told who
 * can). A refusal (`forbidden`: another team decides;
 * `conflict`: decided, expired or withdrawn meanwhile) is said in the server's words.
 */
export function PendingActionCard({ action, approvals }: PendingActionCardProps) {
  const id = useId();
  // The server's answer to this agent's decision, until its event reaches the console's state (a decision is final).
  const [decided, setDecided] = useState<PendingAction | null>(null);
  const held = approvals.actions[action.id];
  const pending = held && held.status !== 'pending' ? held : (decided ?? held);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const waiting = action.policy === 'approve' && pending?.status === 'pending';
  const barredBy = waiting ? approverTeamBarring(pending, approvals) : null;
  const decidable = waiting && barredBy === null;

  async function decide(decision: PendingActionDecision['decision']) {
    setBusy(true);
    setError(null);
    try {
      const body: PendingActionDecision = { decision, ...(note.trim() ? { note: note.trim() } : {}) };
      setDecided(await approvals.request<PendingAction>('POST', `/api/pending-actions/${encodeURIComponent(action.id)}/decision`, body));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    // The transfer note's look (an aside in the conversation), so that the card adds nothing to the console's stylesheet.
    <div class="transfer-note" style={{ margin: '8px 0 0' }} role="group" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`} class="transfer-note-from">
        {action.policy === 'approve' ? 'Approval needed: ' : 'Visitor confirmation: '}
        {action.summary}
      </p>
      {pending && (
        <ul class="transfer-note-text" aria-label="Inputs">
          {inputLines(pending.input).map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
      <p class="transfer-note-text" role="status">
        {decisionStatusText(action, pending, approvals.teams)}
      </p>
      {barredBy !== null && <p class="transfer-note-text">Only {barredBy} (or an admin) can decide.</p>}
      {decidable && (
        <>
          <label class="field">
            <span class="field-label">Note for the bot (optional)</span>
            <textarea
              rows={2}
              maxLength={DECISION_NOTE_MAX_LENGTH}
              value={note}
              disabled={busy}
              onInput={(event) => setNote(event.currentTarget.value)}
            />
          </label>
          <div class="settings-actions">
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              aria-describedby={`${id}-title`}
              onClick={() => void decide('approve')}
            >
              Approve
            </button>
            <button
              type="button"
              class="button button-danger"
              disabled={busy}
              aria-describedby={`${id}-title`}
              onClick={() => void decide('reject')}
            >
              Reject
            </button>
          </div>
        </>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
