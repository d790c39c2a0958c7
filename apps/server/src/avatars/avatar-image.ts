/**
 * Makes a person's picture from what they uploaded: checked by its bytes, then re-encoded, so that nothing of the
 * upload itself (a script in an SVG, an HTML page, EXIF with a GPS position, a polyglot file) is ever served.
 * @module
 */
import { AVATAR_MAX_BYTES, ParleyError } from '@parley/protocol';
import { detectFileKind } from '../attachments/file-kind.js';
import { INLINE_FORMATS, loadSharp, MAX_INPUT_PIXELS } from '../attachments/load-sharp.js';

/**
 * The side of the square kept, in pixels: the widget draws pictures at 22 and 28 CSS pixels and the console at up to
 * 40, so 128 stays sharp on 3× screens at a few kilobytes.
 */
export const AVATAR_SIZE = 128;

const NOT_A_PICTURE = 'Send a PNG, JPEG, GIF or WebP picture.';

function refuse(message: string): ParleyError {
  return new ParleyError('invalid_payload', message, { issues: [{ path: 'body.imageBase64', message }] });
}

/**
 * A {@link AVATAR_SIZE}-pixel square WebP of `bytes`: turned upright by its EXIF orientation, cut to the middle square
 * (`cover`), no metadata kept, the first frame of an animation. Refuses with `invalid_payload` anything over
 * `AVATAR_MAX_BYTES`, anything that is not a PNG, JPEG, GIF or WebP by its content (whatever it was called), an image sharp cannot decode, and one over 40
 * megapixels (a decompression bomb); with `unavailable` when sharp cannot load on this platform.
 */
export async function makeAvatarImage(bytes: Uint8Array): Promise<Uint8Array> {
  // The body's schema bounds the base64, which counts in threes: the last few bytes are checked here.
  if (bytes.length > AVATAR_MAX_BYTES) throw refuse(`A picture can be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB.`);
  // By content, as for attachments: an SVG or an HTML page is text, a program has no image signature.
  const kind = await detectFileKind(bytes);
  if (!kind?.inline) throw refuse(NOT_A_PICTURE);
  const sharp = await loadSharp();
  if (!sharp) throw new ParleyError('unavailable', 'This server cannot process pictures (its image library did not load).');
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS });
    // The header alone, before any pixel is decoded: what file-type saw must be what sharp would decode.
    const { format } = await image.metadata();
    if (!format || !INLINE_FORMATS.has(format)) throw refuse(NOT_A_PICTURE);
    const avatar = await image.rotate().resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' }).webp({ quality: 80 }).toBuffer();
    return new Uint8Array(avatar.buffer, avatar.byteOffset, avatar.byteLength);
  } catch (error) {
    if (ParleyError.isInstance(error)) throw error;
    // Truncated, corrupt, or over the pixel limit: sharp throws.
    throw refuse('The picture could not be read: it is damaged, or larger than 40 megapixels.');
  }
}
