/**
 * Rating periods: a year (2024), a half (2024-H1), a quarter (2024-Q3) or a month (2024-07).
 * A period is a half-open range of calendar days in the bureau's time (+08:00, the time claims are
 * settled in); growth indicators compare a period with the one of the same length right before it.
 */

export interface Period {
  key: string;
  /** first day, yyyy-MM-dd */
  start: string;
  /** day after the last day, yyyy-MM-dd (exclusive) */
  end: string;
  unit: 'year' | 'half' | 'quarter' | 'month';
}

const PERIOD_RE = /^(\d{4})(?:-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$/;

export const PERIOD_HINT = 'a period like 2024 (year), 2024-H1 (half), 2024-Q3 (quarter) or 2024-07 (month)';

export function isPeriodKey(key: string): boolean {
  return PERIOD_RE.test(key);
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (y: number, m: number) => `${y}-${pad(m)}-01`;

/** First month (1-based) and length in months of a period key. */
function span(key: string): { year: number; month: number; months: number; unit: Period['unit'] } {
  const m = PERIOD_RE.exec(key);
  if (!m) throw new Error(`"${key}" is not ${PERIOD_HINT}`);
  const year = Number(m[1]);
  const part = m[2];
  if (part === undefined) return { year, month: 1, months: 12, unit: 'year' };
  if (part.startsWith('H')) return { year, month: part === 'H1' ? 1 : 7, months: 6, unit: 'half' };
  if (part.startsWith('Q')) return { year, month: (Number(part[1]) - 1) * 3 + 1, months: 3, unit: 'quarter' };
  return { year, month: Number(part), months: 1, unit: 'month' };
}

function addMonths(year: number, month: number, n: number): { year: number; month: number } {
  const i = year * 12 + (month - 1) + n;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

function keyOf(year: number, month: number, unit: Period['unit']): string {
  switch (unit) {
    case 'year':
      return String(year);
    case 'half':
      return `${year}-H${month <= 6 ? 1 : 2}`;
    case 'quarter':
      return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
    case 'month':
      return `${year}-${pad(month)}`;
  }
}

export function parsePeriod(key: string): Period {
  const s = span(key);
  const e = addMonths(s.year, s.month, s.months);
  return { key, start: day(s.year, s.month), end: day(e.year, e.month), unit: s.unit };
}

/** The period of the same length right before this one (2024-H1 → 2023-H2, 2024-01 → 2023-12). */
export function previousPeriod(key: string): Period {
  const s = span(key);
  const p = addMonths(s.year, s.month, -s.months);
  return parsePeriod(keyOf(p.year, p.month, s.unit));
}

/** The period of `unit` holding a calendar day (yyyy-MM-dd). */
export function periodOfDay(date: string, unit: Period['unit']): Period {
  const m = /^(\d{4})-(\d{2})-\d{2}/.exec(date);
  if (!m) throw new Error(`"${date}" is not a date`);
  return parsePeriod(keyOf(Number(m[1]), Number(m[2]), unit));
}
