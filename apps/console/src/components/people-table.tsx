/**
 * The organization's members, one row each: picture (with its controls for whoever may change it), role (changed and
 * saved on its own), teams, capacity, open conversations, status with Deactivate / Reactivate, and last sign-in. What the signed-in person may not change is disabled, with
 * the reason next to it (see `people-rules.ts`).
 * @module
 */
import type { Agent, Person, PersonUpdate, Role, RoutingSettings, Team } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { grantableRoles, mayChangeAvatar, personLocks, roleName, roles } from '../people-rules.js';
import { Avatar } from './avatar.js';
import { AvatarPicker } from './avatar-picker.js';
import { CapacityField } from './capacity.js';

/** Props of {@link PeopleTable}. */
export interface PeopleTableProps {
  api: Pick<ConsoleApi, 'updatePerson' | 'updateAgentCapacity' | 'request'>;
  viewer: Pick<Agent, 'id' | 'role'>;
  people: readonly Person[];
  teams: readonly Team[];
  defaultCapacity: number;
  onPersonChange: (person: Person) => void;
  /** A member's picture changed (null: removed). */
  onAvatarChange: (userId: string, avatarUrl: string | null) => void;
  onRoutingChange: (routing: RoutingSettings) => void;
}

const COLUMNS = 7;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatDateTime(iso: string | null): string {
  if (iso === null) return 'Never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : dateTime.format(date);
}

/** The members' table. */
export function PeopleTable({ people, ...props }: PeopleTableProps) {
  const titleId = useId();
  return (
    <section class="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Members</h2>
      {people.length === 0 ? (
        <p class="hint">Nobody yet.</p>
      ) : (
        <div class="people-table-scroll">
          <table class="people-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Teams</th>
                <th scope="col">Capacity</th>
                <th scope="col">Open conversations</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            {people.map((person) => (
              <PersonRow key={person.id} person={person} {...props} />
            ))}
          </table>
        </div>
      )}
    </section>
  );
}

type PersonRowProps = Omit<PeopleTableProps, 'people'> & { person: Person };

/** What a row is doing: nothing, saving a role or status, or asking to confirm a deactivation. */
type RowAction = 'idle' | 'role' | 'status' | 'confirm-deactivate';

/**
 * One member. A row is a `<tbody>` of its own, so that the deactivation's confirmation and the server's refusal can
 * take a full-width line under the person they are about.
 */
function PersonRow({ api, viewer, person, teams, defaultCapacity, onPersonChange, onAvatarChange, onRoutingChange }: PersonRowProps) {
  const [roleDraft, setRoleDraft] = useState<Role>(person.role);
  const [action, setAction] = useState<RowAction>('idle');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const roleReasonId = useId();
  const statusReasonId = useId();
  const locks = personLocks(viewer, person);
  const grantable = grantableRoles(viewer.role);
  const active = person.status === 'active';
  const teamNames = teams.filter((team) => team.memberIds.includes(person.id)).map((team) => team.name);
  const busy = action === 'role' || action === 'status';

  async function send(update: PersonUpdate, kind: 'role' | 'status', done: (updated: Person) => string) {
    setAction(kind);
    setError(null);
    setNotice(null);
    try {
      const updated = await api.updatePerson(person.id, update);
      onPersonChange(updated);
      setRoleDraft(updated.role);
      setNotice(done(updated));
    } catch (failure) {
      // The chosen role stays selected, so that a retry is one click.
      setError(errorMessage(failure));
    } finally {
      setAction('idle');
    }
  }

  const open = person.openConversations;
  const conversations = `${open} open conversation${open === 1 ? '' : 's'}`;

  return (
    <tbody class={`people-row${active ? '' : ' is-deactivated'}`}>
      <tr>
        <th scope="row" class="people-person">
          <span class="people-name">{person.name}</span>
          <span class="people-email">{person.email}</span>
          {person.id === viewer.id && <span class="people-you">(you)</span>}
          {/* Who may change it gets the picture with its controls; everyone else, the picture. */}
          {mayChangeAvatar(viewer, person) ? (
            <AvatarPicker
              api={api}
              name={person.name}
              avatarUrl={person.avatarUrl}
              path={`/api/people/${encodeURIComponent(person.id)}/avatar`}
              onChange={(avatarUrl) => onAvatarChange(person.id, avatarUrl)}
            />
          ) : (
            <Avatar name={person.name} url={person.avatarUrl} />
          )}
        </th>
        <td>
          <select
            class="people-role"
            aria-label={`Role of ${person.name}`}
            value={roleDraft}
            disabled={locks.role !== null || busy}
            aria-describedby={locks.role ? roleReasonId : undefined}
            onChange={(event) => {
              setRoleDraft(event.currentTarget.value as Role);
              setNotice(null);
            }}
          >
            {roles.map((role) => (
              <option key={role} value={role} disabled={role !== person.role && !grantable.includes(role)}>
                {roleName(role)}
              </option>
            ))}
          </select>
          {locks.role && (
            <p id={roleReasonId} class="people-reason">
              {locks.role}
            </p>
          )}
          {roleDraft !== person.role && (
            <div class="people-row-actions">
              <button
                type="button"
                class="button button-primary"
                disabled={busy}
                onClick={() =>
                  void send({ role: roleDraft }, 'role', (updated) => `${updated.name} is now ${roleName(updated.role).toLowerCase()}.`)
                }
              >
                {action === 'role' ? 'Saving…' : 'Save role'}
              </button>
              <button type="button" class="button button-ghost" disabled={busy} onClick={() => setRoleDraft(person.role)}>
                Cancel
              </button>
            </div>
          )}
        </td>
        <td>{teamNames.length > 0 ? teamNames.join(', ') : <span class="hint">None</span>}</td>
        <td>
          <CapacityField api={api} person={person} defaultCapacity={defaultCapacity} onRoutingChange={onRoutingChange} />
        </td>
        <td class="people-count">{open}</td>
        <td>
          <span class="people-status">{active ? 'Active' : 'Deactivated'}</span>
          <div class="people-row-actions">
            <button
              type="button"
              class="button"
              disabled={locks.status !== null || busy || action === 'confirm-deactivate'}
              // The role's reason, when it is the same, already explains the status button: it is not repeated.
              aria-describedby={locks.status ? (locks.status === locks.role ? roleReasonId : statusReasonId) : undefined}
              onClick={() => {
                setError(null);
                setNotice(null);
                if (active) setAction('confirm-deactivate');
                else void send({ status: 'active' }, 'status', (updated) => `${updated.name} can sign in again.`);
              }}
            >
              {action === 'status' ? (active ? 'Deactivating…' : 'Reactivating…') : active ? 'Deactivate' : 'Reactivate'}
            </button>
          </div>
          {locks.status && locks.status !== locks.role && (
            <p id={statusReasonId} class="people-reason">
              {locks.status}
            </p>
          )}
        </td>
        <td>{formatDateTime(person.lastLoginAt)}</td>
      </tr>
      {(action === 'confirm-deactivate' || error || notice) && (
        <tr class="people-row-detail">
          <td colSpan={COLUMNS}>
            {action === 'confirm-deactivate' && (
              <div class="people-confirm" role="group" aria-label={`Deactivate ${person.name}?`}>
                <p>
                  Deactivate {person.name}? They are signed out and cannot sign in again until reactivated
                  {open > 0 ? `; their ${conversations} go back to the queue.` : '. They have no open conversation.'}
                </p>
                <div class="people-row-actions">
                  <button
                    type="button"
                    class="button button-danger"
                    onClick={() => void send({ status: 'deactivated' }, 'status', (updated) => `${updated.name} is deactivated.`)}
                  >
                    Yes, deactivate
                  </button>
                  <button type="button" class="button button-ghost" onClick={() => setAction('idle')}>
                    Cancel
                  </button>
                </div>
              </div>
            )}
            {error && (
              <p class="form-error" role="alert">
                {error}
              </p>
            )}
            {notice && (
              <p class="settings-saved" role="status">
                {notice}
              </p>
            )}
          </td>
        </tr>
      )}
    </tbody>
  );
}
