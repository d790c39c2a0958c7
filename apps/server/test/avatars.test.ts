import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { memberships } from '@parley/db';
import {
  AVATAR_MAX_BYTES,
  type Ack,
  type ApiTokenCreated,
  type Avatar,
  type Me,
  type Message,
  type MessagesPage,
  type PeopleList,
  type Session,
  type WidgetPublicSettings,
} from '@parley/protocol';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import {
  apiRequest,
  connectVisitor,
  createTenant,
  createTenantWithAdmin,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  useTestServer,
  visitorConversationWithAgent,
} from './helpers/server.js';

// People's pictures: uploaded by their owner (or an admin), checked by content and re-encoded to a small WebP, served
// at an immutable public URL, and carried to the widget (its agents, agents' messages) and the console (people).
const PUBLIC_URL = 'https://chat.test.example';
const server = useTestServer({ PARLEY_PUBLIC_URL: PUBLIC_URL });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const URL_PATTERN = /^https:\/\/chat\.test\.example\/api\/avatars\/([0-9a-f-]{36})\/([0-9a-f]{16})\.webp$/;

/** A photo-like picture: a gradient, so the encoder has something to do. */
function picture(width: number, height: number, format: 'png' | 'jpeg' | 'gif' | 'webp'): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < width * height; index++) {
    pixels[index * 3] = (index % width) % 256;
    pixels[index * 3 + 1] = Math.floor(index / width) % 256;
    pixels[index * 3 + 2] = 128;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

function upload(token: string, bytes: Uint8Array | string, path = '/api/me/avatar'): Promise<Response> {
  return apiRequest(server, path, token, 'PUT', { imageBase64: Buffer.from(bytes).toString('base64') });
}

/** The picture at `url`, fetched from the test server (the URL names the public address, which the test has not). */
function fetchPicture(url: string): Promise<Response> {
  return fetch(`${server.url}${new URL(url).pathname}`);
}

async function uploaded(token: string, bytes: Uint8Array, path?: string): Promise<string> {
  const response = await upload(token, bytes, path);
  expect(response.status, await response.clone().text()).toBe(200);
  const { avatarUrl } = (await jsonOf(response)) as Avatar;
  return avatarUrl!;
}

async function me(token: string): Promise<Me> {
  return jsonOf(await apiRequest(server, '/api/me', token));
}

/** The first bytes of a real program: the Node.js binary running this test. */
function executable(): Buffer {
  const bytes = Buffer.alloc(64 * 1024);
  const file = openSync(process.execPath, 'r');
  try {
    return bytes.subarray(0, readSync(file, bytes, 0, bytes.length, 0));
  } finally {
    closeSync(file);
  }
}

describe('avatars', () => {
  it('turn an uploaded PNG or JPEG into a 128×128 WebP of a few KB, served public and immutable at its own URL', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    expect((await me(token)).avatarUrl).toBeNull();

    const fromPng = await uploaded(token, await picture(600, 400, 'png'));
    const [, userId, version] = fromPng.match(URL_PATTERN) ?? [];
    expect(userId).toBe(tenant.user.id);
    expect(version).toBeDefined();
    expect((await me(token)).avatarUrl).toBe(fromPng);

    // No sign-in needed, from any site, cached for good, never sniffed into anything else.
    const served = await fetchPicture(fromPng);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    const bytes = new Uint8Array(await served.arrayBuffer());
    expect(bytes.length).toBeLessThan(8 * 1024);
    const { format, width, height } = await sharp(bytes).metadata();
    expect({ format, width, height }).toEqual({ format: 'webp', width: 128, height: 128 });

    // A JPEG with a GPS position in its EXIF: re-encoded, without it; a new picture, a new URL, the old one gone.
    const photo = await sharp(await picture(300, 500, 'jpeg'))
      .withExif({ IFD0: { Copyright: 'Somebody' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
      .jpeg()
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const fromJpeg = await uploaded(token, photo);
    expect(fromJpeg).toMatch(URL_PATTERN);
    expect(fromJpeg).not.toBe(fromPng);
    const replaced = new Uint8Array(await (await fetchPicture(fromJpeg)).arrayBuffer());
    const metadata = await sharp(replaced).metadata();
    expect({ format: metadata.format, width: metadata.width, height: metadata.height, exif: metadata.exif }).toEqual({
      format: 'webp',
      width: 128,
      height: 128,
      exif: undefined,
    });
    expect((await fetchPicture(fromPng)).status).toBe(404);
    expect((await me(token)).avatarUrl).toBe(fromJpeg);

    // GIF and WebP are pictures too.
    expect(await uploaded(token, await picture(64, 64, 'gif'))).toMatch(URL_PATTERN);
    expect(await uploaded(token, await picture(64, 64, 'webp'))).toMatch(URL_PATTERN);
  });

  it('refuse by content what is not a raster picture, with invalid_payload, and keep the picture there was', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const kept = await uploaded(token, await picture(200, 200, 'png'));
    const png = await picture(200, 200, 'png');
    const refused: Array<[string, Uint8Array | string]> = [
      ['an SVG with a script', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'],
      ['an SVG with an XML declaration', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'],
      ['an HTML page', '<!doctype html><html><body><script>alert(1)</script></body></html>'],
      ['a program, whatever it was called', executable()],
      ['a PDF', '%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'],
      ['a PNG cut short', png.subarray(0, 60)],
      ['random bytes', randomBytes(2048)],
    ];
    for (const [what, bytes] of refused) {
      const response = await upload(token, bytes);
      expect(response.status, what).toBe(400);
      const { error } = await jsonOf(response);
      expect(error.code, what).toBe('invalid_payload');
      expect(error.issues, what).toEqual([{ path: 'body.imageBase64', message: expect.any(String) }]);
    }
    const notBase64 = await apiRequest(server, '/api/me/avatar', token, 'PUT', { imageBase64: '<svg onload=alert(1)>' });
    expect(notBase64.status).toBe(400);
    expect((await jsonOf(notBase64)).error.issues).toEqual([{ path: 'body.imageBase64', message: 'imageBase64 is not valid base64.' }]);
    const extraField = await apiRequest(server, '/api/me/avatar', token, 'PUT', {
      imageBase64: png.toString('base64'),
      userId: randomUUID(),
    });
    expect(extraField.status).toBe(400);
    expect((await me(token)).avatarUrl).toBe(kept);
    expect((await fetchPicture(kept)).status).toBe(200);
  });

  it('refuse a picture over 5 MB by name, and a body far over it', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    // One byte over (the same length of base64 as the limit), and a few more (longer base64).
    for (const size of [AVATAR_MAX_BYTES + 1, AVATAR_MAX_BYTES + 4]) {
      const tooLarge = await upload(token, randomBytes(size));
      expect(tooLarge.status).toBe(400);
      expect((await jsonOf(tooLarge)).error).toMatchObject({
        code: 'invalid_payload',
        issues: [{ path: 'body.imageBase64', message: 'A picture can be at most 5 MB.' }],
      });
    }
    // Far over: refused by its length, with the same words.
    const huge = await upload(token, randomBytes(AVATAR_MAX_BYTES * 2));
    expect(huge.status).toBe(400);
    expect((await jsonOf(huge)).error).toMatchObject({
      code: 'invalid_payload',
      issues: [{ path: 'body.imageBase64', message: 'A picture can be at most 5 MB.' }],
    });
    expect((await me(token)).avatarUrl).toBeNull();
  });

  it('are for people signed in: nobody unsigned, and no API token, uploads or removes one', async () => {
    const shop = await createTenantWithAdmin(server);
    const png = await picture(100, 100, 'png');
    const unsigned = await fetch(`${server.url}/api/me/avatar`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imageBase64: png.toString('base64') }),
    });
    expect(unsigned.status).toBe(401);
    expect((await jsonOf(unsigned)).error.code).toBe('unauthorized');
    expect((await fetch(`${server.url}/api/me/avatar`, { method: 'DELETE' })).status).toBe(401);

    const created = await apiRequest(server, '/api/tokens', shop.adminToken, 'POST', { name: 'crm', scopes: ['contacts:write'] });
    const { secret } = (await jsonOf(created)) as ApiTokenCreated;
    for (const path of ['/api/me/avatar', `/api/people/${shop.user.id}/avatar`]) {
      const byToken = await upload(secret, png, path);
      expect(byToken.status, path).toBe(403);
      expect((await jsonOf(byToken)).error.code, path).toBe('forbidden');
      expect((await apiRequest(server, path, secret, 'DELETE')).status, path).toBe(403);
    }
  });

  it('are removed on request: the URL answers 404 and initials show again', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const url = await uploaded(token, await picture(100, 100, 'png'));
    const removed = await apiRequest(server, '/api/me/avatar', token, 'DELETE');
    expect(removed.status).toBe(200);
    expect(await jsonOf(removed)).toEqual({ avatarUrl: null });
    expect((await fetchPicture(url)).status).toBe(404);
    expect((await me(token)).avatarUrl).toBeNull();
    // Removing none is no error.
    expect((await apiRequest(server, '/api/me/avatar', token, 'DELETE')).status).toBe(200);
  });

  it('answer 404 for a picture nobody has, and 400 for a URL that names none', async () => {
    const missing = await fetch(`${server.url}/api/avatars/${randomUUID()}/0123456789abcdef.webp`);
    expect(missing.status).toBe(404);
    expect((await jsonOf(missing)).error.code).toBe('not_found');
    expect((await fetch(`${server.url}/api/avatars/not-a-user/0123456789abcdef.webp`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/avatars/${randomUUID()}/..%2F..%2Fetc.webp`)).status).toBe(400);
  });

  it("are changed by admins for their organization's agents, by owners for anyone in it, never for someone of another one", async () => {
    const shop = await createTenantWithAdmin(server);
    const png = await picture(120, 120, 'png');
    const organizationId = shop.organization.id;
    const [admin] = (await jsonOf(await apiRequest(server, '/api/people', shop.adminToken))).people.filter(
      (person: { role: string }) => person.role === 'admin',
    );
    const ownerEmail = `owner-${randomUUID().slice(0, 8)}@shop.example`;
    const owner = await createAgent(server.db.db, {
      organizationId,
      email: ownerEmail,
      name: 'Owner',
      password: shop.password,
      role: 'owner',
    });
    const ownerToken = (await login(server, ownerEmail, shop.password)).token;

    // An agent changes nobody's but their own.
    const byAgent = await upload(shop.agentToken, png, `/api/people/${admin.id}/avatar`);
    expect(byAgent.status).toBe(403);
    expect((await jsonOf(byAgent)).error.code).toBe('forbidden');
    expect((await apiRequest(server, `/api/people/${admin.id}/avatar`, shop.agentToken, 'DELETE')).status).toBe(403);

    // An admin changes an agent's, and it is in the People list.
    const agentUrl = await uploaded(shop.adminToken, png, `/api/people/${shop.user.id}/avatar`);
    expect(agentUrl).toContain(`/api/avatars/${shop.user.id}/`);
    expect((await me(shop.agentToken)).avatarUrl).toBe(agentUrl);
    const people = (await jsonOf(await apiRequest(server, '/api/people', shop.adminToken))) as PeopleList;
    expect(people.people.find((person) => person.id === shop.user.id)?.avatarUrl).toBe(agentUrl);
    expect(people.people.find((person) => person.id === admin.id)).not.toHaveProperty('avatarUrl');

    // Not an owner's; an owner does, and an admin's too.
    expect((await upload(shop.adminToken, png, `/api/people/${owner.id}/avatar`)).status).toBe(403);
    expect(await uploaded(ownerToken, png, `/api/people/${owner.id}/avatar`)).toContain(owner.id);
    expect(await uploaded(ownerToken, png, `/api/people/${admin.id}/avatar`)).toContain(admin.id);

    // Someone of another organization: not found. An agent who also works elsewhere: only they change theirs.
    const other = await createTenant(server);
    const elsewhere = await upload(shop.adminToken, png, `/api/people/${other.user.id}/avatar`);
    expect(elsewhere.status).toBe(404);
    expect((await jsonOf(elsewhere)).error.code).toBe('not_found');
    await server.db.db.insert(memberships).values({ userId: other.user.id, organizationId, role: 'agent' });
    const shared = await upload(ownerToken, png, `/api/people/${other.user.id}/avatar`);
    expect(shared.status).toBe(403);
    expect((await jsonOf(shared)).error.message).toMatch(/another organization/);
    expect((await me((await login(server, other.email, other.password)).token)).avatarUrl).toBeNull();

    // An admin removes an agent's.
    const removed = await apiRequest(server, `/api/people/${shop.user.id}/avatar`, shop.adminToken, 'DELETE');
    expect(await jsonOf(removed)).toEqual({ avatarUrl: null });
    expect((await me(shop.agentToken)).avatarUrl).toBeNull();
  });

  it("reach the widget: its agents and agents' messages carry the URL, live and in the history; nobody else's do", async () => {
    const { tenant, token, agent, visitor, conversationId } = await visitorConversationWithAgent(server, sockets, 'Hello?');
    const url = await uploaded(token, await picture(300, 300, 'jpeg'));
    const adminEmail = `admin-${randomUUID().slice(0, 8)}@shop.example`;
    await createAgent(server.db.db, {
      organizationId: tenant.organization.id,
      email: adminEmail,
      name: 'Bea Admin',
      password: tenant.password,
      role: 'admin',
    });
    const adminToken = (await login(server, adminEmail, tenant.password)).token;
    expect(
      (await apiRequest(server, `/api/widgets/${tenant.widget.id}`, adminToken, 'PATCH', { settings: { showAgents: true } })).status,
    ).toBe(200);

    // The widget's agents: by first name, with the picture of whoever has one.
    const settings = (await jsonOf(await fetch(`${server.url}/api/widgets/${tenant.widget.publicKey}/settings`))) as WidgetPublicSettings;
    expect(settings.agents).toEqual([{ name: 'Agent', avatarUrl: url }, { name: 'Bea' }]);
    // A visitor arriving now (a socket reads its widget's settings when it connects).
    const arriving = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(arriving);
    const session = ok(await request<Ack<Session>>(arriving, 'session:get'));
    expect(session.widget?.agents).toEqual([{ name: 'Agent', avatarUrl: url }, { name: 'Bea' }]);

    // An agent's reply, live: with the picture. The visitor's own message never has one.
    const live = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    ok(await request(agent, 'message:send', { conversationId, clientId: randomUUID(), body: 'Hi, Ada here.' }));
    expect((await live).author).toEqual({ kind: 'agent', id: tenant.user.id, name: tenant.user.name, avatarUrl: url });

    // The history, for the visitor and through the REST API.
    const history = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0, limit: 50 }));
    const authors = history.messages.map((message) => message.author);
    expect(authors.find((author) => author.kind === 'agent')).toEqual({
      kind: 'agent',
      id: tenant.user.id,
      name: tenant.user.name,
      avatarUrl: url,
    });
    expect(authors.filter((author) => author.kind !== 'agent').every((author) => !('avatarUrl' in author))).toBe(true);
    const page = (await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}/messages`, token))) as MessagesPage;
    expect(page.messages.find((message) => message.author.kind === 'agent')?.author.avatarUrl).toBe(url);

    // The picture removed: the next reply and the history carry none.
    await apiRequest(server, '/api/me/avatar', token, 'DELETE');
    const next = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    ok(await request(agent, 'message:send', { conversationId, clientId: randomUUID(), body: 'Still here.' }));
    expect((await next).author).not.toHaveProperty('avatarUrl');
    const after = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0, limit: 50 }));
    expect(after.messages.every((message) => !('avatarUrl' in message.author))).toBe(true);

    // A visitor on another widget sees the shop's agents' pictures nowhere but where the shop's widget shows them.
    const stranger = await createTenant(server, { settings: { showAgents: true } });
    const elsewhere = await connectVisitor(server, { widgetKey: stranger.widget.publicKey });
    sockets.push(elsewhere);
    expect(ok(await request<Ack<Session>>(elsewhere, 'session:get')).widget?.agents).toEqual([{ name: 'Agent' }]);
  });
});
