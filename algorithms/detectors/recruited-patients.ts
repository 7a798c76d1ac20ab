import { IDENTITY_CHECKS, KIND, claimHolder, concatenated, groupClaims, type ClaimSet } from '../claim-set.ts';
import { RESPLITS, ringCommunities, ringCommunityCuts } from '../communities.ts';
import { isExempt, type CompiledKnowledge } from '../knowledge.ts';
import type { Kinship } from '../kinship.ts';
import { coOccurrenceEdges, groupDays, institutionDays, timeOfDayProfiles, type GroupDay, type InstitutionDays } from '../recurring-groups.ts';
import { binomialLowerTailLog10, binomialUpperTailLog10, fisherCombineLog10, median, poissonUpperTailLog10, quantile, sortedJaccard } from '../stats.ts';
import { MIN_SURPRISE, MemberList, calibratedConfidence, type Evidence, type RingCandidate } from './types.ts';

/**
 * 组团就医 / 虚假就医: groups of patients brought to one institution together, trip after trip, billed
 * near-identical items and amounts. Nothing is a clock constant: patients are linked when they sit close
 * together in the institution's sequence of visits on several days (algorithms/recurring-groups.ts);
 * linked patients form communities; a community is a recruited group when, on at least two trips (a trip
 * may spread over a few consecutive days), its members' arrivals are far more compact than the
 * institution's own traffic makes likely, and their claims bill the same combination and amounts far
 * more often than the institution's other patients do (binomial tails against the institution's own
 * claims those days). A trip is the group's busiest window of a few days, so a wave spread over a week is one
 * trip; where Louvain cut the group apart, the institution's other patients who were there on half its trips
 * billed its package join it, and where it joined the group with the regulars it queues among, the piece is
 * split once more and a part that arrived on its own is judged alone. Families, households and shared homes (a nursing home's residents) are explained
 * (algorithms/kinship.ts); planned care (a dialysis shift) is expected to recur (knowledge file); a
 * school outbreak or a company health check is one trip, not a pattern.
 */

export interface RecruitedParams {
  /** a visit is linked to this many following visits of returning patients that day */
  neighbours: number;
  /** "returns": a patient enters an institution's sequences after visiting it on this many days */
  minRecurrence: number;
  /** two patients are linked when they were neighbours on this many days */
  minSharedDays: number;
  minMembers: number;
  maxMembers: number;
  /** days of one trip: a recruiter who spreads the group over up to this many consecutive days — a working week (domain observation: admissions staggered over the week so no day shows a busload) */
  tripDays: number;
  /** a trip counts when its days' compactness p ≤ 10^compactLog10P (convention: 0.01) */
  compactLog10P: number;
  /** trips a group needs: one trip is an outbreak or a health check, two are a pattern */
  minTrips: number;
  /** a trip brings at least this share of the group */
  tripShare: number;
  /** claims within ±amountBand of the trip's median amount count as "the same amount" (convention: 10 %) */
  amountBand: number;
  /** item sets with Jaccard ≥ this to the trip's typical set count as "the same combination" (one item swapped in four) */
  itemJaccard: number;
  /** "most of the group's claims" bill the trip's combination and amount (convention: a majority) */
  billedAlikeShare: number;
  /**
   * The holders were absent — cards without their holders, a farm — when the group's visits passed fewer
   * face checks and fewer identity checks of any kind than the institution's other visits, each with a
   * binomial lower tail p ≤ 10^absentLog10P (convention, card farming's own `absentLog10P`): recruited
   * patients come in person and pass the counter's checks as often as anyone.
   */
  absentLog10P: number;
  seed: number;
}

export const RECRUITED_DEFAULTS: RecruitedParams = {
  neighbours: 8,
  minRecurrence: 2,
  minSharedDays: 2,
  minMembers: 3,
  maxMembers: 80,
  tripDays: 5,
  compactLog10P: -2,
  minTrips: 2,
  tripShare: 0.3,
  amountBand: 0.1,
  itemJaccard: 0.6,
  billedAlikeShare: 0.5,
  absentLog10P: -2,
  seed: 7,
};

interface Trip {
  days: GroupDay[];
  claims: number[];
  people: Set<number>;
  log10P: number;
  /** how unlikely it is that so many members' own visits fell in the trip's days (read when first asked: most groups are dropped before) */
  coincideLog10P: () => number;
  /** whether the arrival scans (rank, clock) rather than the volume scan carried log10P */
  tight: boolean;
}

/** Sorted sets side by side: set k is items[start[k] … start[k+1]-1]. */
interface ItemSets {
  start: Int32Array;
  /** 16-bit item ids where the catalogue fits: 2 bytes a line instead of 4 */
  items: Int32Array | Uint16Array;
}

/**
 * The visits (claims of the day sets) laid out in the day sets' order — outpatient, then inpatient — with
 * what the package baseline reads of each: its kind, patient, price and distinct items, sorted. Every
 * group judged at an institution scans that institution's year and compares its trips with a sample of
 * it; read through claim-indexed columns that was a cache miss a claim (tens of millions at 1M claims),
 * laid out here it is one run of memory per institution.
 */
interface VisitLayout extends ItemSets {
  days: InstitutionDays[];
  /** where each day set's order starts in the layout */
  offset: number[];
  kind: Uint8Array;
  entity: Int32Array;
  /** the claim's price: a stay is priced by the day (bed, nursing and the drip are billed per day) */
  price: Float64Array;
}

function priceOf(set: ClaimSet, i: number): number {
  const c = set.claims;
  return c.kind[i] === KIND.inpatient && c.admitDay[i]! >= 0 && c.dischargeDay[i]! > c.admitDay[i]! ? c.total[i]! / (c.dischargeDay[i]! - c.admitDay[i]!) : c.total[i]!;
}

function visitLayout(set: ClaimSet, days: InstitutionDays[], entityOf: Int32Array): VisitLayout {
  const c = set.claims;
  const line = set.lines.item;
  const offset: number[] = [];
  let total = 0;
  let lines = 0;
  for (const d of days) {
    offset.push(total);
    total += d.order.length;
    for (const i of d.order) lines += c.lineStart[i + 1]! - c.lineStart[i]!;
  }
  const kind = new Uint8Array(total);
  const entity = new Int32Array(total);
  const price = new Float64Array(total);
  const start = new Int32Array(total + 1);
  const items = set.items.id.length <= 0x10000 ? new Uint16Array(lines) : new Int32Array(lines);
  let pos = 0;
  let n = 0;
  for (const d of days) {
    for (const i of d.order) {
      kind[pos] = c.kind[i]!;
      entity[pos] = entityOf[i]!;
      price[pos] = priceOf(set, i);
      const from = n;
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
        // insertion into the claim's sorted run, skipping an item it already holds
        const v = line[l]!;
        let j = n;
        while (j > from && items[j - 1]! > v) j--;
        if (j > from && items[j - 1] === v) continue;
        items.copyWithin(j + 1, j, n);
        items[j] = v;
        n++;
      }
      start[++pos] = n;
    }
  }
  return { days, offset, kind, entity, price, start, items: items.slice(0, n) };
}

/** A visit's place in the layout. */
function positionOf(layout: VisitLayout, claim: number): number {
  for (let s = 0; s < layout.days.length; s++) {
    const d = layout.days[s]!;
    const seg = d.segOf[claim]!;
    if (seg >= 0) return layout.offset[s]! + d.segStart[seg]! + d.rankOf[claim]!;
  }
  throw new Error(`claim ${claim} is not a visit of the recruited-patients day sets`);
}

function itemSetAt(layout: ItemSets, pos: number): Int32Array | Uint16Array {
  return layout.items.subarray(layout.start[pos]!, layout.start[pos + 1]!);
}

/**
 * How many of the sets at the given places are within Jaccard `threshold` of `typical`, and how many of their prices
 * within `band` of `amount`. Jaccard is at most the smaller set's size over the larger's: most of a big
 * hospital's claims are ruled out by their size alone.
 */
function countAlike(sets: ItemSets, at: Int32Array, typical: Int32Array | Uint16Array, threshold: number, prices: Float64Array, amount: number, band: number): [number, number] {
  let near = 0;
  let same = 0;
  const m = typical.length;
  const { start } = sets;
  for (let q = 0; q < at.length; q++) {
    const k = at[q]!;
    const size = start[k + 1]! - start[k]!;
    const bound = size === m ? 1 : size < m ? size / m : m / size;
    if (bound >= threshold && sortedJaccard(sets.items, typical, start[k]!, start[k + 1]!) >= threshold) near++;
    if (Math.abs(prices[k]! - amount) <= band) same++;
  }
  return [near, same];
}

/**
 * The patient co-occurrence projection: visits (not pharmacy purchases, not planned care) in each
 * institution's daily sequence, and inpatient stays in the institution's sequence of admissions, ordered
 * by admission day (a group admitted together is discharged at all hours) and running on across days (a
 * group admitted over a week); patients linked when neighbours on several days, family pairs dropped.
 * Also what scripts/export-covisit-edges.ts writes for GDS.
 */
export function patientCoOccurrence(set: ClaimSet, p: Pick<RecruitedParams, 'neighbours' | 'minRecurrence' | 'minSharedDays'>, k: CompiledKnowledge, kin: Kinship) {
  const c = set.claims;
  const visit = (i: number) => c.kind[i] !== KIND.pharmacy && claimHolder(set, i) >= 0 && !isExempt(k, i, 'co-visit');
  const outpatient = institutionDays(set, (i) => visit(i) && c.kind[i] !== KIND.inpatient);
  const inpatient = institutionDays(set, (i) => visit(i) && c.kind[i] === KIND.inpatient && c.admitDay[i]! >= 0, (i) => c.admitDay[i]!);
  const entityOf = new Int32Array(c.count).fill(-1);
  for (const i of outpatient.order) entityOf[i] = claimHolder(set, i);
  for (const i of inpatient.order) entityOf[i] = claimHolder(set, i);
  const keep = (a: number, b: number) => !kin.sameHome(a, b);
  const a = coOccurrenceEdges(outpatient, entityOf, set.persons.id.length, p, keep);
  // Admissions are sparse (a ward admits a few a day): their sequence runs on across days.
  const b = coOccurrenceEdges(inpatient, entityOf, set.persons.id.length, { ...p, acrossDays: true }, keep);
  const edges = { source: concatenated(a.source, b.source), target: concatenated(a.target, b.target), weight: concatenated(a.weight, b.weight) };
  return { outpatient, inpatient, entityOf, edges };
}

/**
 * `farmedCards`: cards a card-farming ring already explains. A group whose visits are mostly on those cards
 * and were not identity-checked is the farm seen from the patients' side, not a second scheme.
 */
export function detectRecruitedPatients(set: ClaimSet, p: RecruitedParams, k: CompiledKnowledge, kin: Kinship, farmedCards: ReadonlySet<number> = new Set()): RingCandidate[] {
  const c = set.claims;
  const nPersons = set.persons.id.length;
  /** scratch marks of one group's members (sameCombination), cleared after each use */
  const memberMark = new Uint8Array(nPersons);
  const { outpatient, inpatient, entityOf, edges } = patientCoOccurrence(set, p, k, kin);
  const profiles = { out: timeOfDayProfiles(set, outpatient), in: timeOfDayProfiles(set, inpatient) };
  // built when the first group reaches the package test
  let layout: VisitLayout | undefined;
  // Where an institution checks identity, recruited patients pass the check in person; a group whose
  // visits go unchecked there is cards without their holders (card farming's to judge).
  const { checked: checkedAt, faced: facedAt } = institutionCheckRates(set, outpatient, inpatient);
  // Both ways of cutting an oversized community (algorithms/communities.ts): a dense bed-hanging group
  // drowned in a crowd of 140 comes out whole on its own graph, and a loose spread-out group only at a
  // doubled resolution; each distinct community is one group tested.
  const communities = distinct(ringCommunityCuts(nPersons, edges, { maxSize: p.maxMembers, minSize: p.minMembers, seed: p.seed, key: (v) => set.persons.id[v]! }, RESPLITS).flat());
  let tested = Math.max(1, communities.length);
  const byPerson = groupClaims(entityOf, nPersons, concatenated(outpatient.order, inpatient.order));
  const patientsAt = institutionPatients(set, [outpatient, inpatient], entityOf);
  const countiesAt = new Map<number, Map<string, number>>();
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < c.count; i++) {
    firstDay = Math.min(firstDay, c.day[i]!);
    lastDay = Math.max(lastDay, c.day[i]!);
  }
  const period = Math.max(1, lastDay - firstDay + 1);
  // The 95th percentile of how many days an institution's patients come (its frequent visitors).
  const frequentCache = new Map<number, number>();
  const frequentDays = (g: number) => {
    const hit = frequentCache.get(g);
    if (hit !== undefined) return hit;
    const perPerson = new Map<number, number>();
    for (const days of [outpatient, inpatient]) {
      for (let sgm = days.instSegStart[g]!; sgm < days.instSegStart[g + 1]!; sgm++) {
        const seen = new Set<number>();
        for (let x = days.segStart[sgm]!; x < days.segStart[sgm + 1]!; x++) seen.add(entityOf[days.order[x]!]!);
        for (const e of seen) perPerson.set(e, (perPerson.get(e) ?? 0) + 1);
      }
    }
    const q = quantile([...perPerson.values()], 0.95);
    frequentCache.set(g, q);
    return q;
  };
  // Each institution's own volume per day, outpatient visits and admissions apart, for the volume scan.
  const daysActive = new Map<number, Set<number>>();
  const visitsAt = new Map<string, number>();
  for (const [days, kind] of [[outpatient, 'out'], [inpatient, 'in']] as const) {
    for (let sgm = 0; sgm + 1 < days.segStart.length; sgm++) {
      const g = days.segInstitution[sgm]!;
      (daysActive.get(g) ?? daysActive.set(g, new Set()).get(g)!).add(days.segDay[sgm]!);
      visitsAt.set(`${g}|${kind}`, (visitsAt.get(`${g}|${kind}`) ?? 0) + days.segStart[sgm + 1]! - days.segStart[sgm]!);
    }
  }
  /** Visits per open day at the institution, not counting the group's own. */
  const volumeAt = (g: number, groupClaims: readonly number[]) => {
    let mineOut = 0;
    let mineIn = 0;
    for (const i of groupClaims) if (c.institution[i] === g) c.kind[i] === KIND.inpatient ? mineIn++ : mineOut++;
    const open = Math.max(1, daysActive.get(g)?.size ?? 1);
    return { out: Math.max(0, (visitsAt.get(`${g}|out`) ?? 0) - mineOut) / open, in: Math.max(0, (visitsAt.get(`${g}|in`) ?? 0) - mineIn) / open };
  };
  const totalCache = new Map<number, number>();
  const busyTotalOf = (g: number) => {
    let total = totalCache.get(g);
    if (total === undefined) {
      total = 0;
      for (const n of dailyVolume(g).values()) total += n;
      totalCache.set(g, total);
    }
    return total;
  };
  /** Visits and admissions per day at each institution (everybody's). */
  const volumeCache = new Map<number, Map<number, number>>();
  const dailyVolume = (g: number) => {
    const hit = volumeCache.get(g);
    if (hit) return hit;
    const byDay = new Map<number, number>();
    for (const days of [outpatient, inpatient]) {
      for (let sgm = days.instSegStart[g]!; sgm < days.instSegStart[g + 1]!; sgm++) byDay.set(days.segDay[sgm]!, (byDay.get(days.segDay[sgm]!) ?? 0) + days.segStart[sgm + 1]! - days.segStart[sgm]!);
    }
    volumeCache.set(g, byDay);
    return byDay;
  };
  /** Each doctor's visits and admissions per day at an institution (everybody's), and their totals. */
  const doctorVolumeCache = new Map<number, Map<number, { byDay: Map<number, number>; total: number }>>();
  const doctorVolume = (g: number) => {
    const hit = doctorVolumeCache.get(g);
    if (hit) return hit;
    const byDoctor = new Map<number, { byDay: Map<number, number>; total: number }>();
    for (const days of [outpatient, inpatient]) {
      for (let sgm = days.instSegStart[g]!; sgm < days.instSegStart[g + 1]!; sgm++) {
        const day = days.segDay[sgm]!;
        for (let x = days.segStart[sgm]!; x < days.segStart[sgm + 1]!; x++) {
          const d = c.doctor[days.order[x]!]!;
          if (d < 0) continue;
          const v = byDoctor.get(d) ?? byDoctor.set(d, { byDay: new Map(), total: 0 }).get(d)!;
          v.byDay.set(day, (v.byDay.get(day) ?? 0) + 1);
          v.total++;
        }
      }
    }
    doctorVolumeCache.set(g, byDoctor);
    return byDoctor;
  };
  const out: RingCandidate[] = [];
  /** A group judged at one institution: its trips, core members and evidence, or undefined. */
  // `joined`: joiners already shown to come on the group's trips billed its package (they came alone on
  // the trip's other days, so the with-another-member rule below would drop them again).
  const judge = (people: readonly number[], institution: number, grow = true, joined: ReadonlySet<number> = new Set()): JudgedGroup | undefined => {
    const minPresent = Math.max(p.minMembers, Math.ceil(p.tripShare * people.length));
    // the members' claims at this institution (everything below reads only those)
    const groupClaimList: number[] = [];
    for (const person of people)
      for (let x = byPerson.start[person]!; x < byPerson.start[person + 1]!; x++) if (c.institution[byPerson.members[x]!] === institution) groupClaimList.push(byPerson.members[x]!);
    // Trips can be no more than the windows that bring enough members (counted as people: a family
    // counts once in a trip): where those are too few, the group is dropped before its days are scanned.
    const peopleOn = new Map<number, Set<number>>();
    for (const days of [outpatient, inpatient])
      for (const i of groupClaimList) {
        const sgm = days.segOf[i]!;
        if (sgm >= 0 && days.segInstitution[sgm] === institution) (peopleOn.get(days.segDay[sgm]!) ?? peopleOn.set(days.segDay[sgm]!, new Set()).get(days.segDay[sgm]!)!).add(entityOf[i]!);
      }
    const windows = busiestWindows(peopleOn, p.tripDays, minPresent);
    if (windows.length < p.minTrips) return undefined;
    // Every day with a member: a trip spread over days may bring only one or two on each.
    const all = [
      ...groupDays(set, outpatient, profiles.out, institution, entityOf, groupClaimList, 1),
      ...groupDays(set, inpatient, profiles.in, institution, entityOf, groupClaimList, 1),
    ];
    // Family and housemates come as one: a nursing home's residents are one unit, however many.
    const unitOf = kinUnits(people, kin);
    const units = (persons: Iterable<number>) => new Set([...persons].map((x) => unitOf.get(x)!)).size;
    // Each member's own days at the institution: a patient who comes every third day brings visits to any
    // window on their own.
    const ownDays = new Map<number, number[]>();
    for (const i of groupClaimList) {
      if (c.institution[i] !== institution) continue;
      const d = c.kind[i] === KIND.inpatient ? c.admitDay[i]! : c.day[i]!;
      const list = ownDays.get(entityOf[i]!) ?? ownDays.set(entityOf[i]!, []).get(entityOf[i]!)!;
      if (!list.includes(d)) list.push(d);
    }
    // Spread over the member's own stretch of coming here, not the whole period: a course of treatment
    // that fills three months brings its visits to any window of those months.
    const ownExpected = (from: number, to: number) => {
      let e = 0;
      for (const list of ownDays.values()) {
        const outside = list.filter((d) => d < from || d > to);
        if (outside.length === 0) continue;
        const first = Math.min(...list);
        const last = Math.max(...list);
        const stretch = Math.max(1, last - first + 1 - Math.max(0, Math.min(to, last) - Math.max(from, first) + 1));
        e += (outside.length / Math.max(stretch, to - from + 1)) * (to - from + 1);
      }
      return e;
    };
    // How many members would be there by chance: each member's visits fall on the institution's days in
    // proportion to how busy the days are (without the group), so a market day draws villagers anyway.
    const busy = dailyVolume(institution);
    // The group's own visits per day, overall and per doctor, to leave out of the volumes.
    const mineByDay = new Map<number, number>();
    const mineByDoctorDay = new Map<number, Map<number, number>>();
    const mineByDoctor = new Map<number, number>();
    for (const i of groupClaimList) {
      if (c.institution[i] !== institution) continue;
      const d = c.kind[i] === KIND.inpatient ? c.admitDay[i]! : c.day[i]!;
      mineByDay.set(d, (mineByDay.get(d) ?? 0) + 1);
      const doc = c.doctor[i]!;
      if (doc < 0) continue;
      const m = mineByDoctorDay.get(doc) ?? mineByDoctorDay.set(doc, new Map()).get(doc)!;
      m.set(d, (m.get(d) ?? 0) + 1);
      mineByDoctor.set(doc, (mineByDoctor.get(doc) ?? 0) + 1);
    }
    // everybody else's visits over the year: the institution's total less the members' share of each of their days
    let busyTotal = busyTotalOf(institution);
    for (const [d, m] of mineByDay) busyTotal -= Math.min(busy.get(d) ?? 0, m);
    /** The share of the institution's year (without the group) that days from … to hold. */
    const windowShare = (from: number, to: number) => {
      let inWindow = 0;
      for (let d = from; d <= to; d++) inWindow += Math.max(0, (busy.get(d) ?? 0) - (mineByDay.get(d) ?? 0));
      // A day nobody else came counts as one visit's worth of the institution's year.
      return Math.min(1, Math.max(inWindow, to - from + 1) / Math.max(1, busyTotal));
    };
    // A patient can only see a doctor on the days the doctor holds clinic (出诊): the patients of a
    // specialist who sits two days a week meet on those days whatever brought them. So a patient's visits
    // fall on the days of the doctors they see here, in proportion to those doctors' own volume (without
    // the group), where that is more than the institution's spread says. The institution's share stays the
    // floor: a doctor seen on nobody else's days (a scheme's own doctor) makes coinciding no likelier.
    const doctors = doctorVolume(institution);
    // A doctor's days are learnt from the doctor's own visits, with the institution's spread as the prior,
    // worth one visit for each day the institution is open: a doctor with a handful of visits says little
    // about which days they sit, one with several a day says it all.
    const prior = Math.max(1, daysActive.get(institution)?.size ?? 1);
    const doctorShare = (doctor: number, from: number, to: number, institutionShare: number) => {
      const v = doctors.get(doctor);
      if (!v) return institutionShare;
      const mine = mineByDoctorDay.get(doctor);
      let inWindow = 0;
      for (let d = from; d <= to; d++) inWindow += Math.max(0, (v.byDay.get(d) ?? 0) - (mine?.get(d) ?? 0));
      return Math.min(1, (inWindow + prior * institutionShare) / (Math.max(0, v.total - (mineByDoctor.get(doctor) ?? 0)) + prior));
    };
    /** The doctors a patient sees here, weighted by their visits. */
    const doctorMix = (entity: number) => {
      const mix = new Map<number, number>();
      let n = 0;
      for (let x = byPerson.start[entity]!; x < byPerson.start[entity + 1]!; x++) {
        const i = byPerson.members[x]!;
        if (c.institution[i] !== institution || c.doctor[i]! < 0) continue;
        mix.set(c.doctor[i]!, (mix.get(c.doctor[i]!) ?? 0) + 1);
        n++;
      }
      for (const [d, k] of mix) mix.set(d, k / n);
      return mix;
    };
    const mixes = new Map<number, Map<number, number>>();
    /** The share of a patient's own visits here that days from … to should hold. */
    const patientShare = (entity: number, from: number, to: number, institutionShare: number) => {
      const mix = mixes.get(entity) ?? mixes.set(entity, doctorMix(entity)).get(entity)!;
      let share = 0;
      for (const [d, w] of mix) share += w * doctorShare(d, from, to, institutionShare);
      return mix.size > 0 ? Math.max(institutionShare, share) : institutionShare;
    };
    /**
     * How unlikely it is that so many members came in days from … to by themselves. The trip's days were
     * cut to hold the most of the community, whose own regulars may pull the window a day or two off the
     * wave; the members' coinciding is read where it is strongest among the windows of the trip's length
     * that overlap it — a scan the charge for the window's position already pays for.
     */
    const together = (from: number, to: number) => {
      const w = to - from + 1;
      let best = 0;
      for (let a = from - w + 1; a <= to; a++) {
        const b = a + w - 1;
        const share = windowShare(a, b);
        let lambda = 0;
        let present = 0;
        for (const [member, list] of ownDays) {
          // Counted among the members absent around the window — no day in the windows of the same
          // length on either side, one window away (a wave may spill a few days past the window the trip
          // was read in, as the joiners allow). A trip is an occasion the group is absent around: patients
          // seen every four days are there in any week, together or not, and say nothing of coinciding,
          // while a busload that comes monthly is absent in between.
          if (list.some((d) => (d >= a - 2 * w && d < a - w) || (d > b + w && d <= b + 2 * w))) continue;
          lambda += 1 - Math.pow(1 - patientShare(member, a, b, share), list.length);
          if (list.some((d) => d >= a && d <= b)) present++;
        }
        best = Math.min(best, poissonUpperTailLog10(present, lambda));
      }
      // The window was picked among the period's windows of its length.
      return Math.min(0, best + Math.log10(period / w));
    };
    // Members the community split left out: the institution's other patients who were there on half the
    // group's trips (two at least) billed the trip's combination — far more often than their own visits and the
    // combination's commonness there make likely (a Poisson tail, charged for every patient looked at).
    const joiners = (have: readonly number[], trips: Trip[], typical: (TripTypical | undefined)[]) => {
      const inGroup = new Set(have);
      const hits = new Map<number, { trips: Set<number>; claims: number[] }>();
      // A trip may spread over up to `tripDays` days, and the piece Louvain left may have seen only some
      // of them: a joiner is looked for in any window of that length around the trip's days (and the
      // chance of being there by oneself is read over the same window).
      const windows = trips.map((t) => {
        const from = t.days[0]!.day;
        const to = t.days[t.days.length - 1]!.day;
        const slack = Math.max(0, p.tripDays - 1 - (to - from));
        return { from: from - slack, to: to + slack };
      });
      trips.forEach((_, k) => {
        const typ = typical[k];
        if (!typ) return;
        const { from, to } = windows[k]!;
        for (const days of [outpatient, inpatient]) {
          for (let sgm = days.instSegStart[institution]!; sgm < days.instSegStart[institution + 1]!; sgm++) {
            if (days.segDay[sgm]! < from || days.segDay[sgm]! > to) continue;
            for (let x = days.segStart[sgm]!; x < days.segStart[sgm + 1]!; x++) {
              const i = days.order[x]!;
              const e = entityOf[i]!;
              if (e < 0 || inGroup.has(e) || !typ.near(i)) continue;
              const h = hits.get(e) ?? hits.set(e, { trips: new Set(), claims: [] }).get(e)!;
              h.trips.add(k);
              h.claims.push(i);
            }
          }
        }
      });
      // Charged for every patient the institution has: any of them might have been a joiner.
      const looked = Math.max(1, patientsAt.get(institution)?.size ?? hits.size);
      const need = Math.max(p.minTrips, Math.ceil(trips.length / 2));
      const people: number[] = [];
      const claims: number[] = [];
      for (const [e, h] of [...hits.entries()].sort((a, b) => a[0] - b[0])) {
        if (h.trips.size < need) continue;
        const visits = new Set<number>();
        for (let x = byPerson.start[e]!; x < byPerson.start[e + 1]!; x++) {
          const i = byPerson.members[x]!;
          if (c.institution[i] === institution) visits.add(c.kind[i] === KIND.inpatient ? c.admitDay[i]! : c.day[i]!);
        }
        let lambda = 0;
        windows.forEach(({ from, to }, k) => {
          const typ = typical[k];
          if (typ) lambda += (1 - Math.pow(1 - patientShare(e, from, to, windowShare(from, to)), visits.size)) * typ.rate;
        });
        if (poissonUpperTailLog10(h.trips.size, lambda) + Math.log10(looked) > p.compactLog10P) continue;
        people.push(e);
        claims.push(...h.claims);
      }
      return { people, claims };
    };
    const trips = tripsOf(all, windows, entityOf, volumeAt(institution, groupClaimList), ownExpected, together, (i) => c.kind[i]!).filter((t) => units(t.people) >= minPresent);
    if (trips.length < p.minTrips) return undefined;
    const attendance = new Map<number, number>();
    // A trip counts for a member who came on one of its days with another member: a regular whose own
    // visit fell in the trip's week did not come with the group.
    for (const t of trips) {
      const withOthers = new Set<number>();
      for (const d of t.days) for (const i of d.claims) if (d.claims.length >= 2 || joined.has(entityOf[i]!)) withOthers.add(entityOf[i]!);
      for (const person of withOthers) attendance.set(person, (attendance.get(person) ?? 0) + 1);
    }
    const core = people.filter((person) => (attendance.get(person) ?? 0) >= Math.min(2, trips.length));
    if (units(core) < p.minMembers) return undefined;
    const coreSet = new Set(core);
    const tripClaims = trips.map((t) => t.claims.filter((i) => coreSet.has(entityOf[i]!)));
    const flat = tripClaims.flat();
    const onFarmedCards = flat.filter((i) => farmedCards.has(c.card[i]!) && c.check[i] !== FACE).length;
    if (onFarmedCards >= 0.5 * flat.length) return undefined;
    const presence = inPerson(set, flat, checkedAt[institution]!);
    layout ??= visitLayout(set, [outpatient, inpatient], entityOf);
    const pkg = groupPackage(set, layout, tripClaims, p);
    // The recruiter's price list is one package under one diagnosis: patients on their own quarterly
    // follow-ups are billed the same registration fee under their own diagnoses. Every route needs it, so
    // a group without one is dropped before its package is compared with the institution's year.
    const dxCount = new Map<number, number>();
    for (const i of flat) if (pkg.alike.has(i)) dxCount.set(c.diagnosis[i]!, (dxCount.get(c.diagnosis[i]!) ?? 0) + 1);
    const sameDiagnosis = Math.max(0, ...dxCount.values()) / Math.max(1, [...dxCount.values()].reduce((a, b) => a + b, 0));
    // One package: most claims one combination under one diagnosis; billed alike: at one price as well.
    const onePackage = pkg.itemShare >= p.billedAlikeShare && sameDiagnosis >= p.billedAlikeShare;
    if (!onePackage) return undefined;
    const billedAlike = pkg.amountShare >= p.billedAlikeShare;
    const similarity = sameCombination(set, layout, institution, memberMark, new Set(people), tripClaims, pkg, p);
    const compact = trips.filter((t) => t.log10P <= p.compactLog10P).length;
    const arriving = arrivedTogether(compact, trips.length, p);
    // At least two trips must show the group physically arriving together — tighter than the
    // institution's day, or more than it sees from everybody else in as many days. A shared origin or
    // shared items only add to that: neighbours co-visit and share a county, which is how they were
    // grouped in the first place.
    // Or, where arrivals spread over days at a busy place, the members' own rare visits keep falling in
    // the same few days, beyond chance even after charging for every group tested (the group was found
    // by coinciding, and a flu season coincides too), AND most of their claims bill one combination at
    // one price — the recruiter's price list.
    // Coinciding is read over all trips together (each trip already charged for where its window fell),
    // charged once for every group tested; at least two trips must coincide on their own.
    // (read only where the claims are billed alike: the coincidence counts for nothing else)
    const coinciding = billedAlike && trips.filter((t) => t.coincideLog10P() <= p.compactLog10P).length >= p.minTrips && fisherCombineLog10(trips.map((t) => t.coincideLog10P())) <= p.compactLog10P - Math.log10(tested);
    if (!arriving && !coinciding) return undefined;
    const origin = sharedOrigin(set, core, institution, patientsAt, countiesAt);
    // Where both routes hold, each trip's evidence is the stronger of the two (the coincidence charged for
    // every group tested): a group that swamps a township clinic a little and coincides overwhelmingly is
    // told by the coincidence.
    const tripLog10P = (t: Trip) => (coinciding ? Math.min(t.log10P, t.coincideLog10P() + Math.log10(tested)) : t.log10P);
    const log10P = fisherCombineLog10([
      ...trips.map((t) => Math.max(tripLog10P(t), -12)),
      Math.max(similarity.items.log10P, -12),
      Math.max(similarity.amounts.log10P, -12),
      Math.max(origin.log10P, -12),
    ]);
    // Patients who, besides the trips, come far more often than the institution's patients do meet
    // anyone often: their co-visits are over-treatment's or a regimen's, not a recruiter's.
    const tripDay = (d: number) => trips.some((t) => d >= t.days[0]!.day && d <= t.days[t.days.length - 1]!.day);
    const frequent = core.filter((x) => (ownDays.get(x) ?? []).filter((d) => !tripDay(d)).length > frequentDays(institution)).length / core.length;
    // Mostly such patients: a course of treatment or a regimen, whoever else came along.
    if (frequent > 0.5) return undefined;
    const surprise = (-log10P - Math.log10(tested)) * presence * (1 - frequent);
    // The group came together; it is a scheme only if it was also billed alike — most of its claims one
    // combination under one diagnosis, more often than the institution's other patients (a club of friends,
    // or a clinic's chronic patients on their refill day, share a third of their items at most). Amounts
    // only need to stand out: a package's price moves with the drugs' quantities. Where the institution
    // bills most of its other patients those days the same combination (a township clinic's one inpatient
    // package), nothing can stand out, and the group must show itself by arriving together.
    const standardPackage = similarity.items.baseline >= p.billedAlikeShare;
    const standsOut = Math.min(similarity.items.log10P, similarity.amounts.log10P) <= p.compactLog10P || (standardPackage && arriving);
    if (surprise < MIN_SURPRISE || !standsOut) return undefined;
    const days = new Set(trips.map((t) => t.days[0]!.day));
    // The group is the patients who were billed the package: someone who merely came on the same days for
    // their own complaint is not one of them, however close they sat.
    const billed = new Map<number, number>();
    for (const i of flat) if (similarity.alike.has(i)) billed.set(entityOf[i]!, (billed.get(entityOf[i]!) ?? 0) + 1);
    const perMember = new Map<number, number>();
    for (const i of flat) perMember.set(entityOf[i]!, (perMember.get(entityOf[i]!) ?? 0) + 1);
    const members = core.filter((x) => (billed.get(x) ?? 0) >= 0.5 * (perMember.get(x) ?? 1));
    if (units(members) < p.minMembers) return undefined;
    const kept = new Set(members);
    const claims = flat.filter((i) => kept.has(entityOf[i]!));
    // Told as seen: arriving together where two trips show it (the sentence an investigator can check
    // against the timestamps), else coinciding.
    const route = arriving ? ('arrival' as const) : ('coincidence' as const);
    const more = grow ? joiners(members, trips, similarity.typical) : { people: [], claims: [] };
    if (more.people.length > 0) return judge([...members, ...more.people].sort((x, y) => x - y), institution, false, new Set(more.people)) ?? { institution, route, core: [...members, ...more.people], trips, flat: [...claims, ...more.claims], similarity, origin, surprise, days };
    return { institution, route, core: members, trips, flat: claims, similarity, origin, surprise, days };
  };
  const groups: JudgedGroup[] = [];
  // Each community's members who come back to an institution (its piece there): groups of one recruiter
  // that share members meet in one community but travel to different places.
  const pieces: { institution: number; people: number[]; days: Map<number, Set<number>> }[] = [];
  for (const people of communities) {
    const perInst = new Map<number, Map<number, Set<number>>>();
    for (const person of people) for (let x = byPerson.start[person]!; x < byPerson.start[person + 1]!; x++) {
      const i = byPerson.members[x]!;
      const g = c.institution[i]!;
      const m = perInst.get(g) ?? perInst.set(g, new Map()).get(g)!;
      (m.get(person) ?? m.set(person, new Set()).get(person)!).add(c.kind[i] === KIND.inpatient ? c.admitDay[i]! : c.day[i]!);
    }
    for (const [institution, visitors] of [...perInst.entries()].sort((a, b) => a[0] - b[0])) {
      const local = [...visitors.entries()].filter(([, d]) => d.size >= p.minTrips);
      if (local.length >= 2) pieces.push({ institution, people: local.map(([person]) => person), days: new Map(local) });
    }
  }
  // Louvain cuts a group that arrives spread over days into pieces of a few patients each, too small to
  // show anything alone. Pieces at one institution whose own trips (windows of `tripDays` that brought
  // two of them) fall together on at least two trips, and on most of the smaller piece's, are judged as
  // one group too — each such union one more group tested.
  const tripStarts = (days: Map<number, Set<number>>) => {
    const byDay = new Map<number, number>();
    for (const list of days.values()) for (const d of list) byDay.set(d, (byDay.get(d) ?? 0) + 1);
    const sorted = [...byDay.keys()].sort((a, b) => a - b);
    const starts: number[] = [];
    for (let j = 0; j < sorted.length; ) {
      let people = 0;
      let k = j;
      while (k < sorted.length && sorted[k]! < sorted[j]! + p.tripDays) people += byDay.get(sorted[k++]!)!;
      if (people >= 2) {
        starts.push(sorted[j]!);
        j = k;
      } else j++;
    }
    return starts;
  };
  const unions: { institution: number; people: number[] }[] = [];
  {
    const byInst = new Map<number, number[]>();
    pieces.forEach((pc, idx) => (byInst.get(pc.institution) ?? byInst.set(pc.institution, []).get(pc.institution)!).push(idx));
    for (const [institution, idxs] of byInst) {
      if (idxs.length < 2) continue;
      const starts = idxs.map((x) => tripStarts(pieces[x]!.days));
      const parent = idxs.map((_, j) => j);
      const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
      for (let a = 0; a < idxs.length; a++)
        for (let b = a + 1; b < idxs.length; b++) {
          const shared = sharedStarts(starts[a]!, starts[b]!, p.tripDays);
          if (shared >= p.minTrips && shared >= 0.5 * Math.min(starts[a]!.length, starts[b]!.length)) parent[find(a)] = find(b);
        }
      const comps = new Map<number, number[]>();
      idxs.forEach((_, j) => (comps.get(find(j)) ?? comps.set(find(j), []).get(find(j))!).push(j));
      for (const members of comps.values()) {
        if (members.length < 2) continue;
        const people = [...new Set(members.flatMap((j) => pieces[idxs[j]!]!.people))].sort((x, y) => x - y);
        if (people.length <= p.maxMembers) unions.push({ institution, people });
      }
    }
  }
  // Louvain also joins a group with the regulars it queues among (a township clinic's chronic patients, a
  // second scheme there): the piece then shows no trip that brings a real share of it. Such a piece is
  // split once more over its own links (Louvain on the piece alone); each part is one more group tested.
  const parts = new Map<number, number[][]>();
  // Each piece's own links, found through its members' edges (not by scanning every edge per piece) and
  // numbered 0…k−1 in the members' order, so Louvain works on a graph the size of the piece.
  const edgesOf = groupClaims(edges.source, nPersons);
  const edgesTo = groupClaims(edges.target, nPersons);
  pieces.forEach((pc, idx) => {
    if (pc.people.length < 2 * p.minMembers) return;
    const local = new Map(pc.people.map((person, j) => [person, j]));
    const found: number[] = [];
    for (const person of pc.people)
      for (const index of [edgesOf, edgesTo])
        for (let y = index.start[person]!; y < index.start[person + 1]!; y++) {
          const x = index.members[y]!;
          if (local.has(edges.source[x]!) && local.has(edges.target[x]!)) found.push(x);
        }
    const order = [...new Set(found)].sort((a, b) => a - b);
    const source = order.map((x) => local.get(edges.source[x]!)!);
    const target = order.map((x) => local.get(edges.target[x]!)!);
    const weight = order.map((x) => edges.weight[x]!);
    const split = ringCommunities(pc.people.length, { source, target, weight }, { maxSize: p.maxMembers, minSize: p.minMembers, seed: p.seed, key: (x) => set.persons.id[pc.people[x]!]! })
      .map((part) => part.map((j) => pc.people[j]!).sort((a, b) => a - b))
      .filter((part) => part.length < pc.people.length);
    if (split.length > 0) parts.set(idx, split);
  });
  tested += unions.length + [...parts.values()].reduce((n, list) => n + list.length, 0);
  // A part must show itself arriving together (coinciding over days is too weak a sign for pieces this
  // small), and is a group of its own only if it came on its own: on its trips the rest of the piece is no more
  // there than its own visits make likely (a Poisson tail at the trip's convention). A clinic's diabetics
  // who share a drug are a part of the monthly morning crowd; the rest of the crowd comes with them.
  const cameOnItsOwn = (g: JudgedGroup, piece: readonly number[]) => {
    const mine = new Set(g.core);
    const windows = g.trips.map((t) => [t.days[0]!.day, t.days[t.days.length - 1]!.day] as const);
    let observed = 0;
    let expected = 0;
    for (const person of piece) {
      if (mine.has(person)) continue;
      const visits = new Set<number>();
      for (let x = byPerson.start[person]!; x < byPerson.start[person + 1]!; x++) {
        const i = byPerson.members[x]!;
        if (c.institution[i] === g.institution) visits.add(c.kind[i] === KIND.inpatient ? c.admitDay[i]! : c.day[i]!);
      }
      for (const [from, to] of windows) {
        if ([...visits].some((d) => d >= from && d <= to)) observed++;
        expected += 1 - Math.pow(1 - Math.min(1, (to - from + 1) / period), visits.size);
      }
    }
    return poissonUpperTailLog10(observed, Math.max(1e-6, expected)) > p.compactLog10P;
  };
  pieces.forEach((pc, idx) => {
    if (pc.people.length < p.minMembers) return;
    const g = judge(pc.people, pc.institution);
    if (g) groups.push(g);
    else
      for (const part of parts.get(idx) ?? []) {
        const h = judge(part, pc.institution);
        if (h && h.route === 'arrival' && cameOnItsOwn(h, pc.people)) groups.push(h);
      }
  });
  for (const u of unions) {
    const g = judge(u.people, u.institution);
    if (g) groups.push(g);
  }
  // A group that queues in the same order every trip is a chain of neighbours, which Louvain cuts into
  // pieces; pieces at one institution on the same trips are one group.
  const merged: JudgedGroup[] = [];
  for (const g of groups.sort((x, y) => x.institution - y.institution || y.surprise - x.surprise)) {
    const host = merged.find((m) => m.institution === g.institution && [...g.days].filter((d) => [...m.days].some((e) => Math.abs(e - d) < p.tripDays)).length >= 0.5 * Math.min(g.days.size, m.days.size));
    if (!host) {
      merged.push(g);
      continue;
    }
    const joined = judge([...new Set([...host.core, ...g.core])].sort((x, y) => x - y), g.institution);
    if (joined) merged[merged.indexOf(host)] = joined;
  }
  for (const g of merged) out.push(candidate(set, g, { face: facedAt[g.institution]!, any: checkedAt[g.institution]! }, p));
  return out;
}

/** How many of the ascending trip starts `a` have a start of `b` less than `tripDays` away (one pass over both). */
function sharedStarts(a: readonly number[], b: readonly number[], tripDays: number): number {
  let shared = 0;
  let j = 0;
  for (const d of a) {
    while (j < b.length && b[j]! <= d - tripDays) j++;
    if (j < b.length && b[j]! < d + tripDays) shared++;
  }
  return shared;
}

/** Each community once (sorted member lists), in the order first met. */
function distinct(communities: number[][]): number[][] {
  const seen = new Set<string>();
  return communities.filter((c) => {
    const key = c.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface JudgedGroup {
  institution: number;
  /** how the group showed itself: arriving together, or coinciding over days billed one package */
  route: 'arrival' | 'coincidence';
  core: number[];
  trips: Trip[];
  flat: number[];
  similarity: ReturnType<typeof sameCombination>;
  origin: OriginTest;
  surprise: number;
  days: Set<number>;
}

/** Members joined when they share a household or an address (algorithms/kinship.ts): each unit's representative. */
function kinUnits(people: readonly number[], kin: Kinship): Map<number, number> {
  const parent = new Map(people.map((x) => [x, x]));
  const find = (x: number): number => {
    const px = parent.get(x)!;
    if (px === x) return x;
    const r = find(px);
    parent.set(x, r);
    return r;
  };
  for (let a = 0; a < people.length; a++) for (let b = a + 1; b < people.length; b++) if (kin.sameHome(people[a]!, people[b]!)) parent.set(find(people[a]!), find(people[b]!));
  return new Map(people.map((x) => [x, find(x)]));
}

/** Each institution's distinct patients (for where its patients usually come from). */
function institutionPatients(set: ClaimSet, daySets: InstitutionDays[], entityOf: Int32Array): Map<number, Set<number>> {
  const at = new Map<number, Set<number>>();
  for (const days of daySets) for (const i of days.order) {
    const g = set.claims.institution[i]!;
    (at.get(g) ?? at.set(g, new Set()).get(g)!).add(entityOf[i]!);
  }
  return at;
}

interface OriginTest {
  log10P: number;
  /** the county most members are registered in, its share in the group and among the other patients */
  county: string;
  share: number;
  baseline: number;
}

/**
 * Where the group comes from: the county of household registration (the ID number's first six digits)
 * most of its members share, against how often the institution's other patients come from there. A
 * clinic's regulars live around it; a busload of villagers from one distant township does not — a
 * binomial tail, charged for having picked the group's commonest county.
 */
function sharedOrigin(set: ClaimSet, members: number[], institution: number, patientsAt: Map<number, Set<number>>, countiesAt: Map<number, Map<string, number>>): OriginTest {
  const countyOf = (person: number) => (set.persons.id[person] ?? '').slice(0, 6);
  const counts = new Map<string, number>();
  for (const m of members) counts.set(countyOf(m), (counts.get(countyOf(m)) ?? 0) + 1);
  const [county, k] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  // The institution's patients by county, counted once (a city hospital has tens of thousands).
  const patients = patientsAt.get(institution) ?? new Set<number>();
  let byCounty = countiesAt.get(institution);
  if (!byCounty) {
    byCounty = new Map();
    for (const person of patients) byCounty.set(countyOf(person), (byCounty.get(countyOf(person)) ?? 0) + 1);
    countiesAt.set(institution, byCounty);
  }
  let mineThere = 0;
  let mineSame = 0;
  for (const m of members) {
    if (!patients.has(m)) continue;
    mineThere++;
    if (countyOf(m) === county) mineSame++;
  }
  const others = patients.size - mineThere;
  const same = (byCounty.get(county) ?? 0) - mineSame;
  const baseline = (same + 1) / (others + 2);
  const log10P = Math.min(0, binomialUpperTailLog10(k, members.length, baseline) + Math.log10(counts.size));
  return { log10P, county, share: k / members.length, baseline };
}

/**
 * How much the group looks like people who were there: 1 when its visits pass identity checks as often as
 * the institution's other visits and happen in opening hours; less for cards settled without their
 * holders (unchecked where the institution checks, at night) — card farming's pattern, judged there.
 * Where the institution checks nobody, presence is unknown (½): a run of unchecked outpatient swipes is
 * then card farming's to claim if that detector sees it too, and ours otherwise.
 */
function inPerson(set: ClaimSet, claims: number[], institutionCheckRate: number): number {
  const c = set.claims;
  const checked = claims.filter((i) => c.check[i]! > 0).length / Math.max(1, claims.length);
  const checkFit = institutionCheckRate >= 0.2 ? Math.min(1, checked / institutionCheckRate) : claims.some((i) => c.kind[i] === KIND.inpatient) ? 1 : 0.5;
  const night = claims.filter((i) => {
    const hour = Math.floor((((c.t[i]! + 8 * 3600) % 86400) + 86400) % 86400 / 3600);
    return hour < NIGHT_END || hour >= NIGHT_START;
  }).length / Math.max(1, claims.length);
  return checkFit * (1 - night);
}

/** Outpatient visits happen in the day; 21:00–07:00 is night (domain fact: clinic opening hours). */
const NIGHT_START = 21;
const FACE = IDENTITY_CHECKS.indexOf('face');
const NIGHT_END = 7;

/** Share of each institution's visits that passed an identity check of any kind, and a face check. */
function institutionCheckRates(set: ClaimSet, ...sets: InstitutionDays[]): { checked: Float64Array; faced: Float64Array } {
  const n = new Float64Array(set.institutions.id.length);
  const checked = new Float64Array(set.institutions.id.length);
  const faced = new Float64Array(set.institutions.id.length);
  for (const days of sets) {
    for (const i of days.order) {
      const g = set.claims.institution[i]!;
      const check = set.claims.check[i]!;
      n[g]!++;
      if (check > 0) checked[g]!++;
      if (check === FACE) faced[g]!++;
    }
  }
  const share = (x: number, g: number) => (n[g]! > 0 ? x / n[g]! : 0);
  return { checked: checked.map(share), faced: faced.map(share) };
}

/**
 * Group days gathered into trips (the busiest windows of `tripDays`, `busiestWindows`). A trip's evidence is the stronger of
 * two scans: how compact the arrivals were on its days (rank and clock scans), and how many of the
 * group's visits (or admissions) it brought against what the institution sees from everybody else in as
 * many days and what the members' own habits bring (a Poisson tail against the larger) — a group spread
 * over a morning or over three days still swamps a township hospital, while the same group at a city
 * hospital has to arrive together to be seen, and patients who come every few days anyway swamp nothing.
 */
function tripsOf(
  all: GroupDay[],
  windows: number[][],
  entityOf: Int32Array,
  volume: { out: number; in: number },
  ownExpected: (from: number, to: number) => number,
  together: (from: number, to: number) => number,
  kindOf?: (i: number) => number,
): Trip[] {
  const byDay = new Map<number, GroupDay[]>();
  for (const d of all) (byDay.get(d.day) ?? byDay.set(d.day, []).get(d.day)!).push(d);
  const trips: Trip[] = windows.map((window) => ({ days: window.flatMap((d) => byDay.get(d)!), claims: [], people: new Set(), log10P: 0, coincideLog10P: () => 0, tight: false }));
  trips.sort((a, b) => a.days[0]!.day - b.days[0]!.day);
  for (const t of trips) {
    t.claims = t.days.flatMap((d) => d.claims);
    t.people = new Set(t.claims.map((i) => entityOf[i]!));
    // Compactness is read on days that brought several of the group; a lone member's day says nothing.
    const compact = fisherCombineLog10(t.days.filter((d) => d.claims.length >= 2).map((d) => d.log10P));
    const span = t.days[t.days.length - 1]!.day - t.days[0]!.day + 1;
    const admissions = kindOf ? t.claims.filter((i) => kindOf(i) === KIND.inpatient).length : 0;
    const visits = t.claims.length - admissions;
    // Both nulls must fail: more than the institution sees from everybody else in as many days, and more
    // than the members' own habits bring (their visits outside this trip, spread over the period).
    const own = ownExpected(t.days[0]!.day, t.days[t.days.length - 1]!.day);
    const swamp = Math.min(
      visits > 0 ? poissonUpperTailLog10(visits, Math.max(1e-3, volume.out * span, own)) : 0,
      admissions > 0 ? poissonUpperTailLog10(admissions, Math.max(1e-3, volume.in * span, own)) : 0,
    );
    t.log10P = Math.min(0, Math.min(compact, swamp) + Math.LOG10E * Math.LN2);
    t.tight = compact <= swamp;
    let coincide: number | undefined;
    t.coincideLog10P = () => (coincide ??= together(t.days[0]!.day, t.days[t.days.length - 1]!.day));
  }
  return trips;
}

/**
 * The group's busiest windows of `tripDays` days (each the days in it that no earlier window took), taken
 * greedily while the busiest still brings `minPeople`: a wave spread over a week is one trip however its
 * first day falls, and a member's own visit just before it does not cut it in two.
 */
function busiestWindows(peopleOn: ReadonlyMap<number, ReadonlySet<number>>, tripDays: number, minPeople: number): number[][] {
  const left = new Set(peopleOn.keys());
  const windows: number[][] = [];
  while (left.size > 0) {
    let best = -1;
    let bestPeople = -1;
    for (const start of left) {
      const people = new Set<number>();
      for (let d = start; d < start + tripDays; d++) if (left.has(d)) for (const e of peopleOn.get(d)!) people.add(e);
      if (people.size > bestPeople || (people.size === bestPeople && start < best)) {
        best = start;
        bestPeople = people.size;
      }
    }
    // Windows only lose people as days are taken: once the busiest brings too few, no trip is left.
    if (bestPeople < minPeople) break;
    const days: number[] = [];
    for (let d = best; d < best + tripDays; d++) if (left.delete(d)) days.push(d);
    windows.push(days);
  }
  return windows;
}

/**
 * Whether a group's trips show it arriving together: at least `minTrips` of them compact, and more than
 * chance makes among all the trips looked at. A trip reaches the compactness level by chance with
 * probability at most 10^compactLog10P, so two compact trips of two are a pattern and two of twenty are
 * not (binomial tail at the same level): patients on multi-day infusion courses at a small clinic fill it
 * on many weeks, and a couple of those weeks fall tight by chance (red team default seed 8: over-treatment
 * 0.878 → 0.955, recruited patients 0.912 → 0.957, no other change on 24 datasets).
 */
export function arrivedTogether(compactTrips: number, trips: number, p: Pick<RecruitedParams, 'minTrips' | 'compactLog10P'>): boolean {
  return compactTrips >= p.minTrips && binomialUpperTailLog10(compactTrips, trips, 10 ** p.compactLog10P) <= p.compactLog10P;
}

/** Claims of an institution's other patients that the similarity baseline compares with, at most. */
const BASELINE_SAMPLE = 2000;

interface SimilarityTest {
  log10P: number;
  share: number;
  baseline: number;
}

/** Each trip's typical combination (the medoid of its item sets) and price, and how many of the group's claims bill them. */
interface GroupPackage {
  perTrip: ({ medoid: Int32Array | Uint16Array; amount: number } | undefined)[];
  /** the group's claims that bill their trip's combination */
  alike: Set<number>;
  claims: number;
  itemShare: number;
  amountShare: number;
  hitItems: number;
  hitAmounts: number;
}

function groupPackage(set: ClaimSet, layout: VisitLayout, tripClaims: number[][], p: RecruitedParams): GroupPackage {
  const itemsOf = (i: number) => itemSetAt(layout, positionOf(layout, i));
  let hitItems = 0;
  let hitAmounts = 0;
  let n = 0;
  const alike = new Set<number>();
  const perTrip = tripClaims.map((mine) => {
    if (mine.length === 0) return undefined;
    const sets = mine.map(itemsOf);
    // The trip's typical combination: the set closest to all others (medoid).
    let medoid = sets[0]!;
    let best = -1;
    for (const a of sets) {
      let s = 0;
      for (const b of sets) s += sortedJaccard(a, b);
      if (s > best) {
        best = s;
        medoid = a;
      }
    }
    const amount = median(mine.map((i) => priceOf(set, i)));
    mine.forEach((i, j) => {
      n++;
      if (sortedJaccard(sets[j]!, medoid) >= p.itemJaccard) {
        hitItems++;
        alike.add(i);
      }
      if (Math.abs(priceOf(set, i) - amount) <= p.amountBand * amount) hitAmounts++;
    });
    return { medoid, amount };
  });
  return { perTrip, alike, claims: n, itemShare: n ? hitItems / n : 0, amountShare: n ? hitAmounts / n : 0, hitItems, hitAmounts };
}

/**
 * How often the group's claims bill the trip's typical combination (and amount) against how often the
 * institution's other claims of the same days do: a binomial tail with the institution's own rate.
 */
function sameCombination(set: ClaimSet, layout: VisitLayout, institution: number, memberMark: Uint8Array, members: ReadonlySet<number>, tripClaims: number[][], pkg: GroupPackage, p: RecruitedParams): { items: SimilarityTest; amounts: SimilarityTest; alike: Set<number>; typical: (TripTypical | undefined)[] } {
  // The institution's other patients, all year, of the same kinds of care as the group's (a sample of at
  // most BASELINE_SAMPLE, evenly spaced): on a trip day the group may be nearly all the institution saw.
  let kinds = 0;
  for (const t of tripClaims) for (const i of t) kinds |= 1 << set.claims.kind[i]!;
  // members marked in place of a Set lookup per visit
  for (const m of members) memberMark[m] = 1;
  const inPool = (pos: number) => (kinds & (1 << layout.kind[pos]!)) !== 0 && memberMark[layout.entity[pos]!] === 0;
  // the institution's segments are one run of each day set's order
  const runs = layout.days.map((d, s) => [layout.offset[s]! + d.segStart[d.instSegStart[institution]!]!, layout.offset[s]! + d.segStart[d.instSegStart[institution + 1]!]!] as const);
  let poolSize = 0;
  for (const [from, to] of runs) for (let pos = from; pos < to; pos++) if (inPool(pos)) poolSize++;
  const stride = Math.max(1, Math.ceil(poolSize / BASELINE_SAMPLE));
  const baseline = new Int32Array(Math.ceil(poolSize / stride));
  let seen = 0;
  let b = 0;
  for (const [from, to] of runs) for (let pos = from; pos < to; pos++) if (inPool(pos) && seen++ % stride === 0) baseline[b++] = pos;
  for (const m of members) memberMark[m] = 0;
  const itemsOf = (i: number) => itemSetAt(layout, positionOf(layout, i));
  let baseItems = 0;
  let baseAmounts = 0;
  let baseN = 0;
  const typical = pkg.perTrip.map((trip): TripTypical | undefined => {
    if (!trip) return undefined;
    const { medoid, amount } = trip;
    const [nearHere, amountsHere] = countAlike(layout, baseline, medoid, p.itemJaccard, layout.price, amount, p.amountBand * amount);
    baseN += baseline.length;
    baseItems += nearHere;
    baseAmounts += amountsHere;
    return { near: (i: number) => sortedJaccard(itemsOf(i), medoid) >= p.itemJaccard, rate: baseline.length > 0 ? (nearHere + 1) / (baseline.length + 2) : 0.5 };
  });
  // An institution with nobody else gives no baseline: assume the combination is as common as a coin toss.
  const rate = (hits: number) => (baseN > 0 ? (hits + 1) / (baseN + 2) : 0.5);
  const items = { share: pkg.itemShare, baseline: rate(baseItems), log10P: binomialUpperTailLog10(pkg.hitItems, pkg.claims, rate(baseItems)) };
  const amounts = { share: pkg.amountShare, baseline: rate(baseAmounts), log10P: binomialUpperTailLog10(pkg.hitAmounts, pkg.claims, rate(baseAmounts)) };
  return { items, amounts, alike: pkg.alike, typical };
}

/** A trip's typical combination: whether a claim bills it, and how often the institution's other claims do. */
interface TripTypical {
  near: (claim: number) => boolean;
  rate: number;
}

function candidate(set: ClaimSet, group: JudgedGroup, rates: { face: number; any: number }, p: RecruitedParams): RingCandidate {
  const c = set.claims;
  const { institution, core: people, trips, flat: claims, similarity: sim, origin, surprise } = group;
  const absent = holdersAbsent(set, claims, rates, p);
  if (absent) return farmCandidate(set, group, absent);
  const m = new MemberList();
  m.add('institution', institution, 'institution');
  const doctorCount = new Map<number, number>();
  for (const i of claims) if (c.doctor[i]! >= 0) doctorCount.set(c.doctor[i]!, (doctorCount.get(c.doctor[i]!) ?? 0) + 1);
  for (const [d, n] of [...doctorCount.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])) if (n >= 0.1 * claims.length) m.add('doctor', d, 'doctor');
  for (const person of people) m.add('person', person, 'recruited-patient');
  const checked = claims.filter((i) => c.check[i]! > 0).length / Math.max(1, claims.length);
  const tripDays = trips.reduce((s, t) => s + t.days.length, 0);
  const personRefs = people.map((index) => ({ type: 'person' as const, index }));
  // A minute count is quoted only where most trips were seen by how tightly the group arrived.
  const tight = trips.filter((t) => t.tight).length * 2 > trips.length;
  const spread = {
    patients: people.length,
    institution: set.institutions.name[institution]!,
    trips: trips.length,
    days: tripDays,
    spanDays: Math.round(median(trips.map((t) => t.days[t.days.length - 1]!.day - t.days[0]!.day + 1))),
    averageGroup: Math.round(median(trips.map((t) => t.people.size))),
  };
  // the claims of the trips' days, which the trip sentences count
  const tripClaims = [...new Set(trips.flatMap((t) => t.days.flatMap((d) => d.claims)))].sort((a, b) => a - b);
  const evidence: Evidence[] = [
    group.route === 'arrival' && tight
      ? {
          key: 'recruited.trips',
          facts: {
            patients: people.length,
            institution: set.institutions.name[institution]!,
            trips: trips.length,
            days: tripDays,
            averageGroup: Math.round(median(trips.map((t) => t.people.size))),
            minutes: Math.round(median(trips.flatMap((t) => t.days.filter((d) => d.claims.length >= 2).map((d) => d.minutes)))),
            log10P: Math.round(-fisherCombineLog10(trips.map((t) => t.log10P))),
          },
          entities: [{ type: 'institution', index: institution }, ...personRefs],
          claims: tripClaims,
          weight: Math.min(1, trips.length / 6),
        }
      : group.route === 'arrival'
        ? {
            // Seen by how many came (admissions over a few days that swamp the ward), not by how tightly.
            key: 'recruited.swamp',
            facts: { ...spread, log10P: Math.round(-fisherCombineLog10(trips.map((t) => t.log10P))) },
            entities: [{ type: 'institution', index: institution }, ...personRefs],
            claims: tripClaims,
            weight: Math.min(1, trips.length / 6),
          }
        : {
            // Seen by coinciding: its trips spread over days, so no minutes and no arrival scan to quote.
            key: 'recruited.coinciding',
            facts: { ...spread, log10P: Math.round(-fisherCombineLog10(trips.map((t) => t.coincideLog10P()))) },
            entities: [{ type: 'institution', index: institution }, ...personRefs],
            claims: tripClaims,
            weight: Math.min(1, trips.length / 6),
          },
    {
      key: 'recruited.similar-items',
      facts: { percent: Math.round(sim.items.share * 100), baseline: Math.round(sim.items.baseline * 1000) / 10, claims: claims.length },
      entities: personRefs,
      claims,
      weight: Math.max(0, sim.items.share - sim.items.baseline),
    },
    {
      key: 'recruited.similar-amounts',
      facts: { percent: Math.round(sim.amounts.share * 100), baseline: Math.round(sim.amounts.baseline * 1000) / 10 },
      entities: personRefs,
      claims,
      weight: Math.max(0, sim.amounts.share - sim.amounts.baseline),
    },
    { key: 'recruited.identity-checked', facts: { percent: Math.round(checked * 100) }, entities: personRefs, claims, weight: checked },
  ];
  if (origin.log10P <= -2) {
    evidence.push({
      key: 'recruited.same-origin',
      facts: { percent: Math.round(origin.share * 100), county: origin.county, baseline: Math.round(origin.baseline * 1000) / 10, institution: set.institutions.name[institution]! },
      entities: personRefs,
      weight: Math.max(0, origin.share - origin.baseline),
    });
  }
  return { family: 'recruited-patients', members: m.list, claims: [...claims].sort((a, b) => a - b), evidence, confidence: calibratedConfidence(surprise), surprise };
}

interface Absence {
  claims: number;
  faced: number;
  checked: number;
  rates: { face: number; any: number };
  log10P: number;
}

/**
 * Whether the group's holders were absent: outpatient or counter visits that passed fewer face checks and
 * fewer identity checks of any kind than the institution's others, each beyond chance. A real-name record
 * alone is what whoever holds the card can produce, so both must fall short; an admission is in person.
 */
function holdersAbsent(set: ClaimSet, claims: number[], rates: { face: number; any: number }, p: RecruitedParams): Absence | undefined {
  const c = set.claims;
  if (rates.face <= 0 || claims.length === 0 || claims.some((i) => c.kind[i] === KIND.inpatient)) return undefined;
  const faced = claims.filter((i) => c.check[i] === FACE).length;
  const checked = claims.filter((i) => c.check[i]! > 0).length;
  const faceTail = binomialLowerTailLog10(faced, claims.length, rates.face);
  const anyTail = binomialLowerTailLog10(checked, claims.length, rates.any);
  if (faceTail > p.absentLog10P || anyTail > p.absentLog10P) return undefined;
  return { claims: claims.length, faced, checked, rates, log10P: Math.max(faceTail, anyTail) };
}

/**
 * A group whose holders were absent is the farm seen from the patients' side — the same cards settled
 * together trip after trip with nobody there — and is reported as card farming: the institution, the
 * cards and their holders, with the recurrence and the missing checks as evidence.
 */
function farmCandidate(set: ClaimSet, group: JudgedGroup, absent: Absence): RingCandidate {
  const c = set.claims;
  const { institution, flat: claims, trips, surprise } = group;
  const m = new MemberList();
  m.add('institution', institution, 'farming-institution');
  const cards = [...new Set(claims.map((i) => c.card[i]!))].sort((a, b) => a - b);
  for (const card of cards) m.add('card', card, 'farmed-card');
  for (const card of cards) m.add('person', set.cards.holder[card]!, 'card-holder');
  const cardRefs = cards.map((index) => ({ type: 'card' as const, index }));
  const evidence: Evidence[] = [
    {
      key: 'farming.recurring-days',
      facts: {
        cards: cards.length,
        institution: set.institutions.name[institution]!,
        trips: trips.length,
        days: trips.reduce((s, t) => s + t.days.length, 0),
        averageGroup: Math.round(median(trips.map((t) => t.people.size))),
        log10P: Math.round(-fisherCombineLog10(trips.map((t) => Math.min(t.log10P, t.coincideLog10P())))),
      },
      entities: [{ type: 'institution', index: institution }, ...cardRefs],
      weight: Math.min(1, trips.length / 6),
    },
    {
      key: 'farming.absent-holders',
      facts: {
        claims: absent.claims,
        facePercent: Math.round((100 * absent.faced) / absent.claims),
        checkedPercent: Math.round((100 * absent.checked) / absent.claims),
        institutionFacePercent: Math.round(100 * absent.rates.face),
        institutionCheckedPercent: Math.round(100 * absent.rates.any),
        log10P: Math.round(-absent.log10P),
      },
      entities: cardRefs,
      weight: 1 - absent.checked / absent.claims,
    },
  ];
  return { family: 'card-farming', members: m.list, claims: [...claims].sort((a, b) => a - b), evidence, confidence: calibratedConfidence(surprise), surprise };
}
