import type { ClaimTimeline } from '../api/types.ts';

/** One bar of a timeline: its key (YYYY-MM, YYYY-MM-DD or the hour), label, and sums. */
export interface Bucket {
  key: string;
  label: string;
  claims: number;
  fundPaid: number;
}

export type Grain = 'month' | 'day';

const pad = (n: number) => String(n).padStart(2, '0');

/** Every month (or day) from the first to the last with claims, empty ones included so gaps read as gaps. */
export function periodBuckets(t: ClaimTimeline, grain: Grain): Bucket[] {
  const sums = new Map<string, { claims: number; fundPaid: number }>();
  for (const c of t.cells) {
    const k = grain === 'month' ? c.day.slice(0, 7) : c.day;
    const s = sums.get(k) ?? { claims: 0, fundPaid: 0 };
    s.claims += c.claims;
    s.fundPaid += c.fundPaid;
    sums.set(k, s);
  }
  const keys = [...sums.keys()].sort();
  if (!keys.length) return [];
  const out: Bucket[] = [];
  const [y0, m0, d0] = keys[0]!.split('-').map(Number) as [number, number, number?];
  const last = keys.at(-1)!;
  // Walk calendar days/months in UTC arithmetic on the Beijing dates themselves (no zone shifts).
  const cursor = new Date(Date.UTC(y0, m0 - 1, d0 ?? 1));
  for (let guard = 0; guard < 20_000; guard++) {
    const k = grain === 'month' ? `${cursor.getUTCFullYear()}-${pad(cursor.getUTCMonth() + 1)}` : `${cursor.getUTCFullYear()}-${pad(cursor.getUTCMonth() + 1)}-${pad(cursor.getUTCDate())}`;
    const s = sums.get(k) ?? { claims: 0, fundPaid: 0 };
    out.push({ key: k, label: grain === 'month' ? k : k.slice(5), claims: s.claims, fundPaid: Math.round(s.fundPaid * 100) / 100 });
    if (k >= last) break;
    if (grain === 'month') cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    else cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return out;
}

/** Claims per hour of the day (Beijing), all 24 hours. */
export function hourBuckets(t: ClaimTimeline): Bucket[] {
  const out: Bucket[] = Array.from({ length: 24 }, (_, h) => ({ key: String(h), label: `${pad(h)}`, claims: 0, fundPaid: 0 }));
  for (const c of t.cells) {
    out[c.hour]!.claims += c.claims;
    out[c.hour]!.fundPaid = Math.round((out[c.hour]!.fundPaid + c.fundPaid) * 100) / 100;
  }
  return out;
}
