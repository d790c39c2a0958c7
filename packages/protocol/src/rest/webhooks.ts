/**
 * `/api/webhooks`: an organization's webhook subscriptions, their deliveries, and the events Parley sends to them.
 * What a receiver gets (headers, body, signature) is described in docs/webhooks.md; `@parley/client/server` verifies it.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';

/** The events a subscription can ask for, in the order the console lists them. */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'message.created',
  'conversation.queued',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.reopened',
  'contact.updated',
  'contact.merged',
  'rating.submitted',
  'ticket.sla_breached',
] as const;

/** An event a webhook subscription can ask for. */
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
/** An event a webhook subscription can ask for. */
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** Longest address of a receiver. */
export const WEBHOOK_URL_MAX_LENGTH = 2000;
/** Longest description of a subscription. */
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 200;
/** Longest overlap, in hours, during which a rotated-out secret still signs deliveries next to the new one. */
export const WEBHOOK_SECRET_OVERLAP_MAX_HOURS = 168;

/** The receiver's address: http or https, at most {@link WEBHOOK_URL_MAX_LENGTH} characters, no user or password. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(WEBHOOK_URL_MAX_LENGTH, `At most ${WEBHOOK_URL_MAX_LENGTH} characters.`)
  .pipe(z.url({ protocol: /^https?$/, error: 'An http:// or https:// address, such as https://hooks.example.com/parley.' }))
  .refine(
    (url) => !/^https?:\/\/[^/?#]*@/i.test(url),
    'Put no user name or password in the address: check the signature of each delivery instead.',
  );

/** Whether Parley sends to a subscription: `paused` by an admin, or by Parley after it kept failing. */
export const webhookStatusSchema = z.enum(['active', 'paused']);
/** Whether Parley sends to a subscription. */
export type WebhookStatus = z.infer<typeof webhookStatusSchema>;

/** A webhook subscription as admins see it; its secret is shown only when it is made (created or rotated). */
export const webhookSubscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(webhookEventTypeSchema),
  status: webhookStatusSchema,
  /** Why it is paused, in words for the admin ("Paused after 20 failed deliveries in a row: …"); null while active. */
  pausedReason: z.string().nullable(),
  /** Failed attempts in a row, across deliveries; a success resets it. */
  consecutiveFailures: z.number().int(),
  /** Until when the previous secret still signs deliveries too, after a rotation; null when there is none. */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A webhook subscription. */
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

/** Answer of `GET /api/webhooks`: the organization's subscriptions, newest first. */
export const webhookSubscriptionListSchema = z.object({ webhooks: z.array(webhookSubscriptionSchema) });
/** Answer of `GET /api/webhooks`. */
export type WebhookSubscriptionList = z.infer<typeof webhookSubscriptionListSchema>;

const eventsSchema = z
  .array(webhookEventTypeSchema)
  .min(1, 'Pick at least one event.')
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((events) => [...new Set(events)]);

/** Body of `POST /api/webhooks`. */
export const webhookCreateSchema = z.object({
  url: webhookUrlSchema,
  description: storableTextSchema(WEBHOOK_DESCRIPTION_MAX_LENGTH).default(''),
  events: eventsSchema,
});
/** Body of `POST /api/webhooks`. */
export type WebhookCreate = z.input<typeof webhookCreateSchema>;

/** Body of `PATCH /api/webhooks/:webhookId`: what changes. Setting `status` to `active` resumes a paused one. */
export const webhookUpdateSchema = z
  .object({
    url: webhookUrlSchema,
    description: storableTextSchema(WEBHOOK_DESCRIPTION_MAX_LENGTH),
    events: eventsSchema,
    status: webhookStatusSchema,
  })
  .partial();
/** Body of `PATCH /api/webhooks/:webhookId`. */
export type WebhookUpdate = z.input<typeof webhookUpdateSchema>;

/** Answer of `POST /api/webhooks` and of a rotation: the subscription and its new secret, shown this once. */
export const webhookWithSecretSchema = z.object({ webhook: webhookSubscriptionSchema, secret: z.string() });
/** A subscription with its new secret. */
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

/** Body of `POST /api/webhooks/:webhookId/rotate-secret`: how long the old secret keeps signing too (default 24 h). */
export const webhookRotateSchema = z.object({
  overlapHours: z.number().int().min(0).max(WEBHOOK_SECRET_OVERLAP_MAX_HOURS).default(24),
});
/** Body of `POST /api/webhooks/:webhookId/rotate-secret`. */
export type WebhookRotate = z.input<typeof webhookRotateSchema>;

/** Path parameters naming a subscription. */
export const webhookIdParamsSchema = z.object({ webhookId: z.uuid() });
/** Path parameters naming one delivery of a subscription. */
export const webhookDeliveryParamsSchema = z.object({ webhookId: z.uuid(), deliveryId: z.uuid() });

/** Where a delivery stands: waiting to be sent (again), received by the receiver (2xx), or given up on. */
export const webhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);
/** Where a delivery stands. */
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatusSchema>;

/** One event sent (or to be sent) to one subscription, with what happened the last time it was tried. */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: webhookEventTypeSchema,
  status: webhookDeliveryStatusSchema,
  attempts: z.number().int(),
  /** When it is tried next, while pending. */
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  /** The receiver's HTTP status the last time it answered. */
  responseStatus: z.number().int().nullable(),
  /** How long the last attempt took, in milliseconds. */
  latencyMs: z.number().int().nullable(),
  /** Why the last attempt failed, in words for the admin. */
  error: z.string().nullable(),
  /** The body sent, exactly (the signature covers it). */
  requestBody: z.string(),
  /** The start of the receiver's last answer. */
  responseBody: z.string().nullable(),
  /** The delivery this one replays, when an admin replayed one. */
  replayOf: z.string().nullable(),
  createdAt: z.string(),
});
/** One delivery of a webhook subscription. */
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** Query of `GET /api/webhooks/:webhookId/deliveries`: newest first; `before` is the `nextCursor` of the page before. */
export const webhookDeliveryQuerySchema = z.object({
  status: webhookDeliveryStatusSchema.optional(),
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Answer of `GET /api/webhooks/:webhookId/deliveries`; `nextCursor` is passed as `before` for the page after. */
export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() });
/** Answer of `GET /api/webhooks/:webhookId/deliveries`. */
export type WebhookDeliveryList = z.infer<typeof webhookDeliveryListSchema>;

/**
 * The JSON body of every delivery: the event, whose `id` is the same in every delivery and replay of it (receivers
 * deduplicate on it), and its `data`, a snapshot taken when it happened (docs/webhooks.md lists each type's fields).
 */
export const webhookEventSchema = z.object({
  id: z.string(),
  type: webhookEventTypeSchema,
  organizationId: z.string(),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
/** The body of a webhook delivery. */
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
