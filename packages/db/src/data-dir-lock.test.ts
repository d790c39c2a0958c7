import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDb, type DbHandle } from './create-db.js';
import { DataDirLockedError, lockDataDir, type DataDirLock, type DataDirLockHolder } from './data-dir-lock.js';

let root: string;
let folder: string;
const held: Array<DataDirLock | DbHandle> = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-lock-'));
  folder = join(root, 'db');
});
afterEach(async () => {
  for (const item of held.splice(0)) await ('release' in item ? item.release() : item.close());
  rmSync(root, { recursive: true, force: true });
});

async function lock(options: Parameters<typeof lockDataDir>[1] = {}) {
  const taken = await lockDataDir(folder, options);
  held.push(taken);
  return taken;
}

/** The refusal of `promise`, which must be a {@link DataDirLockedError}. */
async function refusal(promise: Promise<unknown>): Promise<DataDirLockedError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!DataDirLockedError.isInstance(error)) throw new Error(`expected a DataDirLockedError, got ${String(error)}`);
  return error;
}

/** A lock as a process leaves it when it dies holding it: the lock folder (last refreshed `ageMs` ago) and its holder file. */
function abandonedLock(holder: Partial<DataDirLockHolder> | null, ageMs: number) {
  mkdirSync(folder, { recursive: true });
  mkdirSync(`${folder}.lock`);
  const refreshed = (Date.now() - ageMs) / 1000;
  utimesSync(`${folder}.lock`, refreshed, refreshed);
  if (holder) {
    const record = { pid: 1, hostname: hostname(), command: 'start', port: 3000, startedAt: new Date().toISOString(), ...holder };
    writeFileSync(`${folder}.lock-holder.json`, JSON.stringify(record));
  }
}

function deadPid(): number {
  // A process that has exited: its pid is free (the kernel hands pids out in order, so it is not reused this soon).
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('lockDataDir', () => {
  it('refuses a second lock on the folder, naming the holder', async () => {
    await lock({ openedBy: { command: 'start', port: 3000 } });
    const error = await refusal(lockDataDir(folder, { openedBy: { command: 'kb import' } }));
    expect(error.holder).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'start', port: 3000 });
    expect(error.message).toContain(`pid ${process.pid}, \`parley start\` on port 3000, since `);
    expect(error.message).toContain('set DATABASE_URL');
  });

  it('refuses at once when the holder is another live process', async () => {
    abandonedLock({ pid: process.ppid, command: 'start' }, 0);
    const started = Date.now();
    const error = await refusal(lockDataDir(folder));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.holder?.pid).toBe(process.ppid);
  });

  it('records who holds the folder beside the lock, and removes the record on release', async () => {
    const taken = await lock({ openedBy: { command: 'migrate' } });
    const record = JSON.parse(readFileSync(`${folder}.lock-holder.json`, 'utf8'));
    expect(record).toEqual({ pid: process.pid, hostname: hostname(), command: 'migrate', port: null, startedAt: taken.holder.startedAt });
    await taken.release();
    expect(existsSync(`${folder}.lock-holder.json`)).toBe(false);
    expect(existsSync(`${folder}.lock`)).toBe(false);
  });

  it('lets another take the folder once the holder releases it', async () => {
    const first = await lock();
    await refusal(lockDataDir(folder));
    await first.release();
    await first.release();
    const second = await lock({ openedBy: { command: 'seed' } });
    expect(second.holder.command).toBe('seed');
  });

  it('takes over at once a lock whose holder pid is dead', async () => {
    abandonedLock({ pid: deadPid() }, 3_000);
    const started = Date.now();
    const taken = await lock({ openedBy: { command: 'start' } });
    expect(Date.now() - started).toBeLessThan(500);
    expect(taken.holder.pid).toBe(process.pid);
  });

  it('takes over at once a lock left by a previous run that had this process’s pid (a restarted container)', async () => {
    abandonedLock({ pid: process.pid }, 3_000);
    const started = Date.now();
    const taken = await lock({ openedBy: { command: 'start' } });
    expect(Date.now() - started).toBeLessThan(500);
    // While this process holds it, the same pid means a second open here, and is refused.
    await refusal(lockDataDir(folder));
    expect(taken.holder.pid).toBe(process.pid);
  });

  it('takes over within a second or two a dead holder lock refreshed just before it died', async () => {
    abandonedLock({ pid: deadPid() }, 0);
    const started = Date.now();
    await lock();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('takes over a lock without a holder record once nobody refreshes it', async () => {
    abandonedLock(null, 0);
    const started = Date.now();
    await lock({ stale: 2_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  it('refuses a lock without a holder record that stays fresh, after waiting longer than the stale period', async () => {
    abandonedLock(null, 0);
    const refresh = setInterval(() => utimesSync(`${folder}.lock`, new Date(), new Date()), 200);
    try {
      const started = Date.now();
      const error = await refusal(lockDataDir(folder, { stale: 2_000 }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      expect(error.holder).toBeNull();
      expect(error.message).toContain('is in use by another process');
    } finally {
      clearInterval(refresh);
    }
  });

  it('reports a lock lost while held instead of writing on', async () => {
    const onCompromised = vi.fn();
    const taken = await lock({ stale: 2_000, onCompromised });
    // Someone else removed it, as proper-lockfile does when it judges a lock stale.
    rmSync(`${folder}.lock`, { recursive: true });
    await vi.waitFor(() => expect(onCompromised).toHaveBeenCalledOnce(), { timeout: 3_000 });
    await expect(taken.release()).resolves.toBeUndefined();
  });
});

describe('createDb on a folder', () => {
  it('refuses a second open of the folder while the first is open, and allows it after close()', async () => {
    const first = await createDb({ dataDir: folder, openedBy: { command: 'start', port: 3000 } });
    held.push(first);
    await first.migrate();
    const error = await refusal(createDb({ dataDir: folder }));
    expect(error.holder).toMatchObject({ pid: process.pid, command: 'start', port: 3000 });
    await first.close();
    held.splice(held.indexOf(first), 1);
    const second = await createDb({ dataDir: folder });
    held.push(second);
    await expect(second.ping()).resolves.toBeUndefined();
  }, 30_000);
});
