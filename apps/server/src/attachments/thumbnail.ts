import { INLINE_FORMATS, loadSharp, MAX_INPUT_PIXELS } from './load-sharp.js';

/** The longest side of a thumbnail, in pixels: two lines of a chat message, sharp on a 2× screen. */
const THUMBNAIL_SIZE = 320;

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
