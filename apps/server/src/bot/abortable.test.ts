import { describe, expect, it } from 'vitest';
import { abortable } from './abortable.js';

async function* twoValues() {
  yield 1;
  yield 2;
}

async function* stallsAfterFirst() {
  yield 'first';
  await new Promise(() => {});
}

describe('abortable', () => {
  it('passes values through until the source ends', async () => {
    const seen: number[] = [];
    for await (const value of abortable(twoValues(), new AbortController().signal)) seen.push(value);
    expect(seen).toEqual([1, 2]);
  });

  it('stops a source that never yields again as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const value of abortable(stallsAfterFirst(), controller.signal)) {
        seen.push(value);
        setTimeout(() => controller.abort(new Error('taken over')), 5);
      }
    })();
    await expect(run).rejects.toThrow('taken over');
    expect(seen).toEqual(['first']);
  });
});
