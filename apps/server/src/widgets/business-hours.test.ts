import { describe, expect, it } from 'vitest';
import { businessHoursSchema, businessHoursSettingSchema, type BusinessHours } from '@parley/protocol';
import { addBusinessTime, businessTimeBetween, isOpen, nextOpening } from './business-hours.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const utc = (iso: string) => new Date(iso);

const nineToFive = [{ open: '09:00', close: '17:00' }];
/** Weekdays 09:00–17:00 in `timeZone`, with `holidays`. */
function weekdays(timeZone: string, holidays: string[] = []): BusinessHours {
  return businessHoursSchema.parse({
    timeZone,
    weekly: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
    holidays,
  });
}
/** Open only on Sundays, in the given intervals. */
function sundays(timeZone: string, ...intervals: { open: string; close: string }[]): BusinessHours {
  return businessHoursSchema.parse({ timeZone, weekly: { sunday: intervals } });
}

/** The issue messages of a failed parse. */
function messagesOf(input: unknown): string[] {
  const result = businessHoursSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => issue.message) ?? [];
}

describe('businessHoursSchema', () => {
  it('parses a schedule, defaulting holidays to none; a missing day is closed', () => {
    const hours = businessHoursSchema.parse({ timeZone: 'Europe/Berlin', weekly: { monday: nineToFive } });
    expect(hours).toEqual({ timeZone: 'Europe/Berlin', weekly: { monday: nineToFive }, holidays: [] });
    expect(isOpen(hours, utc('2026-01-06T10:00:00Z'))).toBe(false); // a Tuesday
  });

  it('accepts 24:00 as a closing time, touching intervals, and a leap day', () => {
    const input = {
      timeZone: 'UTC',
      weekly: {
        friday: [
          { open: '12:00', close: '24:00' },
          { open: '08:00', close: '12:00' },
        ],
      },
      holidays: ['2028-02-29'],
    };
    expect(businessHoursSchema.safeParse(input).success).toBe(true);
  });

  it('rejects an unknown time zone', () => {
    expect(messagesOf({ timeZone: 'Mars/Olympus_Mons', weekly: {} })).toEqual(['Unknown time zone "Mars/Olympus_Mons"']);
  });

  it('rejects times out of range, and 24:00 as an opening time', () => {
    expect(messagesOf({ timeZone: 'UTC', weekly: { monday: [{ open: '09:00', close: '25:00' }] } })).toEqual([
      'Expected a closing time as HH:MM, from 00:00 to 24:00',
    ]);
    expect(messagesOf({ timeZone: 'UTC', weekly: { monday: [{ open: '24:00', close: '24:00' }] } })).toEqual([
      'Expected an opening time as HH:MM, from 00:00 to 23:59',
    ]);
    expect(messagesOf({ timeZone: 'UTC', weekly: { monday: [{ open: '9:00', close: '17:60' }] } })).toHaveLength(2);
  });

  it('rejects an interval that does not close after it opens', () => {
    expect(messagesOf({ timeZone: 'UTC', weekly: { monday: [{ open: '17:00', close: '09:00' }] } })).toEqual([
      'Closing time 09:00 must be after opening time 17:00',
    ]);
    expect(messagesOf({ timeZone: 'UTC', weekly: { monday: [{ open: '09:00', close: '09:00' }] } })).toEqual([
      'Closing time 09:00 must be after opening time 09:00',
    ]);
  });

  it('rejects overlapping intervals of one day, in any order', () => {
    const monday = [
      { open: '11:00', close: '13:00' },
      { open: '09:00', close: '12:00' },
    ];
    expect(messagesOf({ timeZone: 'UTC', weekly: { monday } })).toEqual(['Intervals 09:00–12:00 and 11:00–13:00 overlap']);
  });

  it('rejects holidays that are not calendar dates', () => {
    expect(messagesOf({ timeZone: 'UTC', weekly: {}, holidays: ['2026-02-30'] })).toEqual([
      'Expected a calendar date as YYYY-MM-DD, got "2026-02-30"',
    ]);
    expect(messagesOf({ timeZone: 'UTC', weekly: {}, holidays: ['2027-02-29', '2026-2-3', 'easter'] })).toEqual([
      'Expected a calendar date as YYYY-MM-DD, got "2027-02-29"',
      'Expected a calendar date as YYYY-MM-DD, got "2026-2-3"',
      'Expected a calendar date as YYYY-MM-DD, got "easter"',
    ]);
  });

  it('rejects a misspelled day rather than reading it as closed', () => {
    expect(businessHoursSchema.safeParse({ timeZone: 'UTC', weekly: { munday: nineToFive } }).success).toBe(false);
  });

  it('as a setting, reads a missing or null value as null (always open)', () => {
    expect(businessHoursSettingSchema.parse(undefined)).toBeNull();
    expect(businessHoursSettingSchema.parse(null)).toBeNull();
    expect(businessHoursSettingSchema.parse({ timeZone: 'UTC', weekly: {} })).toEqual({
      timeZone: 'UTC',
      weekly: {},
      holidays: [],
    });
  });
});

describe('Europe/Berlin, weekdays 09:00–17:00', () => {
  const hours = weekdays('Europe/Berlin');

  it('opens at 08:00Z in winter (CET) and 07:00Z in summer (CEST), closing half-open', () => {
    expect(isOpen(hours, utc('2026-03-27T07:59:59Z'))).toBe(false); // Friday before the change
    expect(isOpen(hours, utc('2026-03-27T08:00:00Z'))).toBe(true);
    expect(isOpen(hours, utc('2026-03-27T15:59:59.999Z'))).toBe(true);
    expect(isOpen(hours, utc('2026-03-27T16:00:00Z'))).toBe(false);
    expect(isOpen(hours, utc('2026-03-30T06:59:59Z'))).toBe(false); // Monday after it
    expect(isOpen(hours, utc('2026-03-30T07:00:00Z'))).toBe(true);
    expect(isOpen(hours, utc('2026-03-30T15:00:00Z'))).toBe(false);
  });

  it('finds the next opening across the spring and autumn weekends', () => {
    expect(nextOpening(hours, utc('2026-03-27T16:00:00Z'))).toEqual(utc('2026-03-30T07:00:00Z'));
    expect(nextOpening(hours, utc('2026-10-23T15:00:00Z'))).toEqual(utc('2026-10-26T08:00:00Z'));
    expect(nextOpening(hours, utc('2026-03-30T09:30:00Z'))).toEqual(utc('2026-03-30T09:30:00Z')); // open now
  });

  it('adds business time across a weekend (and the spring change)', () => {
    // Friday 16:00 CET + 2h: 1h on Friday, then 1h from Monday 09:00 CEST.
    expect(addBusinessTime(hours, utc('2026-03-27T15:00:00Z'), 2 * HOUR)).toEqual(utc('2026-03-30T08:00:00Z'));
    expect(businessTimeBetween(hours, utc('2026-03-27T15:00:00Z'), utc('2026-03-30T08:00:00Z'))).toBe(2 * HOUR);
    // From Saturday: the clock starts on Monday.
    expect(addBusinessTime(hours, utc('2026-10-24T12:00:00Z'), 30 * MINUTE)).toEqual(utc('2026-10-26T08:30:00Z'));
  });

  it('ends at closing time when the time runs out exactly then', () => {
    expect(addBusinessTime(hours, utc('2026-03-27T08:00:00Z'), 8 * HOUR)).toEqual(utc('2026-03-27T16:00:00Z'));
    expect(addBusinessTime(hours, utc('2026-03-27T08:00:00Z'), 8 * HOUR + 1)).toEqual(utc('2026-03-30T07:00:00.001Z'));
  });

  it('skips holidays: Easter 2026 from Thursday to Tuesday', () => {
    const easter = weekdays('Europe/Berlin', ['2026-04-03', '2026-04-06']);
    // Thursday 16:00 CEST + 2h: 1h on Thursday, Good Friday and Easter Monday closed, 1h on Tuesday.
    expect(addBusinessTime(easter, utc('2026-04-02T14:00:00Z'), 2 * HOUR)).toEqual(utc('2026-04-07T08:00:00Z'));
    expect(addBusinessTime(hours, utc('2026-04-02T14:00:00Z'), 2 * HOUR)).toEqual(utc('2026-04-03T08:00:00Z'));
    expect(nextOpening(easter, utc('2026-04-02T15:00:00Z'))).toEqual(utc('2026-04-07T07:00:00Z'));
    expect(isOpen(easter, utc('2026-04-06T10:00:00Z'))).toBe(false);
    expect(businessTimeBetween(easter, utc('2026-04-02T00:00:00Z'), utc('2026-04-08T00:00:00Z'))).toBe(16 * HOUR);
  });

  it('counts a week as 40 hours, on either side of a change', () => {
    expect(businessTimeBetween(hours, utc('2026-03-23T00:00:00Z'), utc('2026-03-30T00:00:00Z'))).toBe(40 * HOUR);
    expect(businessTimeBetween(hours, utc('2026-10-19T00:00:00Z'), utc('2026-11-02T00:00:00Z'))).toBe(80 * HOUR);
  });
});

describe('Europe/Berlin on the change days', () => {
  const nightShift = sundays('Europe/Berlin', { open: '01:00', close: '04:00' });

  it('01:00–04:00 lasts 2h when the clocks go forward (02:00→03:00)', () => {
    expect(nextOpening(nightShift, utc('2026-03-28T12:00:00Z'))).toEqual(utc('2026-03-29T00:00:00Z')); // 01:00 CET
    expect(businessTimeBetween(nightShift, utc('2026-03-28T12:00:00Z'), utc('2026-03-29T12:00:00Z'))).toBe(2 * HOUR);
    expect(isOpen(nightShift, utc('2026-03-29T01:59:59Z'))).toBe(true); // 03:59:59 CEST
    expect(isOpen(nightShift, utc('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
    // 2h ends at closing; 30 min more run into next Sunday's 01:00 CEST.
    expect(addBusinessTime(nightShift, utc('2026-03-29T00:00:00Z'), 2 * HOUR)).toEqual(utc('2026-03-29T02:00:00Z'));
    expect(addBusinessTime(nightShift, utc('2026-03-29T00:00:00Z'), 2.5 * HOUR)).toEqual(utc('2026-04-04T23:30:00Z'));
  });

  it('01:00–04:00 lasts 4h when the clocks go back (03:00→02:00)', () => {
    expect(nextOpening(nightShift, utc('2026-10-24T12:00:00Z'))).toEqual(utc('2026-10-24T23:00:00Z')); // 01:00 CEST
    expect(businessTimeBetween(nightShift, utc('2026-10-24T12:00:00Z'), utc('2026-10-25T12:00:00Z'))).toBe(4 * HOUR);
    expect(isOpen(nightShift, utc('2026-10-25T02:59:59Z'))).toBe(true); // 03:59:59 CET
    expect(isOpen(nightShift, utc('2026-10-25T03:00:00Z'))).toBe(false); // 04:00 CET
    expect(addBusinessTime(nightShift, utc('2026-10-24T23:00:00Z'), 4 * HOUR)).toEqual(utc('2026-10-25T03:00:00Z'));
  });

  it('opens a time that does not exist at the end of the gap (03:00 CEST)', () => {
    const gap = sundays('Europe/Berlin', { open: '02:30', close: '05:00' });
    expect(nextOpening(gap, utc('2026-03-28T12:00:00Z'))).toEqual(utc('2026-03-29T01:00:00Z'));
    expect(businessTimeBetween(gap, utc('2026-03-29T00:00:00Z'), utc('2026-03-30T00:00:00Z'))).toBe(2 * HOUR);
    // Wholly inside the gap: never open that day, so the next opening is a week later, at 02:15 CEST.
    const inGap = sundays('Europe/Berlin', { open: '02:15', close: '02:45' });
    expect(nextOpening(inGap, utc('2026-03-28T12:00:00Z'))).toEqual(utc('2026-04-05T00:15:00Z'));
  });

  it('opens a time that exists twice at the earlier one (02:30 CEST)', () => {
    const twice = sundays('Europe/Berlin', { open: '02:30', close: '05:00' });
    expect(nextOpening(twice, utc('2026-10-24T12:00:00Z'))).toEqual(utc('2026-10-25T00:30:00Z'));
    expect(businessTimeBetween(twice, utc('2026-10-25T00:00:00Z'), utc('2026-10-26T00:00:00Z'))).toBe(3.5 * HOUR);
  });
});

describe('America/New_York', () => {
  const hours = weekdays('America/New_York');
  const allSunday = sundays('America/New_York', { open: '00:00', close: '24:00' });

  it('opens at 14:00Z before the March change (EST) and 13:00Z after it (EDT)', () => {
    expect(nextOpening(hours, utc('2026-03-06T00:00:00Z'))).toEqual(utc('2026-03-06T14:00:00Z'));
    expect(nextOpening(hours, utc('2026-03-06T22:00:00Z'))).toEqual(utc('2026-03-09T13:00:00Z'));
    // Friday 16:00 EST + 90 min: 1h on Friday, 30 min from Monday 09:00 EDT.
    expect(addBusinessTime(hours, utc('2026-03-06T21:00:00Z'), 90 * MINUTE)).toEqual(utc('2026-03-09T13:30:00Z'));
  });

  it('opens at 13:00Z before the November change and 14:00Z after it', () => {
    expect(nextOpening(hours, utc('2026-10-30T00:00:00Z'))).toEqual(utc('2026-10-30T13:00:00Z'));
    expect(nextOpening(hours, utc('2026-10-30T21:00:00Z'))).toEqual(utc('2026-11-02T14:00:00Z'));
  });

  it('has 23 hours on the spring Sunday and 25 on the autumn one (00:00–24:00)', () => {
    expect(businessTimeBetween(allSunday, utc('2026-03-07T00:00:00Z'), utc('2026-03-10T00:00:00Z'))).toBe(23 * HOUR);
    expect(businessTimeBetween(allSunday, utc('2026-10-31T00:00:00Z'), utc('2026-11-03T00:00:00Z'))).toBe(25 * HOUR);
    expect(nextOpening(allSunday, utc('2026-03-07T12:00:00Z'))).toEqual(utc('2026-03-08T05:00:00Z')); // 00:00 EST
    expect(addBusinessTime(allSunday, utc('2026-03-08T05:00:00Z'), 23 * HOUR)).toEqual(utc('2026-03-09T04:00:00Z'));
  });

  it('maps 02:30 in the spring gap to 03:00 EDT, and the twice-shown 01:30 in autumn to 01:30 EDT', () => {
    const gap = sundays('America/New_York', { open: '02:30', close: '06:00' });
    expect(nextOpening(gap, utc('2026-03-07T12:00:00Z'))).toEqual(utc('2026-03-08T07:00:00Z'));
    expect(nextOpening(gap, utc('2026-10-31T12:00:00Z'))).toEqual(utc('2026-11-01T07:30:00Z')); // 02:30 EST: once
    const twice = sundays('America/New_York', { open: '01:30', close: '03:00' });
    expect(nextOpening(twice, utc('2026-10-31T12:00:00Z'))).toEqual(utc('2026-11-01T05:30:00Z'));
    expect(businessTimeBetween(twice, utc('2026-10-31T12:00:00Z'), utc('2026-11-02T00:00:00Z'))).toBe(2.5 * HOUR);
  });
});

describe('Asia/Kolkata (UTC+05:30, no DST)', () => {
  const hours = weekdays('Asia/Kolkata');

  it('opens at 03:30Z and closes at 11:30Z', () => {
    expect(isOpen(hours, utc('2026-01-05T03:29:59Z'))).toBe(false);
    expect(isOpen(hours, utc('2026-01-05T03:30:00Z'))).toBe(true);
    expect(isOpen(hours, utc('2026-01-05T11:30:00Z'))).toBe(false);
    expect(nextOpening(hours, utc('2026-01-09T12:00:00Z'))).toEqual(utc('2026-01-12T03:30:00Z'));
    expect(addBusinessTime(hours, utc('2026-01-09T11:00:00Z'), HOUR)).toEqual(utc('2026-01-12T04:00:00Z'));
  });

  it('reads the weekday in the zone, not in UTC', () => {
    // Monday 00:30 IST is still Sunday in UTC.
    const mondayNight = businessHoursSchema.parse({
      timeZone: 'Asia/Kolkata',
      weekly: { monday: [{ open: '00:00', close: '01:00' }] },
    });
    expect(isOpen(mondayNight, utc('2026-01-04T19:00:00Z'))).toBe(true);
    expect(isOpen(mondayNight, utc('2026-01-05T19:00:00Z'))).toBe(false);
  });
});

describe('America/Santiago (changes at midnight)', () => {
  const weekend = businessHoursSchema.parse({
    timeZone: 'America/Santiago',
    weekly: { saturday: [{ open: '00:00', close: '24:00' }], sunday: [{ open: '00:00', close: '24:00' }] },
  });

  it('opens a Sunday whose midnight does not exist at 01:00 (-03)', () => {
    expect(nextOpening(weekend, utc('2026-09-04T12:00:00Z'))).toEqual(utc('2026-09-05T04:00:00Z')); // Saturday, -04
    expect(isOpen(weekend, utc('2026-09-06T03:59:59Z'))).toBe(true); // Saturday 23:59:59 -04
    expect(businessTimeBetween(weekend, utc('2026-09-05T00:00:00Z'), utc('2026-09-08T00:00:00Z'))).toBe(47 * HOUR);
  });

  it('runs a Saturday whose last hour repeats 25 hours', () => {
    const saturday = [utc('2026-04-04T00:00:00Z'), utc('2026-04-05T04:00:00Z')] as const;
    expect(nextOpening(weekend, saturday[0])).toEqual(utc('2026-04-04T03:00:00Z')); // 00:00 -03
    expect(businessTimeBetween(weekend, ...saturday)).toBe(25 * HOUR);
  });
});

describe('edges', () => {
  it('treats null hours as always open', () => {
    const at = utc('2026-03-29T01:30:00Z');
    expect(isOpen(null, at)).toBe(true);
    expect(nextOpening(null, at)).toEqual(at);
    expect(addBusinessTime(null, at, 5 * HOUR)).toEqual(utc('2026-03-29T06:30:00Z'));
    expect(businessTimeBetween(null, at, utc('2026-03-30T01:30:00Z'))).toBe(24 * HOUR);
  });

  it('treats a schedule with no intervals as never open', () => {
    const never = businessHoursSchema.parse({ timeZone: 'Europe/Berlin', weekly: { monday: [] } });
    const at = utc('2026-03-29T01:30:00Z');
    expect(isOpen(never, at)).toBe(false);
    expect(nextOpening(never, at)).toBeNull();
    expect(addBusinessTime(never, at, MINUTE)).toBeNull();
    expect(businessTimeBetween(never, at, utc('2027-03-29T01:30:00Z'))).toBe(0);
  });

  it('skips a run of holidays shorter than the search horizon', () => {
    const holidays = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
    const hours = weekdays('UTC', holidays);
    expect(nextOpening(hours, utc('2026-01-01T00:00:00Z'))).toEqual(utc('2026-10-28T09:00:00Z'));
  });

  it('runs on across midnight when one day closes at 24:00 and the next opens at 00:00', () => {
    const hours = businessHoursSchema.parse({
      timeZone: 'Europe/Berlin',
      weekly: { friday: [{ open: '22:00', close: '24:00' }], saturday: [{ open: '00:00', close: '02:00' }] },
    });
    expect(isOpen(hours, utc('2026-01-09T23:00:00Z'))).toBe(true); // Saturday 00:00 CET
    // Friday 23:30 CET + 1h: 30 min on Friday, 30 min on Saturday.
    expect(addBusinessTime(hours, utc('2026-01-09T22:30:00Z'), HOUR)).toEqual(utc('2026-01-09T23:30:00Z'));
    expect(businessTimeBetween(hours, utc('2026-01-09T00:00:00Z'), utc('2026-01-11T00:00:00Z'))).toBe(4 * HOUR);
  });

  it('gives 0 for an empty or reversed range, and start for no time to add', () => {
    const hours = weekdays('Europe/Berlin');
    const at = utc('2026-03-28T12:00:00Z'); // Saturday: closed
    expect(businessTimeBetween(hours, at, at)).toBe(0);
    expect(businessTimeBetween(hours, at, utc('2026-03-20T12:00:00Z'))).toBe(0);
    expect(addBusinessTime(hours, at, 0)).toEqual(at);
    expect(() => addBusinessTime(hours, at, -1)).toThrow(RangeError);
  });

  it('agrees with itself: the business time up to addBusinessTime(start, ms) is ms', () => {
    const hours = weekdays('America/New_York', ['2026-11-26']);
    for (let start = Date.UTC(2026, 9, 28); start < Date.UTC(2026, 10, 30); start += 11 * HOUR + 7 * MINUTE) {
      for (const ms of [1, 45 * MINUTE, 8 * HOUR, 37 * HOUR]) {
        const due = addBusinessTime(hours, new Date(start), ms);
        expect(due).not.toBeNull();
        expect(businessTimeBetween(hours, new Date(start), due ?? new Date(start))).toBe(ms);
      }
    }
  });
});
