/**
 * sharp, the image library behind attachments' thumbnails and people's pictures, loaded on first use.
 * @module
 */
import type Sharp from 'sharp';

/**
 * Images over 40 megapixels are refused. Decoding costs width × height × channels bytes whatever the file's size,
 * so a few-kilobyte PNG declaring 50000×50000 pixels would take gigabytes (a decompression bomb). 40 MP is above any
 * phone camera's full-size photo.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

/**
 * What sharp may read here: the raster formats Parley serves inline. sharp also decodes SVG, TIFF, HEIF, PDF…, none of
 * which should reach it; if one does, it is refused rather than handed to yet another decoder.
 */
export const INLINE_FORMATS: ReadonlySet<string> = new Set(['png', 'jpeg', 'gif', 'webp']);

/** sharp, loaded on first use; null when it can't load (no prebuilt binary for this platform). */
let sharpModule: Promise<typeof Sharp | null> | undefined;

/**
 * Loads sharp once. Imported lazily so a platform without sharp's native binaries still runs the server, only without
 * thumbnails and pictures; the outcome is cached, failure included, so a missing binary costs one failed import, not
 * one per upload.
 */
export function loadSharp(): Promise<typeof Sharp | null> {
  sharpModule ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      process.emitWarning(
        `sharp could not be loaded, attachments get no thumbnails and nobody can upload a picture: ${error instanceof Error ? error.message : String(error)}`,
      );
      return null;
    },
  );
  return sharpModule;
}
