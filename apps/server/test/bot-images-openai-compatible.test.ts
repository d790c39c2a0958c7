import { randomUUID } from 'node:crypto';
import type { Ack, Attachment, AttachmentUpload, Message, MessageSent } from '@parley/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockOpenAICompatible } from './helpers/openai-compatible.js';
import { connectVisitor, createTenant, nextEvent, ok, request, SHOP_ORIGIN, startServer, type TestServer } from './helpers/server.js';

// A visitor's photo reaches a model on an OpenAI-compatible endpoint only when the operator says that model reads
// images (PARLEY_OPENAI_IMAGES): most local models read text only, and some servers refuse a request with an image.
// Either way the model is told the file's name and type. The endpoint is mocked at the HTTP layer with msw.
const BASE_URL = 'http://vision.test:11434/v1';
const endpoint = mockOpenAICompatible(BASE_URL);
const textOnly = {} as TestServer;
const vision = {} as TestServer;

beforeAll(async () => {
  endpoint.listen();
  const env = {
    PARLEY_OPENAI_BASE_URL: BASE_URL,
    PARLEY_BOT_MODEL: 'llava:7b',
    PARLEY_BOT_MAX_RETRIES: '0',
    PARLEY_BOT_TIMEOUT_MS: '5000',
  };
  Object.assign(textOnly, await startServer(env));
  Object.assign(vision, await startServer({ ...env, PARLEY_OPENAI_IMAGES: 'true' }));
});
afterAll(async () => {
  await textOnly.close?.();
  await vision.close?.();
  endpoint.close();
});

type Part = { type: string; text?: string; image_url?: { url: string } };

/** A visitor of a new tenant on `server` sends a photo with a line of text; the user message the model was sent. */
async function sendPhoto(server: TestServer, photo: Buffer): Promise<{ content: string | Part[] }> {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  try {
    const prepared = ok(await request<Ack<AttachmentUpload>>(visitor, 'attachment:prepare', { name: 'lamp.png', size: photo.length }));
    const uploaded = await fetch(new URL(prepared.uploadPath, server.url), {
      method: 'PUT',
      headers: { origin: SHOP_ORIGIN },
      body: photo,
    });
    expect(uploaded.status).toBe(201);
    const image = (await uploaded.json()) as Attachment;

    endpoint.reply({ text: ['The shade looks cracked; a new one is on its way.'] });
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', {
        clientId: randomUUID(),
        body: 'It arrived like this',
        attachments: [image.id],
      }),
    );
    expect((await reply).body).toContain('cracked');
    await server.app.bot.idle();
    const messages = endpoint.requests.at(-1)!.messages as Array<{ role: string; content: string | Part[] }>;
    return messages.at(-1)!;
  } finally {
    visitor.close();
  }
}

describe("a visitor's photo and an OpenAI-compatible model", () => {
  it('is named to a text-only model (the default), never sent as an image', async () => {
    const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#aa3311' } })
      .png()
      .toBuffer();
    const last = await sendPhoto(textOnly, photo);
    const text = typeof last.content === 'string' ? last.content : last.content.map((part) => part.text ?? '').join('\n');
    expect(text).toContain('It arrived like this');
    expect(text).toContain('lamp.png (image/png');
    expect(JSON.stringify(last.content)).not.toContain('image_url');
  });

  it('is sent as an image part, after the text, to a model the operator says reads images', async () => {
    const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#2f6f5c' } })
      .png()
      .toBuffer();
    const last = await sendPhoto(vision, photo);
    const parts = last.content as Part[];
    expect(parts.at(-1)).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${photo.toString('base64')}` } });
    expect(parts.filter((part) => part.type === 'image_url')).toHaveLength(1);
    expect(parts.map((part) => part.text ?? '').join('\n')).toContain('It arrived like this');
  });
});
