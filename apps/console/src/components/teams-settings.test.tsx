// @vitest-environment happy-dom
import type { Team } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { buttonIn, click, fakeFetch, fieldIn, freshContainerEachTest, json, type } from '../__fixtures__/settings-page.js';
import { settle } from '../__fixtures__/render.js';
import { createApi } from '../api.js';
import { TeamsSettings } from './teams-settings.js';

const container = freshContainerEachTest();

const RETURNS = '33333333-3333-4333-8333-333333333333';
const BILLING_BOT = '44444444-4444-4444-8444-444444444444';
const SALES_BOT = '44444444-4444-4444-8444-444444444445';

async function mount(team: Team) {
  let teams: readonly Team[] = [team];
  const server = fakeFetch(({ method, path, body }) => {
    if (method === 'GET' && path === '/api/bot/profiles')
      return json(200, {
        profiles: [
          { id: BILLING_BOT, name: 'Billing bot' },
          { id: SALES_BOT, name: 'Sales bot' },
        ],
      });
    const updated = { ...teams[0]!, ...body };
    return json(200, updated);
  });
  const api = createApi({ fetch: server.fetch });
  const draw = () =>
    render(
      <TeamsSettings
        api={api}
        teams={teams}
        people={[]}
        onTeamsChange={(change) => {
          teams = change(teams);
          draw();
        }}
      />,
      container(),
    );
  await act(async () => draw());
  await settle();
  return server;
}

const profileForm = () => container().querySelector<HTMLFormElement>('form[aria-label="Bot profile of Returns"]')!;

describe('TeamsSettings: a team’s bot profile', () => {
  it('offers the profiles, none being the widget’s, and saves the choice with a PATCH of { botProfileId }', async () => {
    const server = await mount({ id: RETURNS, name: 'Returns', memberIds: [], botProfileId: null });
    const select = fieldIn<HTMLSelectElement>(profileForm(), 'Bot profile');
    expect([...select.options].map((option) => option.textContent)).toEqual(['None: the widget’s', 'Billing bot', 'Sales bot']);
    expect(select.value).toBe('');
    // Nothing to save until it changes.
    expect(buttonIn(profileForm(), 'Save profile')!.disabled).toBe(true);

    await type(select, SALES_BOT);
    await click(buttonIn(profileForm(), 'Save profile'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/teams/${RETURNS}`, body: { botProfileId: SALES_BOT } }]);
    expect(profileForm().querySelector('[role="status"]')!.textContent).toBe('Saved.');
    expect(fieldIn<HTMLSelectElement>(profileForm(), 'Bot profile').value).toBe(SALES_BOT);

    await type(fieldIn(profileForm(), 'Bot profile'), '');
    await click(buttonIn(profileForm(), 'Save profile'));
    expect(server.writes()[1]).toEqual({ method: 'PATCH', path: `/api/teams/${RETURNS}`, body: { botProfileId: null } });
  });

  it('shows a team’s current profile selected, and says a refusal', async () => {
    const server = await mount({ id: RETURNS, name: 'Returns', memberIds: [], botProfileId: BILLING_BOT });
    expect(fieldIn<HTMLSelectElement>(profileForm(), 'Bot profile').value).toBe(BILLING_BOT);
    server.refuseNext(json(404, { error: { code: 'not_found', message: 'No such bot profile.' } }));
    await type(fieldIn(profileForm(), 'Bot profile'), SALES_BOT);
    await click(buttonIn(profileForm(), 'Save profile'));
    expect(profileForm().querySelector('[role="alert"]')!.textContent).toBe('No such bot profile.');
    expect(fieldIn(profileForm(), 'Bot profile').getAttribute('aria-invalid')).toBe('true');
  });
});
