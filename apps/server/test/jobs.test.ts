import { randomUUID } from 'node:crypto';
import { jobs, rowsOf } from '@parley/db';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuildAppOptions } from '../src/app.js';
import type { Config } from '../src/config.js';
import { MAX_ATTEMPTS, type Job, type NewJob } from '../src/plugins/jobs.js';
import { createOrganization } from '../src/seed/accounts.js';
import { startSecondApp, useTestServer } from './helpers/server.js';

// The job queue on the real database. The test server's poller is off (PARLEY_SWEEP_INTERVAL_SECONDS=0): the tests
// run polls by hand with `runDue(ours())`, except the one about the poller. Every test handles a kind of its own, so no
// other process on a shared Postgres claims its jobs, and its polls claim only this file's organization's jobs, so
// no other suite's (a follow-up's timer) run in them.
const server = useTestServer();

let organizationId: string;
beforeAll(async () => {
  organizationId = (await createOrganization(server.db.db, `Jobs ${randomUUID().slice(0, 8)}`)).id;
});

const ours = () => ({ organizationIds: [organizationId] });
const uniqueKind = () => `test.${randomUUID()}`;

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** The database's clock, which decides what is due. */
async function dbNow(): Promise<Date> {
  const [row] = rowsOf<{ now: string | Date }>(await server.db.db.execute(sql`select now() as now`));
  return new Date(row!.now);
}

function schedule(job: Omit<NewJob, 'organizationId'>, app: FastifyInstance = server.app) {
  return app.jobs.schedule(server.db.db, { organizationId, ...job });
}

async function rowsOfKind(kind: string) {
  return server.db.db.select().from(jobs).where(eq(jobs.kind, kind));
}

/** Registers a handler for `kind` on `app` that records each run, with the database's time when it ran. */
function recordRuns(kind: string, app: FastifyInstance = server.app) {
  const runs: (Job & { at: Date })[] = [];
  app.jobs.handle(kind, async (job) => {
    runs.push({ ...job, at: await dbNow() });
  });
  return runs;
}

/** Another app on the test server's database, as another process would be, with its own settings and logs. */
async function startApp(overrides: Partial<Config> = {}, logger: BuildAppOptions['logger'] = false): Promise<FastifyInstance> {
  const app = await buildApp({
    config: { ...server.config, ...overrides },
    db: server.db,
    secret: 'test-secret-that-is-at-least-32-chars',
    staticDirs: false,
    logger,
  });
  await app.ready();
  return app;
}

describe('jobs', () => {
  it('never runs a job scheduled in a transaction that rolled back', async () => {
    const kind = uniqueKind();
    const runs = recordRuns(kind);
    await expect(
      server.db.db.transaction(async (tx) => {
        await server.app.jobs.schedule(tx, { organizationId, kind, key: 'k', runAt: new Date(0) });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    expect(runs).toEqual([]);
    expect(await rowsOfKind(kind)).toEqual([]);
  });

  it('runs a job once, at or after its time and never before', async () => {
    const kind = uniqueKind();
    const runs = recordRuns(kind);
    const runAt = new Date((await dbNow()).getTime() + 1000);
    await schedule({ kind, key: 'k', runAt, payload: { n: 1 } });
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    expect(runs).toEqual([]);
    const deadline = Date.now() + 10_000;
    while (runs.length === 0 && Date.now() < deadline) {
      await server.app.jobs.runDue(ours());
      await pause(50);
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]!.at.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
    expect(runs[0]).toMatchObject({ organizationId, key: 'k', payload: { n: 1 }, attempts: 1 });
    await pause(100);
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    expect(runs).toHaveLength(1);
    const [row] = await rowsOfKind(kind);
    expect(row).toMatchObject({ attempts: 1, lockedBy: null, lockedUntil: null, lastError: null });
    expect(row!.doneAt).toBeInstanceOf(Date);
  });

  it('runs a kind and key scheduled twice once, at the later time, with the later payload', async () => {
    const kind = uniqueKind();
    const runs = recordRuns(kind);
    const now = await dbNow();
    await schedule({ kind, key: 'k', runAt: now, payload: { n: 1 } });
    const later = new Date(now.getTime() + 800);
    await schedule({ kind, key: 'k', runAt: later, payload: { n: 2 } });
    const rows = await rowsOfKind(kind);
    expect(rows.map((row) => [row.runAt.getTime(), row.payload])).toEqual([[later.getTime(), { n: 2 }]]);
    // The first time had come already; it was replaced.
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    const deadline = Date.now() + 10_000;
    while (runs.length === 0 && Date.now() < deadline) {
      await server.app.jobs.runDue(ours());
      await pause(50);
    }
    await pause(100);
    await server.app.jobs.runDue(ours());
    expect(runs.map((run) => run.payload)).toEqual([{ n: 2 }]);
    expect(runs[0]!.at.getTime()).toBeGreaterThanOrEqual(later.getTime());
  });

  it('runs each of 300 jobs exactly once with two processes polling at once', async () => {
    const second = await startSecondApp(server);
    try {
      const kind = uniqueKind();
      const counts = new Map<number, number>();
      const handler = async (job: Job) => {
        counts.set(job.id, (counts.get(job.id) ?? 0) + 1);
        await pause(Math.random() * 5);
      };
      server.app.jobs.handle(kind, handler);
      second.app.jobs.handle(kind, handler);
      const total = 300;
      const runAt = await dbNow();
      await server.db.db.transaction(async (tx) => {
        for (let index = 0; index < total; index++) {
          await server.app.jobs.schedule(tx, { organizationId, kind, key: `job-${index}`, runAt });
        }
      });
      const ids = (await rowsOfKind(kind)).map((row) => row.id);
      const ranBy = [0, 0];
      const deadline = Date.now() + 40_000;
      await Promise.all(
        [server.app, second.app].map(async (app, index) => {
          while (Date.now() < deadline) {
            const ran = await app.jobs.runDue(ours());
            ranBy[index]! += ran;
            if (ran > 0) continue;
            // Nothing left to claim: done once the other process has finished what it holds.
            const [pending] = rowsOf<{ count: number }>(
              await server.db.db.execute(sql`select count(*)::int as count from jobs where kind = ${kind} and done_at is null`),
            );
            if (Number(pending!.count) === 0) return;
            await pause(10);
          }
        }),
      );
      const rows = await rowsOfKind(kind);
      expect({
        duplicates: [...counts.values()].filter((count) => count > 1).length,
        missing: ids.filter((id) => !counts.has(id)).length,
        notDone: rows.filter((row) => row.doneAt === null).length,
        claimedTwice: rows.filter((row) => row.attempts !== 1).length,
        ran: ranBy[0]! + ranBy[1]!,
      }).toEqual({ duplicates: 0, missing: 0, notDone: 0, claimedTwice: 0, ran: total });
      // Both processes took part.
      expect(ranBy.every((count) => count > 0)).toBe(true);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('retries a failing job with backoff, then keeps it dead with its error after the last attempt; logs leave the payload out', async () => {
    const lines: string[] = [];
    const app = await startApp({}, { level: 'warn', stream: { write: (line) => lines.push(line) } });
    try {
      const kind = uniqueKind();
      const attempts: number[] = [];
      app.jobs.handle(kind, async (job) => {
        attempts.push(job.attempts);
        throw new Error('SMTP server unavailable');
      });
      await schedule({ kind, key: 'mail-1', runAt: new Date(0), payload: { to: 'visitor-secret@example.com' } }, app);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        expect(await app.jobs.runDue(ours())).toBe(1);
        const [row] = rowsOf<{ attempts: number; done: boolean; last_error: string; locked_by: string | null; wait: number }>(
          await server.db.db.execute(
            sql`select attempts, done_at is not null as done, last_error, locked_by,
                       extract(epoch from run_at - now())::float8 as wait
                  from jobs where kind = ${kind}`,
          ),
        );
        expect(row).toMatchObject({ attempts: attempt, last_error: 'Error: SMTP server unavailable', locked_by: null });
        if (attempt < MAX_ATTEMPTS) {
          expect(row!.done).toBe(false);
          // Due again 2^attempts seconds after the failure, by the database's clock.
          expect(row!.wait).toBeGreaterThan(2 ** attempt - 1);
          expect(row!.wait).toBeLessThanOrEqual(2 ** attempt);
          expect(await app.jobs.runDue(ours())).toBe(0);
          // Time passes.
          await server.db.db
            .update(jobs)
            .set({ runAt: sql`now()` })
            .where(eq(jobs.kind, kind));
        } else {
          expect(row!.done).toBe(true);
        }
      }
      expect(attempts).toEqual(Array.from({ length: MAX_ATTEMPTS }, (_, index) => index + 1));
      // Dead: never claimed again, whatever its time.
      await server.db.db
        .update(jobs)
        .set({ runAt: sql`now()` })
        .where(eq(jobs.kind, kind));
      expect(await app.jobs.runDue(ours())).toBe(0);

      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.kind === kind);
      expect(logged.map((line) => [line.level, line.attempts, line.key, typeof line.jobId])).toEqual(
        Array.from({ length: MAX_ATTEMPTS }, (_, index) => [index + 1 < MAX_ATTEMPTS ? 40 : 50, index + 1, 'mail-1', 'number']),
      );
      expect(logged.every((line) => (line.err as { message?: string }).message === 'SMTP server unavailable')).toBe(true);
      expect(lines.join('\n')).not.toContain('visitor-secret');
    } finally {
      await app.close();
    }
  });

  it('runs a job whose process died (its lease lapsed), and leaves one under a live lease alone', async () => {
    const kind = uniqueKind();
    const runs = recordRuns(kind);
    await schedule({ kind, key: 'k', runAt: new Date(0) });
    const deadProcess = randomUUID();
    await server.db.db
      .update(jobs)
      .set({ lockedBy: deadProcess, lockedUntil: sql`now() + interval '30 seconds'`, attempts: 1 })
      .where(eq(jobs.kind, kind));
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    expect(runs).toEqual([]);

    await server.db.db
      .update(jobs)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(jobs.kind, kind));
    expect(await server.app.jobs.runDue(ours())).toBe(1);
    expect(runs.map((run) => run.attempts)).toEqual([2]);
    const [row] = await rowsOfKind(kind);
    expect(row).toMatchObject({ attempts: 2, lockedBy: null, lockedUntil: null, lastError: null });
    expect(row!.doneAt).toBeInstanceOf(Date);
  });

  it('cancels a pending job', async () => {
    const kind = uniqueKind();
    const runs = recordRuns(kind);
    await schedule({ kind, key: 'k', runAt: new Date(0) });
    await schedule({ kind, key: 'other', runAt: new Date(Date.now() + 60_000) });
    await server.db.db.transaction((tx) => server.app.jobs.cancel(tx, { kind, key: 'k' }));
    expect((await rowsOfKind(kind)).map((row) => row.key)).toEqual(['other']);
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    expect(runs).toEqual([]);
    await server.app.jobs.cancel(server.db.db, { kind, key: 'other' });
    expect(await rowsOfKind(kind)).toEqual([]);
  });

  it('lets a running job finish with what it was claimed with; a schedule meanwhile applies after it, and a done job runs anew', async () => {
    const kind = uniqueKind();
    const payloads: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const began = new Promise<void>((resolve) => (started = resolve));
    server.app.jobs.handle(kind, async (job) => {
      payloads.push(job.payload);
      if (payloads.length === 1) {
        started();
        await gate;
      }
    });
    await schedule({ kind, key: 'k', runAt: new Date(0), payload: { n: 1 } });
    const first = server.app.jobs.runDue(ours());
    await began;
    await schedule({ kind, key: 'k', runAt: new Date(0), payload: { n: 2 } });
    // Still held by the running claim: nobody else may run it now.
    expect(await server.app.jobs.runDue(ours())).toBe(0);
    release();
    expect(await first).toBe(1);
    const [pending] = await rowsOfKind(kind);
    expect(pending).toMatchObject({ attempts: 0, doneAt: null, lockedBy: null, payload: { n: 2 } });

    expect(await server.app.jobs.runDue(ours())).toBe(1);
    const [done] = await rowsOfKind(kind);
    expect(done!.doneAt).toBeInstanceOf(Date);
    await schedule({ kind, key: 'k', runAt: new Date(0), payload: { n: 3 } });
    expect(await server.app.jobs.runDue(ours())).toBe(1);
    expect(payloads).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('waits for a running handler when the app closes', async () => {
    const second = await startSecondApp(server);
    const kind = uniqueKind();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const began = new Promise<void>((resolve) => (started = resolve));
    second.app.jobs.handle(kind, async () => {
      started();
      await gate;
    });
    await schedule({ kind, key: 'k', runAt: new Date(0) });
    const ran = second.app.jobs.runDue(ours());
    await began;
    let closed = false;
    const closing = second.close().then(() => {
      closed = true;
    });
    await pause(300);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(await ran).toBe(1);
    const [row] = await rowsOfKind(kind);
    expect(row!.doneAt).toBeInstanceOf(Date);
  });

  it('polls by itself when the background sweeps are on', async () => {
    const app = await startApp({ inactivity: { ...server.config.inactivity, sweepIntervalSeconds: 3600 }, jobs: { pollMs: 50 } });
    try {
      const kind = uniqueKind();
      const runs = recordRuns(kind, app);
      const runAt = new Date((await dbNow()).getTime() + 300);
      await schedule({ kind, key: 'k', runAt }, app);
      const deadline = Date.now() + 10_000;
      while (runs.length === 0 && Date.now() < deadline) await pause(20);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.at.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
    } finally {
      await app.close();
    }
  });
});
