import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Ack, Contact, ContactIdentified, ContactList, IdentityVerification, MessageSent, Session } from '@parley/protocol';
import { exportSPKI, SignJWT, type JWTPayload } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createWidget } from '../src/seed/accounts.js';
import { apiRequest, connectVisitor, createTenantWithAdmin, jsonOf, ok, request, SHOP_ORIGIN, useTestServer } from './helpers/server.js';

// Identity verification: the site's server signs who its signed-in visitor is; the page passes the token in the
// handshake's `identity.token` or with `contact:identify`.
const server = useTestServer({ PARLEY_RATE_LIMIT_NEW_SESSIONS: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

type Tenant = Awaited<ReturnType<typeof createTenantWithAdmin>>;

async function connect(auth: { widgetKey: string; [field: string]: unknown }): Promise<Socket> {
  const socket = await connectVisitor(server, auth);
  sockets.push(socket);
  return socket;
}

const session = async (visitor: Socket) => ok(await request<Ack<Session>>(visitor, 'session:get'));
const say = async (visitor: Socket, body: string) =>
  ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
const contactOf = async (tenant: Tenant, contactId: string) => apiRequest(server, `/api/contacts/${contactId}`, tenant.agentToken);

async function configure(tenant: Tenant, patch: object): Promise<IdentityVerification> {
  const response = await apiRequest(server, `/api/widgets/${tenant.widget.id}/identity-verification`, tenant.adminToken, 'PATCH', patch);
  expect(response.status).toBe(200);
  return (await response.json()) as IdentityVerification;
}

/** A tenant whose widget has an HS256 secret; returns the secret as the site's server would store it. */
async function tenantWithSecret(): Promise<{ tenant: Tenant; secret: string }> {
  const tenant = await createTenantWithAdmin(server);
  const { newSecret } = await configure(tenant, { secret: 'generate' });
  return { tenant, secret: newSecret! };
}

/** An identity token as the site's server signs it: HS256 with `secret`, valid ten minutes unless `claims` say. */
function hs256(secret: string, claims: JWTPayload & { sub: string }, expiresAt: string | number = '10m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

describe('an admin sets up the keys', () => {
  it('generates a secret that is shown once, rotates it with a day of overlap, and uploads a public key', async () => {
    const tenant = await createTenantWithAdmin(server);
    const path = `/api/widgets/${tenant.widget.id}/identity-verification`;
    expect(await jsonOf(await apiRequest(server, path, tenant.adminToken))).toEqual({
      secret: null,
      previousSecretExpiresAt: null,
      publicKey: null,
    });
    const first = await configure(tenant, { secret: 'generate' });
    expect(first.newSecret).toMatch(/^pis_[\w-]{43}$/);
    expect(first.secret?.hint).toBe(first.newSecret!.slice(0, 12));
    const read = (await jsonOf(await apiRequest(server, path, tenant.adminToken))) as IdentityVerification;
    expect(read.newSecret).toBeUndefined();
    expect(JSON.stringify(read)).not.toContain(first.newSecret!.slice(12));

    const second = await configure(tenant, { secret: 'generate' });
    expect(second.newSecret).not.toBe(first.newSecret);
    const overlap = Date.parse(second.previousSecretExpiresAt!) - Date.now();
    expect(overlap).toBeGreaterThan(23 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);

    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await configure(tenant, { publicKey: pem })).publicKey).toEqual({ key: pem.trim(), algorithm: 'ES256' });
    const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
    expect((await configure(tenant, { publicKey: jwk })).publicKey?.algorithm).toBe('ES256');
    expect((await configure(tenant, { publicKey: null, secret: null })).secret).toBeNull();
  });

  it('refuses a private key, a symmetric or unreadable key, a short RSA key, and agents', async () => {
    const tenant = await createTenantWithAdmin(server);
    const path = `/api/widgets/${tenant.widget.id}/identity-verification`;
    const { privateKey } = generateKeyPairSync('ed25519');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const publicKey of [
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      JSON.stringify(privateKey.export({ format: 'jwk' })),
      JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }),
      '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL',
      weak,
    ]) {
      const response = await apiRequest(server, path, tenant.adminToken, 'PATCH', { publicKey });
      expect(response.status, publicKey).toBe(400);
      const body = await jsonOf(response);
      expect(body).toMatchObject({ error: { code: 'invalid_payload', issues: [{ path: 'body.publicKey' }] } });
    }
    expect((await jsonOf(await apiRequest(server, path, tenant.adminToken))).publicKey).toBeNull();
    const agent = await apiRequest(server, path, tenant.agentToken, 'PATCH', { secret: 'generate' });
    expect(agent.status).toBe(403);
  });
});

describe('a visitor the site signed in', () => {
  it('continues as the verified contact, with what they wrote before signing in, and agents see it verified', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const anonymous = await connect({ widgetKey: tenant.widget.publicKey });
    const before = await session(anonymous);
    const sent = await say(anonymous, 'Where is my order?');
    anonymous.close();

    const token = await hs256(secret, { sub: 'user-42', name: 'Ada Lovelace', email: 'Ada@Example.com' });
    const signedIn = await connect({ widgetKey: tenant.widget.publicKey, sessionToken: before.sessionToken, identity: { token } });
    const after = await session(signedIn);
    expect(after.identity).toEqual({ verified: true });
    expect(after.visitorId).not.toBe(before.visitorId);
    expect(after.sessionToken).not.toBe(before.sessionToken);
    expect(after.conversation?.id).toBe(sent.conversationId);

    const contact = (await jsonOf(await contactOf(tenant, after.visitorId))) as Contact;
    expect(contact).toMatchObject({ externalId: 'user-42', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Date.now() - Date.parse(contact.verifiedAt!)).toBeLessThan(60_000);
    expect(contact.conversations.map((conversation) => conversation.id)).toEqual([sent.conversationId]);
    // The anonymous contact is gone from the API. Its session token alone (copied from a shared browser before the
    // person signed in there) never leads into the verified contact: a new visitor; with a token for them, it does.
    const merged = await contactOf(tenant, before.visitorId);
    expect(merged.status).toBe(404);
    expect((await jsonOf(merged)).error.message).toContain(after.visitorId);
    const copied = await session(await connect({ widgetKey: tenant.widget.publicKey, sessionToken: before.sessionToken }));
    expect([before.visitorId, after.visitorId]).not.toContain(copied.visitorId);
    expect(copied.conversation).toBeNull();
    const oldTab = await connect({
      widgetKey: tenant.widget.publicKey,
      sessionToken: before.sessionToken,
      identity: { token: await hs256(secret, { sub: 'user-42' }) },
    });
    expect(await session(oldTab)).toMatchObject({ visitorId: after.visitorId, identity: { verified: true } });
  });

  it('treats the same user id on another widget of the organization as another person', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const other = await createWidget(server.db.db, {
      organizationId: tenant.organization.id,
      name: 'Partner site',
      allowedOrigins: [SHOP_ORIGIN],
    });
    const path = `/api/widgets/${other.id}/identity-verification`;
    const keys = (await jsonOf(await apiRequest(server, path, tenant.adminToken, 'PATCH', { secret: 'generate' }))) as IdentityVerification;
    const here = await session(
      await connect({ widgetKey: tenant.widget.publicKey, identity: { token: await hs256(secret, { sub: '42' }) } }),
    );
    const there = await session(
      await connect({ widgetKey: other.publicKey, identity: { token: await hs256(keys.newSecret!, { sub: '42' }) } }),
    );
    expect(here.identity).toEqual({ verified: true });
    expect(there.identity).toEqual({ verified: true });
    expect(there.visitorId).not.toBe(here.visitorId);
    // …and one widget's secret proves nothing on the other.
    const crossed = await connect({ widgetKey: other.publicKey, identity: { token: await hs256(secret, { sub: '42' }) } });
    expect((await session(crossed)).identity).toMatchObject({ verified: false, error: { code: 'identity_invalid' } });
  });

  it('finds the same contact and conversation on another device', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const laptop = await connect({
      widgetKey: tenant.widget.publicKey,
      identity: { token: await hs256(secret, { sub: 'user-7', name: 'Grace' }) },
    });
    const first = await session(laptop);
    const sent = await say(laptop, 'Hello from the laptop');

    const phone = await connect({
      widgetKey: tenant.widget.publicKey,
      identity: { token: await hs256(secret, { sub: 'user-7' }) },
    });
    const second = await session(phone);
    expect(second.visitorId).toBe(first.visitorId);
    expect(second.conversation?.id).toBe(sent.conversationId);
    // The details a token leaves out are kept.
    expect(await jsonOf(await contactOf(tenant, first.visitorId))).toMatchObject({ name: 'Grace', externalId: 'user-7' });
  });

  it('does not merge another signed-in person’s conversations on a shared browser', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const ada = await connect({ widgetKey: tenant.widget.publicKey, identity: { token: await hs256(secret, { sub: 'ada' }) } });
    const adaSession = await session(ada);
    const adaConversation = await say(ada, 'Ada asks');
    ada.close();

    const grace = await connect({
      widgetKey: tenant.widget.publicKey,
      sessionToken: adaSession.sessionToken,
      identity: { token: await hs256(secret, { sub: 'grace' }) },
    });
    const graceSession = await session(grace);
    expect(graceSession.visitorId).not.toBe(adaSession.visitorId);
    expect(graceSession.conversation).toBeNull();
    const adaContact = (await jsonOf(await contactOf(tenant, adaSession.visitorId))) as Contact;
    expect(adaContact.conversations.map((conversation) => conversation.id)).toEqual([adaConversation.conversationId]);
  });

  it('is verified with the public key the admin uploaded, only with the algorithm the key is for', async () => {
    const tenant = await createTenantWithAdmin(server);
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = await exportSPKI(publicKey);
    await configure(tenant, { publicKey: pem });

    const es256 = (audience?: string) => {
      const jwt = new SignJWT({ email: 'lin@example.com' }).setProtectedHeader({ alg: 'ES256' }).setSubject('lin').setExpirationTime('5m');
      return (audience ? jwt.setAudience(audience) : jwt).sign(privateKey);
    };
    const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { token: await es256('parley') } });
    expect((await session(visitor)).identity).toEqual({ verified: true });
    // A site's key signs its own JWTs too: one not meant for Parley proves nothing here.
    for (const audience of [undefined, 'https://api.shop.example']) {
      const other = await connect({ widgetKey: tenant.widget.publicKey, identity: { token: await es256(audience) } });
      const { identity } = await session(other);
      expect(identity, audience).toMatchObject({ verified: false, error: { code: 'identity_invalid' } });
      expect(identity?.error?.message).toContain('"aud": "parley"');
    }

    // The public key is public: a token "signed" with it as an HS256 secret must not pass.
    const confused = await hs256(pem, { sub: 'lin' });
    const attacker = await connect({ widgetKey: tenant.widget.publicKey, identity: { token: confused } });
    expect((await session(attacker)).identity).toMatchObject({ verified: false, error: { code: 'identity_invalid' } });
  });
});

describe('a token that proves nothing', () => {
  it('is refused with a typed error, in the handshake (the visitor stays anonymous) and by contact:identify', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<string> | string, string]> = [
      ['forged', hs256(`${secret}x`, { sub: 'user-1' }), 'identity_invalid'],
      ['expired', hs256(secret, { sub: 'user-1' }, now - 120), 'identity_expired'],
      ['valid for too long', hs256(secret, { sub: 'user-1' }, '48h'), 'identity_invalid'],
      [
        'without a subject',
        new SignJWT({ name: 'Nobody' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(secret)),
        'identity_invalid',
      ],
      [
        'unsigned',
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"user-1","exp":${now + 300}}`).toString('base64url')}.`,
        'identity_invalid',
      ],
      ['not a JWT', 'user-1', 'identity_invalid'],
    ];
    for (const [what, pending, code] of cases) {
      const token = await pending;
      const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { token, name: 'Claimed Name' } });
      const result = await session(visitor);
      expect(result.identity, what).toMatchObject({ verified: false, error: { code } });
      // Still the anonymous visitor: a message creates an anonymous contact, with the page's unsigned name as before.
      const sent = await say(visitor, 'Hi');
      const contact = (await jsonOf(await contactOf(tenant, result.visitorId))) as Contact;
      expect(contact, what).toMatchObject({ externalId: null, verifiedAt: null, name: 'Claimed Name' });
      expect(contact.conversations[0]?.id).toBe(sent.conversationId);

      const closed = new Promise<string>((resolve) => visitor.once('disconnect', resolve));
      const ack = await request<Ack<ContactIdentified>>(visitor, 'contact:identify', { token });
      expect(ack, what).toMatchObject({ ok: false, error: { code } });
      // Closed after the answer, so that the client's next handshake reports it in `session.identity` too.
      expect(await closed).toBe('io server disconnect');
    }
    const listed = (await jsonOf(await apiRequest(server, '/api/contacts?externalId=user-1', tenant.agentToken))) as ContactList;
    expect(listed.contacts).toEqual([]);
  });

  it('is refused as replayed when another visitor presents a token already used, and accepted again from its own', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const token = await hs256(secret, { sub: 'user-9' });
    const owner = await connect({ widgetKey: tenant.widget.publicKey, identity: { token } });
    const owned = await session(owner);
    expect(owned.identity).toEqual({ verified: true });

    const thief = await connect({ widgetKey: tenant.widget.publicKey, identity: { token } });
    const stolen = await session(thief);
    expect(stolen.identity).toMatchObject({ verified: false, error: { code: 'identity_replayed' } });
    expect(stolen.visitorId).not.toBe(owned.visitorId);

    // The owner's reload presents it again with its session.
    owner.close();
    const reload = await connect({ widgetKey: tenant.widget.publicKey, sessionToken: owned.sessionToken, identity: { token } });
    expect(await session(reload)).toMatchObject({ visitorId: owned.visitorId, identity: { verified: true } });
  });

  it('is refused when the widget has no key', async () => {
    const tenant = await createTenantWithAdmin(server);
    const token = await hs256('a secret the widget never had', { sub: 'user-1' });
    const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { token } });
    const { identity } = await session(visitor);
    expect(identity).toMatchObject({ verified: false, error: { code: 'identity_invalid' } });
    expect(identity?.error?.message).toContain('generate a secret or upload a public key');
  });
});

describe('contact:identify with a token', () => {
  it('answers, closes the socket, and the reconnect continues as the verified contact with the history', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const visitor = await connect({ widgetKey: tenant.widget.publicKey });
    const anonymous = await session(visitor);
    const sent = await say(visitor, 'Before signing in');
    const token = await hs256(secret, { sub: 'user-5', name: 'Lin', phone: '+44 20 7946 0958' });
    const closed = new Promise<string>((resolve) => visitor.once('disconnect', resolve));
    expect(ok(await request<Ack<ContactIdentified>>(visitor, 'contact:identify', { token }))).toEqual({
      name: 'Lin',
      email: null,
      phone: '+442079460958',
    });
    expect(await closed).toBe('io server disconnect');

    const again = await connect({ widgetKey: tenant.widget.publicKey, sessionToken: anonymous.sessionToken, identity: { token } });
    const verified = await session(again);
    expect(verified).toMatchObject({ identity: { verified: true }, conversation: { id: sent.conversationId } });
    expect(await jsonOf(await contactOf(tenant, verified.visitorId))).toMatchObject({ externalId: 'user-5', name: 'Lin' });

    // Said again on a socket that is that person's already: answered, and nothing to reconnect for.
    let disconnected = false;
    again.once('disconnect', () => (disconnected = true));
    ok(await request<Ack<ContactIdentified>>(again, 'contact:identify', { token: await hs256(secret, { sub: 'user-5' }) }));
    expect(ok(await request<Ack<Session>>(again, 'session:get')).visitorId).toBe(verified.visitorId);
    expect(disconnected).toBe(false);
  });

  it('lets two tabs of one session present the same token at the same time', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const first = await connect({ widgetKey: tenant.widget.publicKey });
    const anonymous = await session(first);
    await say(first, 'Hi');
    first.close();
    const token = await hs256(secret, { sub: 'user-8' });
    const tabs = await Promise.all(
      [1, 2].map(() => connect({ widgetKey: tenant.widget.publicKey, sessionToken: anonymous.sessionToken, identity: { token } })),
    );
    const sessions = await Promise.all(tabs.map(session));
    expect(sessions.map((tab) => tab.identity)).toEqual([{ verified: true }, { verified: true }]);
    expect(new Set(sessions.map((tab) => tab.visitorId)).size).toBe(1);
  });

  it('accepts the previous secret for a day after a rotation', async () => {
    const { tenant, secret } = await tenantWithSecret();
    const { newSecret } = await configure(tenant, { secret: 'generate' });
    for (const [sub, key] of [
      ['old', secret],
      ['new', newSecret!],
    ]) {
      const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { token: await hs256(key!, { sub: sub! }) } });
      expect((await session(visitor)).identity, sub).toEqual({ verified: true });
    }
    await configure(tenant, { secret: null });
    const visitor = await connect({ widgetKey: tenant.widget.publicKey, identity: { token: await hs256(newSecret!, { sub: 'later' }) } });
    expect((await session(visitor)).identity).toMatchObject({ verified: false, error: { code: 'identity_invalid' } });
  });
});
