/**
 * Examples for the API reference (`/api/openapi.json`) of `/api/webhooks`: Acme Outdoor's order desk receives new
 * conversations, messages and resolutions. openapi.test.ts checks each against its route's schema.
 * @module
 */
import type {
  WebhookCreate,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEvent,
  WebhookRotate,
  WebhookSubscription,
  WebhookSubscriptionList,
  WebhookUpdate,
  WebhookWithSecret,
} from '@parley/protocol';

/** Body of `POST /api/webhooks`. */
export const webhookCreateExample = {
  url: 'https://hooks.acme-outdoor.example/parley',
  description: 'Order desk: new conversations, messages and resolutions',
  events: ['conversation.created', 'message.created', 'conversation.resolved'],
} satisfies WebhookCreate;

/** The subscription {@link webhookCreateExample} makes. */
export const webhookExample = {
  id: '77301fa1-9028-4158-a9e3-53bcb9362af8',
  ...webhookCreateExample,
  status: 'active',
  pausedReason: null,
  consecutiveFailures: 0,
  previousSecretExpiresAt: null,
  createdAt: '2026-11-02T14:03:11.000Z',
  updatedAt: '2026-11-02T14:03:11.000Z',
} satisfies WebhookSubscription;

/** Answer of `GET /api/webhooks`. */
export const webhookListExample = { webhooks: [webhookExample] } satisfies WebhookSubscriptionList;

/** Answer of `POST /api/webhooks`: the subscription and its signing secret, shown this once. */
export const webhookCreatedExample = {
  webhook: webhookExample,
  secret: 'whsec_lI26p_0MAd6rJudJFgb5EQLvld7MjLmshBlYfwh8rSU',
} satisfies WebhookWithSecret;

/** Body of `PATCH /api/webhooks/:webhookId`: ratings too. */
export const webhookUpdateExample = { events: [...webhookCreateExample.events, 'rating.submitted'] } satisfies WebhookUpdate;

/** Answer of `PATCH /api/webhooks/:webhookId`: the subscription after {@link webhookUpdateExample}. */
export const webhookUpdatedExample = {
  ...webhookExample,
  ...webhookUpdateExample,
  updatedAt: '2026-11-12T10:15:42.000Z',
} satisfies WebhookSubscription;

/** Body of `POST /api/webhooks/:webhookId/rotate-secret`: the old secret keeps signing for a day. */
export const webhookRotateExample = { overlapHours: 24 } satisfies WebhookRotate;

/** Answer of `POST /api/webhooks/:webhookId/rotate-secret`: the new secret, shown this once. */
export const webhookRotatedExample = {
  webhook: { ...webhookExample, previousSecretExpiresAt: '2026-11-21T16:00:00.000Z', updatedAt: '2026-11-20T16:00:00.000Z' },
  secret: 'whsec_Du6kVoYOfDpQM89wEw4Zqvob9suonNDbAqYt_aEQ9sI',
} satisfies WebhookWithSecret;

/** The body of a delivery: Maya Patel's first message. */
const messageEventExample = {
  id: '1042',
  type: 'message.created',
  organizationId: '3f12c670-fd3e-4792-824e-d7ff89190049',
  createdAt: '2026-11-28T16:20:05.000Z',
  data: {
    message: {
      id: '50b23235-f76b-4d6b-ae42-1c9cc9ae408f',
      conversationId: '25773eec-2b6f-4236-8bf6-fe00e8f64b76',
      seq: 1,
      author: { kind: 'visitor', id: 'd35cec9d-704b-4e6e-a686-68304cfba40e', name: 'Maya Patel' },
      body: 'Hi! My order #40318 says delivered but the tent never arrived.',
      createdAt: '2026-11-28T16:20:05.000Z',
    },
  },
} satisfies WebhookEvent;

/** A delivery the receiver took on its first try. */
export const webhookDeliveryExample = {
  id: 'd99ef6c6-9cf3-4ee5-889a-511273d1aa54',
  eventId: messageEventExample.id,
  eventType: messageEventExample.type,
  status: 'delivered',
  attempts: 1,
  nextAttemptAt: null,
  lastAttemptAt: '2026-11-28T16:20:05.000Z',
  deliveredAt: '2026-11-28T16:20:05.000Z',
  responseStatus: 200,
  latencyMs: 184,
  error: null,
  requestBody: JSON.stringify(messageEventExample),
  responseBody: '{"received":true}',
  replayOf: null,
  createdAt: '2026-11-28T16:20:05.000Z',
} satisfies WebhookDelivery;

/** A delivery given up on after the receiver kept failing. */
export const webhookFailedDeliveryExample = {
  ...webhookDeliveryExample,
  id: '738d150a-71ca-4088-8bc5-82e3753428b3',
  eventId: '1037',
  status: 'failed',
  attempts: 12,
  lastAttemptAt: '2026-11-28T09:41:17.000Z',
  deliveredAt: null,
  responseStatus: 503,
  latencyMs: 2_310,
  error: 'The receiver answered 503.',
  requestBody: JSON.stringify({ ...messageEventExample, id: '1037', createdAt: '2026-11-27T18:02:44.000Z' }),
  responseBody: 'upstream connect error',
  createdAt: '2026-11-27T18:02:44.000Z',
} satisfies WebhookDelivery;

/** Answer of `GET /api/webhooks/:webhookId/deliveries`: newest first, with the cursor of the next page. */
export const webhookDeliveryListExample = {
  deliveries: [webhookDeliveryExample, webhookFailedDeliveryExample],
  nextCursor: '4127',
} satisfies WebhookDeliveryList;

/** Answer of `POST /api/webhooks/:webhookId/deliveries/:deliveryId/replay`: a new delivery of the failed one's event. */
export const webhookReplayExample = {
  ...webhookFailedDeliveryExample,
  id: '52838023-cb49-4eb8-b8ab-8b50e58e8048',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2026-11-29T08:12:30.000Z',
  lastAttemptAt: null,
  responseStatus: null,
  latencyMs: null,
  error: null,
  // Rendered when it is first sent.
  requestBody: '',
  responseBody: null,
  replayOf: webhookFailedDeliveryExample.id,
  createdAt: '2026-11-29T08:12:30.000Z',
} satisfies WebhookDelivery;
