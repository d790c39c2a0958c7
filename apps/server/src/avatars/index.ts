/**
 * The avatars domain: people's pictures, shown beside their names to visitors (the widget's header and agents'
 * messages) and in the console.
 * - `PUT`/`DELETE /api/me/avatar`: the signed-in person's own picture.
 * - `PUT`/`DELETE /api/people/:userId/avatar` (admins): someone else's, under the rules of `service.ts`.
 * - `GET /api/avatars/:userId/:version.webp` (public): the picture, cached for good, from any site.
 *
 * An upload is checked by its bytes and re-encoded to a small square WebP (`avatar-image.ts`), stored in the database
 * so that every server process serves it. API tokens cannot use these routes: a picture is a person's.
 * @module
 */
import {
  AVATAR_MAX_BYTES,
  avatarImageParamsSchema,
  avatarSchema,
  avatarUploadSchema,
  ParleyError,
  personParamsSchema,
  type Avatar,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAdmin } from '../auth/caller.js';
import { publicBaseUrl } from '../config.js';
import { createRateLimit } from '../plugins/rate-limit.js';
import { avatarExample, avatarRemovedExample, avatarUploadExample } from './api-examples.js';
import { makeAvatarImage } from './avatar-image.js';
import { avatarUrl } from './avatar-url.js';
import { assertMayChangeAvatar, findAvatarImage, removeAvatar, saveAvatar } from './service.js';

/** Room for the JSON around a picture's base64, so that one just over the limit is refused by name, not by size. */
const BODY_LIMIT = Math.ceil(AVATAR_MAX_BYTES / 3) * 4 + 65_536;

const TOO_LARGE = `A picture can be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB.`;

/**
 * Refuses by its declared length a body too large to hold a picture, before reading it, with the error the schema
 * gives one just over the limit (a body sent without a length meets Fastify's `bodyLimit` instead).
 */
async function refuseOversized(request: FastifyRequest): Promise<void> {
  if (Number(request.headers['content-length']) > BODY_LIMIT) {
    throw new ParleyError('invalid_payload', TOO_LARGE, { issues: [{ path: 'body.imageBase64', message: TOO_LARGE }] });
  }
}

/** A picture's URL names its content (its version), so it never changes: browsers and CDNs keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Registers the routes of the avatars domain, in a scope of their own. */
export async function avatarsPlugin(app: FastifyInstance) {
  const { db } = app;
  const baseUrl = publicBaseUrl(app.config);
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Decoding and re-encoding a photo takes a moment of CPU: a person changing theirs a few times is far below this.
  const uploadLimit = createRateLimit(10, 60, 'Too many pictures; try again in {seconds} s.');

  async function upload(actorId: string, userId: string, imageBase64: string): Promise<Avatar> {
    await uploadLimit(actorId);
    const image = await makeAvatarImage(Buffer.from(imageBase64, 'base64'));
    return { avatarUrl: avatarUrl(baseUrl, userId, await saveAvatar(db, userId, image)) };
  }

  // Authenticated on request, before the body is read: nobody unsigned makes the server take in megabytes.
  api.put(
    '/api/me/avatar',
    {
      bodyLimit: BODY_LIMIT,
      config: { example: { body: avatarUploadExample, response: avatarExample } },
      onRequest: [app.authenticate, refuseOversized],
      schema: { body: avatarUploadSchema, response: { 200: avatarSchema } },
    },
    async function setOwnAvatarRoute(request) {
      const { id } = request.agent!;
      return upload(id, id, request.body.imageBase64);
    },
  );

  api.delete(
    '/api/me/avatar',
    {
      config: { example: { response: avatarRemovedExample } },
      preValidation: app.authenticate,
      schema: { response: { 200: avatarSchema } },
    },
    async function removeOwnAvatarRoute(request) {
      await removeAvatar(db, request.agent!.id);
      return { avatarUrl: null };
    },
  );

  const asAdmin = [app.authenticate, requireAdmin("change people's pictures")];

  api.put(
    '/api/people/:userId/avatar',
    {
      bodyLimit: BODY_LIMIT,
      config: { example: { body: avatarUploadExample, response: avatarExample } },
      onRequest: [...asAdmin, refuseOversized],
      schema: { params: personParamsSchema, body: avatarUploadSchema, response: { 200: avatarSchema } },
    },
    async function setPersonAvatarRoute(request) {
      const actor = request.agent!;
      await assertMayChangeAvatar(db, actor, request.params.userId);
      return upload(actor.id, request.params.userId, request.body.imageBase64);
    },
  );

  api.delete(
    '/api/people/:userId/avatar',
    {
      config: { example: { response: avatarRemovedExample } },
      preValidation: asAdmin,
      schema: { params: personParamsSchema, response: { 200: avatarSchema } },
    },
    async function removePersonAvatarRoute(request) {
      await assertMayChangeAvatar(db, request.agent!, request.params.userId);
      await removeAvatar(db, request.params.userId);
      return { avatarUrl: null };
    },
  );

  api.get(
    '/api/avatars/:userId/:version.webp',
    {
      // Bytes, not JSON: described in docs/protocol.md rather than the OpenAPI document.
      schema: { hide: true, params: avatarImageParamsSchema },
      config: { public: true },
    },
    async function avatarImageRoute(request, reply) {
      const image = await findAvatarImage(db, request.params.userId, request.params.version);
      // A replaced picture's old URL is gone too: its version names the old bytes.
      if (!image) throw new ParleyError('not_found', 'No such picture.');
      return (
        reply
          .header('content-type', 'image/webp')
          .header('cache-control', IMMUTABLE)
          // Re-encoded by us, yet never sniffed into anything else, nor run if opened on its own.
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          // The widget shows it on the customer's site.
          .header('cross-origin-resource-policy', 'cross-origin')
          .send(Buffer.from(image.buffer, image.byteOffset, image.byteLength))
      );
    },
  );
}
