/**
 * Foreign date/time strings → canonical `YYYY-MM-DD` / `YYYY-MM-DDTHH:mm:ss+08:00`.
 *
 * Patterns use date-fns tokens (yyyy, MM, dd, HH, mm, ss, …). Fixed-width numeric patterns — what HIS
 * exports nearly always use (yyyyMMdd, yyyyMMddHHmmss, yyyy/MM/dd HH:mm:ss) — get a hand-written
 * parser, because date-fns `parse` allocates several objects per call and would dominate the cost of a
 * row. Everything else goes to date-fns.
 */
import { UTCDate } from '@date-fns/utc';
import { format as formatDate, isValid, parse as parseDate } from 'date-fns';

export type TemporalKind = 'date' | 'timestamp';

/** Converts one value; `undefined` means the value does not match the pattern (or is no real date). */
export type DateConverter = (value: string) => string | undefined;

/** China has one offset and no DST, so canonical timestamps always carry +08:00. */
const CHINA_OFFSET_MINUTES = 8 * 60;

/** Canonical naming convention: `*_date` columns hold dates, `*_at` columns hold timestamps. */
export function temporalKindOf(column: string): TemporalKind | undefined {
  if (column.endsWith('_date')) return 'date';
  if (column.endsWith('_at')) return 'timestamp';
  return undefined;
}

const OFFSET_PATTERN = /^(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

/** `+08:00` / `-05:30` / `Z` → minutes east of UTC; undefined when malformed. */
export function parseOffset(offset: string): number | undefined {
  if (!OFFSET_PATTERN.test(offset)) return undefined;
  if (offset === 'Z') return 0;
  const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
  return offset.startsWith('-') ? -minutes : minutes;
}

// date-fns works in the machine's time zone unless given a context. In UTC its fields are exactly the
// wall-clock fields of the text, with no DST gap to fall into (a 02:30 that New York skips, say).
const inUtc = (value: Date | number | string) => new UTCDate(value instanceof Date ? value.getTime() : value);
// Distinct field values, so a pattern that drops or confuses a field fails the round trip below.
const SAMPLE_INSTANT = new UTCDate(2024, 10, 23, 13, 45, 57);
// Fields the pattern lacks come from here; fixed so results never depend on "today".
const REFERENCE_DATE = new UTCDate(2000, 0, 1, 0, 0, 0, 0);

/** Why `pattern` is unusable (bad token, or one date-fns can format but not parse); undefined when fine. */
export function checkDatePattern(pattern: string): string | undefined {
  const parts = tokenize(pattern);
  if (!parts) return `date pattern "${pattern}" has an unterminated quote (write a literal ' as '')`;
  const letters = parts.flatMap((part) => (part.token ? [part.token[0]!] : []));
  // Week-numbering year and day-of-year look like yyyy / dd but give wrong dates around new year;
  // date-fns refuses them too, but only after printing a warning, so name them first.
  if (letters.includes('Y')) return `date pattern "${pattern}": use \`yyyy\` for the year (\`Y\` is the week-numbering year)`;
  if (letters.includes('D')) return `date pattern "${pattern}": use \`dd\` for the day of the month (\`D\` is the day of the year)`;
  const epoch = letters.includes('t') || letters.includes('T');
  if (!epoch && !(['y', 'M', 'd'].every((l) => letters.includes(l)) || (letters.includes('u') && letters.includes('M') && letters.includes('d')))) {
    return `date pattern "${pattern}" needs a year (yyyy), month (MM) and day (dd); a date and a time in separate columns can be joined with \`from: [date, time]\``;
  }
  let sample: string;
  try {
    sample = formatDate(SAMPLE_INSTANT, pattern, { in: inUtc });
  } catch (error) {
    return `invalid date pattern "${pattern}": ${(error as Error).message}`;
  }
  try {
    if (!isValid(parseDate(sample, pattern, REFERENCE_DATE, { in: inUtc }))) {
      return `date pattern "${pattern}" cannot parse its own output "${sample}"`;
    }
  } catch (error) {
    return `invalid date pattern "${pattern}": ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * `timezone` is the offset of the source's wall-clock times; it only matters for patterns with a time
 * of day. `fastPath: false` forces date-fns, which lets tests check that both parsers agree.
 */
export function compileDateConverter(
  pattern: string,
  output: TemporalKind,
  timezone = '+08:00',
  { fastPath = true }: { fastPath?: boolean } = {},
): DateConverter {
  const sourceOffset = parseOffset(timezone);
  if (sourceOffset === undefined) throw new Error(`invalid timezone offset "${timezone}"`);
  const fast = fastPath ? compileFixedWidth(pattern, output, sourceOffset) : undefined;
  return fast ?? compileWithDateFns(pattern, output, sourceOffset);
}

type FixedField = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

const FIXED_TOKENS: Record<string, FixedField> = {
  yyyy: 'year',
  MM: 'month',
  dd: 'day',
  HH: 'hour',
  mm: 'minute',
  ss: 'second',
};

/** Splits a date-fns pattern into tokens (runs of one letter) and literals (quoted or non-letters). */
function tokenize(pattern: string): { token?: string; literal?: string }[] | undefined {
  const parts: { token?: string; literal?: string }[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return undefined;
      parts.push({ literal: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      parts.push({ token: pattern.slice(i, j) });
      i = j;
    } else {
      parts.push({ literal: ch });
      i++;
    }
  }
  return parts;
}

function compileFixedWidth(pattern: string, output: TemporalKind, sourceOffset: number): DateConverter | undefined {
  const parts = tokenize(pattern);
  if (!parts) return undefined;
  const at: Partial<Record<FixedField, number>> = {};
  const literalAt: number[] = [];
  const literalCode: number[] = [];
  let width = 0;
  for (const part of parts) {
    if (part.token !== undefined) {
      const field = FIXED_TOKENS[part.token];
      if (!field || at[field] !== undefined) return undefined;
      at[field] = width;
      width += part.token.length;
    } else {
      for (const ch of part.literal!) {
        literalAt.push(width++);
        literalCode.push(ch.charCodeAt(0));
      }
    }
  }
  const { year: y, month: mo, day: d, hour: h, minute: mi, second: s } = at;
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  // Minutes without hours (or seconds without minutes) would be a pattern mistake; let date-fns judge it.
  if ((mi !== undefined && h === undefined) || (s !== undefined && mi === undefined)) return undefined;
  const hasTime = h !== undefined;
  const digitAt = Array.from({ length: width }, (_, i) => i).filter((i) => !literalAt.includes(i));
  // Shift only when a time of day is known: a calendar date alone has no instant to move.
  const shift = hasTime && sourceOffset !== CHINA_OFFSET_MINUTES;

  return (value) => {
    if (value.length !== width) return undefined;
    for (let k = 0; k < literalAt.length; k++) {
      if (value.charCodeAt(literalAt[k]!) !== literalCode[k]) return undefined;
    }
    for (let k = 0; k < digitAt.length; k++) {
      const c = value.charCodeAt(digitAt[k]!);
      if (c < 48 || c > 57) return undefined;
    }
    const year = num4(value, y);
    const month = num2(value, mo);
    const day = num2(value, d);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    const hour = h === undefined ? 0 : num2(value, h);
    const minute = mi === undefined ? 0 : num2(value, mi);
    const second = s === undefined ? 0 : num2(value, s);
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    if (shift) {
      return formatChinaWallClock(utcMilliseconds(year, month, day, hour, minute, second) - sourceOffset * 60_000, output);
    }
    // Already China wall-clock time: reuse the digits as they are.
    const date = `${value.slice(y, y + 4)}-${value.slice(mo, mo + 2)}-${value.slice(d, d + 2)}`;
    if (output === 'date') return date;
    const hh = h === undefined ? '00' : value.slice(h, h + 2);
    const mm = mi === undefined ? '00' : value.slice(mi, mi + 2);
    const ss = s === undefined ? '00' : value.slice(s, s + 2);
    return `${date}T${hh}:${mm}:${ss}+08:00`;
  };
}

function compileWithDateFns(pattern: string, output: TemporalKind, sourceOffset: number): DateConverter {
  const literalsRemoved = pattern.replace(/'[^']*'/g, '');
  // X/x carry their own offset and t/T are epoch values: the parsed Date is then an exact instant.
  const absolute = /[XxtT]/.test(literalsRemoved);
  const hasTime = absolute || /[HhKkmsaBb]/.test(literalsRemoved);
  return (value) => {
    const ms = parseDate(value, pattern, REFERENCE_DATE, { in: inUtc }).getTime();
    if (Number.isNaN(ms)) return undefined;
    if (absolute) return formatChinaWallClock(ms, output);
    // Parsed in UTC, so `ms` is the wall-clock time as if it were UTC; move it by the source offset.
    return formatChinaWallClock(hasTime ? ms - sourceOffset * 60_000 : ms - CHINA_OFFSET_MINUTES * 60_000, output);
  };
}

/** Formats a UTC instant as China wall-clock date or timestamp. */
function formatChinaWallClock(utcMs: number, output: TemporalKind): string {
  const t = new Date(utcMs + CHINA_OFFSET_MINUTES * 60_000);
  const date = `${pad4(t.getUTCFullYear())}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
  if (output === 'date') return date;
  return `${date}T${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())}+08:00`;
}

/** Date.UTC, except that years 0-99 stay years 0-99 instead of becoming 1900-1999. */
function utcMilliseconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year >= 100) return ms;
  const date = new Date(ms);
  date.setUTCFullYear(year);
  return date.getTime();
}

function num2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

function num4(s: string, i: number): number {
  return num2(s, i) * 100 + num2(s, i + 2);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}
