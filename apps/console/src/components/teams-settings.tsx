/**
 * Teams: the groups a widget's conversations, or a transfer, are routed to. Lists them with their members and bot
 * profile; creates, renames, changes members of, chooses the bot profile of and deletes them (`/api/teams`). The
 * profiles to choose from are loaded once (`/api/bot/profiles`).
 * @module
 */
import type { BotProfileList, Person, Team } from '@parley/protocol';
import { useEffect, useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { IdChoices } from './id-choices.js';

/** Props of {@link TeamsSettings}. */
export interface TeamsSettingsProps {
  api: Pick<ConsoleApi, 'createTeam' | 'updateTeam' | 'deleteTeam' | 'request'>;
  teams: readonly Team[];
  people: readonly Person[];
  /** Applies a change to the latest list of teams. */
  onTeamsChange: (change: (current: readonly Team[]) => Team[]) => void;
}

/** By name, any case, as the server lists them. */
const byName = (teams: Team[]) => teams.toSorted((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));

/** The Teams section: the list, and a form for a new team. */
export function TeamsSettings({ api, teams, people, onTeamsChange }: TeamsSettingsProps) {
  const titleId = useId();
  const replace = (team: Team) => onTeamsChange((current) => byName([...current.filter((candidate) => candidate.id !== team.id), team]));
  const [profiles, setProfiles] = useState<readonly Profile[]>([]);

  useEffect(() => {
    let live = true;
    // Only the choices of the profile selects: without them, "none" and a team's current profile still show.
    api.request<BotProfileList>('GET', '/api/bot/profiles').then(
      ({ profiles: listed }) => live && setProfiles(listed.map(({ id, name }) => ({ id, name }))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <section class="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Teams</h2>
      {teams.length === 0 ? (
        <p class="hint">No team yet: conversations go to any agent. Create one to route a widget or a topic to it.</p>
      ) : (
        <ul class="team-settings-list">
          {teams.map((team) => (
            <TeamItem
              key={team.id}
              api={api}
              team={team}
              people={people}
              profiles={profiles}
              onSaved={replace}
              onDeleted={() => onTeamsChange((current) => current.filter((candidate) => candidate.id !== team.id))}
            />
          ))}
        </ul>
      )}
      <TeamEditor
        title="New team"
        people={people}
        initial={{ name: '', memberIds: [] }}
        submitLabel="Create team"
        busyLabel="Creating…"
        clearOnSuccess
        onSubmit={async (values) => replace(await api.createTeam(values))}
      />
    </section>
  );
}

/** A bot profile, as a select offers it. */
interface Profile {
  id: string;
  name: string;
}

interface TeamItemProps {
  api: Pick<ConsoleApi, 'updateTeam' | 'deleteTeam'>;
  team: Team;
  people: readonly Person[];
  profiles: readonly Profile[];
  onSaved: (team: Team) => void;
  onDeleted: () => void;
}

/** A team with its members, and its Edit and Delete buttons. */
function TeamItem({ api, team, people, profiles, onSaved, onDeleted }: TeamItemProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-delete' | 'deleting'>('view');
  const [error, setError] = useState<string | null>(null);
  const names = new Map(people.map((person) => [person.id, person.name]));
  const members = team.memberIds.map((id) => names.get(id) ?? 'Someone no longer listed');

  async function remove() {
    setMode('deleting');
    setError(null);
    try {
      await api.deleteTeam(team.id);
      onDeleted();
    } catch (failure) {
      setError(errorMessage(failure));
      setMode('view');
    }
  }

  if (mode === 'edit') {
    return (
      <li class="team-settings-item">
        <TeamEditor
          title={`Edit ${team.name}`}
          people={people}
          initial={{ name: team.name, memberIds: team.memberIds }}
          submitLabel="Save team"
          busyLabel="Saving…"
          onCancel={() => setMode('view')}
          onSubmit={async (values) => {
            onSaved(await api.updateTeam(team.id, values));
            setMode('view');
          }}
        />
      </li>
    );
  }

  return (
    <li class="team-settings-item">
      <h3 class="team-settings-name">{team.name}</h3>
      <p class="team-settings-members">{members.length > 0 ? members.join(', ') : 'No members'}</p>
      <TeamProfileForm api={api} team={team} profiles={profiles} onSaved={onSaved} />
      {mode === 'confirm-delete' ? (
        <div class="people-confirm" role="group" aria-label={`Delete ${team.name}?`}>
          <p>
            Delete the team {team.name}? Its conversations lose their team, so any agent may get them, and widgets that route to it route to
            everyone.
          </p>
          <div class="people-row-actions">
            <button type="button" class="button button-danger" onClick={() => void remove()}>
              Yes, delete
            </button>
            <button type="button" class="button button-ghost" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div class="people-row-actions">
          <button type="button" class="button" disabled={mode === 'deleting'} onClick={() => setMode('edit')}>
            Edit
          </button>
          <button
            type="button"
            class="button button-ghost"
            disabled={mode === 'deleting'}
            onClick={() => {
              setError(null);
              setMode('confirm-delete');
            }}
          >
            {mode === 'deleting' ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** A team's bot profile: a select and its Save, sending `{ botProfileId }` only. */
function TeamProfileForm({
  api,
  team,
  profiles,
  onSaved,
}: Pick<TeamItemProps, 'team' | 'profiles' | 'onSaved'> & { api: Pick<ConsoleApi, 'updateTeam'> }) {
  const [profileId, setProfileId] = useState(team.botProfileId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const errorId = useId();
  const known = profileId === '' || profiles.some((profile) => profile.id === profileId);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.updateTeam(team.id, { botProfileId: profileId || null }));
      setSaved(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="settings-actions" aria-label={`Bot profile of ${team.name}`} noValidate onSubmit={(event) => void submit(event)}>
      <label class="field">
        <span class="field-label">Bot profile</span>
        <select
          value={profileId}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setProfileId(event.currentTarget.value);
            setSaved(false);
          }}
        >
          <option value="">None: the widget’s</option>
          {profiles.map((profile) => (
            <option key={profile.id} value={profile.id}>
              {profile.name}
            </option>
          ))}
          {!known && <option value={profileId}>The current profile</option>}
        </select>
      </label>
      <button type="submit" class="button" disabled={busy || profileId === (team.botProfileId ?? '')}>
        {busy ? 'Saving…' : 'Save profile'}
      </button>
      <span class="settings-saved" role="status">
        {saved ? 'Saved.' : ''}
      </span>
      {error && (
        <p id={errorId} class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

interface TeamValues {
  name: string;
  memberIds: string[];
}

interface TeamEditorProps {
  title: string;
  people: readonly Person[];
  initial: { name: string; memberIds: readonly string[] };
  submitLabel: string;
  busyLabel: string;
  /** Empties the form once saved, for the next new team. */
  clearOnSuccess?: boolean;
  onCancel?: () => void;
  /** Saves; a rejection is shown and the form keeps what was typed. */
  onSubmit: (values: TeamValues) => Promise<void>;
}

/** A team's name and members, as a form: for a new team and for editing one. */
function TeamEditor({ title, people, initial, submitLabel, busyLabel, clearOnSuccess, onCancel, onSubmit }: TeamEditorProps) {
  const [name, setName] = useState(initial.name);
  const [memberIds, setMemberIds] = useState<string[]>([...initial.memberIds]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();

  async function submit(event: Event) {
    event.preventDefault();
    if (name.trim() === '') {
      setError('A team needs a name.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ name: name.trim(), memberIds });
      if (clearOnSuccess) {
        setName('');
        setMemberIds([]);
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="team-editor" aria-labelledby={titleId} noValidate onSubmit={(event) => void submit(event)}>
      <h3 id={titleId}>{title}</h3>
      <label class="field">
        <span class="field-label">Team name</span>
        <input
          required
          maxLength={80}
          value={name}
          aria-invalid={error ? 'true' : undefined}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      {people.length > 0 && (
        <IdChoices
          legend="Members"
          options={people.map((person) => ({
            id: person.id,
            label: person.name,
            note: person.status === 'deactivated' && <span class="hint"> (deactivated)</span>,
          }))}
          selected={memberIds}
          onChange={setMemberIds}
        />
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="settings-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="button button-ghost" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
