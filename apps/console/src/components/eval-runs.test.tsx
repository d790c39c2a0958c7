// @vitest-environment happy-dom
import type { EvalRun } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { settle } from '../__fixtures__/render.js';
import { buttonIn, click, fakeFetch, freshContainerEachTest, json } from '../__fixtures__/settings-page.js';
import { createApi } from '../api.js';
import { EvalRuns, runFigures } from './eval-runs.js';

const container = freshContainerEachTest();
const RUN = '60000000-0000-4000-8000-000000000001';

const stored: EvalRun = {
  id: RUN,
  model: 'replay',
  profile: 'Orders',
  runsPerScenario: 2,
  startedAt: '2026-11-30T14:00:00.000Z',
  durationMs: 4210,
  passed: false,
  scenarioCount: 2,
  passedCount: 1,
  scenarios: [
    {
      name: 'Where is my order',
      file: 'orders.yaml',
      passed: true,
      runs: [
        {
          passed: true,
          failures: [],
          rubric: [{ criterion: 'Gives the delivery date', passed: null, reason: 'Not judged: no model key (ANTHROPIC_API_KEY).' }],
          durationMs: 900,
          transcript: {
            messages: [
              { author: 'visitor', text: 'Where is my order 1001?' },
              {
                author: 'bot',
                text: '<b>Shipped</b> with UPS.',
                citations: [{ title: 'Shipping', url: null, sourceKey: 'shipping.md' }],
                profile: 'Orders',
              },
            ],
            toolCalls: [
              { tool: 'lookup_order', input: { order_number: '1001' }, output: { status: 'shipped' }, error: null, policy: 'auto' },
            ],
            handedOff: false,
            tokens: { input: 10, output: 5 },
          },
        },
      ],
    },
    {
      name: 'Refund',
      file: 'orders.yaml',
      passed: false,
      runs: [
        {
          passed: false,
          failures: ['Expected a call of refund_order; no tool was called.'],
          rubric: [],
          durationMs: 700,
          transcript: {
            messages: [{ author: 'visitor', text: 'Refund me' }],
            toolCalls: [],
            handedOff: true,
            tokens: { input: 0, output: 0 },
          },
        },
      ],
    },
  ],
};

function server(runs: unknown[] = [stored]) {
  return fakeFetch(({ path }) => {
    if (path === '/api/bot/eval-runs') return json(200, { runs });
    if (path === `/api/bot/eval-runs/${RUN}`) return json(200, stored);
    return json(404, { error: { code: 'not_found', message: 'No eval run has this id.' } });
  });
}

async function mount(fake = server()) {
  await act(async () => {
    render(<EvalRuns api={createApi({ fetch: fake.fetch })} />, container());
  });
  await settle();
  return fake;
}

describe('Scenario runs', () => {
  it('lists the stored runs with their figures', async () => {
    await mount();
    const item = container().querySelector('li.eval-run')!;
    expect(item.textContent).toContain('Failed');
    expect(item.textContent).toContain('1 of 2 scenarios passed · pass^2 · model replay · profile Orders · 4.2 s');
    expect(runFigures({ ...stored, runsPerScenario: 1, profile: null })).toBe('1 of 2 scenarios passed · model replay · 4.2 s');
  });

  it('says how to make a run when there is none', async () => {
    await mount(server([]));
    expect(container().textContent).toContain('No scenario runs yet.');
    expect(container().textContent).toContain('parley eval');
  });

  it('opens a run to its transcripts, loaded once: messages as text, citations, tool calls, failures and handoffs', async () => {
    const fake = await mount();
    const show = buttonIn(container(), 'Show transcripts')!;
    expect(show.getAttribute('aria-expanded')).toBe('false');
    await click(show);
    await settle();
    const panel = container().querySelector('li.eval-run')!;
    expect(buttonIn(container(), 'Hide transcripts')!.getAttribute('aria-expanded')).toBe('true');
    expect(panel.querySelector('section[aria-label="Where is my order"]')!.textContent).toContain('✓ Where is my order');
    // A transcript is text: markup in a message is shown, not rendered.
    expect(panel.querySelector('b')).toBeNull();
    expect(panel.textContent).toContain('bot (Orders): <b>Shipped</b> with UPS. Cites Shipping.');
    expect(panel.textContent).toContain('lookup_order({"order_number":"1001"}) (auto) → {"status":"shipped"}');
    expect(panel.textContent).toContain('Not judged: Gives the delivery date');
    const failed = panel.querySelector('section[aria-label="Refund"]')!;
    expect(failed.querySelector('details')!.open).toBe(true);
    expect(failed.textContent).toContain('Expected a call of refund_order; no tool was called.');
    expect(failed.textContent).toContain('Handed to a person.');

    await click(buttonIn(container(), 'Hide transcripts'));
    await click(buttonIn(container(), 'Show transcripts'));
    await settle();
    expect(fake.requests.filter((request) => request.path === `/api/bot/eval-runs/${RUN}`)).toHaveLength(1);
  });
});
