/**
 * `@parley/client/server`: what a site's backend uses to talk with Parley: a typed client of the REST API
 * (authenticated with an API token), the verification of webhook deliveries, and the identity tokens that prove who a
 * signed-in visitor is.
 *
 * @example
 * ```ts
 * import { createApiClient, verifyWebhook } from '@parley/client/server'
 *
 * const parley = createApiClient({ baseUrl: 'https://chat.example.com', token: process.env.PARLEY_API_TOKEN! })
 * const event = await verifyWebhook({ body: rawBody, signature: headers['parley-signature'], secret: process.env.PARLEY_WEBHOOK_SECRET! })
 * ```
 * @module
 */
export type { WebhookEvent, WebhookEventType } from '@parley/protocol';
export { verifyWebhook, WebhookSignatureError } from './verify-webhook.js';
export type { VerifiedWebhookEvent, VerifyWebhookOptions, WebhookSignatureFailure } from './verify-webhook.js';
export { createApiClient, ParleyApiError } from './api-client.js';
export { signIdentityToken } from './sign-identity-token.js';
export type { SignIdentityTokenOptions } from './sign-identity-token.js';
export type { ApiClientOptions, ApiScope, ParleyApiClient } from './api-client.js';
