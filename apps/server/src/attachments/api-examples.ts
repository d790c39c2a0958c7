/**
 * Examples for the API reference (`/api/openapi.json`) of the attachment routes: a receipt a customer sent, and the
 * agent's upload of a return label. openapi.test.ts checks each against its route's schema.
 * @module
 */
import type { Attachment, AttachmentUpload, AttachmentUrl } from '@parley/protocol';

/** Answer of `POST /api/attachments`: where to `PUT` the file's bytes. */
export const attachmentUploadExample = {
  attachmentId: '5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14',
  uploadPath: '/api/uploads/5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14.1796025600000.nE3VwH0t2cKJ5s0aQ9pX1vY7bZ4mR8uL6fT2gA3hD0k',
  expiresAt: '2026-11-30T10:40:00.000Z',
} satisfies AttachmentUpload;

/** Answer of `PUT /api/uploads/:ticket`: the file as stored, its type read from its bytes. */
export const attachmentExample = {
  id: '5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14',
  name: 'return-label.pdf',
  contentType: 'application/pdf',
  size: 48_213,
  inline: false,
  thumbnail: false,
} satisfies Attachment;

/** Answer of `GET /api/attachments/:attachmentId/url`: five-minute links to a photo and its preview. */
export const attachmentUrlExample = {
  path: '/api/files/9b1e4a7c-2f3d-4c8e-a6b5-1d2e3f4a5b6c?variant=file&expires=1796025900000&signature=Qm9yZWQ_Tm90IGEgcmVhbCBzaWduYXR1cmUgYXQgYWxs',
  thumbnailPath:
    '/api/files/9b1e4a7c-2f3d-4c8e-a6b5-1d2e3f4a5b6c?variant=thumbnail&expires=1796025900000&signature=VGh1bWJuYWlsIHNpZ25hdHVyZSBleGFtcGxlIG9ubHk',
  expiresAt: '2026-11-30T10:35:00.000Z',
} satisfies AttachmentUrl;
