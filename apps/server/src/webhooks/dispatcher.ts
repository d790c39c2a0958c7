/**
 * Sends webhook deliveries: every process polls for due ones and claims them with `for update skip locked`, only the
 * first pending delivery of each stream (a conversation) of an active subscription, under a lease. So each delivery
 * is sent by one process, the deliveries of a stream one after another in order, and a dying process's claim lapses
 * to another. A failure is retried with exponential backoff and jitter, a bounded number of times, then the delivery is
 * marked failed; too many failures in a row pause the subscription, and its admins are told.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { rowsOf, webhookDeliveries, webhookEvents, webhookSubscriptions, type Database } from '@parley/db';
import type { WebhookEventType, WebhookSubscription } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { OutboundRequestError, type OutboundFetch } from '../plugins/outbound.js';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { toWebhookSubscription } from './subscriptions.js';

/**
 * What a failed attempt leads to: `retry` later (the receiver may recover), `final` (failed now, and counted towards
 * pausing: nothing changes until an admin acts), `gone` (failed now, not the receiver's fault: not counted).
 */
type FailureEnding = 'retry' | 'final' | 'gone';

/** How long a claim holds a delivery: longer than a request may take, so a live sender never loses its claim. */
const LEASE_SECONDS = 60;
/** Time a receiver has to answer. */
const REQUEST_TIMEOUT_MS = 10_000;
/** The most of a receiver's answer read; a delivery is confirmed by its status, the body only helps debugging. */
const RESPONSE_MAX_BYTES = 64 * 1024;
/** What of the answer is kept on the delivery. */
const RESPONSE_KEPT_CHARACTERS = 2000;
/** Deliveries one process sends at once. */
const MAX_SENDING = 10;
/**
 * Deliveries of one subscription sent at once, across processes: a receiver that hangs holds at most this many slots,
 * and the other subscriptions' deliveries go on in the rest.
 */
const MAX_SENDING_PER_SUBSCRIPTION = 4;
/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;

/** Settings of a dispatcher (`config.webhooks`). */
export interface DispatcherSettings {
  retryBaseMs: number;
  maxAttempts: number;
  pauseAfterFailures: number;
}

/** Limits a run to some organizations' deliveries (tests sharing a database). */
export interface DispatchScope {
  organizationIds: readonly string[];
}

/** What a dispatcher needs. */
export interface DispatcherOptions {
  db: Database;
  log: FastifyBaseLogger;
  secrets: SecretBox;
  fetch: OutboundFetch;
  settings: DispatcherSettings;
  /** Listens for the commits that wrote deliveries (`DbHandle.listen` on `WEBHOOK_CHANNEL`); resolves with its stop. */
  listen(onNotify: () => void): Promise<() => Promise<void>>;
  /** Told when Parley pauses a subscription that kept failing. */
  onPaused(subscription: WebhookSubscription, organizationId: string): void;
  /** A number in [0, 1) for the jitter; `Math.random` by default. */
  random?: () => number;
}

/** The webhook sender of one process. */
export interface WebhookDispatcher {
  /**
   * Sends from now on: at once when a commit wrote deliveries (any process's, through the database's notification), and
   * every `pollMs` besides (retries come due, a lapsed claim, a missed notification), draining what is due each time.
   */
  start(pollMs: number): Promise<void>;
  /**
   * Sends what is due now, stream after stream, until nothing is left that is due; resolves with how many attempts
   * were made. Tests, whose poller is off, call it with their own organizations.
   */
  runDue(scope?: DispatchScope): Promise<number>;
  /**
   * Renders the `data` of the events of `type` when their first delivery is sent, from what was recorded (for
   * `message.created`, the message's id: the statement that writes a message writes its event too, and a message never
   * changes). `null` means what it refers to is gone (deleted): the delivery fails with that reason.
   */
  renderData(type: WebhookEventType, render: WebhookDataRenderer): void;
  /** Stops polling and waits for the deliveries being sent. */
  close(): Promise<void>;
}

/** Turns an event's recorded `data` into the data sent; see {@link WebhookDispatcher.renderData}. */
export type WebhookDataRenderer = (recorded: Record<string, unknown>) => Promise<Record<string, unknown> | null>;

interface ClaimedDelivery {
  id: string;
  attempts: number;
}

/** The wait before attempt `attempts + 1`: doubling from `baseMs`, capped, drawn between half and all of it. */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

function httpFailure(status: number): string {
  return status >= 300 && status < 400
    ? `The receiver answered ${status}; only a 2xx answer confirms a delivery.`
    : `The receiver answered ${status}.`;
}

/** Creates the dispatcher of this process. */
export function createWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const { db, log, settings } = options;
  const random = options.random ?? Math.random;
  const instanceId = randomUUID();
  const renderers = new Map<string, WebhookDataRenderer>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** The sends running now; each frees its slot, and polls again (its stream's next delivery may be due), when done. */
  const sending = new Set<Promise<void>>();
  /** The claim running now: one at a time, so that two never count the same free slots. */
  let filling: Promise<number> | null = null;
  /** A wake-up came while a claim ran, which may have looked before the news committed: one more claim follows. */
  let fillAgain = false;

  /**
   * Claims up to `limit` deliveries, each the first pending one of its stream, due, of an active subscription with
   * fewer than {@link MAX_SENDING_PER_SUBSCRIPTION} being sent. The candidates are ranked per subscription first, then
   * locked: `for update` can't share a select with a window function.
   */
  async function claim(limit: number, scope: DispatchScope | undefined): Promise<ClaimedDelivery[]> {
    const inScope = scope
      ? sql`and s.organization_id in (${sql.join(
          scope.organizationIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql``;
    const result = await db.execute(sql`
      update webhook_deliveries d
         set locked_by = ${instanceId}, locked_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = d.attempts + 1
       where d.id in (
         select free.id from webhook_deliveries free
          where free.id in (
            select ranked.id from (
              select head.id, head.next_attempt_at, head.seq,
                     row_number() over (partition by head.subscription_id order by head.next_attempt_at, head.seq) as rank,
                     coalesce(leased.count, 0) as busy
                -- The first pending delivery of each stream, in one ordered read of the pending index.
                from (select distinct on (subscription_id, stream) id, subscription_id, next_attempt_at, seq, locked_until
                        from webhook_deliveries
                       where status = 'pending'
                       order by subscription_id, stream, seq) head
                join webhook_subscriptions s on s.id = head.subscription_id
                -- Being sent now, by any process: the few rows under a lease (webhook_deliveries_leased_idx).
                left join (
                  select subscription_id, count(*) as count from webhook_deliveries
                   where status = 'pending' and locked_until is not null and locked_until >= now()
                   group by subscription_id
                ) leased on leased.subscription_id = head.subscription_id
               where head.next_attempt_at <= now() and s.status = 'active' ${inScope}
                 and (head.locked_until is null or head.locked_until < now())
            ) ranked
             where ranked.rank + ranked.busy <= ${MAX_SENDING_PER_SUBSCRIPTION}
             order by ranked.next_attempt_at, ranked.seq
             limit ${limit})
            -- Checked again on the locked row: another process may have claimed it since the ranking read it.
            and free.status = 'pending' and (free.locked_until is null or free.locked_until < now())
            for update skip locked)
   returning d.id, d.attempts`);
    return rowsOf<ClaimedDelivery>(result);
  }

  /** Sends one claimed delivery and records what happened; never throws. */
  async function send(claimed: ClaimedDelivery): Promise<void> {
    try {
      const [row] = await db
        .select({
          subscriptionId: webhookSubscriptions.id,
          organizationId: webhookSubscriptions.organizationId,
          url: webhookSubscriptions.url,
          secret: webhookSubscriptions.secret,
          previousSecret: webhookSubscriptions.previousSecret,
          previousSecretExpiresAt: webhookSubscriptions.previousSecretExpiresAt,
          requestBody: webhookDeliveries.requestBody,
          eventId: webhookEvents.id,
          eventType: webhookEvents.type,
          eventData: webhookEvents.data,
          eventCreatedAt: webhookEvents.createdAt,
        })
        .from(webhookDeliveries)
        .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .where(eq(webhookDeliveries.id, claimed.id));
      if (!row) return;
      const failed = (error: string, body: string | null = row.requestBody, ending: FailureEnding = 'retry') =>
        record(
          claimed,
          row.subscriptionId,
          row.organizationId,
          body,
          { ok: false, status: null, responseBody: null, error, latencyMs: 0 },
          ending,
        );
      // Claimed again and again without an outcome (each claim counts): something beyond the receiver kept failing.
      if (claimed.attempts > settings.maxAttempts)
        return await failed('Given up: Parley could not finish its earlier attempts (see the server log).');
      let body: string | null;
      try {
        body = row.requestBody ?? (await eventBody(row));
      } catch (error) {
        return await failed(`The event could not be prepared: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (body === null) return await failed('What this event refers to was deleted before it was sent.', null, 'gone');
      const secrets = readableSecrets(row);
      if (secrets.length === 0) {
        // Trying again can't help until an admin rotates the secret: it fails now, and counts towards pausing.
        return await failed(
          'The signing secret cannot be read (was PARLEY_SECRET changed?): rotate the secret, then replay.',
          body,
          'final',
        );
      }
      const started = performance.now();
      const attempt = await post(row.url, body, {
        'content-type': 'application/json',
        'parley-delivery': claimed.id,
        'parley-event': row.eventType,
        'parley-event-id': String(row.eventId),
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secrets, Math.floor(Date.now() / 1000), body),
      });
      const latencyMs = Math.round(performance.now() - started);
      await record(claimed, row.subscriptionId, row.organizationId, body, { ...attempt, latencyMs });
    } catch (error) {
      // The database failed us: the claim lapses and the delivery is claimed again, at most until its attempts run out.
      log.error({ err: error, deliveryId: claimed.id }, 'sending a webhook delivery failed; its claim lapses and it is tried again');
    }
  }

  /**
   * The secrets that sign: the current one, and the previous one during a rotation's overlap. One that cannot be
   * opened (sealed under another `PARLEY_SECRET`) is left out; none at all means the delivery cannot be signed.
   */
  function readableSecrets(row: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }): string[] {
    const sealed = [row.secret];
    if (row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()) sealed.push(row.previousSecret);
    const secrets: string[] = [];
    for (const [index, value] of sealed.entries()) {
      try {
        secrets.push(options.secrets.open(value));
      } catch {
        // The current secret must sign; without it the receiver could not tell the delivery is ours.
        if (index === 0) return [];
      }
    }
    return secrets;
  }

  /** The body of an event's first delivery; null when its renderer found what it refers to gone. */
  async function eventBody(event: {
    eventId: number;
    eventType: string;
    organizationId: string;
    eventCreatedAt: Date;
    eventData: Record<string, unknown>;
  }): Promise<string | null> {
    const render = renderers.get(event.eventType);
    const data = render ? await render(event.eventData) : event.eventData;
    if (data === null) return null;
    return JSON.stringify({
      id: String(event.eventId),
      type: event.eventType,
      organizationId: event.organizationId,
      createdAt: event.eventCreatedAt.toISOString(),
      data,
    });
  }

  async function post(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ ok: boolean; status: number | null; responseBody: string | null; error: string | null }> {
    // The status decides; the answer's body only helps debugging. An answer larger than the limit is no failure.
    let status: number | null = null;
    try {
      const response = await options.fetch(url, {
        method: 'POST',
        headers,
        body,
        allowHttpErrors: true,
        timeoutMs: REQUEST_TIMEOUT_MS,
        maxBytes: RESPONSE_MAX_BYTES,
        readBody: (head) => {
          status = head.status;
          return true;
        },
      });
      const text = response.text().slice(0, RESPONSE_KEPT_CHARACTERS);
      if (response.ok) return { ok: true, status: response.status, responseBody: text, error: null };
      return { ok: false, status: response.status, responseBody: text, error: httpFailure(response.status) };
    } catch (error) {
      if (!(error instanceof OutboundRequestError)) throw error;
      if (error.reason === 'too_large' && status !== null) {
        const ok = status >= 200 && status < 300;
        return { ok, status, responseBody: null, error: ok ? null : httpFailure(status) };
      }
      const message =
        error.reason === 'too_many_redirects'
          ? `The receiver redirected to another address; Parley does not follow a webhook's redirects: use the final address.`
          : error.message;
      return { ok: false, status: error.status ?? null, responseBody: null, error: message };
    }
  }

  async function record(
    claimed: ClaimedDelivery,
    subscriptionId: string,
    organizationId: string,
    body: string | null,
    outcome: { ok: boolean; status: number | null; responseBody: string | null; error: string | null; latencyMs: number },
    ending: FailureEnding = 'retry',
  ): Promise<void> {
    const held = and(
      eq(webhookDeliveries.id, claimed.id),
      eq(webhookDeliveries.lockedBy, instanceId),
      eq(webhookDeliveries.status, 'pending'),
    );
    const common = {
      attempts: claimed.attempts,
      lastAttemptAt: sql`now()`,
      responseStatus: outcome.status,
      responseBody: outcome.responseBody,
      latencyMs: outcome.latencyMs,
      error: outcome.error,
      requestBody: body,
      lockedBy: null,
      lockedUntil: null,
    };
    if (outcome.ok) {
      await db.transaction(async (tx) => {
        const [delivered] = await tx
          .update(webhookDeliveries)
          .set({ ...common, status: 'delivered', deliveredAt: sql`now()` })
          .where(held)
          .returning({ id: webhookDeliveries.id });
        if (delivered) {
          await tx
            .update(webhookSubscriptions)
            .set({ consecutiveFailures: 0 })
            .where(and(eq(webhookSubscriptions.id, subscriptionId), sql`${webhookSubscriptions.consecutiveFailures} > 0`));
        }
      });
      return;
    }
    if (ending === 'gone') {
      // Not the receiver's failure: the delivery ends, the subscription's count of failures doesn't move.
      await db
        .update(webhookDeliveries)
        .set({ ...common, status: 'failed' })
        .where(held);
      log.info({ deliveryId: claimed.id, subscriptionId }, 'webhook delivery failed: what its event refers to was deleted');
      return;
    }
    const lastAttempt = ending === 'final' || claimed.attempts >= settings.maxAttempts;
    const delayMs = retryDelayMs(claimed.attempts, settings.retryBaseMs, random);
    const paused = await db.transaction(async (tx) => {
      const [failed] = await tx
        .update(webhookDeliveries)
        .set({
          ...common,
          status: lastAttempt ? 'failed' : 'pending',
          nextAttemptAt: sql`now() + make_interval(secs => ${delayMs / 1000})`,
        })
        .where(held)
        .returning({ id: webhookDeliveries.id });
      if (!failed) return null;
      // Locked first: concurrent failures count one after another, and exactly the one that pauses it says so.
      const [current] = await tx
        .select({ status: webhookSubscriptions.status, consecutiveFailures: webhookSubscriptions.consecutiveFailures })
        .from(webhookSubscriptions)
        .where(eq(webhookSubscriptions.id, subscriptionId))
        .for('update');
      if (!current) return null;
      const failures = current.consecutiveFailures + 1;
      const pauses = current.status === 'active' && failures >= settings.pauseAfterFailures;
      const [subscription] = await tx
        .update(webhookSubscriptions)
        .set({
          consecutiveFailures: failures,
          ...(pauses
            ? {
                status: 'paused' as const,
                pausedReason: `Paused after ${failures} failed attempts in a row. The last: ${outcome.error ?? 'no answer'}`,
                updatedAt: sql`now()`,
              }
            : {}),
        })
        .where(eq(webhookSubscriptions.id, subscriptionId))
        .returning();
      return pauses ? subscription! : null;
    });
    const context = { deliveryId: claimed.id, subscriptionId, attempts: claimed.attempts, error: outcome.error };
    if (lastAttempt) log.warn(context, 'webhook delivery failed for the last time; it is marked failed');
    else log.info({ ...context, retryInMs: delayMs }, 'webhook delivery failed; it will be retried');
    if (paused) {
      log.warn({ subscriptionId }, 'webhook subscription paused after failing too often');
      options.onPaused(toWebhookSubscription(paused), organizationId);
    }
  }

  /** Claims as many deliveries as there are free slots and starts sending them; resolves with how many it claimed. */
  function fill(scope: DispatchScope | undefined): Promise<number> {
    if (filling) {
      fillAgain = true;
      return filling.then(() => fill(scope));
    }
    fillAgain = false;
    const free = MAX_SENDING - sending.size;
    if (closed || free <= 0) return Promise.resolve(0);
    const claimed = claim(free, scope).then((deliveries) => {
      for (const delivery of deliveries) {
        const sent: Promise<void> = send(delivery).finally(() => {
          sending.delete(sent);
          poll();
        });
        sending.add(sent);
      }
      return deliveries.length;
    });
    filling = claimed.finally(() => {
      filling = null;
    });
    return claimed;
  }

  /** The poller's claim: a wake-up, a tick, a slot freed. Never rejects; a claim that came in meanwhile runs after. */
  function poll(): void {
    if (closed || !timer) return;
    if (filling) {
      fillAgain = true;
      return;
    }
    fill(undefined)
      .catch((error: unknown) => {
        if (!closed) log.warn({ err: error }, 'claiming webhook deliveries failed');
        return 0;
      })
      .finally(() => {
        if (fillAgain) poll();
      });
  }

  /** Claims and sends until nothing is due and nothing is being sent; resolves with the attempts made. */
  async function drain(scope: DispatchScope | undefined): Promise<number> {
    let attempts = 0;
    for (;;) {
      attempts += await fill(scope);
      if (sending.size === 0) return attempts;
      // A finished send frees a slot and may make its stream's next delivery due.
      await Promise.race(sending);
    }
  }

  let stopListening: (() => Promise<void>) | undefined;
  return {
    async start(pollMs) {
      if (timer || closed) return;
      timer = setInterval(poll, pollMs);
      timer.unref();
      stopListening = await options.listen(poll);
    },
    runDue(scope) {
      return drain(scope);
    },
    renderData(type, render) {
      renderers.set(type, render);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await stopListening?.();
      await filling;
      await Promise.allSettled(sending);
    },
  };
}
