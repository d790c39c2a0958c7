/**
 * `@parley/client/server`: what a site's backend uses to talk with Parley. Today: verifying webhook deliveries.
 *
 * @example
 * ```ts
 * import { verifyWebhook } from '@parley/client/server'
 *
 * const event = await verifyWebhook({ body: rawBody, signature: headers['parley-signature'], secret: process.env.PARLEY_WEBHOOK_SECRET! })
 * ```
 * @module
 */
export type { WebhookEvent, WebhookEventType } from '@parley/protocol';
export { verifyWebhook, WebhookSignatureError } from './verify-webhook.js';
export type { VerifiedWebhookEvent, VerifyWebhookOptions, WebhookSignatureFailure } from './verify-webhook.js';
