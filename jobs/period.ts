/**
 * The period a scheduled report covers, named by a key derived from the scheduler's fire time (not
 * the time a worker got round to it): a job delayed by a crash or a Redis restart still lands in the
 * period it was fired for, and two fires inside one period share a key — the key is what makes a
 * report exactly-once (jobs/scheduled-run.ts, graph/reports/store.ts).
 */

export const PERIOD_UNITS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of an instant in an IANA zone (Intl knows the zone rules; no offsets by hand). */
export function localParts(ms: number, tz: string): LocalParts {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute) };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO-8601 week-numbering year and week of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const y = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7);
  return { year: y, week };
}

/**
 * 2026-11-23 (day), 2026-W48 (week), 2026-11 (month), 2026-11-23T02 (hour), 2026-11-23T0205 (minute).
 * No colons: the key goes into BullMQ job ids, which may not contain one.
 */
export function periodKey(fireMs: number, unit: PeriodUnit, tz: string): string {
  if (!Number.isFinite(fireMs)) throw new Error(`periodKey: fire time ${fireMs} is not a time`);
  const p = localParts(fireMs, tz);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  switch (unit) {
    case 'minute':
      return `${date}T${pad(p.hour)}${pad(p.minute)}`;
    case 'hour':
      return `${date}T${pad(p.hour)}`;
    case 'day':
      return date;
    case 'week': {
      const w = isoWeek(p.year, p.month, p.day);
      return `${w.year}-W${pad(w.week)}`;
    }
    case 'month':
      return `${p.year}-${pad(p.month)}`;
  }
}

/** A key as periodKey makes it, for validating keys that come from outside (API, CLI). */
export const PERIOD_KEY_PATTERN = /^\d{4}-(\d{2}-\d{2}(T\d{2}(\d{2})?)?|W\d{2}|\d{2})$/;
