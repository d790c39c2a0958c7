import { randomUUID } from 'node:crypto';
import type { Ack, Attachment, AttachmentUpload, Message, MessageSent } from '@parley/protocol';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { connectVisitor, createTenantWithAdmin, nextEvent, ok, request, SHOP_ORIGIN, useServerWithClaude } from './helpers/server.js';

// Claude sees the photos a visitor sends: image blocks after the text of the turn it answers (Claude's API mocked by
// msw at the HTTP layer).
const { server, anthropic } = useServerWithClaude({ PARLEY_BOT_MAX_RETRIES: '0', PARLEY_BOT_TIMEOUT_MS: '5000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function upload(visitor: Socket, name: string, bytes: Uint8Array): Promise<Attachment> {
  const prepared = ok(await request<Ack<AttachmentUpload>>(visitor, 'attachment:prepare', { name, size: bytes.length }));
  const response = await fetch(new URL(prepared.uploadPath, server.url), { method: 'PUT', headers: { origin: SHOP_ORIGIN }, body: bytes });
  expect(response.status).toBe(201);
  return (await response.json()) as Attachment;
}

type Block = { type: string; text?: string; source?: { type: string; media_type: string; data: string } };

describe('images for the bot', () => {
  it("shows Claude the visitor's image and tells it the names of the other files", async () => {
    const tenant = await createTenantWithAdmin(server, { bot: { enabled: true } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#aa3311' } })
      .jpeg()
      .toBuffer();
    const image = await upload(visitor, 'broken lamp.jpg', photo);
    const notes = await upload(visitor, 'order.txt', new TextEncoder().encode('Order 1042, lamp, arrived broken'));

    anthropic.reply({ text: ['Sorry about the lamp! The shade looks cracked; we will send a new one.'] });
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', {
        clientId: randomUUID(),
        body: 'It arrived like this',
        attachments: [image.id, notes.id],
      }),
    );
    await reply;
    await server.app.bot.idle();

    expect(anthropic.requests).toHaveLength(1);
    const turns = (anthropic.requests[0] as { messages: Array<{ role: string; content: string | Block[] }> }).messages;
    const last = turns.at(-1)!;
    expect(last.role).toBe('user');
    const blocks = last.content as Block[];
    const images = blocks.filter((block) => block.type === 'image');
    expect(images).toEqual([{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: photo.toString('base64') } }]);
    // The images come after the text they belong to.
    expect(blocks.at(-1)!.type).toBe('image');
    const text = blocks
      .filter((block) => block.type === 'text')
      .map((block) => block.text)
      .join('\n');
    expect(text).toContain('It arrived like this');
    expect(text).toContain('broken lamp.jpg (image/jpeg');
    expect(text).toContain('order.txt (text/plain');
  });
});
