/**
 * The transfer form of a conversation: whom to pass it to (an agent, with their presence, or a team's queue) and a note
 * for the next agent, which the visitor never sees.
 * @module
 */
import { TRANSFER_NOTE_MAX_LENGTH, type AgentPresence, type Team, type TransferRequest } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';

/** Props of {@link TransferForm}. */
export interface TransferFormProps {
  /** The organization's agents with their presence; the one who has the conversation is left out. */
  agents: readonly AgentPresence[];
  /** Who has the conversation now, if anyone. */
  assigneeId: string | null;
  loadTeams: () => Promise<Team[]>;
  /** Resolves true once transferred (the form closes), false when refused (the notice says why). */
  onTransfer: (request: TransferRequest) => Promise<boolean>;
  onCancel: () => void;
}

const presenceWords = { online: 'online', away: 'away', offline: 'offline' } as const;

/** A value of the target select: `agent:<id>` or `team:<id>`. */
function toTarget(value: string): TransferRequest['target'] | null {
  const [kind, id] = value.split(':', 2);
  if (!id) return null;
  return kind === 'agent' ? { to: 'agent', agentId: id } : { to: 'team', teamId: id };
}

/** Pick an agent or a team, write a note, transfer. */
export function TransferForm(props: TransferFormProps) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const { loadTeams } = props;

  useEffect(() => {
    let current = true;
    void loadTeams().then((loaded) => {
      if (current) setTeams(loaded);
    });
    return () => {
      current = false;
    };
  }, [loadTeams]);

  // Escape closes the form, wherever the focus is (the workspace's shortcuts; a dialog over it keeps its own Escape).
  const { onCancel } = props;
  useEffect(() => {
    function handleKeyDown(event: KeyboardEvent) {
      if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing || busy) return;
      event.preventDefault();
      onCancel();
    }
    document.addEventListener('keydown', handleKeyDown);
    return () => document.removeEventListener('keydown', handleKeyDown);
  }, [busy, onCancel]);

  const agents = props.agents.filter((agent) => agent.userId !== props.assigneeId);

  async function submit(event: Event) {
    event.preventDefault();
    const chosen = toTarget(target);
    if (!chosen) return;
    setBusy(true);
    try {
      const trimmed = note.trim();
      if (await props.onTransfer(trimmed ? { target: chosen, note: trimmed } : { target: chosen })) props.onCancel();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="transfer-form" aria-label="Transfer the conversation" onSubmit={(event) => void submit(event)}>
      <label class="field">
        <span>Transfer to</span>
        <select value={target} required onChange={(event) => setTarget(event.currentTarget.value)}>
          <option value="" disabled>
            Choose an agent or a team
          </option>
          <optgroup label="Agents">
            {agents.map((agent) => (
              <option key={agent.userId} value={`agent:${agent.userId}`}>
                {agent.name} ({presenceWords[agent.status]})
              </option>
            ))}
          </optgroup>
          <optgroup label={teams === null ? 'Teams (loading…)' : 'Teams'}>
            {(teams ?? []).map((team) => (
              <option key={team.id} value={`team:${team.id}`}>
                {team.name} ({team.memberIds.length} {team.memberIds.length === 1 ? 'agent' : 'agents'})
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label class="field">
        <span>Note for the next agent (optional, not shown to the visitor)</span>
        <textarea rows={3} maxLength={TRANSFER_NOTE_MAX_LENGTH} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      </label>
      <div class="transfer-actions">
        <button type="submit" class="button button-primary" disabled={busy || !target}>
          Transfer
        </button>
        <button type="button" class="button" disabled={busy} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
