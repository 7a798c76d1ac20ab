import type { Claim } from '../api/types.ts';

/** Fund paid per month (Asia/Shanghai) as bars, from the claims at hand. */
export function monthlyFundPaid(claims: Claim[]): { months: number[]; fund: number[]; counts: number[] } {
  const buckets = new Map<string, { fund: number; n: number }>();
  for (const c of claims) {
    if (!c.settledAt) continue;
    const d = new Date(new Date(c.settledAt).getTime() + 8 * 3600_000);
    const key = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    const b = buckets.get(key) ?? { fund: 0, n: 0 };
    b.fund += c.fundPaid ?? 0;
    b.n += 1;
    buckets.set(key, b);
  }
  const keys = [...buckets.keys()].sort();
  if (keys.length === 0) return { months: [], fund: [], counts: [] };
  // Fill empty months so gaps read as gaps.
  const months: number[] = [];
  const fund: number[] = [];
  const counts: number[] = [];
  let [y, m] = keys[0]!.split('-').map(Number) as [number, number];
  const [ly, lm] = keys.at(-1)!.split('-').map(Number) as [number, number];
  while (y < ly || (y === ly && m <= lm)) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    months.push(Date.UTC(y, m - 1, 1) / 1000 - 8 * 3600);
    fund.push(Math.round((buckets.get(key)?.fund ?? 0) * 100) / 100);
    counts.push(buckets.get(key)?.n ?? 0);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return { months, fund, counts };
}
