/**
 * `/api/bot/profiles` for admins: the organization's bot profiles, listed, made, changed and deleted.
 * @module
 */
import {
  botProfileCreateSchema,
  botProfileListSchema,
  botProfileParamsSchema,
  botProfileSchema,
  botProfileUpdateSchema,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import {
  botProfileCreatedExample,
  botProfileCreateExample,
  botProfileListExample,
  botProfileUpdatedExample,
  botProfileUpdateExample,
} from './api-examples.js';
import { createBotProfile, deleteBotProfile, listBotProfiles, updateBotProfile } from './service.js';

/** Registers the routes. */
export function registerBotProfileRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: anyone but an admin is refused whatever the body, and learns nothing from its errors.
  const preValidation = [app.authenticate, requireAdmin("manage the bot's profiles")];

  api.get(
    '/api/bot/profiles',
    {
      config: { scope: 'widgets:write', example: { response: botProfileListExample } },
      preValidation,
      schema: { response: { 200: botProfileListSchema } },
    },
    async function listBotProfilesRoute(request) {
      return { profiles: await listBotProfiles(app.db, organizationIdOf(request)) };
    },
  );

  api.post(
    '/api/bot/profiles',
    {
      config: { scope: 'widgets:write', example: { body: botProfileCreateExample, response: botProfileCreatedExample } },
      preValidation,
      schema: { body: botProfileCreateSchema, response: { 201: botProfileSchema } },
    },
    async function createBotProfileRoute(request, reply) {
      const organizationId = organizationIdOf(request);
      const checks = { configuredTools: app.configuredMcp.toolNames(organizationId) };
      return reply.status(201).send(await createBotProfile(app.db, organizationId, request.body, checks));
    },
  );

  api.patch(
    '/api/bot/profiles/:profileId',
    {
      config: { scope: 'widgets:write', example: { body: botProfileUpdateExample, response: botProfileUpdatedExample } },
      preValidation,
      schema: { params: botProfileParamsSchema, body: botProfileUpdateSchema, response: { 200: botProfileSchema } },
    },
    async function updateBotProfileRoute(request) {
      const organizationId = organizationIdOf(request);
      const checks = { configuredTools: app.configuredMcp.toolNames(organizationId) };
      return updateBotProfile(app.db, organizationId, request.params.profileId, request.body, checks);
    },
  );

  api.delete(
    '/api/bot/profiles/:profileId',
    { config: { scope: 'widgets:write' }, preValidation, schema: { params: botProfileParamsSchema, response: { 204: z.null() } } },
    async function deleteBotProfileRoute(request, reply) {
      await deleteBotProfile(app.db, organizationIdOf(request), request.params.profileId);
      return reply.status(204).send(null);
    },
  );
}
