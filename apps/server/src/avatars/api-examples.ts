/**
 * Examples for the API reference (`/api/openapi.json`) of people's pictures: Sam Rivera uploads a photo. openapi.test.ts
 * checks each against its route's schema.
 * @module
 */
import type { Avatar, AvatarUpload } from '@parley/protocol';

/** Body of `PUT /api/me/avatar`: a 1×1 PNG, base64-encoded (a real photo is a few hundred kilobytes). */
export const avatarUploadExample = {
  imageBase64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
} satisfies AvatarUpload;

/** Answer of `PUT /api/me/avatar`. */
export const avatarExample = {
  avatarUrl: 'https://chat.acme-outdoor.example/api/avatars/f196d57d-fa09-4f8b-867d-ba3933be3751/3b9c0e4f5a6d7e81.webp',
} satisfies Avatar;

/** Answer of `DELETE /api/me/avatar`. */
export const avatarRemovedExample = { avatarUrl: null } satisfies Avatar;
