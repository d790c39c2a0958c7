/**
 * The job queue: work that must run once (an SLA warning, an inactivity timer, an e-mail), whichever server process
 * runs it, and that a dying process must not lose. Jobs live in the `jobs` table, written in the transaction of the
 * change that needs them; every process claims the due ones of the kinds it handles with one `for update skip locked`
 * statement and holds them under a lease it renews while their handlers run. The database's clock decides what is
 * due and whose lease has lapsed. See docs/architecture.md, "Jobs".
 * @module
 */
import { randomUUID } from 'node:crypto';
import { jobs, type Database, type Transaction } from '@parley/db';
import { and, eq, inArray, isNotNull, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { serializeError } from './log-serializers.js';

/** How long a claim holds a job. A process that stops renewing it (it died) loses the job to any other this long after. */
export const LEASE_SECONDS = 30;
/** How often a process renews the leases of the jobs it is running, in one statement: three times per lease. */
const RENEW_MS = 10_000;
/**
 * A handler still running after this long is given up on: its signal aborts and the run counts as failed (retried).
 * It bounds how long a hung handler holds its job, and how long closing the app waits for it.
 */
export const HANDLER_TIMEOUT_MS = 5 * 60_000;
/** Runs a job gets. After the last one fails it is done, dead, with its error kept: visible, never retried forever. */
export const MAX_ATTEMPTS = 8;
/** The wait after the n-th failed run is 2^n seconds (2 s, 4 s, … 128 s after the seventh), at most this. */
const BACKOFF_CAP_SECONDS = 3600;
/** Jobs one process runs at once; a poll claims no more than the free slots, so no claimed job waits in memory. */
const MAX_RUNNING = 10;
/** Longest `last_error` kept. */
const MAX_ERROR_LENGTH = 2000;

/** A job as its handler receives it. */
export interface Job {
  id: number;
  organizationId: string;
  key: string;
  payload: Record<string, unknown>;
  /** Which run this is: 1 the first time, up to {@link MAX_ATTEMPTS}. A run cut short by a dead process counts. */
  attempts: number;
}

/**
 * Does a job's work. Resolving marks the job done; throwing retries it later. `signal` aborts when the job stops being
 * this process's (it was cancelled, or its lease lapsed and another process took it over) or after
 * {@link HANDLER_TIMEOUT_MS}; a handler that can stop early should. A job may run again after its handler did its work
 * (the process died before recording it), so a handler checks that the work is still needed, in its own transaction.
 */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>;

/** A job to schedule. */
export interface NewJob {
  organizationId: string;
  /** The handler's name (see {@link Jobs.handle}). */
  kind: string;
  /** Names the job within its kind, across organizations: the id of the thing it is about (a conversation's). */
  key: string;
  /**
   * When it is due, by the database's clock. Computed from a process's clock it is off by that clock's drift; where
   * seconds matter, compute it from a time the database gave (a message's `createdAt`).
   */
  runAt: Date;
  /** What the handler needs besides the key; stored in the database, never logged. */
  payload?: Record<string, unknown> | undefined;
}

/** The job queue, decorated on the app as `app.jobs`. */
export interface Jobs {
  /**
   * Schedules a job, in the caller's transaction: it exists exactly when the change that needs it committed. One job
   * per kind and key: scheduling it again replaces its run time and payload (a timer moves, and is never set twice)
   * and gives it its attempts afresh; a done job (succeeded or dead) is scheduled anew and runs again. A job running
   * right now keeps running with what it was claimed with, and the new schedule applies after it: its outcome is not
   * recorded, the job stays pending at the new time.
   */
  schedule(db: Database | Transaction, job: NewJob): Promise<void>;
  /**
   * Removes the job unless it is done, in the caller's transaction. A handler already running it is not interrupted:
   * it finishes (its signal aborts at the next lease renewal, for handlers that check it) and its outcome is not
   * recorded. Scheduling the key again after a cancel makes a new job, which may run while that handler still does.
   */
  cancel(db: Database | Transaction, job: { kind: string; key: string }): Promise<void>;
  /** Registers the handler of a kind; domains do it while their plugin registers. One handler per kind. */
  handle(kind: string, handler: JobHandler): void;
  /**
   * Claims the due jobs of the handled kinds (as many as there are free slots) and runs them; resolves with how many
   * ran (succeeded or failed) once they all finished. The poller does the same without waiting; tests, whose poller is
   * off, call this instead, each with its own organizations (`scope`): suites sharing a database then never run one
   * another's jobs.
   */
  runDue(scope?: JobScope): Promise<number>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Work that must run once, across every process (see {@link Jobs}). */
    jobs: Jobs;
  }
}

/** Limits a claim to the jobs of some organizations. */
export interface JobScope {
  organizationIds: readonly string[];
}

/** A job as claimed: the handler's view, plus its kind. */
interface ClaimedJob extends Job {
  kind: string;
}

/** The reason of a signal aborted because the job is no longer this process's. */
class JobReleasedError extends Error {
  override readonly name = 'JobReleasedError';
}

/** The reason of a signal aborted after {@link HANDLER_TIMEOUT_MS}; recorded as the run's error. */
class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
}

/** The job queue over `db`; `start` starts this process's poller, `close` stops it and waits for running handlers. */
function createJobQueue(db: Database, log: FastifyBaseLogger) {
  /** This process, in `jobs.locked_by`. */
  const instanceId = randomUUID();
  const handlers = new Map<string, JobHandler>();
  const running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  /** Claims in flight, and the slots they asked for. */
  const claims = new Set<Promise<unknown>>();
  let reserved = 0;
  let closed = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | null = null;
  /** The last poll filled every free slot: more jobs may be due, so a finished one polls again at once. */
  let more = false;

  const lease = sql`now() + make_interval(secs => ${LEASE_SECONDS})`;

  /** Claims up to `limit` due jobs in one statement; rows another process is claiming right now are skipped. */
  async function claim(limit: number, scope: JobScope | undefined): Promise<ClaimedJob[]> {
    const mine = [...running.keys()];
    const due = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          isNull(jobs.doneAt),
          lte(jobs.runAt, sql`now()`),
          inArray(jobs.kind, [...handlers.keys()]),
          scope ? inArray(jobs.organizationId, [...scope.organizationIds]) : undefined,
          or(isNull(jobs.lockedUntil), lt(jobs.lockedUntil, sql`now()`)),
          // A process never takes over its own running jobs, however late their renewal.
          mine.length > 0 ? notInArray(jobs.id, mine) : undefined,
        ),
      )
      .orderBy(jobs.runAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    return db
      .update(jobs)
      .set({ lockedBy: instanceId, lockedUntil: lease, attempts: sql`${jobs.attempts} + 1` })
      .where(inArray(jobs.id, due))
      .returning({
        id: jobs.id,
        organizationId: jobs.organizationId,
        kind: jobs.kind,
        key: jobs.key,
        payload: jobs.payload,
        attempts: jobs.attempts,
      });
  }

  /** Claims as many due jobs as there are free slots and starts them; the runs never reject. */
  function claimAndStart(scope?: JobScope): Promise<{ runs: Promise<void>[]; full: boolean }> {
    const limit = MAX_RUNNING - running.size - reserved;
    if (closed || handlers.size === 0 || limit <= 0) return Promise.resolve({ runs: [], full: limit <= 0 });
    reserved += limit;
    const claimed = claim(limit, scope)
      .then((found) => ({ runs: found.map(start), full: found.length === limit }))
      .finally(() => {
        reserved -= limit;
        claims.delete(claimed);
      });
    claims.add(claimed);
    return claimed;
  }

  function start(job: ClaimedJob): Promise<void> {
    const controller = new AbortController();
    const done = run(job, controller).finally(() => {
      running.delete(job.id);
      if (more) poll();
    });
    running.set(job.id, { controller, done });
    return done;
  }

  async function run(job: ClaimedJob, controller: AbortController): Promise<void> {
    const handler = handlers.get(job.kind)!;
    const { kind, ...view } = job;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const reason = new JobTimeoutError(`The handler ran for more than ${HANDLER_TIMEOUT_MS / 1000} s.`);
        controller.abort(reason);
        reject(reason);
      }, HANDLER_TIMEOUT_MS);
    });
    const work = Promise.resolve().then(() => handler(view, controller.signal));
    // A handler given up on may still fail later; nobody waits for it then.
    work.catch(() => undefined);
    let failed = false;
    let failure: unknown;
    try {
      await Promise.race([work, deadline]);
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      clearTimeout(timer);
    }
    const context = { jobId: job.id, kind, key: job.key, attempts: job.attempts };
    try {
      if (!failed) {
        await recordSuccess(job);
        return;
      }
      const outcome = await recordFailure(job, failure);
      if (!outcome) log.warn({ ...context, err: failure }, 'job failed after it was cancelled or taken over');
      else if (outcome.doneAt) log.error({ ...context, err: failure }, 'job failed for the last time; it is dead');
      else log.warn({ ...context, err: failure, retryAt: outcome.runAt }, 'job failed; it will be retried');
    } catch (error) {
      // The lease lapses and another run does the job again.
      log.error({ ...context, err: error }, 'recording the outcome of a job failed');
    }
  }

  /**
   * A run's outcome is recorded only while this process holds the job (one cancelled or taken over is no longer its
   * to record), and only if the job was not rescheduled meanwhile (see {@link unchanged}).
   */
  const held = (job: ClaimedJob) => and(eq(jobs.id, job.id), eq(jobs.lockedBy, instanceId));

  async function recordSuccess(job: ClaimedJob): Promise<void> {
    await db
      .update(jobs)
      .set({
        lockedBy: null,
        lockedUntil: null,
        doneAt: sql`case when ${unchanged(job)} then now() end`,
        lastError: sql`case when ${unchanged(job)} then null else ${jobs.lastError} end`,
      })
      .where(held(job));
  }

  async function recordFailure(job: ClaimedJob, failure: unknown): Promise<{ doneAt: Date | null; runAt: Date } | undefined> {
    const dead = job.attempts >= MAX_ATTEMPTS;
    const backoffSeconds = Math.min(2 ** job.attempts, BACKOFF_CAP_SECONDS);
    const [outcome] = await db
      .update(jobs)
      .set({
        lockedBy: null,
        lockedUntil: null,
        lastError: sql`case when ${unchanged(job)} then ${errorText(failure)} else ${jobs.lastError} end`,
        ...(dead
          ? { doneAt: sql`case when ${unchanged(job)} then now() end` }
          : { runAt: sql`case when ${unchanged(job)} then now() + make_interval(secs => ${backoffSeconds}) else ${jobs.runAt} end` }),
      })
      .where(held(job))
      .returning({ doneAt: jobs.doneAt, runAt: jobs.runAt });
    return outcome;
  }

  /** Renews the leases of this process's running jobs; aborts the signals of those it no longer holds. */
  async function renew(): Promise<void> {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    const renewed = await db
      .update(jobs)
      .set({ lockedUntil: lease })
      .where(and(inArray(jobs.id, ids), eq(jobs.lockedBy, instanceId), isNull(jobs.doneAt)))
      .returning({ id: jobs.id });
    const kept = new Set(renewed.map((row) => row.id));
    for (const id of ids) {
      const entry = running.get(id);
      if (kept.has(id) || !entry || entry.controller.signal.aborted) continue;
      log.info({ jobId: id }, 'job no longer held by this process (cancelled, or taken over after its lease lapsed)');
      entry.controller.abort(new JobReleasedError('The job was cancelled, or taken over by another process.'));
    }
  }

  let renewing = false;
  const renewTimer = setInterval(() => {
    if (renewing) return;
    renewing = true;
    renew()
      .catch((error: unknown) => log.warn({ err: error }, 'renewing job leases failed'))
      .finally(() => {
        renewing = false;
      });
  }, RENEW_MS);
  // The renewal alone must not keep the process alive.
  renewTimer.unref();

  /** One poll at a time; it claims and starts, without waiting for the handlers. */
  function poll(): void {
    if (closed || polling || !pollTimer) return;
    polling = claimAndStart()
      .then(({ full }) => {
        more = full;
      })
      .catch((error: unknown) => {
        if (!closed) log.warn({ err: error }, 'claiming due jobs failed');
      })
      .finally(() => {
        polling = null;
      });
  }

  const jobQueue: Jobs = {
    async schedule(target, job) {
      await target
        .insert(jobs)
        .values({ organizationId: job.organizationId, kind: job.kind, key: job.key, payload: job.payload ?? {}, runAt: job.runAt })
        .onConflictDoUpdate({
          target: [jobs.kind, jobs.key],
          // The lock columns stay: a running job keeps its claim, and its run sees the reset attempts when it ends.
          set: {
            organizationId: sql`excluded.organization_id`,
            payload: sql`excluded.payload`,
            runAt: sql`excluded.run_at`,
            attempts: 0,
            doneAt: null,
            lastError: null,
          },
        });
    },
    async cancel(target, job) {
      await target.delete(jobs).where(and(eq(jobs.kind, job.kind), eq(jobs.key, job.key), isNull(jobs.doneAt)));
    },
    handle(kind, handler) {
      if (handlers.has(kind)) throw new Error(`A handler for jobs of kind "${kind}" is already registered.`);
      handlers.set(kind, handler);
    },
    async runDue(scope) {
      const { runs } = await claimAndStart(scope);
      await Promise.all(runs);
      return runs.length;
    },
  };

  return {
    jobs: jobQueue,
    /** Starts this process's poller: a poll now, then every `pollMs`. */
    start(pollMs: number): void {
      if (closed || pollTimer) return;
      pollTimer = setInterval(poll, pollMs);
      // The poller alone must not keep the process alive.
      pollTimer.unref();
      poll();
    },
    /**
     * For a process that is the only one on its database and is just starting: every claim in it is a dead process's,
     * however fresh its lease, and is released at once instead of after the lease.
     */
    async releaseAll(): Promise<void> {
      await db
        .update(jobs)
        .set({ lockedBy: null, lockedUntil: null })
        .where(and(isNull(jobs.doneAt), isNotNull(jobs.lockedBy)));
    },
    /** Stops polling, then waits for the claims in flight and every handler they started (renewing their leases). */
    async close(): Promise<void> {
      closed = true;
      clearInterval(pollTimer);
      await polling;
      await Promise.allSettled(claims);
      while (running.size > 0) await Promise.allSettled([...running.values()].map((entry) => entry.done));
      clearInterval(renewTimer);
    },
  };
}

/**
 * True while the job's attempts are still the claim's. Scheduling the job again resets them to 0: then the run is only
 * released, and the job stays pending at its new time.
 */
function unchanged(job: ClaimedJob) {
  return sql`${jobs.attempts} = ${job.attempts}`;
}

/** The text kept in `last_error`: the error's type and message, query parameters withheld, shortened. */
function errorText(error: unknown): string {
  const { type, message } = serializeError(error);
  return `${type}: ${message}`.slice(0, MAX_ERROR_LENGTH);
}

/**
 * Decorates the app with `jobs`. Each process polls every `PARLEY_JOBS_POLL_MS` once the app is ready, unless the
 * background sweeps are off (`PARLEY_SWEEP_INTERVAL_SECONDS=0`, as in tests: they call `app.jobs.runDue()`). Closing
 * the app stops the poller and waits for the running handlers; register it after the plugins handlers use (they close
 * after it) and before the domains that register handlers.
 */
export const jobsPlugin = fp(
  async function registerJobs(app: FastifyInstance) {
    const queue = createJobQueue(app.db, app.log);
    app.decorate('jobs', queue.jobs);
    app.addHook('onReady', async function startJobPoller() {
      if (app.dbHandle.exclusive) await queue.releaseAll();
      if (app.config.inactivity.sweepIntervalSeconds > 0) queue.start(app.config.jobs.pollMs);
    });
    app.addHook('onClose', async function waitForJobs() {
      await queue.close();
    });
  },
  { name: 'parley-jobs', fastify: '5.x', dependencies: ['parley-config', 'parley-db'] },
);
