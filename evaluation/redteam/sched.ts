/** Day and time-of-day sampling: seasons, weekdays, holidays, business hours and rush peaks. */
import type { Rng } from './rng.ts';
import { DAYS, dayFactor, giSeason, respSeason } from './time.ts';
import type { Institution, Kind } from './world.ts';

export type Season = 'flat' | 'respA' | 'respC' | 'gi';
const SEASONS: Season[] = ['flat', 'respA', 'respC', 'gi'];
const KINDS: Kind[] = ['hospital', 'clinic', 'pharmacy'];

const cumulative = new Map<string, Float64Array>();
for (const s of SEASONS) {
  for (const k of KINDS) {
    const arr = new Float64Array(DAYS);
    let acc = 0;
    for (let d = 0; d < DAYS; d++) {
      const sf = s === 'flat' ? 1 : s === 'respA' ? respSeason(d, false) : s === 'respC' ? respSeason(d, true) : giSeason(d);
      acc += sf * dayFactor(d, k);
      arr[d] = acc;
    }
    cumulative.set(s + k, arr);
  }
}

/** a day in [from, to] weighted by season and the institution kind's weekly rhythm */
export function sampleDay(kind: Kind, season: Season, rng: Rng, from = 0, to = DAYS - 1): number {
  const arr = cumulative.get(season + kind)!;
  const lo = from > 0 ? arr[from - 1]! : 0;
  const hi = arr[to]!;
  const x = lo + rng.next() * (hi - lo);
  let a = from;
  let b = to;
  while (a < b) {
    const m = (a + b) >> 1;
    if (arr[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/** a draw from gen() that falls inside [lo, hi] (redrawn, never clamped: clamping piles visits onto one minute) */
function within(gen: () => number, lo: number, hi: number, rng: Rng): number {
  for (let i = 0; i < 12; i++) {
    const x = gen();
    if (x >= lo && x <= hi) return x;
  }
  return rng.float(lo, hi);
}

/** second of day of an ordinary visit at the institution */
export function timeOfDay(inst: Institution, rng: Rng, emergency = false): number {
  if (inst.kind === 'hospital') {
    if (emergency) return rng.int(0, 86399);
    const h = within(() => (rng.chance(0.6) ? rng.normal(9.7, 1.0) : rng.normal(14.9, 1.0)), 7.75, inst.close / 3600 - 0.1, rng);
    return Math.round(h * 3600);
  }
  if (inst.kind === 'clinic') {
    const h = within(() => (rng.chance(0.66) ? rng.normal(9.3, 0.9) : rng.normal(15.0, 0.9)), inst.open / 3600 + 0.05, inst.close / 3600 - 0.1, rng);
    return Math.round(h * 3600);
  }
  if (inst.h24 && rng.chance(0.07)) {
    const h = rng.chance(0.5) ? rng.float(22, 24) : rng.float(0, 7);
    return Math.min(86399, Math.round(h * 3600));
  }
  if (inst.tags.has('morning-rush') && rng.chance(0.5)) return Math.round(rng.float(inst.open + 120, inst.open + 2.2 * 3600));
  const open = inst.h24 ? 7 : inst.open / 3600 + 0.03;
  const close = inst.h24 ? 23 : inst.close / 3600 - 0.03;
  const h = within(() => {
    const r = rng.next();
    return r < 0.38 ? rng.normal(10, 1.3) : r < 0.72 ? rng.normal(18.6, 1.4) : rng.float(8, 21);
  }, open, close, rng);
  return Math.round(h * 3600);
}
