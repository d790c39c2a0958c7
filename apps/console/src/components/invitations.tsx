/**
 * Invitations: the form that invites someone by e-mail, with a role and teams; the link it answers, shown once (the
 * server keeps only its hash) with a Copy button; and the invitations not yet accepted, to send again (a new link) or
 * revoke.
 * @module
 */
import type { Agent, Invitation, InvitationSent, Role, Team } from '@parley/protocol';
import { useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { grantableRoles, roleName } from '../people-rules.js';
import { IdChoices } from './id-choices.js';
import { copyText } from '../copy-text.js';

/** Props of {@link Invitations}. */
export interface InvitationsProps {
  api: Pick<ConsoleApi, 'createInvitation' | 'resendInvitation' | 'revokeInvitation'>;
  viewer: Pick<Agent, 'id' | 'role'>;
  invitations: readonly Invitation[];
  teams: readonly Team[];
  /** Applies a change to the latest list (two answers may arrive before the page shows either). */
  onInvitationsChange: (change: (current: readonly Invitation[]) => Invitation[]) => void;
}

/** The invite form, the last link sent, and the pending invitations. */
export function Invitations({ api, viewer, invitations, teams, onInvitationsChange }: InvitationsProps) {
  // The last link the server answered: it cannot be asked for again, so it stays until dismissed.
  const [sent, setSent] = useState<InvitationSent | null>(null);

  function shown(next: InvitationSent) {
    setSent(next);
    // Newest first, as the server lists them; a resent invitation moves up with its new expiry.
    onInvitationsChange((current) => [next.invitation, ...current.filter((invitation) => invitation.id !== next.invitation.id)]);
  }

  return (
    <>
      <InviteForm api={api} viewer={viewer} teams={teams} onSent={shown} />
      {sent && <InvitationLink sent={sent} onDismiss={() => setSent(null)} />}
      <PendingInvitations
        api={api}
        invitations={invitations}
        onResent={shown}
        onRevoked={(id) => {
          if (sent?.invitation.id === id) setSent(null);
          onInvitationsChange((current) => current.filter((invitation) => invitation.id !== id));
        }}
      />
    </>
  );
}

interface InviteFormProps {
  api: Pick<ConsoleApi, 'createInvitation'>;
  viewer: Pick<Agent, 'role'>;
  teams: readonly Team[];
  onSent: (sent: InvitationSent) => void;
}

/** E-mail, role (only those the signed-in person may give) and teams. */
function InviteForm({ api, viewer, teams, onSent }: InviteFormProps) {
  const grantable = grantableRoles(viewer.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const roleHintId = useId();

  async function submit(event: Event) {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setError('Enter the e-mail address of the person to invite.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api.createInvitation({ email: email.trim(), role, teamIds });
      // Cleared only once sent: a refusal keeps what was typed.
      setEmail('');
      setTeamIds([]);
      onSent(answer);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="settings-section" aria-labelledby={titleId} noValidate onSubmit={(event) => void submit(event)}>
      <h2 id={titleId}>Invite someone</h2>
      <label class="field">
        <span class="field-label">E-mail</span>
        <input
          type="email"
          autocomplete="off"
          spellcheck={false}
          required
          maxLength={254}
          value={email}
          aria-invalid={error ? 'true' : undefined}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span class="field-label">Role</span>
        <select
          value={role}
          aria-describedby={grantable.length < 3 ? roleHintId : undefined}
          onChange={(event) => setRole(event.currentTarget.value as Role)}
        >
          {grantable.map((candidate) => (
            <option key={candidate} value={candidate}>
              {roleName(candidate)}
            </option>
          ))}
        </select>
      </label>
      {grantable.length < 3 && (
        <p id={roleHintId} class="hint">
          Only an owner can invite an admin or an owner.
        </p>
      )}
      {teams.length > 0 && (
        <IdChoices
          legend="Teams"
          options={teams.map((team) => ({ id: team.id, label: team.name }))}
          selected={teamIds}
          onChange={setTeamIds}
        />
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="settings-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send invitation'}
        </button>
      </div>
    </form>
  );
}

/** The link the server answered, once: whether it was e-mailed, and a Copy button for sending it yourself. */
function InvitationLink({ sent, onDismiss }: { sent: InvitationSent; onDismiss: () => void }) {
  const [copyStatus, setCopyStatus] = useState<string | null>(null);
  const linkRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const { email } = sent.invitation;

  async function copy() {
    setCopyStatus(await copyText(sent.link, linkRef.current, 'the link'));
  }

  return (
    <section class="settings-section invitation-link" aria-labelledby={titleId}>
      <h2 id={titleId}>Invitation link for {email}</h2>
      <p class={sent.emailed ? 'settings-saved' : 'settings-warning'} role="status">
        {sent.emailed ? `Sent to ${email}.` : 'E-mail is not configured on this server: copy the link and send it yourself.'}
      </p>
      <label class="field">
        <span class="field-label">Invitation link</span>
        <input ref={linkRef} class="invitation-link-url" readOnly value={sent.link} onFocus={(event) => event.currentTarget.select()} />
      </label>
      <p class="hint">
        This is the only time the link is shown. Lost it? Resend the invitation for a new one (the old link then stops working).
      </p>
      <div class="settings-actions">
        <button type="button" class="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="button button-ghost" onClick={onDismiss}>
          Done
        </button>
        <span class="settings-saved" role="status">
          {copyStatus}
        </span>
      </div>
    </section>
  );
}

interface PendingInvitationsProps {
  api: Pick<ConsoleApi, 'resendInvitation' | 'revokeInvitation'>;
  invitations: readonly Invitation[];
  onResent: (sent: InvitationSent) => void;
  onRevoked: (invitationId: string) => void;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Invitations not yet accepted, expired ones included (to send again). */
function PendingInvitations({ api, invitations, onResent, onRevoked }: PendingInvitationsProps) {
  const titleId = useId();
  return (
    <section class="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Pending invitations</h2>
      {invitations.length === 0 ? (
        <p class="hint">No invitation is waiting to be accepted.</p>
      ) : (
        <ul class="invitation-list">
          {invitations.map((invitation) => (
            <PendingInvitation key={invitation.id} api={api} invitation={invitation} onResent={onResent} onRevoked={onRevoked} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PendingInvitation({
  api,
  invitation,
  onResent,
  onRevoked,
}: Omit<PendingInvitationsProps, 'invitations'> & { invitation: Invitation }) {
  const [busy, setBusy] = useState<'resend' | 'revoke' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(kind: 'resend' | 'revoke') {
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'resend') onResent(await api.resendInvitation(invitation.id));
      else {
        await api.revokeInvitation(invitation.id);
        onRevoked(invitation.id);
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  }

  const expires = new Date(invitation.expiresAt);
  return (
    <li class="invitation-item">
      <span class="invitation-email">{invitation.email}</span>
      <span class="invitation-role">{roleName(invitation.role)}</span>
      <span class={invitation.expired ? 'invitation-expired' : 'hint'}>
        {invitation.expired ? 'Expired' : `Expires ${Number.isNaN(expires.getTime()) ? '' : dateTime.format(expires)}`}
      </span>
      <span class="invitation-actions">
        <button type="button" class="button" disabled={busy !== null} onClick={() => void run('resend')}>
          {busy === 'resend' ? 'Resending…' : 'Resend'}
        </button>
        <button type="button" class="button button-ghost" disabled={busy !== null} onClick={() => void run('revoke')}>
          {busy === 'revoke' ? 'Revoking…' : 'Revoke'}
        </button>
      </span>
      {error && (
        <p class="form-error invitation-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
