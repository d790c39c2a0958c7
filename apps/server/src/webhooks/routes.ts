/**
 * `/api/webhooks` for admins: subscriptions (list, create, change, pause and resume, delete, rotate the secret) and
 * their deliveries (list, replay). Answers are validated and serialized with the protocol's schemas.
 * @module
 */
import {
  webhookCreateSchema,
  webhookDeliveryListSchema,
  webhookDeliveryParamsSchema,
  webhookDeliveryQuerySchema,
  webhookDeliverySchema,
  webhookIdParamsSchema,
  webhookRotateSchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionSchema,
  webhookUpdateSchema,
  webhookWithSecretSchema,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organizationIdOf, requireAdmin, requireTokenScopes } from '../auth/caller.js';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import {
  webhookCreatedExample,
  webhookCreateExample,
  webhookDeliveryListExample,
  webhookListExample,
  webhookReplayExample,
  webhookRotatedExample,
  webhookRotateExample,
  webhookUpdatedExample,
  webhookUpdateExample,
} from './api-examples.js';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  replayDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from './subscriptions.js';

/** Registers the webhook routes; `secrets` seals the subscriptions' signing secrets. */
export function registerWebhookRoutes(app: FastifyInstance, secrets: SecretBox): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: anyone but an admin is refused whatever the body, and learns nothing from its errors.
  // A subscription sends conversations and contacts to its receiver, and its deliveries show them: a token managing
  // one must be allowed to read them.
  const preValidation = [app.authenticate, requireAdmin('manage webhooks'), requireTokenScopes('conversations:read', 'contacts:read')];

  api.get(
    '/api/webhooks',
    {
      config: { scope: 'webhooks:write', example: { response: webhookListExample } },
      preValidation,
      schema: { response: { 200: webhookSubscriptionListSchema } },
    },
    async function listWebhooksRoute(request) {
      return { webhooks: await listWebhooks(app.db, organizationIdOf(request)) };
    },
  );

  api.post(
    '/api/webhooks',
    {
      config: { scope: 'webhooks:write', example: { body: webhookCreateExample, response: webhookCreatedExample } },
      preValidation,
      schema: { body: webhookCreateSchema, response: { 201: webhookWithSecretSchema } },
    },
    async function createWebhookRoute(request, reply) {
      return reply.status(201).send(await createWebhook(app.db, secrets, organizationIdOf(request), request.body));
    },
  );

  api.patch(
    '/api/webhooks/:webhookId',
    {
      config: { scope: 'webhooks:write', example: { body: webhookUpdateExample, response: webhookUpdatedExample } },
      preValidation,
      schema: { params: webhookIdParamsSchema, body: webhookUpdateSchema, response: { 200: webhookSubscriptionSchema } },
    },
    async function updateWebhookRoute(request) {
      return updateWebhook(app.db, organizationIdOf(request), request.params.webhookId, request.body);
    },
  );

  api.delete(
    '/api/webhooks/:webhookId',
    { config: { scope: 'webhooks:write' }, preValidation, schema: { params: webhookIdParamsSchema, response: { 204: z.null() } } },
    async function deleteWebhookRoute(request, reply) {
      await deleteWebhook(app.db, organizationIdOf(request), request.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/webhooks/:webhookId/rotate-secret',
    {
      config: { scope: 'webhooks:write', example: { body: webhookRotateExample, response: webhookRotatedExample } },
      preValidation,
      schema: { params: webhookIdParamsSchema, body: webhookRotateSchema, response: { 200: webhookWithSecretSchema } },
    },
    async function rotateWebhookSecretRoute(request) {
      return rotateWebhookSecret(app.db, secrets, organizationIdOf(request), request.params.webhookId, request.body.overlapHours);
    },
  );

  api.get(
    '/api/webhooks/:webhookId/deliveries',
    {
      config: { scope: 'webhooks:write', example: { response: webhookDeliveryListExample } },
      preValidation,
      schema: { params: webhookIdParamsSchema, querystring: webhookDeliveryQuerySchema, response: { 200: webhookDeliveryListSchema } },
    },
    async function listDeliveriesRoute(request) {
      return listDeliveries(app.db, organizationIdOf(request), request.params.webhookId, request.query);
    },
  );

  api.post(
    '/api/webhooks/:webhookId/deliveries/:deliveryId/replay',
    {
      config: { scope: 'webhooks:write', example: { response: webhookReplayExample } },
      preValidation,
      schema: { params: webhookDeliveryParamsSchema, response: { 201: webhookDeliverySchema } },
    },
    async function replayDeliveryRoute(request, reply) {
      const { webhookId, deliveryId } = request.params;
      return reply.status(201).send(await replayDelivery(app.db, organizationIdOf(request), webhookId, deliveryId));
    },
  );
}
