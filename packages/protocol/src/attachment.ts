/**
 * File attachments: what a message carries about its files, and the three steps of sending one: `attachment:prepare`
 * (or `POST /api/attachments`) gives an upload path, the bytes go there with `PUT`, and `message:send` names the
 * uploaded files. Their bytes are only ever served through short-lived signed URLs (`attachment:url`).
 * @module
 */
import { z } from 'zod';
import { ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_MESSAGE } from './constants.js';
import { storableTextSchema } from './storable-text.js';

/**
 * A file on a message. `contentType` is what its content is (read from its bytes, never from its name); `inline`: a
 * raster image (PNG, JPEG, GIF, WebP), shown in place; anything else is offered as a download. `thumbnail`: a small
 * preview exists (`attachment:url` gives its URL).
 */
export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  inline: z.boolean(),
  thumbnail: z.boolean(),
});
/** A file on a message. */
export type Attachment = z.infer<typeof attachmentSchema>;

/** The uploaded files a message names (their ids): at most {@link ATTACHMENTS_PER_MESSAGE}, distinct. */
export const attachmentIdsSchema = z
  .array(z.uuid())
  .min(1)
  .max(ATTACHMENTS_PER_MESSAGE, `At most ${ATTACHMENTS_PER_MESSAGE} files a message.`)
  .refine((ids) => new Set(ids).size === ids.length, 'Each file once.');

/** `attachment:prepare` and `POST /api/attachments`: a file about to be uploaded, its name as the sender's device has it. */
export const attachmentPrepareSchema = z.object({
  name: storableTextSchema(200).pipe(z.string().min(1, 'Give the file a name.')),
  size: z
    .number()
    .int()
    .min(1, 'The file is empty.')
    .max(ATTACHMENT_MAX_BYTES, `Files can be at most ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB.`),
});
/** A file about to be uploaded. */
export type AttachmentPrepare = z.infer<typeof attachmentPrepareSchema>;

/**
 * Where to upload the file: `PUT` its bytes to `uploadPath` (relative to the server's URL) before `expiresAt`; the
 * answer is the {@link Attachment}, whose `id` a message then names.
 */
export const attachmentUploadSchema = z.object({
  attachmentId: z.string(),
  uploadPath: z.string(),
  expiresAt: z.string(),
});
/** Where to upload a file. */
export type AttachmentUpload = z.infer<typeof attachmentUploadSchema>;

/** `attachment:url`: the file whose URL to sign. */
export const attachmentUrlRequestSchema = z.object({ attachmentId: z.uuid() });
/** The file whose URL to sign. */
export type AttachmentUrlRequest = z.infer<typeof attachmentUrlRequestSchema>;

/**
 * Signed URLs of a file (relative to the server's URL), valid until `expiresAt` (five minutes): ask again after.
 * `thumbnailPath` when it has a preview.
 */
export const attachmentUrlSchema = z.object({
  path: z.string(),
  thumbnailPath: z.string().nullable(),
  expiresAt: z.string(),
});
/** Signed URLs of a file. */
export type AttachmentUrl = z.infer<typeof attachmentUrlSchema>;
