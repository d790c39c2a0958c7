/**
 * The visitor's images, read for the bot: Claude sees the photos it is asked about (a damaged parcel, an error on a
 * screen) as image blocks. Only raster images it takes, only up to its size limit, a few per turn.
 * @module
 */
import type { Database } from '@parley/db';
import type { Attachment } from '@parley/protocol';
import { storedAttachment } from './service.js';
import type { AttachmentStorage } from './storage.js';

/** Anthropic's limit for one image sent as base64. */
export const MODEL_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** At most this many images in one turn: the newest messages' first ones. */
export const MODEL_IMAGES_PER_TURN = 4;

const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
type ModelImageType = (typeof MEDIA_TYPES)[number];

/** An image as the model takes it. */
export interface ModelImage {
  mediaType: ModelImageType;
  /** The bytes, base64. */
  data: string;
}

/** Reads the images among `attachments` for the model; files it can't take, or can't read now, are left out. */
export type ModelImageReader = (attachments: readonly Attachment[]) => Promise<ModelImage[]>;

/** The reader over the attachment storage. */
export function createModelImageReader(db: Database, storage: AttachmentStorage): ModelImageReader {
  return async function readModelImages(attachments) {
    const images: ModelImage[] = [];
    const candidates = attachments.filter((file) => file.inline && file.size <= MODEL_IMAGE_MAX_BYTES).slice(0, MODEL_IMAGES_PER_TURN);
    for (const file of candidates) {
      const row = await storedAttachment(db, file.id);
      const mediaType = MEDIA_TYPES.find((type) => type === row?.contentType);
      const bytes = mediaType && row?.storageKey ? await storage.get(row.storageKey) : null;
      if (mediaType && bytes) images.push({ mediaType, data: Buffer.from(bytes).toString('base64') });
    }
    return images;
  };
}
