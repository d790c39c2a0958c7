/**
 * A widget's business hours: when people answer, as wall-clock times in the widget's time zone, and the open time
 * between two instants (SLA due times are counted in business hours). Pure: no I/O, no clock of its own.
 *
 * Wall-clock times become instants through the zone's offsets, looked up with `Intl.DateTimeFormat`. Around a DST
 * change a wall-clock time may not exist (spring forward: it maps to the first instant after the gap, when the clock
 * shows the gap's end) or exist twice (fall back: it maps to the earlier instant). So a Berlin schedule open 01:00–04:00
 * on the spring change day is open 2 hours, and on the autumn change day 4 hours.
 * @module
 */
import { businessHoursWeekdays, minutesOfDay, type BusinessHours } from '@parley/protocol';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * How many days in a row may be closed before a schedule counts as never open again. Longer than a year, so a run of
 * holidays is skipped, yet bounded, so that a schedule with no intervals at all ends the search.
 */
const MAX_CLOSED_DAYS = 400;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: constructing them is what's slow. `h23`, since `hour12: false` may print midnight as 24. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at `instant`, to the second, as the epoch ms of the same reading in UTC. */
function wallClockAt(timeZone: string, instant: number): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** The zone's UTC offset in ms at `instant`. `Intl` has no milliseconds, so they are dropped from the instant too. */
function offsetAt(timeZone: string, instant: number): number {
  return wallClockAt(timeZone, instant) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `wall` (epoch ms of that reading in UTC). The offsets in
 * force a day before and after bound the candidates, assuming at most one offset change in those two days (true of
 * every zone's current rules). A reading that exists twice (fall back) gives the earlier instant; one in a gap
 * (spring forward) gives the first instant after the gap, found by bisection to the second.
 */
function instantOf(timeZone: string, wall: number): number {
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetAt(timeZone, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: at `wall - after` the old offset is still in force, at `wall - before` the new one already is.
  let [lo, hi] = [wall - after, wall - before];
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(timeZone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** An open stretch of time, as epoch ms: [start, end). */
interface Span {
  start: number;
  end: number;
}

/** The open spans of one local date (`day`: epoch ms of its UTC midnight), in order; none on a holiday. */
function spansOfDay(hours: BusinessHours, day: number, holidays: ReadonlySet<string>): Span[] {
  const date = new Date(day);
  if (holidays.has(date.toISOString().slice(0, 10))) return [];
  const intervals = hours.weekly[businessHoursWeekdays[date.getUTCDay()] ?? 'sunday'] ?? [];
  return (
    intervals
      .map(({ open, close }) => ({
        start: instantOf(hours.timeZone, day + minutesOfDay(open) * MINUTE_MS),
        end: instantOf(hours.timeZone, day + minutesOfDay(close) * MINUTE_MS),
      }))
      // An interval wholly inside a spring-forward gap opens and closes at the same instant: it never happens.
      .filter(({ start, end }) => start < end)
      .toSorted((a, b) => a.start - b.start)
  );
}

/**
 * The open spans ending after `from`, in order, the first cut to start no earlier than `from`. Spans of consecutive
 * days may touch (24:00 then 00:00) but never overlap, since the wall-clock→instant mapping never goes backwards. Ends
 * after {@link MAX_CLOSED_DAYS} closed days in a row: from there on the schedule counts as never open.
 */
function* openSpans(hours: BusinessHours, from: number): Generator<Span> {
  const holidays = new Set(hours.holidays);
  // From the day before `from`'s local date: it is cheap, and no edge of a zone's midnight can then be missed.
  let day = Math.floor(wallClockAt(hours.timeZone, from) / DAY_MS) * DAY_MS - DAY_MS;
  for (let closedDays = 0; closedDays < MAX_CLOSED_DAYS; day += DAY_MS) {
    const spans = spansOfDay(hours, day, holidays).filter(({ end }) => end > from);
    closedDays = spans.length === 0 ? closedDays + 1 : 0;
    for (const { start, end } of spans) yield { start: Math.max(start, from), end };
  }
}

/** Whether the business is open at `at`. Always when `hours` is null. */
export function isOpen(hours: BusinessHours | null, at: Date): boolean {
  if (hours === null) return true;
  const first = openSpans(hours, at.getTime()).next();
  return !first.done && first.value.start === at.getTime();
}

/**
 * The instant the business next opens at or after `at`: `at` itself when open then (always when `hours` is null).
 * Null when it never opens: no intervals at all, or none within the {@link MAX_CLOSED_DAYS} days after a closed run.
 */
export function nextOpening(hours: BusinessHours | null, at: Date): Date | null {
  if (hours === null) return new Date(at.getTime());
  const first = openSpans(hours, at.getTime()).next();
  return first.done ? null : new Date(first.value.start);
}

/**
 * The earliest instant at which `ms` of open time have passed since `start`, e.g. an SLA due time counted in business
 * hours. `ms` of 0 gives `start`; when the last span needed ends exactly at closing time, the closing instant. With
 * null `hours` (always open) it is `start + ms`. Null when the business never opens again (see {@link nextOpening}):
 * the time never elapses, and a caller must choose what that means rather than get a date made up here.
 * @throws RangeError when `ms` is negative or not finite.
 */
export function addBusinessTime(hours: BusinessHours | null, start: Date, ms: number): Date | null {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Expected a finite, non-negative duration, got ${ms}`);
  if (hours === null || ms === 0) return new Date(start.getTime() + ms);
  let remaining = ms;
  for (const span of openSpans(hours, start.getTime())) {
    const length = span.end - span.start;
    if (remaining <= length) return new Date(span.start + remaining);
    remaining -= length;
  }
  return null;
}

/** The ms of open time in [from, to); 0 when `to` is not after `from`. All of it when `hours` is null. */
export function businessTimeBetween(hours: BusinessHours | null, from: Date, to: Date): number {
  const [start, end] = [from.getTime(), to.getTime()];
  if (end <= start) return 0;
  if (hours === null) return end - start;
  let total = 0;
  for (const span of openSpans(hours, start)) {
    if (span.start >= end) break;
    total += Math.min(span.end, end) - span.start;
  }
  return total;
}
