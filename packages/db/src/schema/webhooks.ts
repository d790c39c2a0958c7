import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/** Whether Parley sends to a subscription: `paused` by an admin, or by Parley after it kept failing. */
export const webhookStatuses = ['active', 'paused'] as const;
/** Where a delivery stands. */
export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;

/**
 * Where an organization's integration wants to hear of events. The signing secret is sealed (encrypted with a key
 * derived from `PARLEY_SECRET`), never stored in the clear; after a rotation the previous one keeps signing too until
 * `previous_secret_expires_at`, so a receiver can switch without losing a delivery.
 */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    url: text().notNull(),
    description: text().notNull().default(''),
    /** The event types it receives (`message.created`, …). */
    events: text().array().notNull(),
    secret: text().notNull(),
    previousSecret: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    status: text({ enum: webhookStatuses }).notNull().default('active'),
    pausedReason: text(),
    /** Failed attempts in a row, across its deliveries; a success resets it, too many pause the subscription. */
    consecutiveFailures: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.organizationId)],
);

/**
 * The outbox: one row per event some subscription asked for, written in the transaction of the change it reports, so
 * it exists exactly when that change committed. `data` is the event's snapshot, sent as it was.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    type: text().notNull(),
    data: jsonb()
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.organizationId, table.id)],
);

/**
 * One event to send to one subscription. A process claims the first pending delivery of a stream (a conversation, a
 * contact) with `for update skip locked` and holds it under a lease while it sends: deliveries of one stream go out
 * one at a time, in order, and each is sent by one process (again only if that process died before recording it).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** Sent as `Parley-Delivery`; the order within a stream is `seq`'s. */
    id: uuid().primaryKey().defaultRandom(),
    seq: bigint({ mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    subscriptionId: uuid()
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventId: bigint({ mode: 'number' })
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    /** What orders it: deliveries with the same subscription and stream are sent one after another. */
    stream: text().notNull(),
    status: text({ enum: webhookDeliveryStatuses }).notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The process (random per start) sending it now, and until when its claim holds. */
    lockedBy: uuid(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastAttemptAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    responseStatus: integer(),
    responseBody: text(),
    latencyMs: integer(),
    error: text(),
    /** The exact body sent, fixed at the first attempt (the signature covers it). */
    requestBody: text(),
    replayOf: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('webhook_deliveries_pending_idx')
      .on(table.subscriptionId, table.stream, table.seq)
      .where(sql`${table.status} = 'pending'`),
    index('webhook_deliveries_list_idx').on(table.subscriptionId, table.createdAt),
    // The deliveries being sent now: a claim counts them per subscription on every poll.
    index('webhook_deliveries_leased_idx')
      .on(table.subscriptionId)
      .where(sql`${table.status} = 'pending' and ${table.lockedUntil} is not null`),
  ],
);
