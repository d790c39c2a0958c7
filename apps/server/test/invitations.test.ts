import { createHash, randomUUID } from 'node:crypto';
import { invitations, memberships, organizations, teamMembers, users } from '@parley/db';
import type { InvitationPreview, InvitationSent, LoginResponse, PeopleList, Role, Team } from '@parley/protocol';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import { apiRequest, createTenant, jsonOf, login, startServer, waitUntil, type TestServer } from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import { smtpUrl, startSmtpReceiver, type SmtpReceiver } from './helpers/smtp-receiver.js';

// Invitations: admins invite people by e-mail (sent through a real SMTP server started here); whoever holds the link
// joins. The server trusts loopback's X-Forwarded-For, so each test's anonymous requests come from their own address
// and the per-address budget of one test doesn't run out in another.
const PUBLIC_URL = 'https://chat.example.test';

let receiver: SmtpReceiver;
let server: TestServer;
let withoutEmail: TestServer;
beforeAll(async () => {
  receiver = await startSmtpReceiver();
  server = await startServer({
    PARLEY_SMTP_URL: smtpUrl(receiver.port),
    PARLEY_SMTP_FROM: 'Parley <parley@shop.example>',
    PARLEY_PUBLIC_URL: PUBLIC_URL,
    PARLEY_TRUST_PROXY: 'loopback',
  });
  withoutEmail = await startServer();
});
afterAll(async () => {
  await server?.close();
  await withoutEmail?.close();
  await receiver?.close();
});
afterEach(() => {
  receiver.received.length = 0;
});

let addresses = 0;
/** A client address of its own (TEST-NET and 10/8), for requests the server budgets per address. */
function newAddress(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

/** A request without sign-in. */
function anonymous(path: string, body: unknown, address = newAddress(), target = server): Promise<Response> {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
}

const api = (path: string, token: string, method = 'GET', body?: unknown, target = server) => apiRequest(target, path, token, method, body);

/** A member of the organization with `role`, signed in. */
async function member(organizationId: string, role: Role, target = server) {
  const suffix = randomUUID().slice(0, 8);
  const email = `${role}-${suffix}@shop.example`;
  const password = `pw-${randomUUID()}`;
  const user = await createAgent(target.db.db, { organizationId, email, name: `${role} ${suffix}`, password, role });
  return { user, email, password, token: (await login(target, email, password)).token };
}

/** An organization with an agent (the tenant's), an admin and an owner, each signed in. */
async function organization(target = server) {
  const tenant = await createTenant(target);
  return {
    tenant,
    agent: { user: tenant.user, token: (await login(target, tenant.email, tenant.password)).token },
    admin: await member(tenant.organization.id, 'admin', target),
    owner: await member(tenant.organization.id, 'owner', target),
  };
}

const newEmail = () => `invitee-${randomUUID().slice(0, 8)}@example.com`;
const tokenOf = (sent: InvitationSent) => sent.link.slice(sent.link.indexOf('#') + 1);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function invite(token: string, body: unknown, target = server): Promise<InvitationSent> {
  const response = await api('/api/invitations', token, 'POST', body, target);
  if (response.status !== 201) throw new Error(`invite failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as InvitationSent;
}

async function invitationCount(organizationId: string) {
  const [row] = await server.db.db.select({ value: count() }).from(invitations).where(eq(invitations.organizationId, organizationId));
  return row!.value;
}

async function membershipCount(organizationId: string) {
  const [row] = await server.db.db.select({ value: count() }).from(memberships).where(eq(memberships.organizationId, organizationId));
  return row!.value;
}

describe('inviting someone new', () => {
  it('e-mails a link that looks up, accepts once, and signs in with the role and teams', async () => {
    const { tenant, admin } = await organization();
    await server.db.db
      .update(organizations)
      .set({ name: `<script>alert(1)</script> & Co ${randomUUID().slice(0, 4)}` })
      .where(eq(organizations.id, tenant.organization.id));
    const team = (await jsonOf(await api('/api/teams', admin.token, 'POST', { name: 'Returns' }))) as Team;
    const email = newEmail();

    const sent = await invite(admin.token, { email, teamIds: [team.id] });
    expect(sent).toMatchObject({
      emailed: true,
      invitation: { email, role: 'agent', teamIds: [team.id], invitedBy: admin.user.id, expired: false },
    });
    expect(sent.link).toMatch(/^https:\/\/chat\.example\.test\/console\/invite#[\w-]{43}$/);
    const token = tokenOf(sent);
    const expiresIn = new Date(sent.invitation.expiresAt).getTime() - new Date(sent.invitation.createdAt).getTime();
    expect(Math.round(expiresIn / 86_400_000)).toBe(7);
    // Only the secret's hash is stored.
    const [stored] = await server.db.db.select().from(invitations).where(eq(invitations.id, sent.invitation.id));
    expect(stored!.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    await waitUntil(async () => receiver.received.length === 1, 'the invitation e-mail');
    const [{ envelope, mail }] = receiver.received as [SmtpReceiver['received'][number]];
    expect(envelope.to).toEqual([email]);
    expect(mail.subject).toContain('on Parley');
    expect(mail.text).toContain(sent.link);
    expect(mail.text).toContain(`${admin.user.name} invited you`);
    expect(mail.html).toContain(`href="${sent.link}"`);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(mail.html).not.toContain('<script>');

    const listed = (await jsonOf(await api('/api/people', admin.token))) as PeopleList;
    expect(listed.invitations.map((invitation) => invitation.id)).toEqual([sent.invitation.id]);

    const preview = await anonymous('/api/invitations/lookup', { token });
    expect(preview.status).toBe(200);
    expect((await preview.json()) as InvitationPreview).toMatchObject({
      email,
      role: 'agent',
      accountExists: false,
      organizationName: expect.stringContaining('<script>'),
    });

    const accepted = await anonymous('/api/invitations/accept', { token, name: '  Zoë Ünïcode  ', password: 'long enough pw' });
    expect(accepted.status).toBe(200);
    const session = (await accepted.json()) as LoginResponse;
    expect(session.agent).toMatchObject({ email, name: 'Zoë Ünïcode', role: 'agent', organizationId: tenant.organization.id });
    expect((await jsonOf(await api('/api/me', session.token))).agent.id).toBe(session.agent.id);
    expect((await login(server, email.toUpperCase(), 'long enough pw')).agent.role).toBe('agent');

    const after = (await jsonOf(await api('/api/people', admin.token))) as PeopleList;
    expect(after.invitations).toEqual([]);
    expect(after.people.find((person) => person.email === email)).toMatchObject({
      role: 'agent',
      status: 'active',
      teamIds: [team.id],
      lastLoginAt: expect.any(String),
    });
    expect((await jsonOf(await api('/api/teams', admin.token))).teams[0].memberIds).toContain(session.agent.id);

    // Used once: the link no longer works.
    for (const [path, body] of [
      ['/api/invitations/lookup', { token }],
      ['/api/invitations/accept', { token, name: 'Someone', password: 'long enough pw' }],
    ] as const) {
      const again = await anonymous(path, body);
      expect(again.status).toBe(404);
      expect(await jsonOf(again)).toEqual({ error: { code: 'not_found', message: expect.stringContaining('not valid') } });
    }
  });

  it('answers emailed: false with the link when the server sends no e-mail', async () => {
    const { admin } = await organization(withoutEmail);
    const sent = await invite(admin.token, { email: newEmail() }, withoutEmail);
    expect(sent.emailed).toBe(false);
    expect(sent.link).toMatch(/^http:\/\/localhost:\d+\/console\/invite#[\w-]{43}$/);
    const preview = await anonymous('/api/invitations/lookup', { token: tokenOf(sent) }, newAddress(), withoutEmail);
    expect(preview.status).toBe(200);
  });

  it('lets one of two concurrent accepts win', async () => {
    const { tenant, admin } = await organization();
    const email = newEmail();
    const token = tokenOf(await invite(admin.token, { email }));
    const answers = await Promise.all(
      [1, 2].map(() => anonymous('/api/invitations/accept', { token, name: 'Twin', password: 'long enough pw' })),
    );
    expect(answers.map((answer) => answer.status).toSorted()).toEqual([200, 404]);
    const [accounts] = await server.db.db
      .select({ value: count() })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`);
    expect(accounts!.value).toBe(1);
    expect(await membershipCount(tenant.organization.id)).toBe(4);
  });
});

describe('who may invite', () => {
  it('refuses agents; admins invite agents only; owners invite admins and owners', async () => {
    const { agent, admin, owner } = await organization();
    const email = newEmail();
    const refusals: Array<[string, string, string, unknown]> = [
      [agent.token, 'POST', '/api/invitations', { email }],
      [agent.token, 'GET', '/api/people', undefined],
      [admin.token, 'POST', '/api/invitations', { email, role: 'admin' }],
      [admin.token, 'POST', '/api/invitations', { email, role: 'owner' }],
    ];
    for (const [token, method, path, body] of refusals) {
      const response = await api(path, token, method, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(403);
      expect((await jsonOf(response)).error.code).toBe('forbidden');
    }

    const asAdmin = await invite(owner.token, { email, role: 'admin' });
    // An admin can't send an admin's invitation again, but can withdraw it; an agent can do neither.
    for (const [token, method, path] of [
      [admin.token, 'POST', `/api/invitations/${asAdmin.invitation.id}/resend`],
      [agent.token, 'POST', `/api/invitations/${asAdmin.invitation.id}/resend`],
      [agent.token, 'DELETE', `/api/invitations/${asAdmin.invitation.id}`],
    ] as const) {
      expect((await api(path, token, method)).status, `${method} ${path}`).toBe(403);
    }
    const accepted = (await jsonOf(
      await anonymous('/api/invitations/accept', { token: tokenOf(asAdmin), name: 'New Admin', password: 'long enough pw' }),
    )) as LoginResponse;
    expect(accepted.agent.role).toBe('admin');
    expect((await api('/api/people', accepted.token)).status).toBe(200);

    const asOwner = await invite(owner.token, { email: newEmail(), role: 'owner' });
    expect(asOwner.invitation.role).toBe('owner');
    const agentInvite = await invite(admin.token, { email: newEmail() });
    expect((await api(`/api/invitations/${asOwner.invitation.id}`, admin.token, 'DELETE')).status).toBe(204);
    expect((await api(`/api/invitations/${agentInvite.invitation.id}/resend`, admin.token, 'POST')).status).toBe(200);
  });

  it("refuses members, other organizations' teams and invitations, and bad input, writing nothing", async () => {
    const { tenant, admin, owner } = await organization();
    const other = await organization();
    const otherTeam = (await jsonOf(await api('/api/teams', other.admin.token, 'POST', { name: 'Theirs' }))) as Team;
    const theirs = await invite(other.admin.token, { email: newEmail() });
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/invitations', { email: tenant.email.toUpperCase() }, 409, 'conflict'],
      ['POST', '/api/invitations', { email: owner.email }, 409, 'conflict'],
      ['POST', '/api/invitations', { email: newEmail(), teamIds: [otherTeam.id] }, 404, 'not_found'],
      ['POST', '/api/invitations', { email: newEmail(), teamIds: [randomUUID()] }, 404, 'not_found'],
      ['POST', '/api/invitations', { email: 'not an address' }, 400, 'invalid_payload'],
      ['POST', '/api/invitations', { email: newEmail(), role: 'boss' }, 400, 'invalid_payload'],
      ['POST', '/api/invitations', { email: newEmail(), teamIds: ['x'] }, 400, 'invalid_payload'],
      ['POST', '/api/invitations', { email: newEmail(), extra: true }, 400, 'invalid_payload'],
      ['POST', `/api/invitations/${theirs.invitation.id}/resend`, undefined, 404, 'not_found'],
      ['DELETE', `/api/invitations/${theirs.invitation.id}`, undefined, 404, 'not_found'],
      ['POST', `/api/invitations/${randomUUID()}/resend`, undefined, 404, 'not_found'],
      ['DELETE', '/api/invitations/not-a-uuid', undefined, 400, 'invalid_payload'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const response = await api(path, owner.token, method, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect((await jsonOf(response)).error.code).toBe(code);
    }
    expect(await invitationCount(tenant.organization.id)).toBe(0);
    // Their invitation still works.
    expect((await anonymous('/api/invitations/lookup', { token: tokenOf(theirs) })).status).toBe(200);

    // Naughty strings as an address: refused with invalid_payload, or (a valid address) invited; never a 500.
    const codes = new Set<string>();
    let invited = 0;
    for (const value of naughtyStrings()) {
      const response = await api('/api/invitations', admin.token, 'POST', { email: value });
      if (response.status === 201) invited += 1;
      else codes.add((await jsonOf(response)).error.code);
    }
    expect([...codes]).toEqual(['invalid_payload']);
    expect(await invitationCount(tenant.organization.id)).toBe(invited);
  });
});

describe('a pending invitation', () => {
  it('is replaced by a new one to the same address, in any case', async () => {
    const { tenant, admin } = await organization();
    const email = newEmail();
    const first = await invite(admin.token, { email });
    const second = await invite(admin.token, { email: email.toUpperCase() });
    expect((await anonymous('/api/invitations/lookup', { token: tokenOf(first) })).status).toBe(404);
    expect((await anonymous('/api/invitations/lookup', { token: tokenOf(second) })).status).toBe(200);
    expect(await invitationCount(tenant.organization.id)).toBe(1);
  });

  it('gets a new link and a new week when sent again, says when it has expired, and can be withdrawn', async () => {
    const { admin } = await organization();
    const email = newEmail();
    const first = await invite(admin.token, { email });
    await server.db.db
      .update(invitations)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(invitations.id, first.invitation.id));
    for (const [path, body] of [
      ['/api/invitations/lookup', { token: tokenOf(first) }],
      ['/api/invitations/accept', { token: tokenOf(first), name: 'Late', password: 'long enough pw' }],
    ] as const) {
      const expired = await anonymous(path, body);
      expect(expired.status).toBe(409);
      expect(await jsonOf(expired)).toEqual({ error: { code: 'conflict', message: 'This invitation has expired. Ask for a new one.' } });
    }
    const listed = (await jsonOf(await api('/api/people', admin.token))) as PeopleList;
    expect(listed.invitations).toMatchObject([{ id: first.invitation.id, expired: true }]);

    const resent = (await jsonOf(await api(`/api/invitations/${first.invitation.id}/resend`, admin.token, 'POST'))) as InvitationSent;
    expect(resent).toMatchObject({ emailed: true, invitation: { id: first.invitation.id, expired: false } });
    expect(resent.link).not.toBe(first.link);
    await waitUntil(async () => receiver.received.length === 2, 'both e-mails');
    expect(receiver.received[1]!.mail.text).toContain(resent.link);
    expect((await anonymous('/api/invitations/lookup', { token: tokenOf(first) })).status).toBe(404);
    expect((await anonymous('/api/invitations/lookup', { token: tokenOf(resent) })).status).toBe(200);

    expect((await api(`/api/invitations/${first.invitation.id}`, admin.token, 'DELETE')).status).toBe(204);
    expect((await anonymous('/api/invitations/lookup', { token: tokenOf(resent) })).status).toBe(404);
    expect((await api(`/api/invitations/${first.invitation.id}`, admin.token, 'DELETE')).status).toBe(404);
  });
});

describe('accepting', () => {
  it('asks an existing account for its own password, and adds the membership', async () => {
    const { tenant, admin } = await organization();
    const elsewhere = await createTenant(server);
    const token = tokenOf(await invite(admin.token, { email: elsewhere.email }));
    const preview = (await jsonOf(await anonymous('/api/invitations/lookup', { token }))) as InvitationPreview;
    expect(preview.accountExists).toBe(true);

    const wrong = await anonymous('/api/invitations/accept', { token, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect((await jsonOf(wrong)).error.code).toBe('unauthorized');
    expect(await membershipCount(tenant.organization.id)).toBe(3);

    const accepted = (await jsonOf(await anonymous('/api/invitations/accept', { token, password: elsewhere.password }))) as LoginResponse;
    expect(accepted.agent).toMatchObject({ id: elsewhere.user.id, organizationId: tenant.organization.id, role: 'agent' });
    expect((await jsonOf(await api('/api/me', accepted.token))).agent.organizationId).toBe(tenant.organization.id);
    expect(await membershipCount(tenant.organization.id)).toBe(4);
  });

  it('needs a name and a long enough password for a new account, and refuses naughty input with typed errors', async () => {
    const { tenant, admin } = await organization();
    const token = tokenOf(await invite(admin.token, { email: newEmail() }));
    const refusals: Array<[unknown, number, string]> = [
      [{ token, password: 'long enough pw' }, 400, 'invalid_payload'],
      [{ token, name: 'Short', password: 'short' }, 400, 'invalid_payload'],
      [{ token, name: '   ', password: 'long enough pw' }, 400, 'invalid_payload'],
      [{ token, name: 'Tab\there', password: 'long enough pw' }, 400, 'invalid_payload'],
      [{ token, name: 'x'.repeat(121), password: 'long enough pw' }, 400, 'invalid_payload'],
      [{ token, name: 'Extra', password: 'long enough pw', role: 'owner' }, 400, 'invalid_payload'],
      [{ token: 'short', name: 'Ann', password: 'long enough pw' }, 400, 'invalid_payload'],
      [{ token: `${token}x`, name: 'Ann', password: 'long enough pw' }, 404, 'not_found'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await anonymous('/api/invitations/accept', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await jsonOf(response)).error.code).toBe(code);
    }

    // Naughty strings as a name (with a link that names no invitation) and as a link: typed errors, never a 500.
    const codes = new Set<string>();
    for (const value of naughtyStrings()) {
      const unknownLink = randomUUID().replaceAll('-', '');
      for (const [path, body] of [
        ['/api/invitations/accept', { token: unknownLink, name: value, password: 'long enough pw' }],
        ['/api/invitations/accept', { token: value, name: 'Ann', password: value }],
        ['/api/invitations/lookup', { token: value }],
      ] as const) {
        const response = await anonymous(path, body);
        codes.add((await jsonOf(response)).error.code);
      }
    }
    expect([...codes].toSorted()).toEqual(['invalid_payload', 'not_found']);
    expect(await membershipCount(tenant.organization.id)).toBe(3);
    // The invitation still works, once.
    const accepted = await anonymous('/api/invitations/accept', { token, name: '👩‍💻 <b>Ada</b> ‮RTL', password: 'long enough pw' });
    expect(accepted.status).toBe(200);
    const joined = ((await accepted.json()) as LoginResponse).agent;
    const [user] = await server.db.db.select({ name: users.name }).from(users).where(eq(users.id, joined.id));
    expect(user!.name).toBe('👩‍💻 <b>Ada</b> ‮RTL');
    expect(await server.db.db.select().from(teamMembers).where(eq(teamMembers.userId, joined.id))).toEqual([]);
  });

  it('is rate limited per link, like sign-in', async () => {
    const { admin } = await organization();
    const token = tokenOf(await invite(admin.token, { email: newEmail() }));
    // From ten addresses: the budget is the link's, wherever the tries come from.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await anonymous('/api/invitations/accept', { token, name: 'Guess', password: 'short' })).status).toBe(400);
    }
    const limited = await anonymous('/api/invitations/lookup', { token });
    expect(limited.status).toBe(429);
    expect((await jsonOf(limited)).error.code).toBe('rate_limited');
  });
});
