import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeThumbnail } from './thumbnail.js';

/** A solid-colour image made by sharp; solid colour keeps even large ones small and quick to encode. */
function solid(width: number, height: number, format: 'png' | 'jpeg' | 'gif' | 'webp' = 'png'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#2a7ae2' } })
    .toFormat(format)
    .toBuffer();
}

async function metadataOf(bytes: Uint8Array | null) {
  expect(bytes).not.toBeNull();
  return sharp(bytes!).metadata();
}

describe('makeThumbnail', () => {
  it('shrinks a large image to fit 320×320, keeping its proportions, as WebP', async () => {
    const { format, width, height } = await metadataOf(await makeThumbnail(await solid(1000, 500)));
    expect({ format, width, height }).toEqual({ format: 'webp', width: 320, height: 160 });
  });

  it('fits a tall image by its height', async () => {
    const { width, height } = await metadataOf(await makeThumbnail(await solid(300, 900, 'jpeg')));
    expect({ width, height }).toEqual({ width: 107, height: 320 });
  });

  it('never enlarges a small image', async () => {
    const { format, width, height } = await metadataOf(await makeThumbnail(await solid(100, 50)));
    expect({ format, width, height }).toEqual({ format: 'webp', width: 100, height: 50 });
  });

  it.each(['jpeg', 'gif', 'webp'] as const)('thumbnails a %s', async (format) => {
    const { format: output, width } = await metadataOf(await makeThumbnail(await solid(640, 480, format)));
    expect({ output, width }).toEqual({ output: 'webp', width: 320 });
  });

  it('turns a photo upright by its EXIF orientation', async () => {
    // 600×200 pixels stored sideways: orientation 6 means "rotate 90° clockwise to display".
    const sideways = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#888888' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { width, height, orientation } = await metadataOf(await makeThumbnail(sideways));
    expect({ width, height, orientation }).toEqual({ width: 107, height: 320, orientation: undefined });
  });

  it.each(['gif', 'webp'] as const)('keeps only the first frame of an animated %s', async (format) => {
    const frames = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
        sharp({ create: { width: 200, height: 100, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const animation = await sharp(frames, { join: { animated: true } })
      .toFormat(format, { loop: 0, delay: [100, 100, 100] })
      .toBuffer();
    expect((await sharp(animation).metadata()).pages).toBe(3);

    const thumbnail = await makeThumbnail(animation);
    const { width, height, pages } = await metadataOf(thumbnail);
    expect({ width, height, pages }).toEqual({ width: 200, height: 100, pages: undefined });
    // The first frame is the red one.
    const { data } = await sharp(thumbnail!).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[1]).toBeLessThan(50);
  });

  it('refuses an image over 40 megapixels (a decompression bomb)', async () => {
    // 8000×6000 = 48 MP, a few hundred kilobytes as a solid-colour PNG.
    expect(await makeThumbnail(await solid(8000, 6000))).toBeNull();
  });

  it('refuses bytes that are not an image', async () => {
    expect(await makeThumbnail(new TextEncoder().encode('definitely not an image'))).toBeNull();
    expect(await makeThumbnail(new Uint8Array(0))).toBeNull();
  });

  it('refuses a truncated image', async () => {
    const png = await solid(400, 400);
    expect(await makeThumbnail(png.subarray(0, png.length / 2))).toBeNull();
  });

  it('refuses formats that are never served inline, such as SVG', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    expect(await makeThumbnail(new TextEncoder().encode(svg))).toBeNull();
  });
});
