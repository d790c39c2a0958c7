/**
 * The sign-in screen.
 * @module
 */
import type { LoginResponse } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';

/** Props of {@link LoginForm}. */
export interface LoginFormProps {
  /** Where credentials go; injected so tests can answer with their own `fetch`. */
  api: Pick<ConsoleApi, 'login'>;
  /** Called with the server's answer after a successful sign-in. */
  onSignedIn: (login: LoginResponse) => void;
  /** Why the agent is back here (e.g. the session expired), shown above the form. */
  notice?: string | null;
}

/** The text shown for a failed sign-in. */
export function loginErrorMessage(error: unknown): string {
  if (!ParleyError.isInstance(error)) return 'Sign-in failed. Try again.';
  switch (error.code) {
    case 'unauthorized':
      return error.message || 'Wrong email or password.';
    case 'invalid_payload':
      return 'Enter a valid email address and your password.';
    default:
      return error.message;
  }
}

/** Email and password form; shows the server's reason when sign-in fails. */
export function LoginForm({ api, onSignedIn, notice }: LoginFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const errorId = `${id}-error`;

  useEffect(() => emailRef.current?.focus(), []);

  async function handleSubmit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (email.trim() === '' || password === '') {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const login = await api.login({ email: email.trim(), password });
      onSignedIn(login);
    } catch (failure) {
      setError(loginErrorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={handleSubmit} aria-labelledby={`${id}-title`} noValidate>
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            P
          </span>
          <span class="brand-name">Parley</span>
        </div>
        <h1 id={`${id}-title`}>Sign in to the console</h1>
        {notice && (
          <p class="login-notice" role="status">
            {notice}
          </p>
        )}
        <label class="field">
          <span class="field-label">Email</span>
          <input
            ref={emailRef}
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? errorId : undefined}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? errorId : undefined}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p id={errorId} class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
