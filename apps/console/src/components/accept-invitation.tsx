/**
 * The invitation screen, at `<base>invite#<token>`: says which organization, e-mail and role the link is for, then
 * creates the account (name and password) or, for an e-mail that has one, asks its password, and signs in. The token
 * lives in the hash, so it never reaches a server log; once accepted it is taken out of the address bar too.
 * @module
 */
import type { InvitationPreview, LoginResponse } from '@parley/protocol';
import { MIN_PASSWORD_LENGTH, ParleyError } from '@parley/protocol';
import { useEffect, useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { roleName } from '../people-rules.js';

/** Props of {@link AcceptInvitation}. */
export interface AcceptInvitationProps {
  api: Pick<ConsoleApi, 'lookupInvitation' | 'acceptInvitation'>;
  /** The link's secret, from its hash. */
  token: string;
  /** The console's base path: the sign-in page, and where the console goes once signed in. */
  basePath: string;
  /** Called with the server's answer, like a sign-in, once the invitation is accepted. */
  onSignedIn: (login: LoginResponse) => void;
  /** The current time; a parameter for tests. */
  now?: () => number;
}

type Lookup =
  | { state: 'loading' }
  | { state: 'ready'; preview: InvitationPreview }
  /** The link is unknown, expired, revoked or used: only a new one helps. */
  | { state: 'unusable'; detail: string | null }
  /** The server could not answer: trying again may help. */
  | { state: 'failed'; message: string };

/** Refusals that mean the link itself does not work, rather than the server being unreachable. */
const unusableCodes = new Set(['not_found', 'invalid_payload', 'forbidden', 'conflict', 'unauthorized']);

function isUnusable(error: unknown): boolean {
  return ParleyError.isInstance(error) && unusableCodes.has(error.code);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Looks the link up, then accepts it. */
export function AcceptInvitation({ api, token, basePath, onSignedIn, now = Date.now }: AcceptInvitationProps) {
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });
  const id = useId();

  async function load() {
    setLookup({ state: 'loading' });
    try {
      const preview = await api.lookupInvitation(token);
      setLookup(Date.parse(preview.expiresAt) <= now() ? { state: 'unusable', detail: null } : { state: 'ready', preview });
    } catch (error) {
      setLookup(isUnusable(error) ? { state: 'unusable', detail: errorMessage(error) } : { state: 'failed', message: errorMessage(error) });
    }
  }

  useEffect(() => {
    void load();
  }, [token]);

  const titleId = `${id}-title`;
  return (
    <main class="login">
      <div class="login-card" aria-labelledby={titleId} role="region">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            P
          </span>
          <span class="brand-name">Parley</span>
        </div>
        {lookup.state === 'loading' && (
          <>
            <h1 id={titleId}>Your invitation</h1>
            <p class="muted" role="status">
              Checking your invitation…
            </p>
          </>
        )}
        {lookup.state === 'failed' && (
          <>
            <h1 id={titleId}>Your invitation</h1>
            <p class="form-error" role="alert">
              {lookup.message}
            </p>
            <button type="button" class="button button-primary button-block" onClick={() => void load()}>
              Try again
            </button>
          </>
        )}
        {lookup.state === 'unusable' && (
          <>
            <h1 id={titleId}>This invitation link does not work</h1>
            <p class="form-error" role="alert">
              It has expired, was revoked or has been used already. Ask the person who invited you to send it again.
              {lookup.detail && ` (${lookup.detail})`}
            </p>
            <a class="button button-block" href={basePath}>
              Go to the sign-in page
            </a>
          </>
        )}
        {lookup.state === 'ready' && (
          <AcceptForm api={api} token={token} preview={lookup.preview} titleId={titleId} basePath={basePath} onSignedIn={onSignedIn} />
        )}
      </div>
    </main>
  );
}

interface AcceptFormProps {
  api: Pick<ConsoleApi, 'acceptInvitation'>;
  token: string;
  preview: InvitationPreview;
  titleId: string;
  basePath: string;
  onSignedIn: (login: LoginResponse) => void;
}

/** A new account's name and password (twice), or the existing account's password. */
function AcceptForm({ api, token, preview, titleId, basePath, onSignedIn }: AcceptFormProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const newAccount = !preview.accountExists;

  /** What is wrong with the form before asking the server, or null. */
  function problem(): string | null {
    if (!newAccount) return password === '' ? 'Enter your password.' : null;
    if (name.trim() === '') return 'Enter your name.';
    if (password.length < MIN_PASSWORD_LENGTH) return `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`;
    if (password !== confirmation) return 'The two passwords differ: type the same one twice.';
    return null;
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const refusal = problem();
    if (refusal) {
      setError(refusal);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const login = await api.acceptInvitation(newAccount ? { token, name: name.trim(), password } : { token, password });
      // The link's secret leaves the address bar (and the history entry) before the console shows.
      history.replaceState(null, '', basePath);
      onSignedIn(login);
    } catch (failure) {
      setError(
        ParleyError.isInstance(failure) && failure.code === 'unauthorized' && !newAccount
          ? failure.message || 'Wrong password.'
          : errorMessage(failure),
      );
      setBusy(false);
    }
  }

  const invalid = error ? 'true' : undefined;
  const describedBy = error ? errorId : undefined;
  return (
    <form class="login-form-body" onSubmit={(event) => void submit(event)} noValidate>
      <h1 id={titleId}>Join {preview.organizationName}</h1>
      <p class="login-notice">
        You are invited as {roleName(preview.role).toLowerCase()}. The link works until {dateTime.format(new Date(preview.expiresAt))}.
      </p>
      {/* Read-only, and there for password managers too: they file the new password under this e-mail. */}
      <label class="field">
        <span class="field-label">Email</span>
        <input type="email" name="email" autocomplete="username" readOnly value={preview.email} />
      </label>
      {newAccount ? (
        <>
          <label class="field">
            <span class="field-label">Your name</span>
            <input
              name="name"
              autocomplete="name"
              required
              maxLength={120}
              value={name}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="field-label">Password</span>
            <input
              type="password"
              name="new-password"
              autocomplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={password}
              aria-invalid={invalid}
              aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </label>
          <p id={hintId} class="hint">
            At least {MIN_PASSWORD_LENGTH} characters.
          </p>
          <label class="field">
            <span class="field-label">Confirm password</span>
            <input
              type="password"
              name="confirm-password"
              autocomplete="new-password"
              required
              value={confirmation}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onInput={(event) => setConfirmation(event.currentTarget.value)}
            />
          </label>
        </>
      ) : (
        <>
          <p id={hintId} class="hint">
            This e-mail has a Parley account already: enter its password to join.
          </p>
          <label class="field">
            <span class="field-label">Password</span>
            <input
              type="password"
              name="password"
              autocomplete="current-password"
              required
              value={password}
              aria-invalid={invalid}
              aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </label>
        </>
      )}
      {error && (
        <p id={errorId} class="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="button button-primary button-block" disabled={busy}>
        {busy ? 'Joining…' : `Join ${preview.organizationName}`}
      </button>
    </form>
  );
}
