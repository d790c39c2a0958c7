/**
 * Examples of `/api/bot/eval-runs` for the API reference (checked against the schemas by the OpenAPI test).
 * @module
 */
import type { EvalRun, EvalRunList } from '@parley/protocol';

const summary = {
  id: '5b0c2f7e-9a41-4c3d-8e2f-1a6b7c8d9e01',
  model: 'replay',
  profile: 'Orders',
  runsPerScenario: 3,
  startedAt: '2026-11-30T14:00:00.000Z',
  durationMs: 4210,
  passed: true,
  scenarioCount: 1,
  passedCount: 1,
};

/** A stored eval with its one scenario's runs. */
export const evalRunExample: EvalRun = {
  ...summary,
  scenarios: [
    {
      name: 'Where is my order',
      file: 'orders.yaml',
      passed: true,
      runs: [
        {
          passed: true,
          failures: [],
          rubric: [],
          durationMs: 1403,
          transcript: {
            messages: [
              { author: 'visitor', text: 'Where is my order 1001?' },
              {
                author: 'bot',
                text: 'Order 1001 shipped on November 28 with UPS; it should arrive by December 2.',
                citations: [],
                profile: 'Orders',
              },
            ],
            toolCalls: [
              {
                tool: 'lookup_order',
                input: { order_number: '1001' },
                output: { status: 'shipped', carrier: 'UPS' },
                error: null,
                policy: 'auto',
              },
            ],
            handedOff: false,
            tokens: { input: 1840, output: 62 },
          },
        },
      ],
    },
  ],
};

/** The list of stored evals. */
export const evalRunListExample: EvalRunList = { runs: [summary] };
