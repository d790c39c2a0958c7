// @vitest-environment happy-dom
import type { Agent, Invitation, Person, Team } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { PeopleSettings } from './people-settings.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const at = '2026-11-01T09:00:00.000Z';
const OWNER = '00000000-0000-4000-8000-000000000001';
const ADMIN = '00000000-0000-4000-8000-000000000002';
const ADA = '00000000-0000-4000-8000-000000000003';
const ZOE = '00000000-0000-4000-8000-000000000004';
const BILLING = '10000000-0000-4000-8000-000000000001';

function person(id: string, name: string, role: Person['role'], overrides: Partial<Person> = {}): Person {
  const email = `${name.split(' ')[0]!.toLowerCase()}@example.com`;
  return {
    id,
    name,
    email,
    role,
    status: 'active',
    teamIds: [],
    maxConversations: null,
    openConversations: 0,
    lastLoginAt: at,
    createdAt: at,
    ...overrides,
  };
}

const invitation = (id: string, email: string, expired: boolean): Invitation => ({
  id,
  email,
  role: 'agent',
  teamIds: [],
  invitedBy: OWNER,
  createdAt: at,
  expiresAt: expired ? '2026-11-08T09:00:00.000Z' : '2999-01-01T00:00:00.000Z',
  expired,
});

const owner: Pick<Agent, 'id' | 'role'> = { id: OWNER, role: 'owner' };
const admin: Pick<Agent, 'id' | 'role'> = { id: ADMIN, role: 'admin' };

interface Request {
  method: string;
  path: string;
  body: unknown;
}

/**
 * A fake server holding the organization: answers the People page's routes from what it holds, like the real one. A
 * test may make the next write fail with `refuse`.
 */
function fakeServer(options: { emailed?: boolean; me?: string } = {}) {
  const requests: Request[] = [];
  let people: Person[] = [
    person(ADA, 'Ada Lovelace', 'agent', {
      teamIds: [BILLING],
      openConversations: 3,
      avatarUrl: `https://parley.example/api/avatars/${ADA}/0123456789abcdef.webp`,
    }),
    person(ADMIN, 'Adam Admin', 'admin'),
    person(OWNER, 'Olivia Owner', 'owner'),
    person(ZOE, 'Zoe Quinn', 'agent', { status: 'deactivated', lastLoginAt: null, maxConversations: 2 }),
  ];
  let invitations: Invitation[] = [invitation('i-1', 'new@example.com', false), invitation('i-2', 'late@example.com', true)];
  let teams: Team[] = [{ id: BILLING, name: 'Billing', memberIds: [ADA], botProfileId: null }];
  let defaultMaxConversations = 5;
  let refusal: { status: number; code: string; message: string } | null = null;
  let sent = 0;

  const routing = () => ({
    defaultMaxConversations,
    agents: people.map((held) => ({ userId: held.id, name: held.name, maxConversations: held.maxConversations })),
    widgets: [],
  });

  const fetch: FetchFunction = async (path, init) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, path, body });
    if (method !== 'GET' && refusal) {
      const { status, code, message } = refusal;
      refusal = null;
      return json(status, { error: { code, message } });
    }
    const id = path.split('/')[3];
    const meId = options.me ?? ADMIN;
    if (method === 'GET' && path === '/api/me') {
      const { name, email, role, avatarUrl } = people.find((held) => held.id === meId)!;
      const agent = { id: meId, name, email, role, organizationId: 'org-1', organizationName: 'Shop' };
      return json(200, { agent, email: false, avatarUrl: avatarUrl ?? null });
    }
    if ((method === 'PUT' || method === 'DELETE') && path.endsWith('/avatar')) {
      const userId = path === '/api/me/avatar' ? meId : id!;
      const avatarUrl =
        method === 'PUT' ? `https://parley.example/api/avatars/${userId}/${body.imageBase64.length}0000000000000.webp` : null;
      people = people.map((held) => (held.id === userId ? { ...held, avatarUrl: avatarUrl ?? undefined } : held));
      return json(200, { avatarUrl });
    }
    if (method === 'GET' && path === '/api/people') return json(200, { people, invitations, defaultMaxConversations });
    if (method === 'GET' && path === '/api/teams') return json(200, { teams });
    if (method === 'PATCH' && path.startsWith('/api/people/')) {
      people = people.map((held) =>
        held.id === id ? { ...held, ...body, openConversations: body.status === 'deactivated' ? 0 : held.openConversations } : held,
      );
      return json(
        200,
        people.find((held) => held.id === id),
      );
    }
    if (method === 'PATCH' && path.startsWith('/api/routing/agents/')) {
      const userId = path.split('/')[4];
      people = people.map((held) => (held.id === userId ? { ...held, maxConversations: body.maxConversations } : held));
      return json(200, routing());
    }
    if (method === 'PATCH' && path === '/api/routing') {
      defaultMaxConversations = body.defaultMaxConversations;
      return json(200, routing());
    }
    if (method === 'POST' && path === '/api/invitations') {
      const created = { ...invitation(`i-new-${++sent}`, body.email, false), role: body.role, teamIds: body.teamIds };
      invitations = [created, ...invitations];
      return json(201, {
        invitation: created,
        link: `https://parley.example/console/invite#secret-${sent}`,
        emailed: options.emailed ?? false,
      });
    }
    if (method === 'POST' && path.endsWith('/resend')) {
      const resent = { ...invitations.find((held) => held.id === id)!, expired: false, expiresAt: '2999-02-01T00:00:00.000Z' };
      invitations = [resent, ...invitations.filter((held) => held.id !== id)];
      return json(200, { invitation: resent, link: `https://parley.example/console/invite#again-${++sent}`, emailed: false });
    }
    if (method === 'DELETE' && path.startsWith('/api/invitations/')) {
      invitations = invitations.filter((held) => held.id !== id);
      return new Response(null, { status: 204 });
    }
    if (method === 'POST' && path === '/api/teams') {
      const created = {
        id: `team-${teams.length + 1}`,
        name: body.name,
        memberIds: body.memberIds,
        botProfileId: body.botProfileId ?? null,
      };
      teams = [...teams, created];
      return json(201, created);
    }
    if (method === 'PATCH' && path.startsWith('/api/teams/')) {
      teams = teams.map((held) => (held.id === id ? { ...held, ...body } : held));
      return json(
        200,
        teams.find((held) => held.id === id),
      );
    }
    if (method === 'DELETE' && path.startsWith('/api/teams/')) {
      teams = teams.filter((held) => held.id !== id);
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };
  return {
    fetch,
    requests,
    writes: () => requests.filter((request) => request.method !== 'GET'),
    refuse(status: number, code: string, message: string) {
      refusal = { status, code, message };
    },
  };
}

async function mount(viewer: Pick<Agent, 'id' | 'role'>, server = fakeServer()) {
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(<PeopleSettings api={createApi({ fetch: server.fetch })} viewer={viewer} />, container));
  await vi.waitFor(() => expect(container.querySelector('.people-table')).not.toBeNull());
  return server;
}

/** The control named `name` by its `aria-label` or its `<label>`'s text, as assistive technology names it. */
function control<T extends HTMLElement = HTMLInputElement>(name: string, within: ParentNode = container): T {
  const labelled = within.querySelector<T>(`[aria-label="${name}"]`);
  if (labelled) return labelled;
  // A field's name is its `.field-label`: a select's label also holds its options' text.
  const label = [...within.querySelectorAll('label')].find(
    (candidate) => (candidate.querySelector('.field-label') ?? candidate).textContent?.trim() === name,
  );
  const found = label?.querySelector<T>('input, select, textarea');
  if (!found) throw new Error(`No control named ${name}`);
  return found;
}

function button(name: string, within: ParentNode = container): HTMLButtonElement {
  const found = [...within.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);
  if (!found) throw new Error(`No button named ${name}`);
  return found;
}

/** The `<tbody>` of the person named `name`. */
function row(name: string): HTMLElement {
  const found = [...container.querySelectorAll<HTMLElement>('.people-row')].find((candidate) =>
    candidate.querySelector('.people-name')?.textContent?.includes(name),
  );
  if (!found) throw new Error(`No row for ${name}`);
  return found;
}

function section(heading: string): HTMLElement {
  const title = [...container.querySelectorAll('h2')].find((candidate) => candidate.textContent?.trim() === heading);
  const found = title?.closest<HTMLElement>('section, form');
  if (!found) throw new Error(`No section ${heading}`);
  return found;
}

async function type(input: HTMLInputElement, value: string) {
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function choose(select: HTMLSelectElement, value: string) {
  await act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function check(input: HTMLInputElement, checked: boolean) {
  await act(() => {
    input.checked = checked;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** Picks `file` in the file dialog of the picture control within `within`, as the agent would. */
async function pickFile(within: HTMLElement, file: File) {
  const input = within.querySelector<HTMLInputElement>('input[type="file"]')!;
  expect(input.hidden).toBe(true);
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function click(target: HTMLButtonElement) {
  await act(() => target.click());
}

const refuseEverything: FetchFunction = async () => json(403, { error: { code: 'forbidden', message: 'Only admins can manage people.' } });

const alertText = () => [...container.querySelectorAll('[role="alert"]')].map((alert) => alert.textContent).join(' ');

describe('PeopleSettings', () => {
  it('lists the people with their role, teams, capacity, status and last sign-in, and the pending invitations', async () => {
    await mount(owner);

    const ada = row('Ada Lovelace');
    expect(ada.textContent).toContain('ada@example.com');
    expect(control<HTMLSelectElement>('Role of Ada Lovelace').value).toBe('agent');
    expect(ada.textContent).toContain('Billing');
    expect(control('Capacity of Ada Lovelace').value).toBe('');
    expect(control('Capacity of Ada Lovelace').placeholder).toBe('default (5)');
    expect(ada.querySelector('.people-count')!.textContent).toBe('3');
    expect(ada.querySelector('.people-status')!.textContent).toBe('Active');

    const zoe = row('Zoe Quinn');
    expect(control('Capacity of Zoe Quinn').value).toBe('2');
    expect(zoe.querySelector('.people-status')!.textContent).toBe('Deactivated');
    expect(button('Reactivate', zoe)).toBeDefined();
    expect(zoe.textContent).toContain('Never');

    const pending = section('Pending invitations');
    const items = [...pending.querySelectorAll('li')].map((item) => item.textContent);
    expect(items[0]).toContain('new@example.com');
    expect(items[0]).toContain('Expires');
    expect(items[1]).toContain('late@example.com');
    expect(items[1]).toContain('Expired');
  });

  it('lets an admin change agents only, and not their own row, saying why', async () => {
    await mount(admin);

    const adminRole = control<HTMLSelectElement>('Role of Olivia Owner');
    expect(adminRole.disabled).toBe(true);
    expect(container.querySelector(`#${adminRole.getAttribute('aria-describedby')}`)!.textContent).toBe(
      'Only an owner can change an owner.',
    );
    expect(button('Deactivate', row('Olivia Owner')).disabled).toBe(true);

    const own = control<HTMLSelectElement>('Role of Adam Admin');
    expect(own.disabled).toBe(true);
    expect(row('Adam Admin').textContent).toContain('You cannot change your own role or status');

    // An agent's status is theirs to change, their role is an owner's (a promotion).
    expect(control<HTMLSelectElement>('Role of Ada Lovelace').disabled).toBe(true);
    expect(button('Deactivate', row('Ada Lovelace')).disabled).toBe(false);
    // And they invite agents only.
    const invite = section('Invite someone');
    expect([...control<HTMLSelectElement>('Role', invite).options].map((option) => option.value)).toEqual(['agent']);
  });

  it('lets an owner change an admin’s role, after saying so with Save role', async () => {
    const server = await mount(owner);

    const role = control<HTMLSelectElement>('Role of Adam Admin');
    expect(role.disabled).toBe(false);
    await choose(role, 'agent');
    expect(server.writes()).toEqual([]);
    await click(button('Save role', row('Adam Admin')));

    await vi.waitFor(() => expect(row('Adam Admin').textContent).toContain('Adam Admin is now agent.'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/people/${ADMIN}`, body: { role: 'agent' } }]);
    expect(control<HTMLSelectElement>('Role of Adam Admin').value).toBe('agent');
    expect([...control<HTMLSelectElement>('Role', section('Invite someone')).options].map((option) => option.value)).toEqual([
      'agent',
      'admin',
      'owner',
    ]);
  });

  it('shows the server’s refusal and keeps the chosen role', async () => {
    const server = await mount(owner);
    server.refuse(409, 'conflict', 'An organization always keeps an active owner.');

    await choose(control<HTMLSelectElement>('Role of Adam Admin'), 'owner');
    await click(button('Save role', row('Adam Admin')));

    await vi.waitFor(() => expect(alertText()).toBe('An organization always keeps an active owner.'));
    expect(control<HTMLSelectElement>('Role of Adam Admin').value).toBe('owner');
    expect(button('Save role', row('Adam Admin')).disabled).toBe(false);
  });

  it('asks before deactivating, saying the open conversations go back to the queue, then sends the status', async () => {
    const server = await mount(owner);
    const ada = row('Ada Lovelace');

    await click(button('Deactivate', ada));
    expect(ada.textContent).toContain('their 3 open conversations go back to the queue');
    expect(server.writes()).toEqual([]);

    await click(button('Cancel', ada));
    expect(ada.textContent).not.toContain('go back to the queue');

    await click(button('Deactivate', ada));
    await click(button('Yes, deactivate', ada));
    await vi.waitFor(() => expect(ada.querySelector('.people-status')!.textContent).toBe('Deactivated'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/people/${ADA}`, body: { status: 'deactivated' } }]);
    expect(ada.querySelector('.people-count')!.textContent).toBe('0');
    expect(button('Reactivate', ada)).toBeDefined();
  });

  it('saves a capacity through the routing route, and an empty one as the default', async () => {
    const server = await mount(owner);
    const ada = row('Ada Lovelace');

    await type(control('Capacity of Ada Lovelace'), '4');
    await click(button('Save', ada));
    await vi.waitFor(() => expect(ada.textContent).toContain('Saved.'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/routing/agents/${ADA}`, body: { maxConversations: 4 } }]);

    await type(control('Capacity of Zoe Quinn'), '');
    await click(button('Save', row('Zoe Quinn')));
    await vi.waitFor(() => expect(server.writes()).toHaveLength(2));
    expect(server.writes()[1]).toEqual({ method: 'PATCH', path: `/api/routing/agents/${ZOE}`, body: { maxConversations: null } });

    // Out of range: refused before asking the server.
    await type(control('Capacity of Ada Lovelace'), '500');
    await click(button('Save', ada));
    expect(alertText()).toContain('Enter a whole number from 1 to 100.');
    expect(server.writes()).toHaveLength(2);
  });

  it('saves the organization’s default capacity, which the empty capacities then show', async () => {
    const server = await mount(owner);
    const form = section('Default capacity');

    await type(control('Conversations each person takes at once', form), '8');
    await click(button('Save default capacity', form));

    await vi.waitFor(() => expect(control('Capacity of Ada Lovelace').placeholder).toBe('default (8)'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: '/api/routing', body: { defaultMaxConversations: 8 } }]);
  });

  it('invites someone and shows the link once, saying it was not e-mailed', async () => {
    const server = await mount(owner);
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const invite = section('Invite someone');

    await type(control('E-mail', invite), 'grace@example.com');
    await choose(control<HTMLSelectElement>('Role', invite), 'admin');
    await check(control('Billing', invite), true);
    await click(button('Send invitation', invite));

    const link = await vi.waitFor(() => control('Invitation link'));
    expect(link.value).toBe('https://parley.example/console/invite#secret-1');
    expect(server.writes()).toEqual([
      { method: 'POST', path: '/api/invitations', body: { email: 'grace@example.com', role: 'admin', teamIds: [BILLING] } },
    ]);
    expect(container.textContent).toContain('E-mail is not configured on this server: copy the link and send it yourself.');
    expect(control('E-mail', invite).value).toBe('');
    expect(section('Pending invitations').textContent).toContain('grace@example.com');

    await click(button('Copy'));
    await vi.waitFor(() => expect(container.textContent).toContain('Copied.'));
    expect(writeText).toHaveBeenCalledWith('https://parley.example/console/invite#secret-1');

    await click(button('Done'));
    expect(container.querySelector('[aria-label="Invitation link"], .invitation-link')).toBeNull();
    expect(container.textContent).not.toContain('secret-1');
  });

  it('says "Sent to" when the server e-mailed the invitation, and falls back when the clipboard is unavailable', async () => {
    await mount(owner, fakeServer({ emailed: true }));
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    const invite = section('Invite someone');

    await type(control('E-mail', invite), 'grace@example.com');
    await click(button('Send invitation', invite));

    await vi.waitFor(() => expect(container.textContent).toContain('Sent to grace@example.com.'));
    await click(button('Copy'));
    expect(container.textContent).toContain('Could not copy: the link is selected');
  });

  it('keeps what was typed when the invitation is refused', async () => {
    const server = await mount(owner);
    server.refuse(409, 'conflict', 'grace@example.com is a member already.');
    const invite = section('Invite someone');

    await type(control('E-mail', invite), 'grace@example.com');
    await click(button('Send invitation', invite));

    await vi.waitFor(() => expect(alertText()).toBe('grace@example.com is a member already.'));
    expect(control('E-mail', invite).value).toBe('grace@example.com');
  });

  it('resends an invitation, showing the new link, and revokes one', async () => {
    const server = await mount(owner);
    const expired = [...section('Pending invitations').querySelectorAll('li')].find((item) =>
      item.textContent?.includes('late@example.com'),
    )!;

    await click(button('Resend', expired));
    await vi.waitFor(() => expect(control('Invitation link').value).toBe('https://parley.example/console/invite#again-1'));
    expect(section('Pending invitations').textContent).not.toContain('Expired');

    const first = section('Pending invitations').querySelector('li')!;
    expect(first.textContent).toContain('late@example.com');
    await click(button('Revoke', first));
    await vi.waitFor(() => expect(section('Pending invitations').textContent).not.toContain('late@example.com'));
    expect(server.writes()).toEqual([
      { method: 'POST', path: '/api/invitations/i-2/resend', body: undefined },
      { method: 'DELETE', path: '/api/invitations/i-2', body: undefined },
    ]);
    // The link of a revoked invitation goes with it.
    expect(container.querySelector('.invitation-link')).toBeNull();
  });

  it('creates a team with members, edits its members and deletes one after confirming', async () => {
    const server = await mount(owner);
    const teams = section('Teams');

    await type(control('Team name', teams), 'Sales');
    await check(control('Ada Lovelace', teams.querySelector('.team-editor')!), true);
    await click(button('Create team', teams));
    await vi.waitFor(() => expect(section('Teams').textContent).toContain('Sales'));
    expect(server.writes()).toEqual([{ method: 'POST', path: '/api/teams', body: { name: 'Sales', memberIds: [ADA] } }]);
    expect(control('Team name', section('Teams')).value).toBe('');
    expect(row('Ada Lovelace').textContent).toContain('Billing, Sales');

    const billing = [...section('Teams').querySelectorAll('li')].find((item) => item.textContent?.includes('Billing'))!;
    await click(button('Edit', billing));
    await check(control('Ada Lovelace', billing), false);
    await check(control('Zoe Quinn (deactivated)', billing), true);
    await click(button('Save team', billing));
    await vi.waitFor(() => expect(billing.querySelector('.team-settings-members')?.textContent).toBe('Zoe Quinn'));
    expect(server.writes()[1]).toEqual({ method: 'PATCH', path: `/api/teams/${BILLING}`, body: { name: 'Billing', memberIds: [ZOE] } });
    expect(row('Ada Lovelace').textContent).not.toContain('Billing');

    await click(button('Delete', billing));
    expect(billing.textContent).toContain('Delete the team Billing?');
    await click(button('Yes, delete', billing));
    await vi.waitFor(() => expect(section('Teams').textContent).not.toContain('Billing'));
    expect(server.writes()[2]).toEqual({ method: 'DELETE', path: `/api/teams/${BILLING}`, body: undefined });
  });

  it("shows everyone's picture or initials, and lets an admin change an agent's picture but not an admin's", async () => {
    const server = await mount(admin);
    // Loaded from the console's own server, whatever address the server's public URL names (the console's CSP).
    expect(row('Ada Lovelace').querySelector('img.avatar')?.getAttribute('src')).toBe(`/api/avatars/${ADA}/0123456789abcdef.webp`);
    expect(row('Ada Lovelace').querySelector('img.avatar')?.getAttribute('alt')).toBe('');
    expect(row('Olivia Owner').querySelector('.avatar')?.textContent).toBe('OO');
    expect(row('Olivia Owner').querySelector('input[type="file"]')).toBeNull();
    // Their own is changed under Your profile.
    expect(row('Adam Admin').querySelector('input[type="file"]')).toBeNull();

    await pickFile(row('Zoe Quinn'), new File(['abc'], 'zoe.png', { type: 'image/png' }));
    await vi.waitFor(() => expect(row('Zoe Quinn').querySelector('img.avatar')).not.toBeNull());
    expect(server.writes()).toEqual([{ method: 'PUT', path: `/api/people/${ZOE}/avatar`, body: { imageBase64: 'YWJj' } }]);
    expect(row('Zoe Quinn').querySelector('[role="status"]')?.textContent).toBe("Zoe Quinn's picture is saved.");

    await click(control<HTMLButtonElement>('Remove picture of Ada Lovelace'));
    await vi.waitFor(() => expect(row('Ada Lovelace').querySelector('img.avatar')).toBeNull());
    expect(row('Ada Lovelace').querySelector('.avatar')?.textContent).toBe('AL');
    expect(server.writes().at(-1)).toEqual({ method: 'DELETE', path: `/api/people/${ADA}/avatar`, body: undefined });
  });

  it('lets everyone upload their own picture under Your profile, says why the server refused one, and removes it', async () => {
    const server = await mount(admin);
    const profile = section('Your profile');
    await vi.waitFor(() => expect(profile.textContent).toContain('Adam Admin'));
    expect(profile.querySelector('.avatar')?.textContent).toBe('AA');

    server.refuse(400, 'invalid_payload', 'Send a PNG, JPEG, GIF or WebP picture.');
    await pickFile(profile, new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }));
    await vi.waitFor(() => expect(profile.querySelector('[role="alert"]')?.textContent).toBe('Send a PNG, JPEG, GIF or WebP picture.'));
    expect(profile.querySelector('img.avatar')).toBeNull();

    await pickFile(profile, new File(['abc'], 'me.jpg', { type: 'image/jpeg' }));
    await vi.waitFor(() => expect(profile.querySelector('img.avatar')).not.toBeNull());
    expect(server.writes().at(-1)).toEqual({ method: 'PUT', path: '/api/me/avatar', body: { imageBase64: 'YWJj' } });
    expect(profile.querySelector('[role="alert"]')).toBeNull();
    expect(profile.querySelector('[role="status"]')?.textContent).toBe('Your picture is saved.');
    // The own row of the list shows it too.
    expect(row('Adam Admin').querySelector('img.avatar')?.getAttribute('src')).toBe(`/api/avatars/${ADMIN}/40000000000000.webp`);

    await click(button('Remove picture', profile));
    await vi.waitFor(() => expect(profile.querySelector('img.avatar')).toBeNull());
    expect(server.writes().at(-1)).toEqual({ method: 'DELETE', path: '/api/me/avatar', body: undefined });
    expect(row('Adam Admin').querySelector('img.avatar')).toBeNull();
  });

  it('shows why the page could not load', async () => {
    container = document.createElement('div');
    document.body.append(container);
    act(() => render(<PeopleSettings api={createApi({ fetch: refuseEverything })} viewer={owner} />, container));
    await vi.waitFor(() => expect(alertText()).toBe('Only admins can manage people.'));
    expect(button('Try again')).toBeDefined();
  });
});
