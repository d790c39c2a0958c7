import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeAvatarImage } from './avatar-image.js';

/** An image whose left half is red and right half blue, so that what was kept of it can be told. */
async function halves(width: number, height: number): Promise<Buffer> {
  const half = (background: string) =>
    sharp({ create: { width: width / 2, height, channels: 3, background } })
      .png()
      .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#000000' } })
    .composite([
      { input: await half('#ff0000'), left: 0, top: 0 },
      { input: await half('#0000ff'), left: width / 2, top: 0 },
    ])
    .png()
    .toBuffer();
}

describe('makeAvatarImage', () => {
  it('keeps the middle square of a wide picture, 128×128, as WebP', async () => {
    const avatar = await makeAvatarImage(await halves(800, 200));
    const { data, info } = await sharp(avatar).raw().toBuffer({ resolveWithObject: true });
    expect({ format: (await sharp(avatar).metadata()).format, width: info.width, height: info.height }).toEqual({
      format: 'webp',
      width: 128,
      height: 128,
    });
    // The left edge of the middle square is still red, the right edge blue: nothing was squashed.
    const pixel = (x: number) => [...data.subarray((64 * 128 + x) * info.channels, (64 * 128 + x) * info.channels + 3)];
    expect(pixel(2)[0]).toBeGreaterThan(200);
    expect(pixel(125)[2]).toBeGreaterThan(200);
  });

  it('enlarges a small picture to the same square, and turns a photo upright', async () => {
    const sideways = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#888888' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { width, height, orientation } = await sharp(await makeAvatarImage(sideways)).metadata();
    expect({ width, height, orientation }).toEqual({ width: 128, height: 128, orientation: undefined });
  });

  it('refuses an image over 40 megapixels (a decompression bomb)', async () => {
    const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#2a7ae2' } })
      .png()
      .toBuffer();
    await expect(makeAvatarImage(bomb)).rejects.toMatchObject({ code: 'invalid_payload' });
  });

  it.each([
    ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'],
    ['text', 'definitely not an image'],
    ['nothing', ''],
  ])('refuses %s', async (_what, text) => {
    await expect(makeAvatarImage(new TextEncoder().encode(text))).rejects.toMatchObject({
      code: 'invalid_payload',
      issues: [{ path: 'body.imageBase64', message: 'Send a PNG, JPEG, GIF or WebP picture.' }],
    });
  });
});
