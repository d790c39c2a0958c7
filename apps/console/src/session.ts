/**
 * The signed-in agent's session, kept in `sessionStorage`: it survives a reload but not closing the tab, and is not
 * shared with other tabs, so two agents can use two tabs of one browser.
 * @module
 */
import type { Agent, LoginResponse } from '@parley/protocol';

/** What the console remembers about a sign-in. */
export interface Session {
  token: string;
  /** When the token stops working (ISO 8601). */
  expiresAt: string;
  agent: Agent;
}

const storageKey = 'parley.console.session';

/** The stored session, or null when there is none, it cannot be read, or its token has expired. */
export function loadSession(storage: Storage, now: number = Date.now()): Session | null {
  let session: Partial<Session> | null;
  try {
    session = JSON.parse(storage.getItem(storageKey) ?? 'null') as Partial<Session> | null;
  } catch {
    return null;
  }
  if (!session || typeof session.token !== 'string' || typeof session.expiresAt !== 'string' || !session.agent) return null;
  if (Date.parse(session.expiresAt) <= now) {
    clearSession(storage);
    return null;
  }
  return { token: session.token, expiresAt: session.expiresAt, agent: session.agent };
}

/** The session a successful login starts. */
export function sessionFromLogin(login: LoginResponse): Session {
  return { token: login.token, expiresAt: login.expiresAt, agent: login.agent };
}

/** Stores `session` and returns it. Storage failures (quota, privacy mode) are ignored. */
export function saveSession(storage: Storage, session: Session): Session {
  try {
    storage.setItem(storageKey, JSON.stringify(session));
  } catch {
    // The session still works for this page; it just won't survive a reload.
  }
  return session;
}

/** Forgets the stored session. */
export function clearSession(storage: Storage): void {
  try {
    storage.removeItem(storageKey);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/**
 * The page's `sessionStorage`, or an in-memory stand-in where it is unavailable (storage disabled, sandboxed frame):
 * the console then works but forgets the sign-in on reload.
 */
export function browserSessionStorage(): Storage {
  try {
    const storage = window.sessionStorage;
    storage.getItem(storageKey);
    return storage;
  } catch {
    return memoryStorage();
  }
}

/** A `Storage` that lives in memory only. */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}
