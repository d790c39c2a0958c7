/**
 * A widget's business hours as stored and sent: weekly open intervals as wall-clock times in a time zone, and holidays.
 * The server computes with them (open now? the next opening, SLA time counted in business hours).
 * @module
 */
import { z } from 'zod';

/** The days of `BusinessHours.weekly`, indexed by `Date#getUTCDay()` (Sunday first). */
export const businessHoursWeekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const OPEN_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
// A closing time may be 24:00: the end of the day, which no HH:MM of the day itself can express.
const CLOSE_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes since midnight of an `HH:MM` time. */
export function minutesOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether a time zone name is known to this runtime's ICU: the zone is only ever used through `Intl`. */
function isKnownTimeZone(timeZone: string): boolean {
  try {
    // Throws a RangeError for an unknown zone.
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone !== undefined;
  } catch {
    return false;
  }
}

/** Whether `date` is a real day as `YYYY-MM-DD`: `Date.UTC` rolls 2026-02-30 over to March, so it doesn't read back. */
function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) === date;
}

const intervalSchema = z
  .object({
    open: z.string().regex(OPEN_TIME, 'Expected an opening time as HH:MM, from 00:00 to 23:59'),
    close: z.string().regex(CLOSE_TIME, 'Expected a closing time as HH:MM, from 00:00 to 24:00'),
  })
  .superRefine(({ open, close }, ctx) => {
    // Zod runs this even when a time is malformed; that was reported above, and comparing it would add noise.
    if (!OPEN_TIME.test(open) || !CLOSE_TIME.test(close)) return;
    if (minutesOfDay(close) <= minutesOfDay(open)) {
      ctx.addIssue({ code: 'custom', path: ['close'], message: `Closing time ${close} must be after opening time ${open}` });
    }
  });

const dayIntervalsSchema = z.array(intervalSchema).superRefine((intervals, ctx) => {
  const sorted = intervals
    .filter(({ open, close }) => OPEN_TIME.test(open) && CLOSE_TIME.test(close))
    .toSorted((a, b) => minutesOfDay(a.open) - minutesOfDay(b.open));
  for (const [index, interval] of sorted.entries()) {
    const previous = sorted[index - 1];
    // Touching intervals (12:00 close, 12:00 open) are fine; overlapping ones are almost surely a typo.
    if (previous && minutesOfDay(interval.open) < minutesOfDay(previous.close)) {
      ctx.addIssue({
        code: 'custom',
        message: `Intervals ${previous.open}–${previous.close} and ${interval.open}–${interval.close} overlap`,
      });
    }
  }
});

/**
 * A widget's business hours, stored as JSON. `timeZone` is an IANA name (`Europe/Berlin`) in which all times and
 * dates are read. `weekly` lists each day's open intervals: a missing day, or an empty list, means closed that day.
 * `holidays` are closed dates (`YYYY-MM-DD`, in the time zone), whatever their weekday.
 */
export const businessHoursSchema = z.object({
  timeZone: z.string().refine(isKnownTimeZone, { error: (issue) => `Unknown time zone "${String(issue.input)}"` }),
  // Strict: a misspelled day would otherwise be dropped silently and the widget shown as closed that day.
  weekly: z.strictObject({
    monday: dayIntervalsSchema.optional(),
    tuesday: dayIntervalsSchema.optional(),
    wednesday: dayIntervalsSchema.optional(),
    thursday: dayIntervalsSchema.optional(),
    friday: dayIntervalsSchema.optional(),
    saturday: dayIntervalsSchema.optional(),
    sunday: dayIntervalsSchema.optional(),
  }),
  holidays: z
    .array(
      z.string().refine(isCalendarDate, {
        error: (issue) => `Expected a calendar date as YYYY-MM-DD, got "${String(issue.input)}"`,
      }),
    )
    .default([]),
});

/** A widget's business hours, as parsed by {@link businessHoursSchema}. */
export type BusinessHours = z.infer<typeof businessHoursSchema>;

/**
 * A widget's business hours setting. `null` (also when the setting is missing) means "always open": a widget that
 * never set hours must not start showing as closed, nor have its SLA clocks paused.
 */
export const businessHoursSettingSchema = businessHoursSchema.nullable().default(null);
