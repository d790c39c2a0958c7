/**
 * `GET` and `PATCH /api/widgets/:widgetId/identity-verification`, for admins: the widget's HS256 secret (generated
 * here, shown once) and the public key it verifies identity tokens with. An admin's session only, never an API
 * token: whoever holds these keys can sign in as any of the site's users, and read their conversations.
 * @module
 */
import { identityVerificationParamsSchema, identityVerificationPatchSchema, identityVerificationSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import { identityVerificationExample, identityVerificationGeneratedExample, identityVerificationPatchExample } from './api-examples.js';
import { changeIdentityKeys, readIdentityKeys, toIdentityVerification } from './keys.js';

/** Registers the identity verification routes. */
export function registerIdentityRoutes(app: FastifyInstance, box: SecretBox): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const preValidation = [app.authenticate, requireAdmin("change how the widget's visitors are verified")];

  api.get(
    '/api/widgets/:widgetId/identity-verification',
    {
      config: { example: { response: identityVerificationExample } },
      preValidation,
      schema: { params: identityVerificationParamsSchema, response: { 200: identityVerificationSchema } },
    },
    async function getIdentityVerificationRoute(request) {
      return toIdentityVerification(await readIdentityKeys(app.db, organizationIdOf(request), request.params.widgetId));
    },
  );

  api.patch(
    '/api/widgets/:widgetId/identity-verification',
    {
      config: {
        example: { body: identityVerificationPatchExample, response: identityVerificationGeneratedExample },
      },
      preValidation,
      schema: {
        params: identityVerificationParamsSchema,
        body: identityVerificationPatchSchema,
        response: { 200: identityVerificationSchema },
      },
    },
    async function changeIdentityVerificationRoute(request) {
      return changeIdentityKeys(app.db, box, organizationIdOf(request), request.params.widgetId, request.body);
    },
  );
}
