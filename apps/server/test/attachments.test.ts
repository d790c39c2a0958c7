import { attachments, messages } from '@parley/db';
import type { Ack, Attachment, AttachmentUpload, AttachmentUrl, Message, MessageSent, MessagesPage } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectAgent,
  connectVisitor,
  createTenant,
  createTenantWithAdmin,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  SHOP_ORIGIN,
  useTestServer,
} from './helpers/server.js';

// File attachments end to end: prepare, upload the bytes, send them with a message, read them through signed URLs.
// The files go to a data folder of this suite's own, to look at them on disk.
const dataDir = mkdtempSync(join(tmpdir(), 'parley-attachments-'));
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '1000', PARLEY_DATA_DIR: dataDir });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const MAX_BYTES = 10 * 1024 * 1024;

const png = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
const jpeg = () =>
  sharp({ create: { width: 300, height: 600, channels: 3, background: '#cc6633' } })
    .jpeg()
    .toBuffer();

/** A visitor of a new tenant, and the tenant's agent with a socket. */
async function tenantWithVisitor() {
  const tenant = await createTenant(server);
  const { token } = await login(server, tenant.email, tenant.password);
  const agent = await connectAgent(server, token);
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  sockets.push(agent, visitor);
  return { tenant, token, agent, visitor };
}

function prepare(socket: Socket, name: string, size: number): Promise<Ack<AttachmentUpload>> {
  return request<Ack<AttachmentUpload>>(socket, 'attachment:prepare', { name, size });
}

/** PUTs `bytes` to an upload path; `content-type` as given, `application/octet-stream` by default, none for null. */
function put(uploadPath: string, bytes: Uint8Array, headers: Record<string, string | null> = {}): Promise<Response> {
  const sent = Object.entries({ 'content-type': 'application/octet-stream', ...headers }).filter(
    (entry): entry is [string, string] => entry[1] !== null,
  );
  return fetch(`${server.url}${uploadPath}`, { method: 'PUT', headers: Object.fromEntries(sent), body: bytes });
}

/** Prepares and uploads a file from `socket`; the stored descriptor. */
async function upload(socket: Socket, name: string, bytes: Uint8Array, contentType?: string | null): Promise<Attachment> {
  const { uploadPath } = ok(await prepare(socket, name, bytes.length));
  const response = await put(uploadPath, bytes, contentType === undefined ? {} : { 'content-type': contentType });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Attachment;
}

async function signedUrl(socket: Socket, attachmentId: string): Promise<AttachmentUrl> {
  return ok(await request<Ack<AttachmentUrl>>(socket, 'attachment:url', { attachmentId }));
}

async function attachmentRow(id: string) {
  const [row] = await server.db.db.select().from(attachments).where(eq(attachments.id, id));
  return row;
}

async function messagesWithClientId(clientId: string) {
  return server.db.db.select().from(messages).where(eq(messages.clientId, clientId));
}

/** Replaces the `name=…` value in a signed file path's query. */
function withQuery(path: string, name: string, value: string): string {
  const url = new URL(path, server.url);
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/** `text` with its last character changed (a base64url signature stays the same length). */
function tampered(text: string): string {
  return `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
}

function expectSafeHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
}

describe('attachments', () => {
  it('takes a visitor’s image, sends it with a message, and serves it and its thumbnail through signed URLs', async () => {
    const { tenant, agent, visitor } = await tenantWithVisitor();
    const bytes = await png();
    const prepared = ok(await prepare(visitor, 'holiday.png', bytes.length));
    expect(prepared).toMatchObject({ attachmentId: expect.any(String), uploadPath: expect.stringMatching(/^\/api\/uploads\//) });
    expect(Date.parse(prepared.expiresAt)).toBeGreaterThan(Date.now());

    // The widget uploads from the site's origin: the preflight lets it.
    const preflight = await fetch(`${server.url}${prepared.uploadPath}`, {
      method: 'OPTIONS',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');

    const uploaded = await put(prepared.uploadPath, bytes, { origin: SHOP_ORIGIN, 'content-type': 'image/png' });
    expect(uploaded.status).toBe(201);
    expect(uploaded.headers.get('access-control-allow-origin')).toBe('*');
    const attachment = (await uploaded.json()) as Attachment;
    expect(attachment).toEqual({
      id: prepared.attachmentId,
      name: 'holiday.png',
      contentType: 'image/png',
      size: bytes.length,
      inline: true,
      thumbnail: true,
    });

    // The bytes are under the data folder, by organization.
    const onDisk = join(dataDir, 'attachments', tenant.organization.id, attachment.id);
    expect(existsSync(onDisk)).toBe(true);
    expect(Buffer.compare(readFileSync(onDisk), bytes)).toBe(0);

    const agentSees = nextEvent<Message>(agent, 'message:created', (message) => message.body === 'Look at this');
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'photo', body: 'Look at this', attachments: [attachment.id] }),
    );
    expect((await agentSees).attachments).toEqual([attachment]);
    const page = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0 }));
    expect(page.messages.find((message) => message.id === sent.id)?.attachments).toEqual([attachment]);
    expect(await attachmentRow(attachment.id)).toMatchObject({ status: 'stored', messageId: sent.id, conversationId: sent.conversationId });

    const urls = await signedUrl(agent, attachment.id);
    expect(urls.path).toMatch(new RegExp(`^/api/files/${attachment.id}\\?`));
    expect(urls.thumbnailPath).toEqual(expect.any(String));
    expect(Date.parse(urls.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const file = await fetch(`${server.url}${urls.path}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toBe('inline');
    expectSafeHeaders(file);
    expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), bytes)).toBe(0);

    const thumbnail = await fetch(`${server.url}${urls.thumbnailPath}`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expectSafeHeaders(thumbnail);
    const metadata = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(metadata.format).toBe('webp');
    expect(metadata.width).toBeLessThanOrEqual(320);
    expect(metadata.height).toBeLessThanOrEqual(320);
    expect(Math.max(metadata.width!, metadata.height!)).toBe(320);
    expect(metadata.width! / metadata.height!).toBeCloseTo(640 / 480, 1);

    // The visitor reads their own file too.
    const own = await fetch(`${server.url}${(await signedUrl(visitor, attachment.id)).path}`);
    expect(own.status).toBe(200);
  });

  it('stores SVG and HTML, whatever their names, as plain text served as a download', async () => {
    const { agent, visitor } = await tenantWithVisitor();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="10"/></svg>');
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    // Whatever type the browser claims, or none: the bytes decide.
    for (const [name, bytes, claimed] of [
      ['invoice.pdf', svg, 'image/svg+xml'],
      ['page.html', html, null],
    ] as const) {
      const attachment = await upload(visitor, name, bytes, claimed);
      expect(attachment).toMatchObject({ name, contentType: 'text/plain; charset=utf-8', inline: false, thumbnail: false });
      ok(
        await request<Ack<MessageSent>>(visitor, 'message:send', {
          clientId: name.replace('.', '-'),
          body: name,
          attachments: [attachment.id],
        }),
      );
      const urls = await signedUrl(agent, attachment.id);
      expect(urls.thumbnailPath).toBeNull();
      const file = await fetch(`${server.url}${urls.path}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      // Downloaded under the extension of what it is, text: never the name's `.pdf` or `.html`.
      const downloaded = `${name.replace(/\.[^.]*$/, '')}.txt`;
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${downloaded}"; filename*=UTF-8''${downloaded}`);
      expectSafeHeaders(file);
      expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), bytes)).toBe(0);
      // No thumbnail variant for a file without one.
      const thumbnail = await fetch(`${server.url}${withQuery(urls.path, 'variant', 'thumbnail')}`);
      expect(thumbnail.status).toBe(404);
    }
  });

  it('refuses renamed executables, keeps them pending, and refuses a message naming them', async () => {
    const { visitor } = await tenantWithVisitor();
    const elf = Buffer.alloc(200);
    Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1').copy(elf);
    const pe = Buffer.alloc(200);
    Buffer.from('MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0', 'latin1').copy(pe);
    pe.write('This program cannot be run in DOS mode.', 78, 'latin1');
    for (const [name, bytes] of [
      ['photo.png', elf],
      ['setup.pdf', pe],
    ] as const) {
      const { attachmentId, uploadPath } = ok(await prepare(visitor, name, bytes.length));
      const response = await put(uploadPath, bytes, { 'content-type': 'image/png' });
      expect(response.status).toBe(400);
      const body = await jsonOf(response);
      expect(body.error.code).toBe('invalid_payload');
      expect(body.error.issues).toEqual([expect.objectContaining({ path: 'file' })]);
      expect(await attachmentRow(attachmentId)).toMatchObject({ status: 'pending', storageKey: null, contentType: null });

      const clientId = `exe-${randomUUID()}`;
      const refused = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId, body: 'my photo', attachments: [attachmentId] });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'attachments' }] } });
      expect(await messagesWithClientId(clientId)).toEqual([]);
      expect(await attachmentRow(attachmentId)).toMatchObject({ status: 'pending', messageId: null, conversationId: null });
    }
  });

  it('holds uploads to their declared size, one upload, a valid ticket and the size limit', async () => {
    const { visitor } = await tenantWithVisitor();
    for (const size of [0, MAX_BYTES + 1, -1, 1.5]) {
      expect(await prepare(visitor, 'a.txt', size), String(size)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await prepare(visitor, '', 10)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    // More bytes than declared.
    const text = Buffer.from('hello, this is a text file\n');
    const small = ok(await prepare(visitor, 'notes.txt', 5));
    const larger = await put(small.uploadPath, text);
    expect(larger.status).toBe(400);
    expect((await jsonOf(larger)).error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'file' }] });
    expect(await attachmentRow(small.attachmentId)).toMatchObject({ status: 'pending' });

    // Fewer bytes than declared is fine: the stored size is the real one.
    const roomy = ok(await prepare(visitor, 'notes.txt', 1000));
    const stored = await put(roomy.uploadPath, text);
    expect(stored.status).toBe(201);
    expect(await jsonOf(stored)).toMatchObject({ size: text.length });
    // Twice.
    const again = await put(roomy.uploadPath, text);
    expect(again.status).toBe(409);
    expect((await jsonOf(again)).error.code).toBe('conflict');

    // A tampered ticket, and one whose expiry was moved into the past (which breaks its signature too).
    const fresh = ok(await prepare(visitor, 'notes.txt', 100));
    const [id, expires, signature] = fresh.uploadPath.slice('/api/uploads/'.length).split('.');
    expect(Number(expires)).toBeGreaterThan(Date.now());
    for (const path of [
      `/api/uploads/${id}.${expires}.${tampered(signature!)}`,
      `/api/uploads/${id}.${Date.now() - 1000}.${signature}`,
      `/api/uploads/${id}.${Number(expires) + 60_000}.${signature}`,
      `/api/uploads/${randomUUID()}.${expires}.${signature}`,
      `/api/uploads/${id}.${expires}`,
      `/api/uploads/nonsense`,
    ]) {
      const response = await put(path, text);
      expect(response.status, path).toBe(404);
      expect((await jsonOf(response)).error.code).toBe('not_found');
    }
    expect(await attachmentRow(fresh.attachmentId)).toMatchObject({ status: 'pending' });
    // The real ticket still works.
    expect((await put(fresh.uploadPath, text)).status).toBe(201);

    // A body over the 10 MiB limit: Fastify's limit, answered by the errors plugin with the protocol's body.
    const big = ok(await prepare(visitor, 'big.bin', MAX_BYTES));
    const tooLarge = await put(big.uploadPath, Buffer.alloc(MAX_BYTES + 1, 0x61));
    expect(tooLarge.status).toBe(400);
    // (The errors plugin answers Fastify's 413 as the protocol's 400 `invalid_payload`, as for any JSON body.)
    expect(await jsonOf(tooLarge)).toEqual({ error: { code: 'invalid_payload', message: 'Request body is too large' } });
    expect(await attachmentRow(big.attachmentId)).toMatchObject({ status: 'pending' });
  });

  it('lets only the uploader, their conversation’s agents and nobody else read or send a file', async () => {
    const { tenant, agent, visitor } = await tenantWithVisitor();
    const bytes = await png();
    const attachment = await upload(visitor, 'private.png', bytes);

    // Another visitor of the same widget can neither read nor send it.
    const stranger = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(stranger);
    expect(await request<Ack<AttachmentUrl>>(stranger, 'attachment:url', { attachmentId: attachment.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const stolen = await request<Ack<MessageSent>>(stranger, 'message:send', {
      clientId: 'steal',
      body: 'mine now',
      attachments: [attachment.id],
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await attachmentRow(attachment.id)).toMatchObject({ messageId: null });
    expect(await request<Ack<AttachmentUrl>>(stranger, 'attachment:url', { attachmentId: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });

    // Before it is sent the uploader reads it; an agent of the organization too.
    ok(await request<Ack<AttachmentUrl>>(visitor, 'attachment:url', { attachmentId: attachment.id }));
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'first', body: 'first', attachments: [attachment.id] }),
    );
    const agentTakes = await request<Ack<MessageSent>>(agent, 'message:send', {
      conversationId: sent.conversationId,
      clientId: 'agent-steal',
      body: 'forwarding',
      attachments: [attachment.id],
    });
    expect(agentTakes).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    // Sent once: a second message naming it is refused; a resend of the first is its ack.
    const twice = await request<Ack<MessageSent>>(visitor, 'message:send', {
      clientId: 'second',
      body: 'again',
      attachments: [attachment.id],
    });
    expect(twice).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'attachments' }] } });
    expect(await messagesWithClientId('second')).toEqual([]);
    const resent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'first', body: 'first', attachments: [attachment.id] }),
    );
    expect(resent).toEqual(sent);

    // The stranger still can't read it once it is in the visitor's conversation.
    expect(await request<Ack<AttachmentUrl>>(stranger, 'attachment:url', { attachmentId: attachment.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    // Another organization's agent: neither over the socket nor over REST.
    const other = await createTenantWithAdmin(server);
    const otherAgent = await connectAgent(server, other.agentToken);
    sockets.push(otherAgent);
    expect(await request<Ack<AttachmentUrl>>(otherAgent, 'attachment:url', { attachmentId: attachment.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    for (const token of [other.agentToken, other.adminToken]) {
      const response = await apiRequest(server, `/api/attachments/${attachment.id}/url`, token);
      expect(response.status).toBe(404);
      expect((await jsonOf(response)).error.code).toBe('not_found');
    }
    // Its own organization's agent, over REST.
    const { token } = await login(server, tenant.email, tenant.password);
    const own = await apiRequest(server, `/api/attachments/${attachment.id}/url`, token);
    expect(own.status).toBe(200);
    const urls = (await jsonOf(own)) as AttachmentUrl;
    expect((await fetch(`${server.url}${urls.path}`)).status).toBe(200);
    expect((await apiRequest(server, `/api/attachments/${randomUUID()}/url`, token)).status).toBe(404);
    expect((await fetch(`${server.url}/api/attachments/${attachment.id}/url`)).status).toBe(401);

    // Signed URLs: a wrong signature, a moved or past expiry, another variant or file → 404.
    const expires = Number(new URL(urls.path, server.url).searchParams.get('expires'));
    const signature = new URL(urls.path, server.url).searchParams.get('signature')!;
    const other2 = await upload(visitor, 'other.png', bytes);
    for (const path of [
      withQuery(urls.path, 'signature', tampered(signature)),
      withQuery(urls.path, 'expires', String(Date.now() - 1000)),
      withQuery(urls.path, 'expires', String(expires + 60_000)),
      withQuery(urls.path, 'variant', 'thumbnail'),
      urls.path.replace(attachment.id, other2.id),
      `/api/files/${attachment.id}`,
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.headers.get('content-type'), path).not.toContain('image/');
      if (!path.endsWith(attachment.id)) expect(response.status, path).toBe(404);
    }
  });

  it('takes an agent’s file over REST and delivers it to the visitor', async () => {
    const tenant = await createTenantWithAdmin(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const opened = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'q', body: 'Which size?' }));

    const bytes = await jpeg();
    const prepared = await apiRequest(server, '/api/attachments', tenant.agentToken, 'POST', {
      name: 'size-chart.jpg',
      size: bytes.length,
    });
    expect(prepared.status).toBe(201);
    const { attachmentId, uploadPath } = (await jsonOf(prepared)) as AttachmentUpload;
    const uploaded = await put(uploadPath, bytes, { 'content-type': 'application/octet-stream' });
    expect(uploaded.status).toBe(201);
    const attachment = (await jsonOf(uploaded)) as Attachment;
    expect(attachment).toEqual({
      id: attachmentId,
      name: 'size-chart.jpg',
      contentType: 'image/jpeg',
      size: bytes.length,
      inline: true,
      thumbnail: true,
    });

    const visitorSees = nextEvent<Message>(visitor, 'message:created', (message) => message.body === 'Here is the chart');
    const reply = { clientId: 'chart', body: 'Here is the chart', attachments: [attachmentId] };
    const path = `/api/conversations/${opened.conversationId}/messages`;
    const first = await apiRequest(server, path, tenant.agentToken, 'POST', reply);
    expect(first.status).toBeLessThan(300);
    const ack = await jsonOf(first);
    const seen = await visitorSees;
    expect(seen.attachments).toEqual([attachment]);
    expect(seen.author.kind).toBe('agent');

    const urls = await signedUrl(visitor, attachmentId);
    const file = await fetch(`${server.url}${urls.path}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('content-disposition')).toBe('inline');
    expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), bytes)).toBe(0);
    const thumbnail = await sharp(Buffer.from(await (await fetch(`${server.url}${urls.thumbnailPath}`)).arrayBuffer())).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([160, 320]);

    // The same reply again: the same answer, nothing new.
    const resent = await apiRequest(server, path, tenant.agentToken, 'POST', reply);
    expect(resent.status).toBe(first.status);
    expect(await jsonOf(resent)).toEqual(ack);
    expect(await messagesWithClientId('chart')).toHaveLength(1);
    // Another message naming it is refused.
    const again = await apiRequest(server, path, tenant.agentToken, 'POST', { ...reply, clientId: 'chart-2' });
    expect(again.status).toBe(400);
    expect((await jsonOf(again)).error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'attachments' }] });
    expect(existsSync(join(dataDir, 'attachments', tenant.organization.id, attachmentId))).toBe(true);
    expect(existsSync(join(dataDir, 'attachments', tenant.organization.id, `${attachmentId}.thumbnail`))).toBe(true);
  });
});

describe('an integration with an API token', () => {
  it('uploads as itself, and sends the file as the agent it names; another token of the organization cannot', async () => {
    const tenant = await createTenantWithAdmin(server);
    const makeToken = async () => {
      const response = await apiRequest(server, '/api/tokens', tenant.adminToken, 'POST', {
        name: `crm ${randomUUID().slice(0, 6)}`,
        scopes: ['conversations:read', 'conversations:write'],
      });
      expect(response.status).toBe(201);
      return ((await jsonOf(response)) as { secret: string }).secret;
    };
    const [crm, other] = [await makeToken(), await makeToken()];
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'My order arrived broken' }));

    const bytes = await jpeg();
    const prepared = await apiRequest(server, '/api/attachments', crm, 'POST', { name: 'return-label.jpg', size: bytes.length });
    expect(prepared.status).toBe(201);
    const { uploadPath, attachmentId } = (await jsonOf(prepared)) as AttachmentUpload;
    expect((await put(uploadPath, bytes)).status).toBe(201);

    const reply = (token: string) =>
      apiRequest(server, `/api/conversations/${sent.conversationId}/messages`, token, 'POST', {
        clientId: randomUUID(),
        body: 'Here is your return label.',
        attachments: [attachmentId],
        asAgentId: tenant.user.id,
      });
    const refused = await reply(other);
    expect(refused.status).toBe(400);
    expect(((await jsonOf(refused)) as { error: { issues: Array<{ path: string }> } }).error.issues[0]!.path).toBe('attachments');
    const delivered = nextEvent<Message>(visitor, 'message:created', (message) => message.body === 'Here is your return label.');
    expect((await reply(crm)).status).toBe(200);
    expect((await delivered).attachments).toEqual([expect.objectContaining({ id: attachmentId, contentType: 'image/jpeg', inline: true })]);
    // The visitor may read the file now that their conversation has it.
    const url = ok(await request<Ack<AttachmentUrl>>(visitor, 'attachment:url', { attachmentId }));
    expect((await fetch(new URL(url.path, server.url))).status).toBe(200);
  });
});
