import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTypingNotifier, TYPING_EXPIRY_MS, TYPING_IDLE_MS, TYPING_REPEAT_MS } from './typing-notifier.js';

describe('createTypingNotifier', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends typing once per throttle window and stops after the idle time', () => {
    const sent: boolean[] = [];
    const typing = createTypingNotifier({ send: (value) => sent.push(value), throttleMs: 3000, idleMs: 4000 });
    typing.input();
    vi.advanceTimersByTime(1000);
    typing.input();
    vi.advanceTimersByTime(1000);
    typing.input();
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1000);
    typing.input(); // 3 s after the first send: refresh the visitor's indicator.
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(4000);
    expect(sent).toEqual([true, true, false]);
  });

  it('sends false at once when stopped, and nothing if it never started', () => {
    const sent: boolean[] = [];
    const typing = createTypingNotifier({ send: (value) => sent.push(value) });
    typing.stop();
    expect(sent).toEqual([]);
    typing.input();
    typing.stop();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
  });

  it('forgets what it sent when reset, so the next keystroke sends again and no false follows', () => {
    const sent: boolean[] = [];
    const typing = createTypingNotifier({ send: (value) => sent.push(value) });
    typing.input();
    typing.reset();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true]);
    typing.input();
    expect(sent).toEqual([true, true]);
  });

  it('repeats often enough that the other side never drops a live indicator', () => {
    expect(TYPING_REPEAT_MS).toBeLessThan(TYPING_EXPIRY_MS);
    expect(TYPING_REPEAT_MS).toBeLessThan(TYPING_IDLE_MS);
  });
});
