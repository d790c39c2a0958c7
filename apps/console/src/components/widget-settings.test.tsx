// @vitest-environment happy-dom
import type { ProactiveRule, WidgetAdmin } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { embedSnippet, fieldOfIssue, WidgetSettings } from './widget-settings.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const shop: WidgetAdmin = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Shop',
  publicKey: 'pk_shop_123',
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
    turnTaking: { pauseMs: 1500, maxWaitMs: 8000 },
    persona: '',
    tone: 'Friendly.',
    businessFacts: '',
    profileId: null,
    triageProfileIds: [],
  },
  routing: { strategy: 'round_robin', teamId: null, reopen: 'last_agent', hours: null, topics: [] },
};
const blog: WidgetAdmin = { ...shop, id: '22222222-2222-4222-8222-222222222222', name: 'Blog', publicKey: 'pk_blog_456' };

type Answer = (method: string, path: string) => Response | undefined;

/** What the page sends, as the fake server reads it. */
type RequestBody = {
  name?: string;
  allowedOrigins?: string[];
  settings?: Partial<WidgetAdmin['settings']>;
  bot?: Partial<Omit<WidgetAdmin['bot'], 'handoff'>> & { handoff?: Partial<WidgetAdmin['bot']['handoff']> };
} & Partial<WidgetAdmin['routing']>;

/** A fake server: records requests, lists the widgets, applies changes, unless `answer` answers first. */
function fakeServer(widgets: WidgetAdmin[], answer: Answer = () => undefined) {
  const requests: Array<{ method: string; path: string; body: unknown }> = [];
  let stored = widgets;
  const fetch: FetchFunction = async (path, init) => {
    const method = init.method ?? 'GET';
    const body = (init.body ? JSON.parse(String(init.body)) : {}) as RequestBody;
    requests.push({ method, path, body: init.body ? body : undefined });
    const special = answer(method, path);
    if (special) return special;
    if (path === '/api/widgets') return json(200, { widgets: stored });
    if (path === '/api/teams')
      return json(200, { teams: [{ id: '33333333-3333-4333-8333-333333333333', name: 'Returns', memberIds: [] }] });
    if (path.endsWith('/identity-verification')) {
      const hint = path.includes(shop.id) ? 'pis_shop' : 'pis_blog';
      return json(200, { secret: { hint, createdAt: '2026-11-30T09:00:00.000Z' }, previousSecretExpiresAt: null, publicKey: null });
    }
    const id = path.split('/').at(-1);
    const widget = stored.find((candidate) => candidate.id === id)!;
    if (path.startsWith('/api/routing/widgets/')) {
      const routing = { ...widget.routing, ...body };
      stored = stored.map((candidate) => (candidate.id === id ? { ...candidate, routing } : candidate));
      return json(200, routing);
    }
    const updated: WidgetAdmin = {
      ...widget,
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.allowedOrigins === undefined ? {} : { allowedOrigins: body.allowedOrigins.map((origin: string) => new URL(origin).origin) }),
      settings: { ...widget.settings, ...body.settings },
      bot: {
        ...widget.bot,
        ...body.bot,
        handoff: { ...widget.bot.handoff, ...body.bot?.handoff },
        turnTaking: { ...widget.bot.turnTaking, ...body.bot?.turnTaking },
      },
    };
    stored = stored.map((candidate) => (candidate.id === id ? updated : candidate));
    return json(200, updated);
  };
  return { fetch, requests, patches: () => requests.filter((request) => request.method === 'PATCH') };
}

async function mount(widgets: WidgetAdmin[] = [shop], answer?: Answer) {
  const server = fakeServer(widgets, answer);
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<WidgetSettings api={createApi({ fetch: server.fetch })} origin="https://chat.example.com" />, container);
  });
  await settle();
  return server;
}

const section = (name: string) => container.querySelector<HTMLFormElement>(`form[aria-labelledby="widget-section-${name}"]`)!;
const wrapper = (label: string) =>
  [...container.querySelectorAll<HTMLElement>('.settings-field')].find(
    (candidate) => candidate.querySelector('.field-label')?.textContent === label,
  )!;
const control = <T extends HTMLElement>(label: string) => wrapper(label).querySelector<T>('input:not([type="color"]), textarea, select')!;

async function fill(element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string) {
  await act(async () => {
    element.value = value;
    element.dispatchEvent(new Event(element.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  });
}

async function save(name: string) {
  await act(async () => {
    section(name).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

/** A checkbox of the page, by the text of its label. */
const checkbox = (label: string) =>
  [...container.querySelectorAll<HTMLLabelElement>('label.checkbox-field')]
    .find((candidate) => candidate.textContent?.includes(label))!
    .querySelector<HTMLInputElement>('input')!;

async function click(element: HTMLElement) {
  await act(async () => element.click());
}

/** A proactive message as the server stores it, with the schema's defaults. */
const rule = (id: string, message: string): ProactiveRule => ({
  id,
  message,
  trigger: 'auto',
  urlPattern: '',
  delaySeconds: 0,
  minVisits: 1,
  repeatAfterDays: 30,
});
const withRules = (...rules: ProactiveRule[]): WidgetAdmin => ({ ...shop, settings: { ...shop.settings, proactive: rules } });

/** The proactive messages' rules, in order, each a fieldset. */
const proactiveRules = () => [...section('proactive').querySelectorAll<HTMLFieldSetElement>('fieldset.proactive-rule')];
/** A field of the rule at `index`, by its label. */
const ruleWrapper = (index: number, label: string) =>
  [...proactiveRules()[index]!.querySelectorAll<HTMLElement>('.settings-field')].find(
    (candidate) => candidate.querySelector('.field-label')?.textContent === label,
  )!;
const ruleControl = <T extends HTMLElement>(index: number, label: string) =>
  ruleWrapper(index, label).querySelector<T>('input, textarea, select')!;
const addRule = () =>
  [...section('proactive').querySelectorAll<HTMLButtonElement>('button')].find(
    (button) => button.textContent === 'Add a proactive message',
  )!;

/** The preview's widget: the shadow root `mountApp` renders into. */
const previewRoot = () => container.querySelector<HTMLElement>('.widget-preview-host')!.shadowRoot!;
/** What the preview's widget draws, markup and styles, for finding the title and colours in. */
const previewMarkup = () => previewRoot().innerHTML;

describe('WidgetSettings', () => {
  it('saves each section with its own fields only', async () => {
    const server = await mount();
    await fill(control('Title'), 'Harbor help');
    await fill(control('Greeting'), 'Ahoy!');
    // Another section's edit is not sent with this one.
    await fill(control('Name'), 'Not yet');
    await save('appearance');
    expect(server.patches()).toEqual([
      {
        method: 'PATCH',
        path: `/api/widgets/${shop.id}`,
        body: {
          settings: {
            title: 'Harbor help',
            greeting: 'Ahoy!',
            accentColor: '#2563eb',
            position: 'right',
            theme: 'light',
            launcherLabel: '',
            offsetX: 20,
            offsetY: 20,
            teamName: '',
            showAgents: false,
            sound: false,
            botName: 'Assistant',
            locale: 'en',
          },
        },
      },
    ]);
    expect(section('appearance').querySelector('[role="status"]')!.textContent).toBe('Saved.');
    // The unsaved name is still in its field.
    expect(control<HTMLInputElement>('Name').value).toBe('Not yet');

    await fill(control('Allowed origins'), 'HTTPS://Shop.Example/\n\n  https://www.shop.example  ');
    await save('access');
    expect(server.patches()[1]!.body).toEqual({ name: 'Not yet', allowedOrigins: ['HTTPS://Shop.Example/', 'https://www.shop.example'] });
    // The form shows what the server stored.
    expect(control<HTMLTextAreaElement>('Allowed origins').value).toBe('https://shop.example\nhttps://www.shop.example');

    await fill(control('Hand off after the visitor says this many times it didn’t help'), '0');
    await fill(control('Persona'), 'You are Sam.');
    await save('bot');
    // The turn-taking wasn't touched: it isn't sent, so a widget following the server's default keeps following it.
    expect(server.patches()[2]!.body).toEqual({
      bot: {
        enabled: true,
        handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 0, onProviderFailure: true },
        persona: 'You are Sam.',
        tone: 'Friendly.',
        businessFacts: '',
      },
    });
    // Seconds in the form, milliseconds on the wire.
    expect(control<HTMLInputElement>('Wait for the visitor to pause (seconds)').value).toBe('1.5');
    await fill(control('Wait for the visitor to pause (seconds)'), '2.5');
    await save('bot');
    expect(server.patches()[3]!.body).toEqual({
      bot: {
        enabled: true,
        handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 0, onProviderFailure: true },
        turnTaking: { pauseMs: 2500, maxWaitMs: 8000 },
        persona: 'You are Sam.',
        tone: 'Friendly.',
        businessFacts: '',
      },
    });

    await fill(control('Default phone country'), 'gb');
    await save('phone');
    expect(server.patches()[4]!.body).toEqual({ settings: { defaultCountry: 'GB' } });
  });

  it('chooses a bot profile with a PATCH of { bot: { profileId } }, and says the bot fields below are not used', async () => {
    const billing = '44444444-4444-4444-8444-444444444444';
    const server = await mount([shop], (method, path) =>
      method === 'GET' && path === '/api/bot/profiles' ? json(200, { profiles: [{ id: billing, name: 'Billing' }] }) : undefined,
    );
    const select = control<HTMLSelectElement>('Bot profile');
    expect([...select.options].map((option) => option.textContent)).toEqual(['None: this widget’s own bot settings', 'Billing']);
    expect(select.value).toBe('');
    expect(section('bot').querySelector('.settings-warning')).toBeNull();

    await fill(select, billing);
    await save('profile');
    expect(server.patches()).toEqual([
      { method: 'PATCH', path: `/api/widgets/${shop.id}`, body: { bot: { profileId: billing, triageProfileIds: [] } } },
    ]);
    expect(section('profile').querySelector('[role="status"]')!.textContent).toBe('Saved.');
    expect(section('bot').querySelector('.settings-warning')!.textContent).toContain(
      'This widget uses the bot profile “Billing”: the handoff rules, persona, tone and business facts below are not used',
    );
    // Still editable.
    expect(control<HTMLTextAreaElement>('Persona').disabled).toBe(false);

    await fill(control<HTMLSelectElement>('Bot profile'), '');
    await save('profile');
    expect(server.patches()[1]!.body).toEqual({ bot: { profileId: null, triageProfileIds: [] } });
    expect(section('bot').querySelector('.settings-warning')).toBeNull();
  });

  it('lets the first message choose among the ticked profiles, and shows a refused one on the list', async () => {
    const billing = '44444444-4444-4444-8444-444444444444';
    const shipping = '55555555-5555-4555-8555-555555555555';
    let patches = 0;
    const server = await mount([shop], (method, path) => {
      if (method === 'GET' && path === '/api/bot/profiles') {
        return json(200, {
          profiles: [
            { id: billing, name: 'Billing' },
            { id: shipping, name: 'Shipping' },
          ],
        });
      }
      // The second save is refused, as for a profile deleted meanwhile.
      if (method === 'PATCH' && ++patches === 2) {
        return json(400, {
          error: {
            code: 'invalid_payload',
            message: 'Invalid payload.',
            issues: [{ path: 'body.bot.triageProfileIds.0', message: 'No bot profile has this id.' }],
          },
        });
      }
      return undefined;
    });
    const group = section('profile').querySelector('fieldset')!;
    expect(group.querySelector('legend')!.textContent).toBe('Triage: the visitor’s first message chooses among');
    const boxes = [...group.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((box) => box.parentElement!.textContent)).toEqual(['Billing', 'Shipping']);
    expect(boxes.map((box) => box.checked)).toEqual([false, false]);

    await click(boxes[1]!);
    await click(boxes[0]!);
    await save('profile');
    expect(server.patches()[0]!.body).toEqual({ bot: { profileId: null, triageProfileIds: [shipping, billing] } });

    await click(boxes[1]!);
    await save('profile');
    expect(server.patches()[1]!.body).toEqual({ bot: { profileId: null, triageProfileIds: [billing] } });
    expect(section('profile').querySelector('.field-error')!.textContent).toBe('No bot profile has this id.');
  });

  it('saves hours and routing through the routing API, with the weekly schedule', async () => {
    const server = await mount();
    await fill(control('Who gets queued conversations'), 'least_loaded');
    await fill(control('Team'), '33333333-3333-4333-8333-333333333333');
    const alwaysOpen = [...section('routing').querySelectorAll('label')].find((label) => label.textContent === 'Always open')!;
    await act(async () => alwaysOpen.querySelector('input')!.click());
    await fill(control('Time zone'), 'Europe/Berlin');
    const saturday = container.querySelector('[data-day="saturday"] input[type="checkbox"]') as HTMLInputElement;
    await act(async () => saturday.click());
    await fill(container.querySelector<HTMLInputElement>('input[aria-label="Saturday closes"]')!, '13:00');
    await fill(control('Holidays'), '2026-12-25\n\n2026-12-26');
    await save('routing');
    expect(server.patches()).toEqual([
      {
        method: 'PATCH',
        path: `/api/routing/widgets/${shop.id}`,
        body: {
          strategy: 'least_loaded',
          teamId: '33333333-3333-4333-8333-333333333333',
          hours: {
            timeZone: 'Europe/Berlin',
            weekly: {
              monday: [{ open: '09:00', close: '17:00' }],
              tuesday: [{ open: '09:00', close: '17:00' }],
              wednesday: [{ open: '09:00', close: '17:00' }],
              thursday: [{ open: '09:00', close: '17:00' }],
              friday: [{ open: '09:00', close: '17:00' }],
              saturday: [{ open: '09:00', close: '13:00' }],
            },
            holidays: ['2026-12-25', '2026-12-26'],
          },
        },
      },
    ]);
    expect(section('routing').querySelector('[role="status"]')!.textContent).toBe('Saved.');
  });

  it("shows the server's reasons next to the fields they name", async () => {
    await mount([shop], (method, path) => {
      if (method !== 'PATCH') return undefined;
      if (path.startsWith('/api/routing/')) {
        return json(400, {
          error: {
            code: 'invalid_payload',
            message: 'The request payload is not valid.',
            issues: [
              { path: 'body.hours.weekly.monday.0.close', message: 'Closing time 08:00 must be after opening time 09:00' },
              { path: 'body.hours.timeZone', message: 'Unknown time zone "Mars/Olympus"' },
            ],
          },
        });
      }
      return json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request payload is not valid.',
          issues: [
            { path: 'body.settings.accentColor', message: 'Expected a colour as # and six hex digits, such as #2563eb.' },
            { path: 'body.settings.locale', message: '"en_US" is not a language tag such as en or pt-BR.' },
          ],
        },
      });
    });
    await fill(control('Accent colour'), 'blue');
    await fill(control('Language'), 'en_US');
    await save('appearance');
    expect(wrapper('Accent colour').querySelector('.field-error')!.textContent).toBe(
      'Expected a colour as # and six hex digits, such as #2563eb.',
    );
    expect(control('Accent colour').getAttribute('aria-invalid')).toBe('true');
    expect(control('Accent colour').getAttribute('aria-describedby')).toContain('widget-appearance-accentColor-error');
    expect(wrapper('Language').querySelector('.field-error')!.textContent).toContain('not a language tag');
    expect(wrapper('Title').querySelector('.field-error')).toBeNull();
    expect(section('appearance').querySelector('[role="alert"]')!.textContent).toBe('The request payload is not valid.');
    // What was typed stays.
    expect(control<HTMLInputElement>('Accent colour').value).toBe('blue');

    const alwaysOpen = [...section('routing').querySelectorAll('label')].find((label) => label.textContent === 'Always open')!;
    await act(async () => alwaysOpen.querySelector('input')!.click());
    await save('routing');
    expect(container.querySelector('[data-day="monday"] .field-error')!.textContent).toContain('must be after opening time');
    expect(wrapper('Time zone').querySelector('.field-error')!.textContent).toContain('Unknown time zone');
  });

  it('offers the snippet with the key, copied to the clipboard or selected when that fails', async () => {
    await mount();
    const snippet = container.querySelector<HTMLTextAreaElement>('textarea[aria-label="Embed code"]')!;
    expect(snippet.value).toBe('<script async src="https://chat.example.com/widget.js" data-widget-key="pk_shop_123"></script>');
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const copy = [...container.querySelectorAll('button')].find((button) => button.textContent === 'Copy')!;
    await act(async () => copy.click());
    await settle();
    expect(writeText).toHaveBeenCalledWith(snippet.value);
    expect(container.querySelector('.snippet [role="status"]')!.textContent).toBe('Copied.');

    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: vi.fn(async () => Promise.reject(new Error('denied'))) } });
    await act(async () => copy.click());
    await settle();
    expect(container.querySelector('.snippet [role="status"]')!.textContent).toContain('press Ctrl+C');
    expect(embedSnippet('https://x.example/', 'pk_"<')).toBe(
      '<script async src="https://x.example/widget.js" data-widget-key="pk_&quot;&lt;"></script>',
    );
  });

  it('saves the theme, launcher and header settings with the appearance', async () => {
    const server = await mount();
    await fill(control('Theme'), 'dark');
    await fill(control('Distance from the side (px)'), '0');
    await fill(control('Distance from the bottom (px)'), '150');
    await fill(control('Launcher label'), 'Questions?');
    await fill(control('Team name'), 'Harbor & Pine support');
    await click(checkbox('Show who may answer'));
    await click(checkbox('Play a sound on replies'));
    await save('appearance');
    expect(server.patches()[0]!.body).toEqual({
      settings: {
        title: 'Chat with us',
        greeting: 'Hi! How can we help?',
        accentColor: '#2563eb',
        position: 'right',
        theme: 'dark',
        launcherLabel: 'Questions?',
        offsetX: 0,
        offsetY: 150,
        teamName: 'Harbor & Pine support',
        showAgents: true,
        sound: true,
        botName: 'Assistant',
        locale: 'en',
      },
    });
    expect(section('appearance').querySelector('[role="status"]')!.textContent).toBe('Saved.');
    expect(checkbox('Show who may answer').checked).toBe(true);
    expect(control<HTMLSelectElement>('Theme').value).toBe('dark');
  });

  it("sends a bad offset as typed and shows the server's reasons under the new fields", async () => {
    const issues = [
      { path: 'body.settings.offsetX', message: 'Expected a number of pixels.' },
      { path: 'body.settings.launcherLabel', message: 'At most 30 characters.' },
      { path: 'body.settings.sound', message: 'Invalid input: expected boolean.' },
    ];
    const server = await mount([shop], (method) =>
      method === 'PATCH' ? json(400, { error: { code: 'invalid_payload', message: 'The request is invalid.', issues } }) : undefined,
    );
    await fill(control('Distance from the side (px)'), '12.5');
    await save('appearance');
    expect((server.patches()[0]!.body as { settings: { offsetX: unknown } }).settings.offsetX).toBeNull();
    expect(wrapper('Distance from the side (px)').querySelector('.field-error')!.textContent).toBe('Expected a number of pixels.');
    expect(control('Distance from the side (px)').getAttribute('aria-invalid')).toBe('true');
    expect(wrapper('Launcher label').querySelector('.field-error')!.textContent).toBe('At most 30 characters.');
    const sound = checkbox('Play a sound on replies');
    expect(sound.getAttribute('aria-invalid')).toBe('true');
    expect(sound.closest('.settings-field')!.querySelector('.field-error')!.textContent).toContain('expected boolean');
  });

  it('previews the real widget with the unsaved form, and a readable text colour on the accent', async () => {
    await mount();
    // The widget itself, open, in a shadow root of the preview: the saved title and accent to start with.
    expect(previewRoot().querySelector('[role="dialog"]')).not.toBeNull();
    expect(previewRoot().textContent).toContain('Chat with us');
    expect(previewMarkup()).toContain('#2563eb');
    // The sample exchange: the visitor's question and an agent's answer.
    expect(previewRoot().textContent).toContain('Where is my order?');
    expect(previewRoot().textContent).toContain('It left our warehouse this morning');
    expect(container.querySelector('figcaption')!.textContent).toContain('white');

    // It follows the form before anything is saved.
    await fill(control('Title'), 'Harbor help');
    await fill(control('Greeting'), 'Ahoy there!');
    await fill(control('Accent colour'), '#facc15');
    await settle();
    expect(previewRoot().textContent).toContain('Harbor help');
    expect(previewRoot().textContent).not.toContain('Chat with us');
    expect(previewRoot().textContent).toContain('Ahoy there!');
    // The new accent, set on the widget's host with the text color it picks for it (black on yellow).
    expect(previewMarkup()).toContain('--parley-accent:#facc15;--parley-accent-text:#000');
    // A light accent gets near-black text, and no warning.
    expect(container.querySelector('figcaption')!.textContent).toContain('near-black');
    expect(container.querySelector('.widget-preview-warning')).toBeNull();

    // A mid grey reads with neither: a warning.
    await fill(control('Accent colour'), '#808080');
    expect(container.querySelector('.widget-preview-warning')!.textContent).toContain('4.5:1');

    // The colour picker drives the same value; a half-typed colour keeps the last saved one in the preview.
    await fill(container.querySelector<HTMLInputElement>('input[type="color"]')!, '#1f6f5c');
    expect(control<HTMLInputElement>('Accent colour').value).toBe('#1f6f5c');
    await fill(control('Accent colour'), '#1f6');
    await settle();
    expect(previewMarkup()).toContain('#2563eb');

    // The side reaches the widget too; an offset out of range is not drawn (the saved one is, until it is fixed).
    await fill(control('Distance from the bottom (px)'), '999');
    await fill(control('Position'), 'left');
    await settle();
    expect(previewRoot().querySelector('.root')!.classList.contains('left')).toBe(true);
  });

  it('lets the admin pick among several widgets', async () => {
    await mount([blog, shop]);
    const picker = container.querySelector<HTMLSelectElement>('.widget-picker select')!;
    expect([...picker.options].map((option) => option.textContent)).toEqual(['Blog', 'Shop']);
    expect(container.querySelector<HTMLTextAreaElement>('textarea[aria-label="Embed code"]')!.value).toContain('pk_blog_456');
    await fill(picker, shop.id);
    expect(container.querySelector<HTMLTextAreaElement>('textarea[aria-label="Embed code"]')!.value).toContain('pk_shop_123');
  });

  it('shows the identity verification of the widget picked, from its own route', async () => {
    const server = await mount([blog, shop]);
    const identity = () =>
      [...container.querySelectorAll('h2')].find((heading) => heading.textContent === 'Identity verification')!.closest('section')!;
    expect(identity().getAttribute('aria-labelledby')).toBe(identity().querySelector('h2')!.id);
    expect(identity().textContent).toContain('pis_blog…');
    await fill(container.querySelector<HTMLSelectElement>('.widget-picker select')!, shop.id);
    await settle();
    expect(identity().textContent).toContain('pis_shop…');
    expect(server.requests.filter((request) => request.path.endsWith('/identity-verification')).map((request) => request.path)).toEqual([
      `/api/widgets/${blog.id}/identity-verification`,
      `/api/widgets/${shop.id}/identity-verification`,
    ]);
  });

  it('saves the pre-chat form as three choices, and shows the server’s reason under the field it names', async () => {
    let refuse = false;
    const server = await mount([shop], (method) =>
      method === 'PATCH' && refuse
        ? json(400, {
            error: {
              code: 'invalid_payload',
              message: 'The request payload is not valid.',
              issues: [{ path: 'body.settings.preChat.phone', message: 'Invalid option.' }],
            },
          })
        : undefined,
    );
    expect(control<HTMLSelectElement>('Ask for the name').value).toBe('off');
    expect([...control<HTMLSelectElement>('Ask for the phone number').options].map((option) => option.textContent)).toEqual([
      'Not asked',
      'Optional',
      'Required',
    ]);
    await fill(control('Ask for the name'), 'required');
    await fill(control('Ask for the e-mail address'), 'optional');
    await save('preChat');
    expect(server.patches()[0]!.body).toEqual({ settings: { preChat: { name: 'required', email: 'optional', phone: 'off' } } });
    expect(section('preChat').querySelector('[role="status"]')!.textContent).toBe('Saved.');

    refuse = true;
    await fill(control('Ask for the phone number'), 'required');
    await save('preChat');
    expect(wrapper('Ask for the phone number').querySelector('.field-error')!.textContent).toBe('Invalid option.');
    expect(wrapper('Ask for the name').querySelector('.field-error')).toBeNull();
  });

  it('adds proactive messages with unique ids, and saves the whole list', async () => {
    const server = await mount();
    expect(proactiveRules()).toHaveLength(0);
    expect(section('proactive').textContent).toContain('No proactive message');
    await click(addRule());
    await click(addRule());
    expect(proactiveRules().map((fieldset) => fieldset.querySelector('legend')!.textContent)).toEqual([
      'Proactive message 1',
      'Proactive message 2',
    ]);
    expect(ruleControl<HTMLInputElement>(0, 'Id').value).toBe('message-1');
    expect(ruleControl<HTMLInputElement>(1, 'Id').value).toBe('message-2');
    // The schema's defaults, and every field labelled by a label element around it.
    expect(ruleControl<HTMLSelectElement>(0, 'Show').value).toBe('auto');
    expect([...ruleControl<HTMLSelectElement>(0, 'Show').options].map((option) => option.textContent)).toEqual([
      'When the conditions below hold',
      'Only when the page calls Parley.trigger(id)',
    ]);
    expect(ruleControl<HTMLInputElement>(0, 'Delay (seconds)').value).toBe('0');
    expect(ruleControl<HTMLInputElement>(0, 'From visit').value).toBe('1');
    expect(ruleControl<HTMLInputElement>(0, 'At most once every N days').value).toBe('30');
    expect(ruleControl<HTMLTextAreaElement>(0, 'Message').maxLength).toBe(500);
    for (const label of ['Message', 'Id', 'Show', 'URL pattern', 'Delay (seconds)', 'From visit', 'At most once every N days']) {
      expect(ruleControl(0, label).closest('label')!.querySelector('.field-label')!.textContent).toBe(label);
    }
    expect(ruleWrapper(0, 'URL pattern').querySelector('.hint')!.textContent).toContain('* matches anything; empty: every page');

    await fill(ruleControl(0, 'Message'), 'Questions about our plans?');
    await fill(ruleControl(0, 'URL pattern'), ' /pricing* ');
    await fill(ruleControl(0, 'Delay (seconds)'), '20');
    await fill(ruleControl(0, 'From visit'), '2');
    await fill(ruleControl(0, 'At most once every N days'), '7');
    await fill(ruleControl(1, 'Message'), 'Need help with your order?');
    await fill(ruleControl(1, 'Id'), 'order-help');
    await fill(ruleControl(1, 'Show'), 'page');
    await save('proactive');
    expect(server.patches()).toEqual([
      {
        method: 'PATCH',
        path: `/api/widgets/${shop.id}`,
        body: {
          settings: {
            proactive: [
              {
                id: 'message-1',
                message: 'Questions about our plans?',
                trigger: 'auto',
                urlPattern: '/pricing*',
                delaySeconds: 20,
                minVisits: 2,
                repeatAfterDays: 7,
              },
              {
                id: 'order-help',
                message: 'Need help with your order?',
                trigger: 'page',
                urlPattern: '',
                delaySeconds: 0,
                minVisits: 1,
                repeatAfterDays: 30,
              },
            ],
          },
        },
      },
    ]);
    expect(section('proactive').querySelector('[role="status"]')!.textContent).toBe('Saved.');
    // The form shows what the server stored; a new rule takes the first free id.
    expect(ruleControl<HTMLInputElement>(0, 'URL pattern').value).toBe('/pricing*');
    expect(ruleControl<HTMLSelectElement>(1, 'Show').value).toBe('page');
    await click(addRule());
    expect(ruleControl<HTMLInputElement>(2, 'Id').value).toBe('message-2');
    // An edit after the save clears "Saved.".
    expect(section('proactive').querySelector('[role="status"]')!.textContent).toBe('');
  });

  it('removes a proactive message, and saves the list without it', async () => {
    const server = await mount([withRules(rule('pricing', 'Questions about our plans?'), rule('returns', 'Returning something?'))]);
    expect(proactiveRules()).toHaveLength(2);
    expect(ruleControl<HTMLTextAreaElement>(0, 'Message').value).toBe('Questions about our plans?');
    const remove = proactiveRules()[0]!.querySelector<HTMLButtonElement>('button[aria-label="Remove proactive message 1"]')!;
    expect(remove.textContent).toBe('Remove');
    await click(remove);
    expect(proactiveRules()).toHaveLength(1);
    expect(proactiveRules()[0]!.querySelector('legend')!.textContent).toBe('Proactive message 1');
    expect(ruleControl<HTMLInputElement>(0, 'Id').value).toBe('returns');
    expect(ruleControl<HTMLTextAreaElement>(0, 'Message').value).toBe('Returning something?');
    await save('proactive');
    expect(server.patches()[0]!.body).toEqual({ settings: { proactive: [rule('returns', 'Returning something?')] } });
    expect(section('proactive').querySelector('[role="status"]')!.textContent).toBe('Saved.');

    await click(proactiveRules()[0]!.querySelector<HTMLButtonElement>('button[aria-label="Remove proactive message 1"]')!);
    await save('proactive');
    expect(server.patches()[1]!.body).toEqual({ settings: { proactive: [] } });
    expect(proactiveRules()).toHaveLength(0);
  });

  it('shows the server’s reasons under the proactive message fields they name', async () => {
    const server = await mount(
      [withRules(rule('pricing', 'Questions about our plans?'), rule('returns', 'Returning something?'))],
      (method) =>
        method === 'PATCH'
          ? json(400, {
              error: {
                code: 'invalid_payload',
                message: 'The request payload is not valid.',
                issues: [
                  { path: 'body.settings.proactive.0.message', message: 'Write the message.' },
                  { path: 'body.settings.proactive.1.delaySeconds', message: 'Too big: expected number to be <=3600' },
                  { path: 'body.settings.proactive', message: 'Rule ids must be distinct.' },
                ],
              },
            })
          : undefined,
    );
    await fill(ruleControl(0, 'Message'), '');
    await fill(ruleControl(1, 'Delay (seconds)'), '5000');
    await save('proactive');
    expect(server.patches()[0]!.body).toEqual({
      settings: {
        proactive: [
          { ...rule('pricing', ''), message: '' },
          { ...rule('returns', 'Returning something?'), delaySeconds: 5000 },
        ],
      },
    });
    expect(ruleWrapper(0, 'Message').querySelector('.field-error')!.textContent).toBe('Write the message.');
    expect(ruleControl(0, 'Message').getAttribute('aria-invalid')).toBe('true');
    expect(ruleControl(0, 'Message').getAttribute('aria-describedby')).toBe('widget-proactive-proactive.0.message-error');
    expect(ruleWrapper(1, 'Message').querySelector('.field-error')).toBeNull();
    expect(ruleWrapper(0, 'Delay (seconds)').querySelector('.field-error')).toBeNull();
    expect(ruleWrapper(1, 'Delay (seconds)').querySelector('.field-error')!.textContent).toContain('<=3600');
    // The list's own reason, under the list; the section's alert says the request failed, and nothing was saved.
    expect(section('proactive').querySelector(':scope > .field-error')!.textContent).toBe('Rule ids must be distinct.');
    expect(section('proactive').querySelector('[role="alert"]')!.textContent).toBe('The request payload is not valid.');
    expect(section('proactive').querySelector('[role="status"]')!.textContent).toBe('');

    // Removing the first rule takes its reasons away, and the second's move with it.
    await click(proactiveRules()[0]!.querySelector<HTMLButtonElement>('button[aria-label="Remove proactive message 1"]')!);
    expect(ruleControl<HTMLInputElement>(0, 'Id').value).toBe('returns');
    expect(ruleWrapper(0, 'Message').querySelector('.field-error')).toBeNull();
    expect(ruleWrapper(0, 'Delay (seconds)').querySelector('.field-error')!.textContent).toContain('<=3600');
  });

  it('offers no more than ten proactive messages', async () => {
    const nine = Array.from({ length: 9 }, (_, index) => rule(`message-${index + 1}`, `Hello ${index + 1}`));
    await mount([withRules(...nine)]);
    expect(addRule().disabled).toBe(false);
    await click(addRule());
    expect(proactiveRules()).toHaveLength(10);
    expect(ruleControl<HTMLInputElement>(9, 'Id').value).toBe('message-10');
    expect(addRule().disabled).toBe(true);
    expect(section('proactive').textContent).toContain('At most 10 proactive messages.');
    await click(addRule());
    expect(proactiveRules()).toHaveLength(10);
    await click(proactiveRules()[3]!.querySelector<HTMLButtonElement>('button[aria-label="Remove proactive message 4"]')!);
    expect(addRule().disabled).toBe(false);
    // The id freed by the removal is the first free one again.
    await click(addRule());
    expect(ruleControl<HTMLInputElement>(9, 'Id').value).toBe('message-4');
  });

  it('maps issue paths to the fields of the page', () => {
    expect(fieldOfIssue('body.settings.proactive.0.message')).toBe('proactive.0.message');
    expect(fieldOfIssue('body.settings.proactive.3')).toBe('proactive.3');
    expect(fieldOfIssue('body.settings.proactive')).toBe('proactive');
    expect(fieldOfIssue('body.settings.preChat.email')).toBe('preChat.email');
    expect(fieldOfIssue('body.settings.title')).toBe('title');
    expect(fieldOfIssue('body.bot.turnTaking.pauseMs')).toBe('pauseMs');
    expect(fieldOfIssue('body.allowedOrigins.2')).toBe('allowedOrigins');
    expect(fieldOfIssue('body.bot.handoff.afterNotHelpful')).toBe('afterNotHelpful');
    expect(fieldOfIssue('body.hours.weekly.monday.0.close')).toBe('weekly.monday');
    expect(fieldOfIssue('body.hours.holidays.1')).toBe('holidays');
    expect(fieldOfIssue('body.')).toBe('');
  });
});
