import type Sharp from 'sharp';

/** The longest side of a thumbnail, in pixels: two lines of a chat message, sharp on a 2× screen. */
const THUMBNAIL_SIZE = 320;

/**
 * Images over 40 megapixels are refused. Decoding costs width × height × channels bytes whatever the file's size,
 * so a few-kilobyte PNG declaring 50000×50000 pixels would take gigabytes (a decompression bomb). 40 MP is above any
 * phone camera's full-size photo.
 */
const MAX_INPUT_PIXELS = 40_000_000;

/**
 * What sharp may read here: the formats Parley serves inline. sharp also decodes SVG, TIFF, HEIF, PDF…, none of which
 * should reach this code; if one does, it is refused rather than handed to yet another decoder.
 */
const INLINE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);

/** sharp, loaded on first use; null when it can't load (no prebuilt binary for this platform). */
let sharpModule: Promise<typeof Sharp | null> | undefined;

/**
 * Loads sharp once. Imported lazily so a platform without sharp's native binaries still runs the server, only without
 * thumbnails; the outcome is cached, failure included, so a missing binary costs one failed import, not one per upload.
 */
function loadSharp(): Promise<typeof Sharp | null> {
  sharpModule ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      process.emitWarning(
        `sharp could not be loaded, attachments get no thumbnails: ${error instanceof Error ? error.message : String(error)}`,
      );
      return null;
    },
  );
  return sharpModule;
}

/**
 * A small preview of an inline image: at most 320×320, EXIF-rotated, WebP. Null when the image can't be decoded (or
 * sharp can't load on this platform). Images over 40 megapixels are refused (null): decompression bombs.
 *
 * Animated GIF and WebP give their first frame (sharp reads one page unless told otherwise). The thumbnail carries no
 * EXIF (sharp drops it unless asked to keep it), so a photo's GPS position doesn't travel with its preview.
 */
export async function makeThumbnail(bytes: Uint8Array): Promise<Uint8Array | null> {
  const sharp = await loadSharp();
  if (!sharp) return null;
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS });
    // Reads the header only: cheap, and it lets the format check happen before any pixel is decoded.
    const { format } = await image.metadata();
    if (!format || !INLINE_FORMATS.has(format)) return null;
    const thumbnail = await image
      // No angle: rotate by the EXIF orientation, so phone photos don't come out sideways.
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return new Uint8Array(thumbnail.buffer, thumbnail.byteOffset, thumbnail.byteLength);
  } catch {
    // Corrupt, truncated or over the pixel limit: sharp throws, and the attachment simply has no preview.
    return null;
  }
}
