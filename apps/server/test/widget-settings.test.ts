import { randomUUID } from 'node:crypto';
import { agentSessions, memberships, teamMembers, teams, widgets } from '@parley/db';
import type { Ack, Session, WidgetAdmin, WidgetAdminList, WidgetPublicSettings } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAgent, createWidget } from '../src/seed/accounts.js';
import { botConfigSchema } from '../src/widgets/bot-config.js';
import { apiRequest, connectVisitor, createTenant, jsonOf, login, request, useTestServer } from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// Settings → Widgets: admins read and change a widget's name, origins, looks and bot; agents reach none of it.
const server = useTestServer();

async function organization() {
  const tenant = await createTenant(server, { bot: { enabled: true, model: 'claude-test-model', maxTokens: 512 } });
  const agentToken = (await login(server, tenant.email, tenant.password)).token;
  const email = `admin-${randomUUID().slice(0, 8)}@shop.example`;
  const password = `pw-${randomUUID()}`;
  await createAgent(server.db.db, { organizationId: tenant.organization.id, email, name: 'Admin', password, role: 'admin' });
  const adminToken = (await login(server, email, password)).token;
  return { tenant, agentToken, adminToken, widgetPath: `/api/widgets/${tenant.widget.id}` };
}

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

async function row(id: string) {
  const [found] = await server.db.db.select().from(widgets).where(eq(widgets.id, id));
  return found!;
}

describe('widget settings', () => {
  it('are for admins only: agents get 403 on every route, whatever they send, and nobody unsigned gets in', async () => {
    const { tenant, agentToken, widgetPath } = await organization();
    const before = await row(tenant.widget.id);
    const attempts: Array<[string, string, unknown]> = [
      ['/api/widgets', 'GET', undefined],
      [widgetPath, 'PATCH', { name: 'Mine now' }],
      [widgetPath, 'PATCH', { allowedOrigins: ['https://evil.example'] }],
      [widgetPath, 'PATCH', { settings: { accentColor: 'red' } }],
      [widgetPath, 'PATCH', { bot: { enabled: false } }],
      ['/api/widgets/not-a-uuid', 'PATCH', {}],
      [`/api/routing/widgets/${tenant.widget.id}`, 'PATCH', { strategy: 'least_loaded' }],
      ['/api/routing', 'GET', undefined],
    ];
    for (const [path, method, body] of attempts) {
      const response = await api(path, agentToken, method, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await jsonOf(response)).error.code).toBe('forbidden');
      expect((await fetch(`${server.url}${path}`, { method })).status, `${method} ${path} unsigned`).toBe(401);
    }
    expect(await row(tenant.widget.id)).toEqual(before);
  });

  it("list the organization's widgets by name with what an admin edits, and no CORS opening", async () => {
    const { tenant, adminToken } = await organization();
    const second = await createWidget(server.db.db, {
      organizationId: tenant.organization.id,
      name: 'Another shop',
      allowedOrigins: [],
      settings: { title: 'Help', defaultCountry: 'DE' },
    });
    const response = await api('/api/widgets', adminToken);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const { widgets: listed } = (await jsonOf(response)) as WidgetAdminList;
    expect(listed.map((widget) => widget.id)).toEqual([second.id, tenant.widget.id]);
    expect(listed[1]).toEqual({
      id: tenant.widget.id,
      name: 'Test widget',
      publicKey: tenant.widget.publicKey,
      allowedOrigins: ['https://shop.example'],
      settings: {
        title: 'Chat with us',
        greeting: 'Hi! How can we help?',
        accentColor: '#2563eb',
        position: 'right',
        theme: 'light',
        launcherLabel: '',
        offsetX: 20,
        offsetY: 20,
        teamName: '',
        showAgents: false,
        sound: false,
        locale: 'en',
        botName: 'Assistant',
        defaultCountry: null,
        preChat: { name: 'off', email: 'off', phone: 'off' },
        proactive: [],
      },
      bot: {
        enabled: true,
        handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 2, onProviderFailure: true },
        // None of its own: the server's (the test server answers at once).
        turnTaking: { pauseMs: 0, maxWaitMs: 8000 },
        persona: '',
        tone: expect.any(String),
        businessFacts: '',
        profileId: null,
        triageProfileIds: [],
      },
      routing: { strategy: 'manual', teamId: null, reopen: 'last_agent', hours: null, topics: [] },
    });
    expect(listed[0]!.settings.defaultCountry).toBe('DE');
    // The public settings keep answering any site.
    for (const key of [tenant.widget.publicKey, 'pk_no_such_widget', 'pk%20bad']) {
      const publicSettings = await fetch(`${server.url}/api/widgets/${key}/settings`);
      expect(publicSettings.status).toBe({ pk_no_such_widget: 404, 'pk%20bad': 400 }[key] ?? 200);
      expect(publicSettings.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('change each group on its own, merged into what is stored', async () => {
    const { tenant, adminToken, widgetPath } = await organization();
    const patch = async (body: unknown) => {
      const response = await api(widgetPath, adminToken, 'PATCH', body);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      return (await jsonOf(response)) as WidgetAdmin;
    };

    expect((await patch({ name: 'Harbor & Pine' })).name).toBe('Harbor & Pine');

    // Origins are kept as browsers send them: scheme and host in lowercase, no default port, no trailing slash.
    const origins = await patch({ allowedOrigins: ['HTTPS://Shop.Example:443/', 'http://localhost:3000', 'https://shop.example'] });
    expect(origins.allowedOrigins).toEqual(['https://shop.example', 'http://localhost:3000']);

    const looks = await patch({ settings: { title: 'Harbor help', accentColor: '#1F6F5C', position: 'left', locale: 'pt-br' } });
    expect(looks.settings).toEqual({
      title: 'Harbor help',
      greeting: 'Hi! How can we help?',
      accentColor: '#1F6F5C',
      position: 'left',
      theme: 'light',
      launcherLabel: '',
      offsetX: 20,
      offsetY: 20,
      teamName: '',
      showAgents: false,
      sound: false,
      locale: 'pt-BR',
      botName: 'Assistant',
      defaultCountry: null,
      preChat: { name: 'off', email: 'off', phone: 'off' },
      proactive: [],
    });
    expect((await patch({ settings: { greeting: 'Ahoy!', botName: 'Sam', defaultCountry: 'GB' } })).settings).toMatchObject({
      title: 'Harbor help',
      greeting: 'Ahoy!',
      botName: 'Sam',
      defaultCountry: 'GB',
    });
    expect((await patch({ settings: { defaultCountry: null } })).settings.defaultCountry).toBeNull();
    expect((await row(tenant.widget.id)).settings).not.toHaveProperty('defaultCountry');
    const publicSettings = await jsonOf(await fetch(`${server.url}/api/widgets/${tenant.widget.publicKey}/settings`));
    expect(publicSettings).toEqual({
      title: 'Harbor help',
      greeting: 'Ahoy!',
      accentColor: '#1F6F5C',
      position: 'left',
      theme: 'light',
      launcherLabel: '',
      offsetX: 20,
      offsetY: 20,
      teamName: '',
      sound: false,
      locale: 'pt-BR',
      botName: 'Sam',
      preChat: { name: 'off', email: 'off', phone: 'off' },
      proactive: [],
    });

    const bot = await patch({ bot: { enabled: false, handoff: { afterNotHelpful: 0 }, persona: 'You are Sam.', tone: 'Brief.' } });
    expect(bot.bot).toEqual({
      enabled: false,
      handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 0, onProviderFailure: true },
      turnTaking: { pauseMs: 0, maxWaitMs: 8000 },
      persona: 'You are Sam.',
      tone: 'Brief.',
      businessFacts: '',
      profileId: null,
      triageProfileIds: [],
    });
    await patch({ bot: { handoff: { onProviderFailure: false }, businessFacts: 'Open 9–5.' } });
    // What the bot reads stays valid for it, with the fields this page doesn't show kept.
    const stored = botConfigSchema.parse((await row(tenant.widget.id)).bot);
    expect(stored).toMatchObject({
      enabled: false,
      model: 'claude-test-model',
      maxTokens: 512,
      persona: 'You are Sam.',
      businessFacts: 'Open 9–5.',
      handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 0, onProviderFailure: false },
    });

    // Routing stays on /api/routing/widgets/:id; the list shows it.
    const hours = { timeZone: 'Europe/London', weekly: { monday: [{ open: '09:00', close: '17:00' }] }, holidays: ['2026-12-25'] };
    const routed = await api(`/api/routing/widgets/${tenant.widget.id}`, adminToken, 'PATCH', { strategy: 'least_loaded', hours });
    expect(routed.status).toBe(200);
    const { widgets: listed } = (await jsonOf(await api('/api/widgets', adminToken))) as WidgetAdminList;
    expect(listed[0]!.routing).toMatchObject({ strategy: 'least_loaded', hours });
    expect(listed[0]!.name).toBe('Harbor & Pine');
  });

  it("answer 404 for another organization's widget, and leave it alone", async () => {
    const { adminToken } = await organization();
    const other = await organization();
    const before = await row(other.tenant.widget.id);
    for (const body of [{ name: 'Taken' }, { settings: { title: 'Taken' } }]) {
      const response = await api(other.widgetPath, adminToken, 'PATCH', body);
      expect(response.status).toBe(404);
      expect((await jsonOf(response)).error.code).toBe('not_found');
    }
    expect((await api(`/api/widgets/${randomUUID()}`, adminToken, 'PATCH', { name: 'Nobody' })).status).toBe(404);
    const { widgets: listed } = (await jsonOf(await api('/api/widgets', adminToken))) as WidgetAdminList;
    expect(listed.map((widget) => widget.id)).not.toContain(other.tenant.widget.id);
    expect(await row(other.tenant.widget.id)).toEqual(before);
  });

  it('refuse bad values with invalid_payload naming the field, and write nothing of a refused change', async () => {
    const { tenant, adminToken, widgetPath } = await organization();
    const before = await row(tenant.widget.id);
    const refusals: Array<[unknown, string, string?]> = [
      // A valid name with a bad origin: neither is written.
      [{ name: 'Half', allowedOrigins: ['https://ok.example', 'javascript:alert(1)'] }, 'body.allowedOrigins.1', 'not a web origin'],
      // A page address is refused, not cut down to its origin: it may not be the site meant.
      [{ allowedOrigins: ['https://shop.example/path'] }, 'body.allowedOrigins.0', 'write the origin alone, as https://shop.example'],
      [{ allowedOrigins: Array.from({ length: 51 }, (_, index) => `https://s${index}.example`) }, 'body.allowedOrigins'],
      [{ allowedOrigins: 'https://shop.example' }, 'body.allowedOrigins'],
      [{ settings: { accentColor: 'red' } }, 'body.settings.accentColor', '#'],
      [{ settings: { accentColor: '#12345' } }, 'body.settings.accentColor'],
      [{ settings: { accentColor: '#1234567' } }, 'body.settings.accentColor'],
      [{ settings: { title: 'New title', locale: 'en_US' } }, 'body.settings.locale', 'language tag'],
      [{ settings: { locale: 'not a locale' } }, 'body.settings.locale'],
      [{ settings: { defaultCountry: 'XX1' } }, 'body.settings.defaultCountry'],
      [{ settings: { defaultCountry: 'us' } }, 'body.settings.defaultCountry'],
      // Well-formed, but no country phone numbers can be read for.
      [{ settings: { defaultCountry: 'ZZ' } }, 'body.settings.defaultCountry', 'ZZ'],
      [{ settings: { position: 'top' } }, 'body.settings.position'],
      [{ settings: { title: '' } }, 'body.settings.title'],
      [{ settings: { title: 'x'.repeat(81) } }, 'body.settings.title'],
      [{ settings: { faq: [] } }, 'body.settings'],
      [{ settings: { theme: 'sepia' } }, 'body.settings.theme'],
      [{ settings: { theme: null } }, 'body.settings.theme'],
      [{ settings: { launcherLabel: 'x'.repeat(31) } }, 'body.settings.launcherLabel', 'At most 30'],
      [{ settings: { launcherLabel: 'Chat\nnow' } }, 'body.settings.launcherLabel', 'one line'],
      [{ settings: { launcherLabel: 7 } }, 'body.settings.launcherLabel'],
      [{ settings: { offsetX: -1 } }, 'body.settings.offsetX', 'At least 0'],
      [{ settings: { offsetX: 201 } }, 'body.settings.offsetX', 'At most 200'],
      [{ settings: { offsetY: 12.5 } }, 'body.settings.offsetY', 'whole pixels'],
      [{ settings: { offsetY: '20' } }, 'body.settings.offsetY'],
      [{ settings: { teamName: 'x'.repeat(81) } }, 'body.settings.teamName', 'At most 80'],
      [{ settings: { title: 'Fine', showAgents: 'yes' } }, 'body.settings.showAgents'],
      [{ settings: { sound: 1 } }, 'body.settings.sound'],
      [{ bot: { enabled: 'yes' } }, 'body.bot.enabled'],
      [{ bot: { handoff: { afterRepliesWithoutSource: 21 } } }, 'body.bot.handoff.afterRepliesWithoutSource'],
      [{ bot: { handoff: { afterNotHelpful: -1 } } }, 'body.bot.handoff.afterNotHelpful'],
      [{ bot: { handoff: { afterNotHelpful: 1.5 } } }, 'body.bot.handoff.afterNotHelpful'],
      [{ bot: { turnTaking: { pauseMs: 10_001 } } }, 'body.bot.turnTaking.pauseMs'],
      [{ bot: { turnTaking: { maxWaitMs: -1 } } }, 'body.bot.turnTaking.maxWaitMs'],
      [{ bot: { turnTaking: { pauseMs: 1.5 } } }, 'body.bot.turnTaking.pauseMs'],
      [{ bot: { persona: 'x'.repeat(2001) } }, 'body.bot.persona'],
      [{ bot: { model: 'gpt' } }, 'body.bot'],
      [{ name: '   ' }, 'body.name'],
      [{ publicKey: 'pk_mine' }, 'body'],
      [{}, 'body'],
    ];
    for (const [body, path, message] of refusals) {
      const response = await api(widgetPath, adminToken, 'PATCH', body);
      const what = JSON.stringify(body).slice(0, 120);
      expect(response.status, what).toBe(400);
      const { error } = await jsonOf(response);
      expect(error.code, what).toBe('invalid_payload');
      // A whole-body issue's path is `body.` (the root's instance path is `/`).
      const issue = (error.issues as Array<{ path: string; message: string }>).find(
        (candidate) => candidate.path.replace(/\.$/, '') === path,
      );
      expect(issue, `${what}: ${JSON.stringify(error.issues)}`).toBeDefined();
      if (message) expect(issue!.message, what).toContain(message);
    }
    expect(await row(tenant.widget.id)).toEqual(before);
  });

  it('keep naughty strings as titles and greetings exactly as written, or refuse them with invalid_payload', async () => {
    const { tenant, adminToken, widgetPath } = await organization();
    const codes = new Set<string>();
    let accepted = 0;
    let lastTitle = 'Chat with us';
    for (const value of naughtyStrings()) {
      for (const field of ['title', 'greeting'] as const) {
        const response = await api(widgetPath, adminToken, 'PATCH', { settings: { [field]: value } });
        if (response.status === 200) {
          accepted++;
          expect(((await jsonOf(response)) as WidgetAdmin).settings[field], JSON.stringify(value)).toBe(value);
          if (field === 'title') lastTitle = value;
        } else {
          expect(response.status, JSON.stringify(value)).toBe(400);
          codes.add((await jsonOf(response)).error.code);
        }
      }
    }
    expect([...codes]).toEqual(['invalid_payload']);
    expect(accepted).toBeGreaterThan(500);
    const stored = await row(tenant.widget.id);
    expect((stored.settings as { title: string }).title).toBe(lastTitle);
    const publicSettings = await jsonOf(await fetch(`${server.url}/api/widgets/${tenant.widget.publicKey}/settings`));
    expect(publicSettings.title).toBe(lastTitle);
  });
});

async function fetchPublicSettings(publicKey: string): Promise<WidgetPublicSettings> {
  const response = await fetch(`${server.url}/api/widgets/${publicKey}/settings`);
  expect(response.status).toBe(200);
  return (await jsonOf(response)) as WidgetPublicSettings;
}

async function sessionWidget(publicKey: string): Promise<Session['widget']> {
  const visitor = await connectVisitor(server, { widgetKey: publicKey });
  try {
    const ack = await request<Ack<Session>>(visitor, 'session:get');
    if (!ack.ok) throw new Error(`session:get failed: ${JSON.stringify(ack)}`);
    return ack.data.widget;
  } finally {
    visitor.close();
  }
}

/** An agent of the organization, online (a fresh connection row) or not, away or not. */
async function agent(organizationId: string, name: string, presence: 'online' | 'away' | 'offline' = 'offline') {
  const user = await createAgent(server.db.db, {
    organizationId,
    email: `${randomUUID().slice(0, 8)}@shop.example`,
    name,
    password: `pw-${randomUUID()}`,
    role: 'agent',
  });
  if (presence !== 'offline') {
    await server.db.db.insert(agentSessions).values({ instanceId: randomUUID(), userId: user.id, organizationId });
  }
  if (presence === 'away') {
    await server.db.db
      .update(memberships)
      .set({ away: true })
      .where(and(eq(memberships.userId, user.id), eq(memberships.organizationId, organizationId)));
  }
  return user;
}

describe('widget theme settings', () => {
  it('round-trip through the admin API, the public settings and the session, with defaults for stored widgets', async () => {
    const { tenant, adminToken, widgetPath } = await organization();
    // A widget stored before these settings existed reads with their defaults.
    await server.db.db
      .update(widgets)
      .set({ settings: { title: 'Old', greeting: 'Hi', accentColor: '#123456', position: 'left', locale: 'en', botName: 'Bot' } })
      .where(eq(widgets.id, tenant.widget.id));
    const defaults = await fetchPublicSettings(tenant.widget.publicKey);
    expect(defaults).toMatchObject({
      title: 'Old',
      theme: 'light',
      launcherLabel: '',
      offsetX: 20,
      offsetY: 20,
      teamName: '',
      sound: false,
    });
    expect(defaults).not.toHaveProperty('agents');
    expect(defaults).not.toHaveProperty('showAgents');

    const changes = {
      theme: 'dark',
      launcherLabel: '  Chat with us  ',
      offsetX: 0,
      offsetY: 200,
      teamName: 'Harbor & Pine support',
      showAgents: true,
      sound: true,
    };
    const response = await api(widgetPath, adminToken, 'PATCH', { settings: changes });
    expect(response.status).toBe(200);
    const saved = { ...changes, launcherLabel: 'Chat with us' };
    expect(((await jsonOf(response)) as WidgetAdmin).settings).toMatchObject({ ...saved, title: 'Old', position: 'left' });
    expect((await row(tenant.widget.id)).settings).toMatchObject(saved);
    const { widgets: listed } = (await jsonOf(await api('/api/widgets', adminToken))) as WidgetAdminList;
    expect(listed[0]!.settings).toMatchObject(saved);

    const { showAgents: _showAgents, ...visible } = saved;
    const served = await fetchPublicSettings(tenant.widget.publicKey);
    expect(served).toMatchObject(visible);
    expect(served).not.toHaveProperty('showAgents');
    // The tenant's agent and the admin: first names, none online, by name.
    expect(served.agents).toEqual([{ name: 'Admin' }, { name: 'Agent' }]);
    expect(await sessionWidget(tenant.widget.publicKey)).toMatchObject({ ...saved, agents: [{ name: 'Admin' }, { name: 'Agent' }] });

    // One field at a time keeps the others; an empty label goes back to the icon only.
    const cleared = await api(widgetPath, adminToken, 'PATCH', { settings: { launcherLabel: '', showAgents: false } });
    expect(((await jsonOf(cleared)) as WidgetAdmin).settings).toMatchObject({ ...saved, launcherLabel: '', showAgents: false });
    expect(await fetchPublicSettings(tenant.widget.publicKey)).not.toHaveProperty('agents');
    expect(await sessionWidget(tenant.widget.publicKey)).not.toHaveProperty('agents');
  });

  it('show at most three agents by first name, online ones first, and only the routed team when there is one', async () => {
    const tenant = await createTenant(server, { settings: { showAgents: true } });
    const organizationId = tenant.organization.id;
    await agent(organizationId, 'Zoe Quinn', 'online');
    await agent(organizationId, 'Bea  Van der Berg', 'away');
    await agent(organizationId, '  Yusuf Ali ', 'online');
    const deactivated = await agent(organizationId, 'Aaron Gone', 'online');
    await server.db.db
      .update(memberships)
      .set({ deactivatedAt: new Date() })
      .where(and(eq(memberships.userId, deactivated.id), eq(memberships.organizationId, organizationId)));
    // Another organization's online agent is never shown.
    const other = await createTenant(server);
    await agent(other.organization.id, 'Abel Other', 'online');

    // Online (not away) first, by name; then the others by name; three at most, first names only.
    const expected = [{ name: 'Yusuf' }, { name: 'Zoe' }, { name: 'Agent' }];
    expect((await fetchPublicSettings(tenant.widget.publicKey)).agents).toEqual(expected);
    expect((await sessionWidget(tenant.widget.publicKey)).agents).toEqual(expected);

    // Routing names a team: its members only.
    const [team] = await server.db.db
      .insert(teams)
      .values({ organizationId, name: `Billing ${randomUUID().slice(0, 8)}` })
      .returning();
    const carla = await agent(organizationId, 'Carla Díaz');
    const dan = await agent(organizationId, 'Dan Smith', 'online');
    await server.db.db.insert(teamMembers).values([
      { teamId: team!.id, userId: carla.id },
      { teamId: team!.id, userId: dan.id },
    ]);
    await server.db.db
      .update(widgets)
      .set({ routing: { strategy: 'manual', teamId: team!.id, reopen: 'last_agent', hours: null, topics: [] } })
      .where(eq(widgets.id, tenant.widget.id));
    expect((await fetchPublicSettings(tenant.widget.publicKey)).agents).toEqual([{ name: 'Dan' }, { name: 'Carla' }]);
    expect((await sessionWidget(tenant.widget.publicKey)).agents).toEqual([{ name: 'Dan' }, { name: 'Carla' }]);
  });
});
