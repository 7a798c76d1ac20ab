import { KIND, claimHolder, groupClaims, type ClaimSet } from '../claim-set.ts';

/**
 * The weighted patient co-visit projection: two patients are linked when they were served at the same
 * institution on the same day within `windowSeconds` of each other (or shared an inpatient stay: same
 * admission and discharge day), and the link's weight counts the distinct days that happened.
 * Pairs of the same household or address are explainable (families, nursing homes) and left out.
 */

export interface CoVisitParams {
  windowSeconds: number;
  /** links seen on fewer distinct days are dropped as coincidence */
  minDays: number;
}

export interface CoVisitEdges {
  source: Int32Array;
  target: Int32Array;
  /** distinct co-visit days */
  weight: Float64Array;
  /** the institution where the pair met most */
  institution: Int32Array;
  /** pairs considered before pruning, and how many were dropped as explainable */
  pairsSeen: number;
  explainedPairs: number;
}

/** The person a claim served: the recorded recipient when checked, else the card's holder. */
export function patientOf(set: ClaimSet, claim: number): number {
  return claimHolder(set, claim);
}

export function coVisitEdges(set: ClaimSet, p: CoVisitParams): CoVisitEdges {
  const c = set.claims;
  const persons = set.persons.id.length;
  // Outpatient and inpatient visits only: buying at a pharmacy together is what families do.
  const visitClaims: number[] = [];
  for (let i = 0; i < c.count; i++) if (c.kind[i] !== KIND.pharmacy && claimHolder(set, i) >= 0) visitClaims.push(i);
  visitClaims.sort((a, b) => c.t[a]! - c.t[b]! || a - b);
  const byInst = groupClaims(c.institution, set.institutions.id.length, visitClaims);

  const src: number[] = [];
  const dst: number[] = [];
  const wt: number[] = [];
  const inst: number[] = [];
  let pairsSeen = 0;
  let explained = 0;
  const household = set.persons.household;
  const address = set.persons.address;
  for (let g = 0; g < set.institutions.id.length; g++) {
    const lo = byInst.start[g]!;
    const hi = byInst.start[g + 1]!;
    if (hi - lo < 2) continue;
    // pair key → [distinct days, last day counted]
    const pairs = new Map<number, number[]>();
    const count = (a: number, b: number, day: number) => {
      if (a === b) return;
      const x = Math.min(a, b);
      const y = Math.max(a, b);
      const key = x * persons + y;
      const e = pairs.get(key);
      if (!e) pairs.set(key, [1, day]);
      else if (e[1] !== day) {
        e[0]!++;
        e[1] = day;
      }
    };
    for (let k = lo; k < hi; k++) {
      const i = byInst.members[k]!;
      const pi = patientOf(set, i);
      const inpatient = c.kind[i] === KIND.inpatient;
      for (let m = k + 1; m < hi; m++) {
        const j = byInst.members[m]!;
        if (c.t[j]! - c.t[i]! > p.windowSeconds && !inpatient) break;
        if (inpatient) {
          // Stays are settled at discharge: same stay = same admission and discharge day.
          if (c.kind[j] !== KIND.inpatient) continue;
          if (c.day[j]! !== c.day[i]!) break;
          if (c.admitDay[j] !== c.admitDay[i]) continue;
        } else if (c.kind[j] === KIND.inpatient) continue;
        count(pi, patientOf(set, j), inpatient ? c.admitDay[i]! : c.day[i]!);
      }
    }
    for (const [key, [days]] of pairs) {
      pairsSeen++;
      if (days! < p.minDays) continue;
      const a = Math.floor(key / persons);
      const b = key - a * persons;
      if ((household[a]! >= 0 && household[a] === household[b]) || (address[a]! >= 0 && address[a] === address[b])) {
        explained++;
        continue;
      }
      src.push(a);
      dst.push(b);
      wt.push(days!);
      inst.push(g);
    }
  }
  return { source: Int32Array.from(src), target: Int32Array.from(dst), weight: Float64Array.from(wt), institution: Int32Array.from(inst), pairsSeen, explainedPairs: explained };
}
