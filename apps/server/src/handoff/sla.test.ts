import { defaultSlaPolicy, type BusinessHours, type SlaPolicy } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { nextCheckAt, pendingExpiresAt, slaClocks, type TicketFacts } from './sla.js';

const at = (iso: string) => new Date(iso);

const facts = (overrides: Partial<TicketFacts> = {}): TicketFacts => ({
  priority: 'normal',
  status: 'open',
  openedAt: at('2026-03-02T10:00:00Z'),
  pendingSince: null,
  firstReplyAt: null,
  waitingSince: null,
  ...overrides,
});

// Normal: first response 4 h, next response 8 h, resolution 24 h; warned 30 minutes before each.
const policy: SlaPolicy = defaultSlaPolicy;

// Berlin office hours, Monday to Friday 09:00–17:00.
const weekdays = [{ open: '09:00', close: '17:00' }];
const berlin: BusinessHours = {
  timeZone: 'Europe/Berlin',
  weekly: { monday: weekdays, tuesday: weekdays, wednesday: weekdays, thursday: weekdays, friday: weekdays },
  holidays: [],
};

const states = (now: string) => slaClocks(facts(), policy, null, at(now)).map((clock) => clock.state);

describe('slaClocks', () => {
  it('runs first response and resolution from the opening, always open without business hours', () => {
    const clocks = slaClocks(facts(), policy, null, at('2026-03-02T10:05:00Z'));
    expect(clocks).toEqual([
      {
        metric: 'first_response',
        startedAt: '2026-03-02T10:00:00.000Z',
        dueAt: '2026-03-02T14:00:00.000Z',
        warnAt: '2026-03-02T13:30:00.000Z',
        state: 'running',
      },
      {
        metric: 'resolution',
        startedAt: '2026-03-02T10:00:00.000Z',
        dueAt: '2026-03-03T10:00:00.000Z',
        warnAt: '2026-03-03T09:30:00.000Z',
        state: 'running',
      },
    ]);
  });

  it('warns from the warning instant and breaches from the due instant', () => {
    expect(states('2026-03-02T13:29:59Z')).toEqual(['running', 'running']);
    expect(states('2026-03-02T13:30:00Z')).toEqual(['warning', 'running']);
    expect(states('2026-03-02T14:00:00Z')).toEqual(['breached', 'running']);
    expect(states('2026-03-03T10:00:00Z')).toEqual(['breached', 'breached']);
  });

  it('stops first response at the first reply and runs next response while the visitor waits again', () => {
    const replied = facts({ firstReplyAt: at('2026-03-02T11:00:00Z') });
    expect(slaClocks(replied, policy, null, at('2026-03-02T12:00:00Z')).map((clock) => clock.metric)).toEqual(['resolution']);
    const waiting = facts({ firstReplyAt: at('2026-03-02T11:00:00Z'), waitingSince: at('2026-03-02T11:30:00Z') });
    const [next] = slaClocks(waiting, policy, null, at('2026-03-02T12:00:00Z'));
    expect(next).toMatchObject({ metric: 'next_response', startedAt: '2026-03-02T11:30:00.000Z', dueAt: '2026-03-02T19:30:00.000Z' });
  });

  it('owes no reply while pending, and nothing once resolved or closed', () => {
    const pending = facts({ status: 'pending', pendingSince: at('2026-03-02T10:30:00Z'), waitingSince: at('2026-03-02T10:10:00Z') });
    expect(slaClocks(pending, policy, null, at('2026-03-02T11:00:00Z')).map((clock) => clock.metric)).toEqual(['resolution']);
    expect(slaClocks(facts({ status: 'resolved' }), policy, null, at('2026-03-02T11:00:00Z'))).toEqual([]);
    expect(slaClocks(facts({ status: 'closed' }), policy, null, at('2026-03-02T11:00:00Z'))).toEqual([]);
  });

  it('leaves out a metric without a target', () => {
    const noResolution: SlaPolicy = {
      ...policy,
      targets: { ...policy.targets, normal: { ...policy.targets.normal, resolutionMinutes: null } },
    };
    expect(slaClocks(facts(), noResolution, null, at('2026-03-02T10:05:00Z')).map((clock) => clock.metric)).toEqual(['first_response']);
  });

  it('counts in business hours: a follow-up opened on Friday evening is due on Monday', () => {
    // Friday 2026-03-06 18:00 Berlin (17:00Z), after closing: four business hours are Monday 09:00–13:00 Berlin.
    const [first] = slaClocks(facts({ openedAt: at('2026-03-06T17:00:00Z') }), policy, berlin, at('2026-03-06T17:00:00Z'));
    expect(first).toMatchObject({ dueAt: '2026-03-09T12:00:00.000Z', warnAt: '2026-03-09T11:30:00.000Z', state: 'running' });
  });

  it('counts business hours across the spring DST change in Berlin (CET → CEST on 2026-03-29)', () => {
    // Opened Friday 2026-03-27 15:00 Berlin (14:00Z, CET): two hours that day, two on Monday 2026-03-30 from 09:00 CEST
    // (07:00Z). Counting in UTC instead would land an hour off.
    const [first] = slaClocks(facts({ openedAt: at('2026-03-27T14:00:00Z') }), policy, berlin, at('2026-03-27T14:00:00Z'));
    expect(first?.dueAt).toBe('2026-03-30T09:00:00.000Z');
  });

  it('counts business hours across the autumn DST change in Berlin (CEST → CET on 2026-10-25)', () => {
    // Opened Friday 2026-10-23 16:00 Berlin (14:00Z, CEST): one hour that day, three on Monday from 09:00 CET (08:00Z).
    const [first] = slaClocks(facts({ openedAt: at('2026-10-23T14:00:00Z') }), policy, berlin, at('2026-10-23T14:00:00Z'));
    expect(first?.dueAt).toBe('2026-10-26T11:00:00.000Z');
  });

  it('keeps a clock running without instants when the business never opens', () => {
    const never: BusinessHours = { timeZone: 'UTC', weekly: {}, holidays: [] };
    const [first] = slaClocks(facts(), policy, never, at('2026-03-02T10:05:00Z'));
    expect(first).toMatchObject({ dueAt: null, warnAt: null, state: 'running' });
  });
});

describe('pendingExpiresAt and nextCheckAt', () => {
  it('expires a pending follow-up after the policy’s wall-clock hours, and only a pending one', () => {
    const pending = facts({ status: 'pending', pendingSince: at('2026-03-02T10:00:00Z') });
    expect(pendingExpiresAt(pending, policy)).toEqual(at('2026-03-05T10:00:00Z'));
    expect(pendingExpiresAt(facts(), policy)).toBeNull();
    expect(pendingExpiresAt(pending, { ...policy, resolvePendingAfterHours: null })).toBeNull();
  });

  it('wakes at the next warning or due instant still ahead, or at the pending expiry when that is sooner', () => {
    const clocks = slaClocks(facts(), policy, null, at('2026-03-02T10:05:00Z'));
    expect(nextCheckAt(clocks, null, at('2026-03-02T10:05:00Z'))).toEqual(at('2026-03-02T13:30:00Z'));
    expect(nextCheckAt(clocks, null, at('2026-03-02T13:30:00Z'))).toEqual(at('2026-03-02T14:00:00Z'));
    expect(nextCheckAt(clocks, at('2026-03-02T12:00:00Z'), at('2026-03-02T10:05:00Z'))).toEqual(at('2026-03-02T12:00:00Z'));
    expect(nextCheckAt(clocks, null, at('2026-03-04T00:00:00Z'))).toBeNull();
  });
});
