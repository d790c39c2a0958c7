/**
 * People's pictures: `PUT`/`DELETE /api/me/avatar` (one's own), `PUT`/`DELETE /api/people/:userId/avatar` (admins,
 * someone else's), and the picture itself, `GET /api/avatars/:userId/:version.webp` (public, cached for good).
 * @module
 */
import { z } from 'zod';
import { AVATAR_MAX_BYTES } from '../constants.js';

/** Base64 characters (RFC 4648, with padding) for {@link AVATAR_MAX_BYTES} bytes. */
const AVATAR_MAX_BASE64_LENGTH = Math.ceil(AVATAR_MAX_BYTES / 3) * 4;

/**
 * Body of `PUT /api/me/avatar` and `PUT /api/people/:userId/avatar`: a PNG, JPEG, GIF or WebP picture, base64-encoded
 * (RFC 4648 with padding, no line breaks), at most 5 MiB before encoding. The server reads its type from its bytes and
 * refuses anything else (`invalid_payload`: an SVG, an HTML page, a program, a broken image), then keeps a 128×128 WebP
 * made from it (the middle of a picture that is not square).
 */
export const avatarUploadSchema = z.strictObject({
  imageBase64: z
    .string({ error: (issue) => (issue.input === undefined ? 'Send the picture base64-encoded in imageBase64.' : undefined) })
    .min(1, 'The picture is empty.')
    .max(AVATAR_MAX_BASE64_LENGTH, `A picture can be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB.`)
    // Not z.base64(): its pattern is slow on megabytes (as for the knowledge base's PDFs).
    .refine((text) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text), 'imageBase64 is not valid base64.'),
});
/** Body of `PUT /api/me/avatar` and `PUT /api/people/:userId/avatar`. */
export type AvatarUpload = z.infer<typeof avatarUploadSchema>;

/** Answer of the avatar routes: the picture's absolute URL, null once removed. */
export const avatarSchema = z.object({ avatarUrl: z.string().nullable() });
/** Answer of the avatar routes. */
export type Avatar = z.infer<typeof avatarSchema>;

/** Path parameters of `GET /api/avatars/:userId/:version.webp`. */
export const avatarImageParamsSchema = z.object({
  userId: z.uuid(),
  version: z.string().regex(/^[0-9a-f]{16}$/, 'Not a picture version.'),
});
