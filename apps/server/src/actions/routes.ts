/**
 * `/api/bot/actions` for admins: the organization's HTTP actions, listed, made, changed and deleted. Answers are
 * validated and serialized with the protocol's schemas; secrets go in, never out.
 * @module
 */
import {
  botActionCreateSchema,
  botActionListSchema,
  botActionParamsSchema,
  botActionSchema,
  botActionUpdateSchema,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import {
  botActionCreatedExample,
  botActionCreateExample,
  botActionListExample,
  botActionUpdatedExample,
  botActionUpdateExample,
} from './api-examples.js';
import { createBotAction, deleteBotAction, listBotActions, updateBotAction } from './service.js';

/** Registers the routes; `secrets` seals the actions' secrets. */
export function registerBotActionRoutes(app: FastifyInstance, secrets: SecretBox): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: anyone but an admin is refused whatever the body, and learns nothing from its errors.
  const preValidation = [app.authenticate, requireAdmin("manage the bot's actions")];

  api.get(
    '/api/bot/actions',
    {
      config: { scope: 'widgets:write', example: { response: botActionListExample } },
      preValidation,
      schema: { response: { 200: botActionListSchema } },
    },
    async function listBotActionsRoute(request) {
      return { actions: await listBotActions(app.db, organizationIdOf(request)) };
    },
  );

  api.post(
    '/api/bot/actions',
    {
      config: { scope: 'widgets:write', example: { body: botActionCreateExample, response: botActionCreatedExample } },
      preValidation,
      schema: { body: botActionCreateSchema, response: { 201: botActionSchema } },
    },
    async function createBotActionRoute(request, reply) {
      return reply.status(201).send(await createBotAction(app.db, secrets, organizationIdOf(request), request.body));
    },
  );

  api.patch(
    '/api/bot/actions/:actionId',
    {
      config: { scope: 'widgets:write', example: { body: botActionUpdateExample, response: botActionUpdatedExample } },
      preValidation,
      schema: { params: botActionParamsSchema, body: botActionUpdateSchema, response: { 200: botActionSchema } },
    },
    async function updateBotActionRoute(request) {
      return updateBotAction(app.db, secrets, organizationIdOf(request), request.params.actionId, request.body);
    },
  );

  api.delete(
    '/api/bot/actions/:actionId',
    { config: { scope: 'widgets:write' }, preValidation, schema: { params: botActionParamsSchema, response: { 204: z.null() } } },
    async function deleteBotActionRoute(request, reply) {
      await deleteBotAction(app.db, organizationIdOf(request), request.params.actionId);
      return reply.status(204).send(null);
    },
  );
}
