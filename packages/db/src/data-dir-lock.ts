import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

/** Who opens an embedded data folder, recorded so that a refused process can say who holds it. */
export interface DataDirOpener {
  /** The command, e.g. `start` or `kb import`. */
  command?: string | undefined;
  /** The port a server listens on, when known. */
  port?: number | undefined;
}

/** The holder file's content: which process holds the folder. */
export interface DataDirLockHolder {
  pid: number;
  hostname: string;
  command: string | null;
  port: number | null;
  /** ISO 8601. */
  startedAt: string;
}

/** Options of {@link lockDataDir}. */
export interface DataDirLockOptions {
  /** Recorded in the holder file. */
  openedBy?: DataDirOpener | undefined;
  /**
   * Milliseconds after which a lock that its holder stopped refreshing counts as abandoned (proper-lockfile's `stale`,
   * at least 2,000). The holder refreshes it every `stale / 2`.
   */
  stale?: number | undefined;
  /**
   * Called when the lock is lost while held (its folder was taken over, e.g. after the event loop was blocked for
   * longer than `stale`). The default prints a fatal message to stderr and exits with status 1.
   */
  onCompromised?: ((error: Error) => void) | undefined;
}

/** A held lock on an embedded data folder. */
export interface DataDirLock {
  readonly holder: DataDirLockHolder;
  /** Removes the holder file and the lock. Safe to call twice. */
  release(): Promise<void>;
}

const DEFAULT_STALE_MS = 10_000;
// How long a lock must have gone unrefreshed before a dead holder pid counts: a process that has just taken the lock
// has not written its holder file yet, so for a moment the file may still name the dead process before it.
const DEAD_HOLDER_GRACE_MS = 1_000;
const RETRY_DELAY_MS = 200;

const marker = Symbol.for('parley.data-dir-locked-error');

/** Folders this process holds: a holder file naming our own pid is a second open here only when it is in this set. */
const heldHere = new Set<string>();

/**
 * Thrown by {@link lockDataDir} (and so by `createDb`) when another process holds the embedded data folder. Its
 * message says which process and what to do; `holder` is null when that process left no holder file.
 */
export class DataDirLockedError extends Error {
  private readonly [marker] = true;
  override readonly name = 'DataDirLockedError';
  readonly dataDir: string;
  readonly holder: DataDirLockHolder | null;

  constructor(dataDir: string, holder: DataDirLockHolder | null) {
    super(lockedMessage(dataDir, holder));
    this.dataDir = dataDir;
    this.holder = holder;
  }

  /** True for any `DataDirLockedError`, even one made by another copy of this package. */
  static isInstance(value: unknown): value is DataDirLockedError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

function lockedMessage(dataDir: string, holder: DataDirLockHolder | null): string {
  const advice = 'Stop that process first, or, to run several processes, use Postgres: set DATABASE_URL (see docs/deployment.md).';
  if (!holder) return `The embedded database in ${dataDir} is in use by another process, which did not record which one it is. ${advice}`;
  const who = [
    holder.hostname === osHostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.hostname}`,
    holder.command ? `\`parley ${holder.command}\`${holder.port ? ` on port ${holder.port}` : ''}` : null,
    `since ${holder.startedAt}`,
  ];
  return `The embedded database in ${dataDir} is in use by another Parley process (${who.filter(Boolean).join(', ')}). ${advice}`;
}

/**
 * Takes the exclusive lock on an embedded (PGlite) data folder, which serves one process only: two processes on one
 * folder lose each other's writes and corrupt its tables. The lock is proper-lockfile's `<folder>.lock`, kept fresh
 * while held; a `<folder>.lock-holder.json` beside it names the holder.
 *
 * A lock whose holder is alive is refused at once with {@link DataDirLockedError}. A lock left by a killed process is
 * taken over: at once when the holder file names a pid on this host that no longer exists, otherwise once the lock
 * has gone `stale` milliseconds without a refresh.
 *
 * @example
 * ```ts
 * const lock = await lockDataDir('.parley/db', { openedBy: { command: 'start', port: 3000 } })
 * try { … } finally { await lock.release() }
 * ```
 */
export async function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  // The real path, so that two processes reaching the folder through different paths or symlinks share one lock.
  const folder = realpathSync(dataDir);
  const paths = { lock: `${folder}.lock`, holder: `${folder}.lock-holder.json` };
  const stale = Math.max(options.stale ?? DEFAULT_STALE_MS, 2_000);
  const onCompromised = options.onCompromised ?? exitOnCompromise(folder);
  // A lock without a holder file may belong to a process that is just writing it, or to one killed before it could:
  // waiting a little longer than `stale` tells the two apart, since only a live holder keeps the lock fresh.
  const giveUpAt = Date.now() + stale + 2_000;

  for (;;) {
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(folder, { lockfilePath: paths.lock, realpath: false, stale, onCompromised });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = readHolder(paths.holder);
      if (holder !== null && !isDeadHolder(holder, folder)) throw new DataDirLockedError(folder, holder);
      if (Date.now() >= giveUpAt) throw new DataDirLockedError(folder, holder);
      if (holder !== null && lockAgeMs(paths.lock) >= DEAD_HOLDER_GRACE_MS) {
        markStale(paths.lock);
        continue;
      }
      await sleep(RETRY_DELAY_MS);
      continue;
    }
    const holder: DataDirLockHolder = {
      pid: process.pid,
      hostname: osHostname(),
      command: options.openedBy?.command ?? null,
      // Port 0 means "any free port": not known yet, so not worth recording.
      port: options.openedBy?.port || null,
      startedAt: new Date().toISOString(),
    };
    try {
      writeHolder(paths.holder, holder);
    } catch (error) {
      await release();
      throw error;
    }
    heldHere.add(folder);
    return {
      holder,
      release: once(async () => {
        heldHere.delete(folder);
        await releaseLock(paths.holder, release);
      }),
    };
  }
}

async function releaseLock(holderPath: string, release: () => Promise<void>) {
  // The holder file goes first: a holder file without a lock is harmless, a lock without one makes others wait.
  rmSync(holderPath, { force: true });
  await release().catch((error: NodeJS.ErrnoException) => {
    // Already lost (reported through onCompromised); nothing is left to release.
    if (error.code !== 'ERELEASED') throw error;
  });
}

function once(run: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= run());
}

function exitOnCompromise(folder: string) {
  return function handleCompromisedLock(error: Error) {
    // Another process may have the folder open by now: writing on would corrupt it, so stop before the next write.
    process.stderr.write(
      `Fatal: lost the lock on the embedded database in ${folder} (${error.message}). Another process may be using ` +
        'it now, so this process stops to keep the data intact.\n',
    );
    process.exit(1);
  };
}

function writeHolder(path: string, holder: DataDirLockHolder) {
  // Written whole and renamed into place, so a reader never sees half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
  renameSync(temporary, path);
}

function readHolder(path: string): DataDirLockHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirLockHolder>;
    if (!Number.isInteger(value.pid) || typeof value.hostname !== 'string') return null;
    return {
      pid: value.pid!,
      hostname: value.hostname,
      command: typeof value.command === 'string' ? value.command : null,
      port: typeof value.port === 'number' ? value.port : null,
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'an unknown time',
    };
  } catch {
    return null;
  }
}

/**
 * True when the holder is a process of this host that no longer exists. Our own pid is alive only if this process
 * holds the folder (a second open here); otherwise it is a previous run's that had our pid, as a restarted container's
 * first process has. A recycled pid looks alive, which only costs the wait for the lock to go stale.
 */
function isDeadHolder(holder: DataDirLockHolder, folder: string): boolean {
  if (holder.hostname !== osHostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(folder);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function lockAgeMs(lockPath: string): number {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    // Gone meanwhile: the next attempt will simply take it.
    return Number.POSITIVE_INFINITY;
  }
}

/** Sets the lock's mtime to the epoch, so that proper-lockfile treats it as stale and replaces it on the next attempt. */
function markStale(lockPath: string) {
  try {
    utimesSync(lockPath, 0, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
