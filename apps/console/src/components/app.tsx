/**
 * The console's root: the sign-in screen or the workspace, depending on the stored session; or, at an invitation
 * link, the screen that accepts it.
 * @module
 */
import type { LoginResponse } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi, type FetchFunction } from '../api.js';
import { invitationTokenFromHash, isInvitePath } from '../route.js';
import { clearSession, loadSession, saveSession, sessionFromLogin, type Session } from '../session.js';
import type { AgentConnection } from '../socket.js';
import { AcceptInvitationPage } from './accept-invitation-page.js';
import { LoginForm } from './login-form.js';
import { Workspace } from './workspace.js';

/** Props of {@link App}. */
export interface AppProps {
  /** Where the session is kept (`sessionStorage` in the browser). */
  storage: Storage;
  /** Opens the agent's live connection. */
  connect: (token: string) => AgentConnection;
  /** The `fetch` used for REST calls; defaults to the global one. */
  fetch?: FetchFunction;
  /** The app's base path, for conversation URLs. */
  basePath?: string;
}

/** Shows the sign-in form until there is a session, then the workspace. */
export function App({ storage, connect, fetch, basePath = '/' }: AppProps) {
  const [session, setSession] = useState<Session | null>(() => loadSession(storage));
  const [notice, setNotice] = useState<string | null>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const api = useMemo(() => createApi({ fetch, getToken: () => sessionRef.current?.token ?? null }), [fetch]);
  // An invitation link wins over a stored session: whoever opens it is joining, and accepting replaces the session.
  const [invitationToken, setInvitationToken] = useState(() =>
    isInvitePath(location.pathname, basePath) ? invitationTokenFromHash(location.hash) : null,
  );

  function signOut(message?: string) {
    clearSession(storage);
    sessionRef.current = null;
    setSession(null);
    setNotice(message ?? null);
  }

  function signIn(login: LoginResponse) {
    const next = saveSession(storage, sessionFromLogin(login));
    sessionRef.current = next;
    setNotice(null);
    setSession(next);
  }

  // A session restored from storage may have been revoked, or the agent renamed: ask the server once.
  const restoredToken = useRef(session?.token);
  useEffect(() => {
    const token = restoredToken.current;
    if (!token) return;
    api.me().then(
      ({ agent }) => {
        const current = sessionRef.current;
        if (current?.token !== token) return;
        setSession(saveSession(storage, { ...current, agent }));
      },
      (error: unknown) => {
        if (sessionRef.current?.token !== token) return;
        if (ParleyError.isInstance(error) && error.code === 'unauthorized') signOut('Your session has ended. Sign in again.');
      },
    );
    // Only for the session found at start-up.
  }, [api]);

  if (invitationToken) {
    return (
      <AcceptInvitationPage
        api={api}
        token={invitationToken}
        basePath={basePath}
        onSignedIn={(login) => {
          setInvitationToken(null);
          signIn(login);
        }}
      />
    );
  }
  if (!session) return <LoginForm api={api} onSignedIn={signIn} notice={notice} />;
  return <Workspace session={session} api={api} connect={connect} onSignOut={signOut} basePath={basePath} />;
}
