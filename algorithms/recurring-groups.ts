import { claimsByTime, groupClaims, type ClaimSet } from './claim-set.ts';
import { binomialUpperTailLog10, hypergeometricUpperTailLog10 } from './stats.ts';

/**
 * Groups that come back together to one counter: farmed cards swiped in a run, recruited patients
 * brought in by the busload. Both are told from honest regulars (chronic patients on a fixed clinic day,
 * a pharmacy's morning rush) by the same two facts, measured against the counter's own day rather than
 * against a clock:
 *
 * 1. **Recurrence** — `coOccurrenceEdges`: per institution and day, the settlements of entities (cards or
 *    persons) that come to that institution on other days too, in settlement order; each is linked to the
 *    next `neighbours` of them. A pair linked on `minSharedDays` distinct days is an edge. Working on the
 *    settlement *sequence* instead of a time window makes the link independent of pace (a swipe every 20 s
 *    or every 8 min) and of how busy the counter is (one-off customers are left out of the sequence).
 * 2. **Compactness** — `compactnessLog10`: a scan statistic over ranks. Of the N settlements at the
 *    institution that day, how likely is it that k given ones fall inside a stretch of L consecutive
 *    settlements by chance? Chronic patients on their clinic day are scattered through it (p ≈ 1); a farm's
 *    run or a group's arrival is a tight stretch (p ≪ 0.01), whatever the hour and the counter's volume.
 *
 * References: the rank-based scan is the discrete analogue of Naus's scan statistic (J. Naus, "The
 * distribution of the size of the maximum cluster of points on a line", JASA 1965); the union bound over
 * window positions keeps it conservative.
 */

export interface InstitutionDays {
  /** included claims ordered by institution, day, time */
  order: Int32Array;
  /** segment s = one institution on one day: order[segStart[s] … segStart[s+1]-1] */
  segStart: Int32Array;
  segInstitution: Int32Array;
  segDay: Int32Array;
  /** segments of institution g: instSegStart[g] … instSegStart[g+1]-1 */
  instSegStart: Int32Array;
  /** per claim: its segment (-1 when not included) and its rank within it */
  segOf: Int32Array;
  rankOf: Int32Array;
}

/**
 * Orders the included claims by institution, day and time, and cuts them into institution-days. `dayOf`
 * gives another day than the settlement's (an inpatient stay's admission day).
 */
export function institutionDays(set: ClaimSet, include: (claim: number) => boolean, dayOf?: (claim: number) => number): InstitutionDays {
  const c = set.claims;
  // typed, not a plain array grown a push at a time: that left garbage of one element per claim per call
  const all = new Int32Array(c.count);
  let n = 0;
  for (const i of claimsByTime(set)) if (include(i)) all[n++] = i;
  const picked = all.subarray(0, n);
  let order: Int32Array;
  let day: Int32Array;
  if (dayOf) {
    day = new Int32Array(c.count);
    for (const i of picked) day[i] = dayOf(i);
    order = picked.slice().sort((a, b) => c.institution[a]! - c.institution[b]! || day[a]! - day[b]! || c.t[a]! - c.t[b]! || a - b);
  } else {
    // A stable counting sort by institution keeps time order inside each institution (and so day order).
    order = groupClaims(c.institution, set.institutions.id.length, picked).members;
    day = c.day;
  }
  const segStart: number[] = [];
  const segInstitution: number[] = [];
  const segDay: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (k === 0 || c.institution[i] !== c.institution[order[k - 1]!] || day[i] !== day[order[k - 1]!]) {
      segStart.push(k);
      segInstitution.push(c.institution[i]!);
      segDay.push(day[i]!);
    }
  }
  segStart.push(order.length);
  const segOf = new Int32Array(c.count).fill(-1);
  const rankOf = new Int32Array(c.count).fill(-1);
  for (let s = 0; s + 1 < segStart.length; s++) {
    for (let k = segStart[s]!; k < segStart[s + 1]!; k++) {
      segOf[order[k]!] = s;
      rankOf[order[k]!] = k - segStart[s]!;
    }
  }
  const nInst = set.institutions.id.length;
  const instSegStart = new Int32Array(nInst + 1);
  for (const g of segInstitution) instSegStart[g + 1]!++;
  for (let g = 0; g < nInst; g++) instSegStart[g + 1]! += instSegStart[g]!;
  return { order, segStart: Int32Array.from(segStart), segInstitution: Int32Array.from(segInstitution), segDay: Int32Array.from(segDay), instSegStart, segOf, rankOf };
}

export interface CoOccurrenceParams {
  /** each settlement is linked to this many following settlements of recurring entities that day */
  neighbours: number;
  /** an entity enters an institution's sequences when it settles there on at least this many days */
  minRecurrence: number;
  /** a pair becomes an edge when linked on at least this many distinct days */
  minSharedDays: number;
  /**
   * The sequence runs on across the institution's days instead of starting afresh each day, a link
   * counted on the day of its earlier settlement: for sparse events (a ward admits a few a day) the day is
   * too fine a grain, and a group admitted over a week sits together in the admission sequence.
   */
  acrossDays?: boolean;
}

export interface CoOccurrenceEdges {
  source: Int32Array;
  target: Int32Array;
  /** distinct days the pair was linked */
  weight: Float64Array;
}

/**
 * Pairs of entities that sit close together in institutions' settlement sequences on several days.
 * `entityOf[claim]` is the card or person of a claim (-1: leave the claim out of the pairs, it still
 * counts in the day's sequence for compactness). `keep(a, b)` may drop explainable pairs (one holder's two
 * cards, a household).
 */
export function coOccurrenceEdges(days: InstitutionDays, entityOf: Int32Array, entityCount: number, p: CoOccurrenceParams, keep: (a: number, b: number) => boolean = () => true): CoOccurrenceEdges {
  const { order, segStart, instSegStart } = days;
  // Distinct days per entity at the institution being scanned (scratch arrays reset per institution).
  const dayCount = new Int32Array(entityCount);
  const lastSeg = new Int32Array(entityCount).fill(-1);
  let keys = new Float64Array(1 << 16);
  let nKeys = 0;
  const push = (key: number) => {
    if (nKeys === keys.length) {
      const next = new Float64Array(keys.length * 2);
      next.set(keys);
      keys = next;
    }
    keys[nKeys++] = key;
  };
  const touched: number[] = [];
  const seq: number[] = [];
  const seqSeg: number[] = [];
  const inSeg = new Int32Array(entityCount).fill(-1);
  for (let g = 0; g + 1 < instSegStart.length; g++) {
    const s0 = instSegStart[g]!;
    const s1 = instSegStart[g + 1]!;
    if (s1 - s0 < p.minSharedDays) continue;
    for (let s = s0; s < s1; s++) {
      for (let k = segStart[s]!; k < segStart[s + 1]!; k++) {
        const e = entityOf[order[k]!]!;
        if (e < 0 || lastSeg[e] === s) continue;
        if (lastSeg[e] === -1) touched.push(e);
        lastSeg[e] = s;
        dayCount[e]!++;
      }
    }
    if (p.acrossDays) {
      // One sequence for the institution; a pair counted once per day of its earlier settlement.
      seq.length = 0;
      seqSeg.length = 0;
      for (let s = s0; s < s1; s++) {
        for (let k = segStart[s]!; k < segStart[s + 1]!; k++) {
          const e = entityOf[order[k]!]!;
          if (e < 0 || dayCount[e]! < p.minRecurrence || inSeg[e] === s) continue;
          inSeg[e] = s;
          seq.push(e);
          seqSeg.push(s);
        }
      }
      const counted = new Map<number, number>();
      for (let x = 0; x < seq.length; x++) {
        const a = seq[x]!;
        const end = Math.min(seq.length, x + 1 + p.neighbours);
        for (let y = x + 1; y < end; y++) {
          const b = seq[y]!;
          if (a === b) continue;
          const key = a < b ? a * entityCount + b : b * entityCount + a;
          if (counted.get(key) === seqSeg[x]) continue;
          counted.set(key, seqSeg[x]!);
          push(key);
        }
      }
    } else
      for (let s = s0; s < s1; s++) {
        seq.length = 0;
        for (let k = segStart[s]!; k < segStart[s + 1]!; k++) {
          const e = entityOf[order[k]!]!;
          if (e < 0 || dayCount[e]! < p.minRecurrence || inSeg[e] === s) continue;
          inSeg[e] = s;
          seq.push(e);
        }
        for (let x = 0; x < seq.length; x++) {
          const a = seq[x]!;
          const end = Math.min(seq.length, x + 1 + p.neighbours);
          for (let y = x + 1; y < end; y++) {
            const b = seq[y]!;
            push(a < b ? a * entityCount + b : b * entityCount + a);
          }
        }
      }
    for (const e of touched) {
      dayCount[e] = 0;
      lastSeg[e] = -1;
      inSeg[e] = -1;
    }
    touched.length = 0;
  }
  const sorted = keys.subarray(0, nKeys).sort();
  const src: number[] = [];
  const dst: number[] = [];
  const wt: number[] = [];
  for (let k = 0; k < sorted.length; ) {
    let j = k + 1;
    while (j < sorted.length && sorted[j] === sorted[k]) j++;
    if (j - k >= p.minSharedDays) {
      const a = Math.floor(sorted[k]! / entityCount);
      const b = sorted[k]! - a * entityCount;
      if (keep(a, b)) {
        src.push(a);
        dst.push(b);
        wt.push(j - k);
      }
    }
    k = j;
  }
  return { source: Int32Array.from(src), target: Int32Array.from(dst), weight: Float64Array.from(wt) };
}

/**
 * log10 of the chance that k of a day's N settlements, placed at random, leave some stretch as short as
 * the group's holding as many of them — the tightest stretch holding `need` of the group's settlements (a
 * straggler or two is allowed for). "The tightest stretch of `need` is at most L long" is "some stretch of
 * L holds ≥ `need`": a union bound over the N − L + 1 stretch positions of the hypergeometric tail of one
 * stretch (the scan statistic's usual bound); capped at 0. `positions` are ranks in the day's sequence,
 * sorted.
 */
export function compactnessLog10(positions: readonly number[], n: number, need: number): { log10P: number; span: number } {
  const k = positions.length;
  if (k < 2 || need < 2 || need > k) return { log10P: 0, span: n };
  let span = Number.POSITIVE_INFINITY;
  for (let j = 0; j + need - 1 < k; j++) span = Math.min(span, positions[j + need - 1]! - positions[j]! + 1);
  const log10P = Math.log10(n - span + 1) + hypergeometricUpperTailLog10(need, n, k, span);
  return { log10P: Math.min(0, log10P), span };
}

/** How many of a group's settlements a tight stretch must hold: all of a small group, 80 % of a larger one. */
export function tightCore(k: number): number {
  return k <= 4 ? k : Math.ceil(0.8 * k);
}

export interface GroupDay {
  segment: number;
  day: number;
  /** the group's settlements that day (one per entity, the first), in sequence order */
  claims: number[];
  /** all settlements at the institution that day */
  daySize: number;
  log10P: number;
  /** length of the tight stretch, in settlements */
  span: number;
  /** minutes between the first and last settlement of the tight stretch */
  minutes: number;
}

/**
 * The days a group settled at one institution, each with its compactness. `claims` are the group's
 * claims (any institution; others are ignored); days with fewer than `minPresent` of its entities are
 * skipped.
 */
export function groupDays(set: ClaimSet, days: InstitutionDays, profiles: TimeProfiles, institution: number, entityOf: Int32Array, claims: readonly number[], minPresent: number): GroupDay[] {
  const bySegment = new Map<number, number[]>();
  const cdf = profiles.cdfWithout(institution, claims);
  for (const i of claims) {
    const s = days.segOf[i]!;
    if (s < 0 || days.segInstitution[s] !== institution) continue;
    (bySegment.get(s) ?? bySegment.set(s, []).get(s)!).push(i);
  }
  const out: GroupDay[] = [];
  for (const [s, list] of [...bySegment.entries()].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => days.rankOf[a]! - days.rankOf[b]!);
    const seen = new Set<number>();
    const mine: number[] = [];
    for (const i of list) {
      const e = entityOf[i]!;
      if (e < 0 || seen.has(e)) continue;
      seen.add(e);
      mine.push(i);
    }
    if (mine.length < minPresent) continue;
    const positions = mine.map((i) => days.rankOf[i]!);
    const n = days.segStart[s + 1]! - days.segStart[s]!;
    const need = tightCore(mine.length);
    const rank = compactnessLog10(positions, n, need);
    const clock = timeCompactnessLog10(mine.map((i) => timeQuantile(cdf, set.claims.t[i]!)), need);
    // The stronger of the two scans, charged for having looked twice.
    const log10P = Math.min(0, Math.min(rank.log10P, clock.log10P) + Math.LOG10E * Math.LN2);
    const times = mine.map((i) => set.claims.t[i]!).sort((a, b) => a - b);
    let minutes = Number.POSITIVE_INFINITY;
    for (let j = 0; j + need - 1 < times.length; j++) minutes = Math.min(minutes, (times[j + need - 1]! - times[j]!) / 60);
    out.push({ segment: s, day: days.segDay[s]!, claims: mine, daySize: n, log10P, span: rank.span, minutes: Math.round(minutes) });
  }
  return out;
}

const BINS = 96; // quarter hours

/**
 * Each institution's time-of-day distribution (its settlements by quarter hour), shrunk toward its kind's
 * distribution with `prior` pseudo-settlements so a quiet pharmacy borrows the shape of pharmacies in
 * general. A group is compared with everybody *else* at the institution (`cdfWithout`): a group that is
 * half of a small hospital's year would otherwise define that hospital's "normal" hours itself. A group's
 * settlements mapped through it are uniform under "they came like everybody else", whatever the
 * counter's opening hours and rush hours.
 */
export interface TimeProfiles {
  cdfWithout(institution: number, groupClaims: Iterable<number>): Float64Array;
}

export function timeOfDayProfiles(set: ClaimSet, days: InstitutionDays, prior = 200): TimeProfiles {
  const c = set.claims;
  const nInst = set.institutions.id.length;
  const counts = Array.from({ length: nInst }, () => new Float64Array(BINS));
  const kindCounts = [new Float64Array(BINS), new Float64Array(BINS), new Float64Array(BINS)];
  for (const i of days.order) {
    const g = c.institution[i]!;
    const bin = binOf(c.t[i]!);
    counts[g]![bin]!++;
    kindCounts[set.institutions.kind[g]! % 3]![bin]!++;
  }
  const kindShare = kindCounts.map((k) => {
    const total = k.reduce((a, b) => a + b, 0) || 1;
    return k.map((x) => (x + 0.01) / (total + 0.01 * BINS));
  });
  return {
    cdfWithout(g, groupClaims) {
      const own = Float64Array.from(counts[g]!);
      for (const i of groupClaims) if (c.institution[i] === g && days.segOf[i]! >= 0) own[binOf(c.t[i]!)]!--;
      const share = kindShare[set.institutions.kind[g]! % 3]!;
      const cdf = new Float64Array(BINS + 1);
      let total = 0;
      for (let b = 0; b < BINS; b++) total += Math.max(0, own[b]!) + prior * share[b]!;
      for (let b = 0; b < BINS; b++) cdf[b + 1] = cdf[b]! + (Math.max(0, own[b]!) + prior * share[b]!) / total;
      return cdf;
    },
  };
}

function binOf(t: number): number {
  const secs = (((t + 8 * 3600) % 86400) + 86400) % 86400;
  return Math.min(BINS - 1, Math.floor((secs / 86400) * BINS));
}

/** A settlement time mapped through its institution's time-of-day CDF (linear within a quarter hour). */
export function timeQuantile(cdf: Float64Array, t: number): number {
  const secs = (((t + 8 * 3600) % 86400) + 86400) % 86400;
  const x = (secs / 86400) * BINS;
  const b = Math.min(BINS - 1, Math.floor(x));
  return cdf[b]! + (cdf[b + 1]! - cdf[b]!) * (x - b);
}

/**
 * The clock-time twin of compactnessLog10: k quantiles that are uniform under the null, the tightest
 * stretch δ holding `need` of them; P ≤ ⌈1/δ⌉ · P(Binomial(k, 2δ) ≥ need) (every stretch of length δ lies
 * in one of ⌈1/δ⌉ windows of length 2δ). Needed where the group *is* the day's traffic (a quiet pharmacy
 * whose only customers that day were the farmed cards), which the rank scan cannot see.
 */
export function timeCompactnessLog10(quantiles: readonly number[], need: number): { log10P: number; width: number } {
  const k = quantiles.length;
  if (k < 2 || need < 2 || need > k) return { log10P: 0, width: 1 };
  const q = [...quantiles].sort((a, b) => a - b);
  let width = 1;
  for (let j = 0; j + need - 1 < k; j++) width = Math.min(width, q[j + need - 1]! - q[j]!);
  width = Math.max(width, 1 / (BINS * 15)); // one minute of a typical day: no claim is more precise than that
  // Any stretch of this width lies inside one of ⌈1/width⌉ overlapping windows twice as wide: a union
  // bound over them of the binomial tail of one window.
  const log10P = Math.log10(Math.ceil(1 / width)) + binomialUpperTailLog10(need, k, Math.min(1, 2 * width));
  return { log10P: Math.min(0, log10P), width };
}
