// @vitest-environment happy-dom
import { BOT_PROFILE_LIMITS, BOT_TEXT_LIMITS, HANDOFF_LIMITS, type BotProfile } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { settle } from '../__fixtures__/render.js';
import {
  buttonIn,
  checkbox,
  click,
  errorOf,
  fakeFetch,
  fieldIn,
  freshContainerEachTest,
  json,
  submit,
  tick,
  type,
} from '../__fixtures__/settings-page.js';
import { createApi } from '../api.js';
import { BotProfiles, PROFILE_LIMITS, PROFILE_TEXT_LIMITS } from './bot-profiles.js';
import { HANDOFF_MAX } from './handoff-fields.js';

const container = freshContainerEachTest();

const at = '2026-11-01T09:00:00.000Z';
const BILLING = '40000000-0000-4000-8000-000000000001';
const SALES = '40000000-0000-4000-8000-000000000002';
const SHOP = '11111111-1111-4111-8111-111111111111';
const BLOG = '22222222-2222-4222-8222-222222222222';
const RETURNS = '33333333-3333-4333-8333-333333333333';
const HELP_SITE = '50000000-0000-4000-8000-000000000001';
const DOCS_SITE = '50000000-0000-4000-8000-000000000002';

function profile(id: string, name: string, overrides: Partial<BotProfile> = {}): BotProfile {
  return {
    id,
    name,
    description: '',
    botName: null,
    persona: '',
    tone: 'Friendly.',
    instructions: '',
    businessFacts: '',
    model: null,
    handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 2, onProviderFailure: true },
    turnTaking: null,
    knowledgeScope: { tags: [], sourceIds: [] },
    tools: null,
    toolPolicies: {},
    usedBy: { widgetIds: [], teamIds: [] },
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A fake server holding two profiles and the choices, answering like the real routes. */
function fakeServer() {
  let profiles: BotProfile[] = [
    profile(BILLING, 'Billing', {
      description: 'Invoices and refunds.',
      usedBy: { widgetIds: [SHOP, BLOG], teamIds: [RETURNS] },
    }),
    profile(SALES, 'Sales'),
  ];
  return fakeFetch(
    ({ method, path, body }) => {
      if (path === '/api/widgets')
        return json(200, {
          widgets: [
            { id: SHOP, name: 'Shop' },
            { id: BLOG, name: 'Blog' },
          ],
        });
      if (path === '/api/teams') return json(200, { teams: [{ id: RETURNS, name: 'Returns', memberIds: [], botProfileId: BILLING }] });
      if (path === '/api/knowledge/sources')
        return json(200, {
          sources: [
            { id: HELP_SITE, url: 'https://help.example/' },
            { id: DOCS_SITE, url: 'https://docs.example/' },
          ],
        });
      if (path === '/api/bot/actions') return json(200, { actions: [{ name: 'lookup_order' }, { name: 'refund_order' }] });
      if (path === '/api/bot/mcp-servers') return json(200, { servers: [{ name: 'crm', tools: [{ name: 'find_customer' }] }] });
      if (path === '/api/bot/eval-runs') return json(200, { runs: [] });
      if (path === '/api/bot/profiles') {
        if (method === 'GET') return json(200, { profiles });
        const created = profile('40000000-0000-4000-8000-000000000003', body.name, { tone: 'Friendly.', ...body });
        profiles = [...profiles, created];
        return json(201, created);
      }
      const id = path.split('/').at(-1);
      const held = profiles.find((candidate) => candidate.id === id);
      if (!held) return json(404, { error: { code: 'not_found', message: 'No such profile.' } });
      if (method === 'PATCH') {
        const updated = { ...held, ...body };
        profiles = profiles.map((candidate) => (candidate.id === id ? updated : candidate));
        return json(200, updated);
      }
      profiles = profiles.filter((candidate) => candidate.id !== id);
      return new Response(null, { status: 204 });
    },
    (request) => request.method !== 'GET',
  );
}

async function mount(server = fakeServer(), isAdmin = true) {
  await act(async () => {
    render(<BotProfiles api={createApi({ fetch: server.fetch })} isAdmin={isAdmin} />, container());
  });
  await settle();
  return server;
}

const item = (name: string) => container().querySelector<HTMLLIElement>(`li[aria-label="${name}"]`)!;
const addForm = () => container().querySelector<HTMLElement>('section[aria-labelledby="bot-profile-add-title"]')!;

describe('BotProfiles', () => {
  it('keeps the protocol’s limits', () => {
    expect(PROFILE_LIMITS).toEqual(BOT_PROFILE_LIMITS);
    expect(PROFILE_TEXT_LIMITS).toEqual(BOT_TEXT_LIMITS);
    expect(HANDOFF_MAX).toEqual(HANDOFF_LIMITS);
  });

  it('tells an agent the page is for admins, without asking the server', async () => {
    const server = await mount(fakeServer(), false);
    expect(container().textContent).toContain('Only admins can manage the bot profiles.');
    expect(server.requests).toEqual([]);
  });

  it('lists the profiles with the widgets and teams that use them, by name, each list loaded once', async () => {
    const server = await mount();
    expect(server.requests.map((request) => request.path).toSorted()).toEqual(
      [
        '/api/bot/actions',
        '/api/bot/eval-runs',
        '/api/bot/mcp-servers',
        '/api/bot/profiles',
        '/api/knowledge/sources',
        '/api/teams',
        '/api/widgets',
      ].toSorted(),
    );
    expect([...container().querySelectorAll('li[aria-label]')].map((li) => li.getAttribute('aria-label'))).toEqual(['Billing', 'Sales']);
    expect(item('Billing').textContent).toContain('Invoices and refunds.');
    expect(item('Billing').textContent).toContain('Used by Widgets: Shop, Blog. Team: Returns.');
    expect(item('Sales').textContent).toContain('Not used by any widget or team.');
  });

  it('creates a profile with the exact body: blanks as null, tags, websites and the tools chosen', async () => {
    const server = await mount();
    const form = addForm();
    // Every tool by default; the choices come from the actions and the MCP servers' allowed tools.
    expect(checkbox(form, 'Every enabled action and MCP tool').checked).toBe(true);
    await type(fieldIn(form, 'Name'), '  Support ');
    await type(fieldIn(form, 'Description'), 'First line of support.');
    await type(fieldIn(form, 'Persona'), 'You are Sam.');
    await type(fieldIn(form, 'Tone'), 'Warm.');
    await type(fieldIn(form, 'Instructions'), 'Ask for the order number first.');
    await type(fieldIn(form, 'Business facts'), 'Open 9 to 5.');
    await type(fieldIn(form, 'Model'), ' claude-haiku-5-5 ');
    await type(fieldIn(form, 'Hand off after the visitor says this many times it didn’t help'), '4');
    await type(fieldIn(form, 'Knowledge tags'), 'billing, refunds ,, billing');
    await tick(checkbox(form, 'https://docs.example/'));
    await tick(checkbox(form, 'Only the tools checked below'));
    await tick(checkbox(form, 'crm__find_customer'));
    await tick(checkbox(form, 'lookup_order'));
    // Stricter policies are offered for the tools it may call only.
    const policyOf = (tool: string) => form.querySelector<HTMLSelectElement>(`select[aria-label="Policy of ${tool}"]`);
    expect(policyOf('refund_order')).toBeNull();
    await type(policyOf('lookup_order')!, 'approve');
    await submit(form.querySelector('form')!);

    expect(server.writes()).toEqual([
      {
        method: 'POST',
        path: '/api/bot/profiles',
        body: {
          name: 'Support',
          description: 'First line of support.',
          botName: null,
          persona: 'You are Sam.',
          tone: 'Warm.',
          instructions: 'Ask for the order number first.',
          businessFacts: 'Open 9 to 5.',
          model: 'claude-haiku-5-5',
          handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 4, onProviderFailure: true },
          knowledgeScope: { tags: ['billing', 'refunds'], sourceIds: [DOCS_SITE] },
          tools: ['lookup_order', 'crm__find_customer'],
          toolPolicies: { lookup_order: 'approve' },
        },
      },
    ]);
    expect([...container().querySelectorAll('li[aria-label]')].map((li) => li.getAttribute('aria-label'))).toEqual([
      'Billing',
      'Sales',
      'Support',
    ]);
    expect(fieldIn<HTMLInputElement>(addForm(), 'Name').value).toBe('');
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Added the profile “Support”.');
  });

  it('leaves a blank tone and every tool to the server’s defaults on a new profile, and refuses a blank name before sending', async () => {
    const server = await mount();
    const form = addForm();
    await submit(form.querySelector('form')!);
    expect(server.writes()).toEqual([]);
    expect(errorOf(fieldIn(form, 'Name'))).toBe('A profile needs a name.');

    await type(fieldIn(form, 'Name'), 'Plain');
    await submit(form.querySelector('form')!);
    const body = server.writes()[0]!.body as Record<string, unknown>;
    expect('tone' in body).toBe(false);
    expect(body.tools).toBeNull();
    expect(body.knowledgeScope).toEqual({ tags: [], sourceIds: [] });
  });

  it('says a duplicate name (409) on the name', async () => {
    const server = await mount();
    server.refuseNext(json(409, { error: { code: 'conflict', message: 'Another profile is called Billing.' } }));
    const form = addForm();
    await type(fieldIn(form, 'Name'), 'Billing');
    await submit(form.querySelector('form')!);
    const name = fieldIn(form, 'Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(name)).toBe('Another profile is called Billing.');
  });

  it('shows the server’s field issues next to the fields they name', async () => {
    const server = await mount();
    server.refuseNext(
      json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request is invalid.',
          issues: [
            { path: 'body.model', message: 'A model id, such as claude-haiku-5-5 or llama3.1:8b.' },
            { path: 'body.handoff.afterNotHelpful', message: 'Too big: at most 10.' },
            { path: 'body.knowledgeScope.tags.1', message: 'At most 100 characters.' },
          ],
        },
      }),
    );
    const form = addForm();
    await type(fieldIn(form, 'Name'), 'Support');
    await type(fieldIn(form, 'Model'), 'not a model!');
    await submit(form.querySelector('form')!);

    const model = fieldIn(form, 'Model');
    expect(model.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(model)).toBe('A model id, such as claude-haiku-5-5 or llama3.1:8b.');
    expect(errorOf(fieldIn(form, 'Hand off after the visitor says this many times it didn’t help'))).toBe('Too big: at most 10.');
    expect(errorOf(fieldIn(form, 'Knowledge tags'))).toBe('At most 100 characters.');
    expect(fieldIn(form, 'Name').getAttribute('aria-invalid')).toBeNull();
    // Every issue is on a field: no message for the form as a whole.
    expect(form.querySelector('.form-error')).toBeNull();
  });

  it('edits a profile with a PATCH of only what changed', async () => {
    const server = await mount();
    await click(buttonIn(item('Billing'), 'Edit'));
    const form = item('Billing').querySelector('form')!;
    expect(fieldIn<HTMLInputElement>(form, 'Name').value).toBe('Billing');
    await submit(form);
    expect(server.writes()).toEqual([]);

    await click(buttonIn(item('Billing'), 'Edit'));
    const again = item('Billing').querySelector('form')!;
    await type(fieldIn(again, 'Bot name'), 'Bill');
    await tick(checkbox(again, 'https://help.example/'));
    await submit(again);
    expect(server.writes()).toEqual([
      {
        method: 'PATCH',
        path: `/api/bot/profiles/${BILLING}`,
        body: { botName: 'Bill', knowledgeScope: { tags: [], sourceIds: [HELP_SITE] } },
      },
    ]);
    expect(item('Billing').querySelector('form')).toBeNull();
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Saved the profile “Billing”.');
  });

  it('deletes a profile only after confirming', async () => {
    const server = await mount();
    await click(buttonIn(item('Billing'), 'Delete'));
    const confirm = item('Billing').querySelector('[role="group"]')!;
    expect(confirm.getAttribute('aria-label')).toBe('Delete Billing?');
    expect(confirm.textContent).toContain('go back to their widget’s own bot settings');
    await click(buttonIn(confirm, 'Cancel'));
    expect(server.writes()).toEqual([]);

    await click(buttonIn(item('Billing'), 'Delete'));
    await click(buttonIn(item('Billing'), 'Yes, delete'));
    expect(server.writes()).toEqual([{ method: 'DELETE', path: `/api/bot/profiles/${BILLING}`, body: undefined }]);
    expect(item('Billing')).toBeNull();
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Deleted the profile “Billing”.');
  });
});
