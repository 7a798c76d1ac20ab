/**
 * Calendar arithmetic in China Standard Time without the Date object's local-time surprises:
 * days are counted from 1970-01-01 and every timestamp is printed with +08:00.
 */

export interface Period {
  startDay: number; // days since 1970-01-01
  endDay: number; // inclusive
}

const PERIOD_PATTERN = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`"${date}" is not a date YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) throw new Error(`"${date}" is not a calendar date`);
  return Math.round(ms / 86_400_000);
}

const PAD = (n: number, width: number) => String(n).padStart(width, '0');

/** Days since 1970-01-01 → YYYY-MM-DD (years 0–9999), by civil-calendar arithmetic: no Date object per call. */
export function dateString(day: number): string {
  // Howard Hinnant's civil_from_days, in 400-year eras starting 0000-03-01.
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${PAD(y, 4)}-${PAD(m, 2)}-${PAD(d, 2)}`;
}

export function parsePeriod(text: string): Period {
  const m = PERIOD_PATTERN.exec(text);
  if (!m) throw new Error(`"${text}" is not a period like 2024-01-01..2024-12-31`);
  const startDay = dayNumber(m[1] as string);
  const endDay = dayNumber(m[2] as string);
  if (endDay < startDay) throw new Error(`period "${text}" ends before it starts`);
  if (endDay - startDay > 366 * 5) throw new Error(`period "${text}" is longer than five years`);
  return { startDay, endDay };
}

/** 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday. */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function dayOfYear(day: number): number {
  const d = new Date(day * 86_400_000);
  return Math.round((day * 86_400_000 - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000);
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** Formats timestamps fast: date strings are cached per day, the clock from a lookup table. */
export class TimestampFormatter {
  private readonly dates: string[];

  constructor(private readonly period: Period) {
    this.dates = [];
    for (let d = period.startDay; d <= period.endDay; d++) this.dates.push(dateString(d));
  }

  /** seconds since the period's first midnight (+08:00) → ISO 8601 with offset */
  timestamp(seconds: number): string {
    const day = Math.floor(seconds / 86400);
    let rest = seconds - day * 86400;
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const min = Math.floor(rest / 60);
    const s = rest - min * 60;
    return `${this.date(day)}T${PAD2[h]}:${PAD2[min]}:${PAD2[s]}+08:00`;
  }

  /** day index within the period → YYYY-MM-DD */
  date(dayIndex: number): string {
    return this.dates[dayIndex] ?? dateString(this.period.startDay + dayIndex);
  }
}

/** dateString for many days that repeat (birth dates, issue dates), without a Date per call. */
export class DateCache {
  private readonly cache = new Map<number, string>();

  get(day: number): string {
    let s = this.cache.get(day);
    if (s === undefined) this.cache.set(day, (s = dateString(day)));
    return s;
  }
}
