import type { AssistAccepted, AssistRequest } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createAssistStore, withoutCitationMarkers } from './assist.js';

const CONVERSATION = 'c1';
const source = { index: 1, documentId: 'd1', chunkId: 7, title: 'Returns', section: 'Return policy', url: 'https://shop.example/returns' };

/** A store whose requests wait for the test to ack them. */
function setup() {
  const requests: Array<{ payload: AssistRequest; ack: (requestId: string) => void; fail: (error: unknown) => void }> = [];
  let changes = 0;
  const store = createAssistStore({
    request: (payload) =>
      new Promise<AssistAccepted>((resolve, reject) => {
        requests.push({ payload, ack: (requestId) => resolve({ requestId }), fail: reject });
      }),
    describeError: (error) => (ParleyError.isInstance(error) ? error.message : 'Something went wrong.'),
  });
  store.subscribe(() => changes++);
  return { store, requests, changes: () => changes };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createAssistStore', () => {
  it('streams an answer: requesting, then the deltas in order, then the end with its sources', async () => {
    const { store, requests } = setup();
    store.request(CONVERSATION, 'reply');
    expect(requests.map((request) => request.payload)).toEqual([{ conversationId: CONVERSATION, kind: 'reply' }]);
    expect(store.get(CONVERSATION, 'reply')).toEqual({ status: 'requesting', text: '', sources: [], insertable: true, error: null });
    requests[0]!.ack('r1');
    await settle();
    store.delta({ requestId: 'r1', text: 'Hi! ' });
    store.delta({ requestId: 'r1', text: 'Within 30 days [1].' });
    expect(store.get(CONVERSATION, 'reply')).toMatchObject({ status: 'streaming', text: 'Hi! Within 30 days [1].' });
    store.end({ requestId: 'r1', text: 'Hi! Within 30 days [1].', sources: [source] });
    expect(store.get(CONVERSATION, 'reply')).toEqual({
      status: 'done',
      text: 'Hi! Within 30 days [1].',
      sources: [source],
      insertable: true,
      error: null,
    });
    expect(store.get(CONVERSATION, 'summary')).toBeUndefined();
  });

  it('keeps events that arrive before the ack is processed, and applies them once it is', async () => {
    const { store, requests } = setup();
    store.request(CONVERSATION, 'summary');
    store.delta({ requestId: 'r1', text: 'Early ' });
    store.end({ requestId: 'r1', text: 'Early end.', sources: [] });
    requests[0]!.ack('r1');
    await settle();
    expect(store.get(CONVERSATION, 'summary')).toMatchObject({ status: 'done', text: 'Early end.' });
  });

  it("ignores a replaced request's late ack and events", async () => {
    const { store, requests } = setup();
    store.request(CONVERSATION, 'reply');
    store.request(CONVERSATION, 'reply');
    requests[1]!.ack('r2');
    requests[0]!.ack('r1');
    await settle();
    store.delta({ requestId: 'r1', text: 'old' });
    store.delta({ requestId: 'r2', text: 'new' });
    expect(store.get(CONVERSATION, 'reply')).toMatchObject({ status: 'streaming', text: 'new' });
  });

  it('shows a refused request, an ended error and a lost connection as errors', async () => {
    const { store, requests } = setup();
    store.request(CONVERSATION, 'summary');
    requests[0]!.fail(new ParleyError('rate_limited', 'Too many AI help requests; try again in 30 s.'));
    await settle();
    expect(store.get(CONVERSATION, 'summary')).toMatchObject({ status: 'error', error: 'Too many AI help requests; try again in 30 s.' });

    store.request(CONVERSATION, 'reply');
    requests[1]!.ack('r2');
    await settle();
    store.end({
      requestId: 'r2',
      text: 'Half',
      sources: [],
      error: { code: 'unavailable', message: 'The AI could not answer right now.' },
    });
    expect(store.get(CONVERSATION, 'reply')).toMatchObject({ status: 'error', text: 'Half', error: 'The AI could not answer right now.' });

    store.request(CONVERSATION, 'summary');
    requests[2]!.ack('r3');
    await settle();
    store.delta({ requestId: 'r3', text: 'Part' });
    store.connectionLost();
    expect(store.get(CONVERSATION, 'summary')).toMatchObject({
      status: 'error',
      text: 'Part',
      error: expect.stringMatching(/connection was lost/),
    });
    // The stream is over for the store: a late end changes nothing.
    store.end({ requestId: 'r3', text: 'Part and more', sources: [] });
    expect(store.get(CONVERSATION, 'summary')!.text).toBe('Part');
  });

  it('asks for the summary by itself once per conversation', () => {
    const { store, requests } = setup();
    store.autoSummarize(CONVERSATION);
    store.autoSummarize(CONVERSATION);
    store.autoSummarize('c2');
    expect(requests.map((request) => request.payload)).toEqual([
      { conversationId: CONVERSATION, kind: 'summary' },
      { conversationId: 'c2', kind: 'summary' },
    ]);
    store.clear();
    expect(store.get(CONVERSATION, 'summary')).toBeUndefined();
  });
});

describe('withoutCitationMarkers', () => {
  it('drops [n] markers and the space before them', () => {
    expect(withoutCitationMarkers('Within 30 days [1]. Zippers cost $25 [2, 3][4]!')).toBe('Within 30 days. Zippers cost $25!');
    expect(withoutCitationMarkers('See [the guide] at [1]')).toBe('See [the guide] at');
  });
});
