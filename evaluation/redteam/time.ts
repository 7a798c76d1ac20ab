/**
 * The red-team calendar: one year from 2023-04-01 to 2024-03-31 (366 days, China time).
 * A moment is stored as seconds since 2023-04-01 00:00 +08:00.
 */

export const PERIOD_START = '2023-04-01';
export const PERIOD_END = '2024-03-31';
export const DAYS = 366;
export const DAY = 86400;
export const HOUR = 3600;
export const MIN = 60;

const START_MS = Date.UTC(2023, 3, 1);

export const dateStr: string[] = [];
/** 0 = Sunday … 6 = Saturday */
export const dow: number[] = [];
/** calendar month 1..12 */
export const month: number[] = [];
/** day of month 1..31 */
export const mday: number[] = [];
export const holiday: boolean[] = [];

const HOLIDAYS: Array<[string, string]> = [
  ['2023-04-05', '2023-04-05'], // 清明
  ['2023-04-29', '2023-05-03'], // 劳动节
  ['2023-06-22', '2023-06-24'], // 端午
  ['2023-09-29', '2023-10-06'], // 中秋 + 国庆
  ['2023-12-30', '2024-01-01'], // 元旦
  ['2024-02-10', '2024-02-17'], // 春节
];

for (let d = 0; d < DAYS; d++) {
  const dt = new Date(START_MS + d * 86400000);
  const s = dt.toISOString().slice(0, 10);
  dateStr.push(s);
  dow.push(dt.getUTCDay());
  month.push(dt.getUTCMonth() + 1);
  mday.push(dt.getUTCDate());
  holiday.push(HOLIDAYS.some(([a, b]) => s >= a && s <= b));
}

export function dayIndex(date: string): number {
  const i = dateStr.indexOf(date);
  if (i < 0) throw new Error(`date ${date} outside the period`);
  return i;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

export function timestamp(t: number): string {
  const d = Math.floor(t / DAY);
  const s = t - d * DAY;
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${dateStr[d] ?? dateStr[DAYS - 1]}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}+08:00`;
}

export function dayOf(t: number): number {
  return Math.floor(t / DAY);
}

/** Respiratory-illness season: winter peak, summer trough; children get the autumn 2023 mycoplasma wave. */
export function respSeason(d: number, child: boolean): number {
  const m = month[d] as number;
  const adult = [0, 1.5, 1.25, 1.0, 0.85, 0.7, 0.6, 0.6, 0.6, 0.8, 1.05, 1.35, 1.7][m] as number;
  if (!child) return adult;
  const kid = [0, 1.45, 1.1, 1.0, 0.85, 0.7, 0.6, 0.45, 0.45, 0.9, 1.5, 1.9, 1.8][m] as number;
  return kid;
}

export function giSeason(d: number): number {
  const m = month[d] as number;
  return [0, 0.8, 0.8, 0.9, 0.95, 1.0, 1.3, 1.5, 1.4, 1.1, 0.9, 0.8, 0.8][m] as number;
}

/** Visit-volume factor for a day at an institution kind (weekends and public holidays quieter). */
export function dayFactor(d: number, kind: 'hospital' | 'clinic' | 'pharmacy'): number {
  const w = dow[d] as number;
  let f = 1;
  if (kind === 'hospital') f = w === 0 ? 0.45 : w === 6 ? 0.65 : w === 1 ? 1.2 : 1;
  else if (kind === 'clinic') f = w === 0 ? 0.35 : w === 6 ? 0.7 : 1;
  else f = w === 0 || w === 6 ? 1.1 : 1;
  if (holiday[d]) f *= kind === 'pharmacy' ? 0.75 : 0.4;
  return f;
}
