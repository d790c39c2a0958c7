/**
 * An organization's webhook subscriptions and their deliveries, as admins manage them: made with a secret shown once,
 * changed, paused and resumed, deleted, their secret rotated with an overlap, their deliveries listed and replayed.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { webhookDeliveries, webhookEvents, webhookSubscriptions, type Database } from '@parley/db';
import {
  ParleyError,
  webhookEventTypeSchema,
  type WebhookCreate,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookDeliveryStatus,
  type WebhookSubscription,
  type WebhookUpdate,
  type WebhookWithSecret,
} from '@parley/protocol';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { SecretBox } from '../plugins/sealed-secrets.js';

type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** A new signing secret: `whsec_` and 32 random bytes. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** A subscription as admins see it (never its secrets). */
export function toWebhookSubscription(row: SubscriptionRow): WebhookSubscription {
  const overlap = row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events.flatMap((event) => {
      const parsed = webhookEventTypeSchema.safeParse(event);
      return parsed.success ? [parsed.data] : [];
    }),
    status: row.status,
    pausedReason: row.status === 'paused' ? row.pausedReason : null,
    consecutiveFailures: row.consecutiveFailures,
    previousSecretExpiresAt: overlap ? row.previousSecretExpiresAt!.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toWebhookDelivery(row: DeliveryRow & { eventType: string }): WebhookDelivery {
  return {
    id: row.id,
    eventId: String(row.eventId),
    eventType: webhookEventTypeSchema.parse(row.eventType),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    responseStatus: row.responseStatus,
    latencyMs: row.latencyMs,
    error: row.error,
    requestBody: row.requestBody ?? '',
    responseBody: row.responseBody,
    replayOf: row.replayOf,
    createdAt: row.createdAt.toISOString(),
  };
}

const ofOrganization = (organizationId: string, webhookId: string) =>
  and(eq(webhookSubscriptions.id, webhookId), eq(webhookSubscriptions.organizationId, organizationId));

/** The organization's subscriptions, newest first. */
export async function listWebhooks(db: Database, organizationId: string): Promise<WebhookSubscription[]> {
  const rows = await db
    .select()
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.organizationId, organizationId))
    .orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id));
  return rows.map(toWebhookSubscription);
}

/** Makes a subscription; its secret is in the answer, and never again. */
export async function createWebhook(
  db: Database,
  box: SecretBox,
  organizationId: string,
  input: { url: string; description: string; events: WebhookCreate['events'] },
): Promise<WebhookWithSecret> {
  const secret = newSecret();
  const [row] = await db
    .insert(webhookSubscriptions)
    .values({ organizationId, url: input.url, description: input.description, events: [...input.events], secret: box.seal(secret) })
    .returning();
  return { webhook: toWebhookSubscription(row!), secret };
}

/** Changes a subscription; `status: 'active'` resumes a paused one, with its failure count reset. */
export async function updateWebhook(
  db: Database,
  organizationId: string,
  webhookId: string,
  update: { [K in keyof WebhookUpdate]?: Exclude<WebhookUpdate[K], undefined> },
): Promise<WebhookSubscription> {
  const changes: Partial<typeof webhookSubscriptions.$inferInsert> = { updatedAt: new Date() };
  if (update.url !== undefined) changes.url = update.url;
  if (update.description !== undefined) changes.description = update.description;
  if (update.events !== undefined) changes.events = [...update.events];
  if (update.status === 'active') Object.assign(changes, { status: 'active', pausedReason: null, consecutiveFailures: 0 });
  if (update.status === 'paused') Object.assign(changes, { status: 'paused', pausedReason: 'Paused by an admin.' });
  const [row] = await db.update(webhookSubscriptions).set(changes).where(ofOrganization(organizationId, webhookId)).returning();
  if (!row) throw new ParleyError('not_found', 'No webhook has this id.');
  return toWebhookSubscription(row);
}

/** Deletes a subscription and its deliveries. */
export async function deleteWebhook(db: Database, organizationId: string, webhookId: string): Promise<void> {
  const deleted = await db
    .delete(webhookSubscriptions)
    .where(ofOrganization(organizationId, webhookId))
    .returning({ id: webhookSubscriptions.id });
  if (deleted.length === 0) throw new ParleyError('not_found', 'No webhook has this id.');
}

function opens(box: SecretBox, sealed: string): boolean {
  try {
    box.open(sealed);
    return true;
  } catch {
    return false;
  }
}

/** A new secret, shown once; the current one keeps signing too for `overlapHours` (none with 0). */
export async function rotateWebhookSecret(
  db: Database,
  box: SecretBox,
  organizationId: string,
  webhookId: string,
  overlapHours: number,
): Promise<WebhookWithSecret> {
  const [current] = await db
    .select({ secret: webhookSubscriptions.secret })
    .from(webhookSubscriptions)
    .where(ofOrganization(organizationId, webhookId));
  if (!current) throw new ParleyError('not_found', 'No webhook has this id.');
  // A secret sealed under another PARLEY_SECRET can't sign any more: it is dropped, not kept for an overlap.
  const keepsSigning = overlapHours > 0 && opens(box, current.secret);
  const secret = newSecret();
  const [row] = await db
    .update(webhookSubscriptions)
    .set({
      previousSecret: keepsSigning ? current.secret : null,
      previousSecretExpiresAt: keepsSigning ? sql`now() + make_interval(hours => ${overlapHours})` : null,
      secret: box.seal(secret),
      updatedAt: new Date(),
    })
    .where(ofOrganization(organizationId, webhookId))
    .returning();
  if (!row) throw new ParleyError('not_found', 'No webhook has this id.');
  return { webhook: toWebhookSubscription(row), secret };
}

async function assertOwnWebhook(db: Database, organizationId: string, webhookId: string): Promise<void> {
  const [row] = await db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(ofOrganization(organizationId, webhookId));
  if (!row) throw new ParleyError('not_found', 'No webhook has this id.');
}

/** A page of a subscription's deliveries, newest first; `before` is the previous page's `nextCursor`. */
export async function listDeliveries(
  db: Database,
  organizationId: string,
  webhookId: string,
  query: { status?: WebhookDeliveryStatus | undefined; before?: string | undefined; limit: number },
): Promise<WebhookDeliveryList> {
  await assertOwnWebhook(db, organizationId, webhookId);
  const before = query.before === undefined ? undefined : Number(query.before);
  if (before !== undefined && !Number.isSafeInteger(before)) {
    throw new ParleyError('invalid_payload', undefined, {
      issues: [{ path: 'querystring.before', message: 'Not a cursor of this list.' }],
    });
  }
  const rows = await db
    .select({ delivery: webhookDeliveries, eventType: webhookEvents.type })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(
      and(
        eq(webhookDeliveries.subscriptionId, webhookId),
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
        before !== undefined ? lt(webhookDeliveries.seq, before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    deliveries: page.map((row) => toWebhookDelivery({ ...row.delivery, eventType: row.eventType })),
    nextCursor: rows.length > query.limit ? String(page.at(-1)!.delivery.seq) : null,
  };
}

/** Sends a delivery's event again, as a new delivery at the end of its stream. */
export async function replayDelivery(
  db: Database,
  organizationId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  await assertOwnWebhook(db, organizationId, webhookId);
  const [original] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, webhookId)));
  if (!original) throw new ParleyError('not_found', 'This webhook has no delivery with this id.');
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ subscriptionId: webhookId, eventId: original.eventId, stream: original.stream, replayOf: original.id })
    .returning();
  const [event] = await db.select({ type: webhookEvents.type }).from(webhookEvents).where(eq(webhookEvents.id, original.eventId));
  return toWebhookDelivery({ ...row!, eventType: event!.type });
}
