import { claimHolder, dateOfDay, groupClaims, KIND, type ClaimSet } from '../claim-set.ts';
import type { CompiledKnowledge } from '../knowledge.ts';
import { addBlock, windowCounts, windowsTested } from './month-windows.ts';
import { STEERED_PRODUCT_DEFAULTS, steeredProducts, type SteeredProduct, type SteeredProductParams } from './steered-product.ts';
import { betaBinomialUpperTailLog10, binomialUpperTailLog10, fisherCombineLog10, median, medianMatchingDispersion, multiplicativeIcc, truncatedProductLog10 } from '../stats.ts';
import { MIN_SURPRISE, MemberList, calibratedConfidence, type Evidence, type RingCandidate } from './types.ts';

/**
 * 医药勾结 / 回扣: a doctor's external prescriptions (外配处方) steered to one pharmacy.
 *
 * Unit of evidence: PATIENTS, not fills (one chronic patient's 30 monthly refills are one patient). For a
 * doctor d and a pharmacy P, the flow counts d's patients who filled d's prescriptions at P and who do not
 * shop at P on their own (no purchase there without a prescription, on a day they filled nothing there):
 * a patient for whom P is the neighbourhood pharmacy is not steered there, whoever prescribed.
 *
 * Baseline: what d's peers send to P — the same department of the same institution where it has ≥ 3
 * prescribing doctors, else the institution, else the region — as a share of their patients, leave-one-out
 * (and leaving out the peer who sends P the largest share too, so a scheme's two doctors in one department
 * do not hide each other),
 * with one pseudo-patient at the region's share so an unseen pharmacy is rare, not impossible. The pharmacy
 * across the street, which every doctor of the hospital feeds, is therefore expected. Where the doctor's
 * department is too small to be the group but has colleagues, the flow must exceed their share too.
 *
 * Calibration: honest flows are overdispersed (a doctor's patients cluster by department and
 * neighbourhood), so the count is tested against a beta-binomial, not a Poisson. Doctors' shares vary
 * multiplicatively around their group's, Var = φ s², with φ estimated per region from the data (the φ at
 * which the squared Pearson residuals of doctor × pharmacy cells with an expected count ≥ 5 have a χ²₁'s
 * median — robust to the schemes among them); the uncertainty of the peers' share itself is added. The
 * test runs over windows of whole months (a scheme runs for a season; its excess drowns in a busy doctor's
 * year), and a window needs a real effect: at least twice the expected patients (then each of them is more
 * likely than not an excess one) and a nominally significant excess.
 *
 * Supporting evidence, never required (a doctor on kickbacks may see every patient first): patients whose
 * fills had no visit to the prescriber in the 30 days before, against the doctor's own rate at other
 * pharmacies; patients whose fills cost more than the peer group's typical patient's (high-margin drugs);
 * and the steered product — the window's patients given one product more often than the doctor's patients
 * elsewhere and the pharmacy's other prescribers' patients are (the higher of the two rates; binomial tail,
 * charged for the products looked at). A kickback is paid per product, so the scheme's patients share it;
 * the pharmacy's ordinary trade does not. Any of them join the excess by Fisher's method when they
 * strengthen it. Where a product stands out, the ring's patients are those given it.
 *
 * Specialty drugs are not steering: fills consisting only of drugs the knowledge file names as specialty
 * (DTP / 双通道) drugs, or drugs the data shows few pharmacies of the region dispense — at most two, or one
 * filling most of the region's fills — where that concentration is seen from prescriptions of more doctors
 * than a ring has (a ring's own rare drug is not a market fact) or at a pharmacy that dispenses the
 * knowledge file's specialty drugs (a DTP pharmacy's rare stock is specialty stock).
 *
 * Rings: one per pharmacy — the pharmacy, its flagged prescribers (possibly from several hospitals) and
 * the patients who carried the flagged flows in their seasons: the most surprising window, widened by each
 * month next to it whose newcomers show the effect on their own (a scheme is most surprising in its busiest
 * month, but its patients are those of every month it recruited). Once a pharmacy is a ring's hub, its
 * other prescribers are tested against that pharmacy's flows only (the search charge of a second look).
 * Surprise is −log10 of the combined tail probability less log10 of the windows and of the flows that
 * could be flagged (two patients or more: Tarone's refinement of Bonferroni).
 *
 * The steered product pooled over a pharmacy's prescribers (steered-product.ts): a scheme too thin for any
 * flow shows as the pharmacy dispensing one drug, for a season, far beyond its other months and the region's
 * other pharmacies; its doctors and patients join the pharmacy's ring or make one.
 *
 * Hubs: a pharmacy that two or more doctors each steer a few patients to, none of them surprising enough
 * for the search over every flow. A pharmacy's flows whose window-corrected tail is ≤ 0.05 ÷ its flows —
 * tested against the pharmacy's own market share as well as the peers' (patients may simply live near
 * it) — are combined by the truncated product method (Zaykin et al. 2002), charged for the pharmacies
 * with two flows or more.
 */

export interface KickbackParams {
  /** a fill whose patient saw the prescriber within this many days before counts as visited */
  visitLookbackDays: number;
  /** the excess window moves in blocks of this many days … */
  blockDays: number;
  /** … and spans at most this many blocks */
  maxWindowBlocks: number;
  /** observed ÷ expected patients a flagged window must reach */
  minLift: number;
  /** log10 of the significance level the excess must reach on its own (without the unvisited evidence) */
  maxExcessLog10P: number;
  /** peer groups need this many prescribing doctors (department → institution → region) */
  minPeers: number;
  /** a drug is concentrated when its top pharmacy fills more than this share of the region's fills … */
  concentratedShare: number;
  /** … or no more than this many pharmacies of the region dispense it … */
  maxSpecialtyPharmacies: number;
  /** … seen from prescriptions of at least this many doctors (buying without a prescription counts as one) */
  minSpecialtyPrescribers: number;
  /** a pharmacy's flows join a hub test when their window-corrected tail is ≤ this level ÷ the pharmacy's flows */
  hubLevel: number;
  /** the steered product pooled over a pharmacy's prescribers */
  steeredProduct: SteeredProductParams;
}

export const KICKBACK_DEFAULTS: KickbackParams = {
  // 《处方管理办法》第十八条: a prescription is valid on the day it is issued (≤ 3 days when the doctor says so);
  // 《长期处方管理规范（试行）》(2021): a long prescription usually covers up to 4 weeks. 30 days covers both.
  visitLookbackDays: 30,
  // a month: the settlement cycle of 医保 (monthly settlement, monthly refills of chronic prescriptions)
  blockDays: 30,
  // a year: the windows of one annual review
  maxWindowBlocks: 12,
  // relative risk ≥ 2 ⇔ attributable fraction ≥ 50 %: each patient of the window is more likely than not
  // an excess one (the "more probable than not" reading of relative risk in epidemiology and law)
  minLift: 2,
  // α = 0.05, the conventional significance level
  maxExcessLog10P: Math.log10(0.05),
  // three peers: the fewest that have a median and a spread
  minPeers: 3,
  // "most": more than half
  concentratedShare: 0.5,
  // "a few": one designated pharmacy and at most one other
  maxSpecialtyPharmacies: 2,
  // more prescribers than a kickback ring has (1–3 doctors, BRIEF scenario 3): a concentration that no
  // ring produces on its own. A ring's own rare drug stays evidence; one oncologist's DTP drug needs the
  // knowledge file.
  minSpecialtyPrescribers: 4,
  // α = 0.05 among the pharmacy's own flows (Bonferroni): about one honest flow in twenty pharmacies joins
  hubLevel: 0.05,
  steeredProduct: STEERED_PRODUCT_DEFAULTS,
};

/** One tested doctor → pharmacy flow, in its best window. */
export interface Flow {
  doctor: number;
  pharmacy: number;
  /** window [startDay, endDay] */
  startDay: number;
  endDay: number;
  /** distinct patients of the doctor filling at the pharmacy outside their own shopping habit, in the window */
  patients: number;
  /** what the peers' share predicts for the doctor's patients of the window */
  expected: number;
  /** distinct patients of the doctor (any pharmacy) in the window */
  doctorPatients: number;
  /** the peers' share of patients sent to this pharmacy */
  peerShare: number;
  /** patients of the window with a fill not preceded by a visit to the prescriber */
  unvisitedPatients: number;
  /** the doctor's usual rate of such patients elsewhere */
  unvisitedRate: number;
  /** patients of the window whose mean fill costs more than the peer group's median patient's */
  costlyPatients: number;
  /** that median (yuan per fill) */
  typicalAmount: number;
  log10PExcess: number;
  log10PUnvisited: number;
  log10PCostly: number;
  /** the season's most over-represented product, where one stands out (its patients are the ring's) */
  product?: { item: number; patients: number; rate: number; log10P: number } | undefined;
  /** the excess with the supporting evidence (see combineEvidence) */
  log10P: number;
  /** search charge: log10 of windows × flows this flow was picked from */
  charge: number;
  surprise: number;
  /** ring patients (window patients off habit, plus unvisited ones) and their fills */
  members: number[];
  /** those of them with a fill in the window not preceded by a visit */
  unvisitedMembers: number[];
  claims: number[];
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The excess alone, or with any of the supporting tests (unvisited patients, costly fills, the steered
 * product) by Fisher's method, whichever is strongest — charged log10 of the subsets picked from. Fisher
 * over all of them would dilute a strong excess whenever a scheme leaves no trace in some (a doctor who
 * sees every patient first).
 */
function combineEvidence(excess: number, supports: readonly number[]): number {
  let best = excess;
  for (let mask = 1; mask < 1 << supports.length; mask++) {
    const parts = [excess];
    supports.forEach((s, i) => {
      if (mask & (1 << i)) parts.push(s);
    });
    best = Math.min(best, fisherCombineLog10(parts));
  }
  return Math.min(0, best + Math.log10(1 << supports.length));
}

// ---------------------------------------------------------------------------------------------------------

interface PatientInFlow {
  blocks: number[];
  unvisited: boolean;
  habitual: boolean;
  /** sum of the fills' totals */
  amount: number;
  /** fills: claim indices */
  claims: number[];
}

interface FlowData {
  doctor: number;
  pharmacy: number;
  patients: Map<number, PatientInFlow>;
  /** patients off habit (the tested count) */
  offHabit: number;
  unvisited: number;
}

/** Claims that consist only of specialty drugs (knowledge file, or few pharmacies of the region dispense them). */
export function specialtyFills(set: ClaimSet, p: KickbackParams = KICKBACK_DEFAULTS, k?: CompiledKnowledge): Uint8Array {
  const c = set.claims;
  const nItems = set.items.id.length;
  const isDrug = new Uint8Array(nItems);
  for (let it = 0; it < nItems; it++) isDrug[it] = set.items.category[it] === 'drug' ? 1 : 0;
  // region × drug → pharmacy → fills
  const fills = new Map<number, Map<number, number>>();
  const drugLines = (i: number, visit: (key: number, ph: number) => void) => {
    const ph = c.institution[i]!;
    const key0 = set.institutions.region[ph]! * nItems;
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const it = set.lines.item[l]!;
      if (isDrug[it]) visit(key0 + it, ph);
    }
  };
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.pharmacy) continue;
    drugLines(i, (key, ph) => {
      const f = fills.get(key) ?? fills.set(key, new Map()).get(key)!;
      f.set(ph, (f.get(ph) ?? 0) + 1);
    });
  }
  // concentrated: region × drug → the pharmacies it is concentrated at
  const concentrated = new Map<number, Set<number>>();
  for (const [key, byPharmacy] of fills) {
    let total = 0;
    let top = -1;
    let topFills = 0;
    for (const [ph, n] of byPharmacy) {
      total += n;
      if (n > topFills) [top, topFills] = [ph, n];
    }
    if (byPharmacy.size <= p.maxSpecialtyPharmacies) concentrated.set(key, new Set(byPharmacy.keys()));
    else if (topFills > p.concentratedShare * total) concentrated.set(key, new Set([top]));
  }
  // …and a specialty drug there when the fills come from enough prescribers (buying without one counts as one)
  const prescribers = new Map<number, Map<number, Set<number>>>();
  if (concentrated.size)
    for (let i = 0; i < c.count; i++) {
      if (c.kind[i] !== KIND.pharmacy) continue;
      drugLines(i, (key, ph) => {
        if (!concentrated.get(key)?.has(ph)) return;
        const byPh = prescribers.get(key) ?? prescribers.set(key, new Map()).get(key)!;
        (byPh.get(ph) ?? byPh.set(ph, new Set()).get(ph)!).add(c.rxDoctor[i]!);
      });
    }
  // A pharmacy that dispenses drugs the knowledge file names as specialty drugs is a DTP pharmacy: what
  // only it (and at most one other) dispenses in the region is its specialty stock too, however few prescribe it.
  const dtpPharmacy = new Set<number>();
  if (k)
    for (let i = 0; i < c.count; i++) {
      if (c.kind[i] !== KIND.pharmacy || dtpPharmacy.has(c.institution[i]!)) continue;
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (k.specialtyItem[set.lines.item[l]!] === 1) dtpPharmacy.add(c.institution[i]!);
    }
  const specialtyAt = new Map<number, Set<number>>();
  for (const [key, byPh] of prescribers)
    for (const [ph, src] of byPh) if (src.size >= p.minSpecialtyPrescribers || dtpPharmacy.has(ph)) (specialtyAt.get(key) ?? specialtyAt.set(key, new Set()).get(key)!).add(ph);
  const out = new Uint8Array(c.count);
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.pharmacy || c.rxDoctor[i]! < 0) continue;
    const ph = c.institution[i]!;
    const key0 = set.institutions.region[ph]! * nItems;
    let drugs = 0;
    let special = 0;
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const it = set.lines.item[l]!;
      if (!isDrug[it]) continue;
      drugs++;
      if (k?.specialtyItem[it] === 1 || specialtyAt.get(key0 + it)?.has(ph)) special++;
    }
    if (drugs > 0 && special === drugs) out[i] = 1;
  }
  return out;
}

interface Baseline {
  /** peer group of each doctor (−1: no prescriptions) */
  group: Int32Array;
  groupRegion: number[];
  /** group → pharmacy → off-habit patients; group → patients */
  groupX: Map<number, number>[];
  groupN: number[];
  /** region → overdispersion φ of doctors around their group's share: Var(doctor's share) = φ s² */
  phi: Map<number, number>;
  /** prescribing doctors per group */
  groupDoctors: number[];
  /** a group's share of a pharmacy from peers' counts X of N, and its uncertainty (an ICC) */
  shrunk: (region: number, pharmacy: number, X: number, N: number, doctors?: number, phi?: number) => { share: number; uncertainty: number };
  /** group unvisited rate (Jeffreys) */
  groupUnvisited: number[];
  /** the pharmacy's share of the region's prescription patients (off their habit) */
  marketShare: (region: number, pharmacy: number) => number;
}

export function detectKickback(set: ClaimSet, p: KickbackParams = KICKBACK_DEFAULTS, k?: CompiledKnowledge): RingCandidate[] {
  const c = set.claims;
  const nDoctors = set.doctors.id.length;
  const nInst = set.institutions.id.length;
  const exempt = specialtyFills(set, p, k);

  // Per prescription fill: was it preceded by a visit to the prescriber, and does its patient shop at the
  // pharmacy on their own (a purchase there without a prescription, on a day they filled nothing there)?
  // Worked out one card holder at a time, over their own few claims.
  let day0 = Number.POSITIVE_INFINITY;
  let dayN = Number.NEGATIVE_INFINITY;
  const holderOf = new Int32Array(c.count);
  for (let i = 0; i < c.count; i++) {
    holderOf[i] = claimHolder(set, i);
    if (c.rxDoctor[i]! < 0) continue;
    const day = c.day[i]!;
    if (day < day0) day0 = day;
    if (day > dayN) dayN = day;
  }
  if (!Number.isFinite(day0)) return [];
  const unvisitedFill = new Uint8Array(c.count);
  const habitualFill = new Uint8Array(c.count);
  {
    const byHolder = groupClaims(holderOf, set.persons.id.length);
    const own: number[] = [];
    for (let h = 0; h < set.persons.id.length; h++) {
      const from = byHolder.start[h]!;
      const to = byHolder.start[h + 1]!;
      let hasRx = false;
      for (let q = from; q < to; q++) if (c.rxDoctor[byHolder.members[q]!]! >= 0) hasRx = true;
      if (!hasRx) continue;
      // pharmacies the holder shops at on their own
      own.length = 0;
      for (let q = from; q < to; q++) {
        const v = byHolder.members[q]!;
        if (c.kind[v] !== KIND.pharmacy || c.rxDoctor[v]! >= 0) continue;
        const ph = c.institution[v]!;
        if (own.includes(ph)) continue;
        let fillDay = false;
        for (let t = from; t < to && !fillDay; t++) {
          const u = byHolder.members[t]!;
          fillDay = c.rxDoctor[u]! >= 0 && c.institution[u] === ph && c.day[u] === c.day[v];
        }
        if (!fillDay) own.push(ph);
      }
      for (let q = from; q < to; q++) {
        const i = byHolder.members[q]!;
        const d = c.rxDoctor[i]!;
        if (d < 0) continue;
        const day = c.day[i]!;
        let saw = false;
        for (let r = from; r < to && !saw; r++) {
          const v = byHolder.members[r]!;
          const vd = c.day[v]!;
          saw = c.doctor[v] === d && vd <= day && vd >= day - p.visitLookbackDays;
        }
        if (own.includes(c.institution[i]!)) habitualFill[i] = 1;
        if (!saw) unvisitedFill[i] = 1;
      }
    }
  }

  const M = Math.max(1, Math.floor((dayN - day0) / p.blockDays) + 1);
  const L = Math.min(M, p.maxWindowBlocks);
  const blockOf = (day: number) => Math.floor((day - day0) / p.blockDays);

  // Flows and each doctor's patients (with the blocks they filled in). A specialty fill makes its patient
  // one of the doctor's patients but is no part of a flow: the share of a doctor's patients sent to a
  // pharmacy counts only fills that had a choice of pharmacy.
  const flows = new Map<number, FlowData>();
  const doctorPatients = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < c.count; i++) {
    const d = c.rxDoctor[i]!;
    if (d < 0) continue;
    const ph = c.institution[i]!;
    const h = holderOf[i]!;
    const b = blockOf(c.day[i]!);
    const dp = doctorPatients.get(d) ?? doctorPatients.set(d, new Map()).get(d)!;
    addBlock(dp.get(h) ?? dp.set(h, []).get(h)!, b);
    if (exempt[i]) continue;
    const key = d * nInst + ph;
    let f = flows.get(key);
    if (!f) flows.set(key, (f = { doctor: d, pharmacy: ph, patients: new Map(), offHabit: 0, unvisited: 0 }));
    let pf = f.patients.get(h);
    if (!pf) f.patients.set(h, (pf = { blocks: [], unvisited: false, habitual: habitualFill[i] === 1, amount: 0, claims: [] }));
    addBlock(pf.blocks, b);
    pf.claims.push(i);
    pf.amount += c.total[i]!;
    if (unvisitedFill[i]) pf.unvisited = true;
  }
  const byDoctor = new Map<number, FlowData[]>();
  for (const f of flows.values()) {
    for (const pf of f.patients.values()) {
      if (!pf.habitual) f.offHabit++;
      if (pf.unvisited) f.unvisited++;
    }
    (byDoctor.get(f.doctor) ?? byDoctor.set(f.doctor, []).get(f.doctor)!).push(f);
  }
  const nOf = (d: number) => doctorPatients.get(d)?.size ?? 0;

  // Peer groups: department (≥ minPeers prescribing doctors) → institution → region. A doctor's group is
  // everyone at the level chosen for them (an oncologist alone in a department is compared with the whole
  // hospital, internists included), so aggregates are kept for every doctor's three levels.
  const group = new Int32Array(nDoctors).fill(-1);
  const memberOf = new Map<number, number[]>();
  const groupRegion: number[] = [];
  {
    const count = new Map<string, number>();
    const keyOf = (d: number, level: number) => {
      const h = set.doctors.institution[d]!;
      return level === 0 ? `d${h}\u0000${set.doctors.department[d] ?? ''}` : level === 1 ? `i${h}` : `r${set.institutions.region[h]!}`;
    };
    for (const d of doctorPatients.keys()) for (let level = 0; level < 3; level++) count.set(keyOf(d, level), (count.get(keyOf(d, level)) ?? 0) + 1);
    const ids = new Map<string, number>();
    const idOf = (d: number, level: number) => {
      const key = keyOf(d, level);
      let g = ids.get(key);
      if (g === undefined) {
        ids.set(key, (g = ids.size));
        groupRegion.push(set.institutions.region[set.doctors.institution[d]!]!);
      }
      return g;
    };
    for (const d of doctorPatients.keys()) {
      memberOf.set(d, [0, 1, 2].map((level) => idOf(d, level)));
      let level = 0;
      while (level < 2 && count.get(keyOf(d, level))! < p.minPeers) level++;
      group[d] = idOf(d, level);
    }
  }
  const nGroups = groupRegion.length;
  const deptDoctors = new Map<number, number[]>();
  for (const [d, levels] of memberOf) (deptDoctors.get(levels[0]!) ?? deptDoctors.set(levels[0]!, []).get(levels[0]!)!).push(d);

  const baseline = (excluded: Set<number>): Baseline => {
    const groupX = Array.from({ length: nGroups }, () => new Map<number, number>());
    const groupN = new Array<number>(nGroups).fill(0);
    const groupDoctors = new Array<number>(nGroups).fill(0);
    const groupU = new Array<number>(nGroups).fill(0);
    const groupF = new Array<number>(nGroups).fill(0);
    const regionX = new Map<number, Map<number, number>>();
    const regionN = new Map<number, number>();
    for (const [d, pats] of doctorPatients) {
      for (const g of memberOf.get(d)!) {
        groupN[g]! += pats.size;
        groupDoctors[g]!++;
      }
      const r = groupRegion[group[d]!]!;
      regionN.set(r, (regionN.get(r) ?? 0) + pats.size);
    }
    for (const [key, f] of flows) {
      for (const g of memberOf.get(f.doctor)!) {
        groupU[g]! += f.unvisited;
        groupF[g]! += f.patients.size;
        if (excluded.has(key)) continue;
        const gx = groupX[g]!;
        gx.set(f.pharmacy, (gx.get(f.pharmacy) ?? 0) + f.offHabit);
      }
      if (excluded.has(key)) continue;
      const r = groupRegion[group[f.doctor]!]!;
      const rx = regionX.get(r) ?? regionX.set(r, new Map()).get(r)!;
      rx.set(f.pharmacy, (rx.get(f.pharmacy) ?? 0) + f.offHabit);
    }
    const regionShare = new Map<number, Map<number, number>>();
    for (const [r, rx] of regionX) {
      const n = regionN.get(r)!;
      regionShare.set(r, new Map([...rx].map(([ph, x]) => [ph, x / n])));
    }
    /**
     * A group's share of a pharmacy from its doctors' counts X of N patients: one pseudo-patient at the
     * region's share (a unit-information prior, so a pharmacy the peers never used is rare, not impossible)
     * and the uncertainty of the estimate as an intra-class correlation 1/(N + 2). N is the effective
     * number of patients: patients of one doctor are correlated (ρ), so N/(1 + (n̄ − 1)ρ) (Kish's design effect).
     */
    const shrunk = (r: number, ph: number, X: number, N: number, doctors = 1, phi = 0) => {
      const rs = regionShare.get(r)?.get(ph) ?? 0;
      const n = Math.max(0, N);
      const share = (rs + Math.max(0, X)) / (1 + n);
      const deff = 1 + Math.max(0, n / Math.max(1, doctors) - 1) * multiplicativeIcc(share, phi);
      return { share, uncertainty: 1 / (n / deff + 2) };
    };
    // Overdispersion of doctors around their peer group: the intra-doctor correlation ρ at which the
    // squared Pearson residuals of a region's doctor × pharmacy cells, each divided by the beta-binomial
    // variance factor 1 + (n − 1)ρ, have the median of a χ²₁ (0.455). Only cells with an expected count of
    // at least 5 (Cochran's rule for the normal approximation) take part; a median, unlike the method of
    // moments, is not carried away by the few schemes among thousands of cells.
    const cells = new Map<number, { z2: number[]; n: number[] }>();
    for (const [d, pats] of doctorPatients) {
      const n = pats.size;
      if (n < 2) continue;
      const g = group[d]!;
      const r = groupRegion[g]!;
      const shares = regionShare.get(r);
      if (!shares) continue;
      const own = new Map((byDoctor.get(d) ?? []).map((f) => [f.pharmacy, f.offHabit]));
      const list = cells.get(r) ?? cells.set(r, { z2: [], n: [] }).get(r)!;
      for (const ph of shares.keys()) {
        if (excluded.has(d * nInst + ph)) continue;
        const x = own.get(ph) ?? 0;
        const sh = shrunk(r, ph, (groupX[g]!.get(ph) ?? 0) - x, groupN[g]! - n).share;
        const e = n * sh;
        if (e < 5 || sh >= 1) continue;
        list.z2.push((x - e) ** 2 / (e * (1 - sh)));
        // the variance factor per unit φ: Var(π) = φ s² ⇒ Var(x) = n s (1 − s) (1 + (n − 1) φ s / (1 − s))
        list.n.push(((n - 1) * sh) / (1 - sh));
      }
    }
    const phi = new Map<number, number>();
    for (const [r, { z2, n }] of cells) phi.set(r, medianMatchingDispersion(z2, n));
    const groupUnvisited = groupU.map((u, g) => (u + 0.5) / (groupF[g]! + 1));
    const marketShare = (r: number, ph: number) => regionShare.get(r)?.get(ph) ?? 0;
    return { group, groupRegion, groupX, groupN, groupDoctors, phi, shrunk, groupUnvisited, marketShare };
  };

  // Window counts per doctor (all patients) and per flow (off-habit patients, and those unvisited).
  const doctorWindows = new Map<number, Int32Array>();
  for (const [d, pats] of doctorPatients) doctorWindows.set(d, windowCounts(pats.values(), M, L));
  // What a prescription of the peer group usually costs: the median over its patients (per flow) of
  // their mean fill. A steered flow's patients mostly lie above it when the scheme is about high-margin drugs.
  const groupMedianAmount = new Map<number, number>();
  {
    const perGroup = new Map<number, number[]>();
    for (const f of flows.values()) {
      for (const g of memberOf.get(f.doctor)!) {
        const list = perGroup.get(g) ?? perGroup.set(g, []).get(g)!;
        for (const pf of f.patients.values()) list.push(pf.amount / pf.claims.length);
      }
    }
    for (const [g, list] of perGroup) groupMedianAmount.set(g, median(list));
  }
  const flowWindows = new Map<number, { off: Int32Array; offUnvisited: Int32Array; offCostly: Int32Array; newcomers: Int32Array }>();
  for (const [key, f] of flows) {
    if (f.offHabit === 0) continue;
    const ref = groupMedianAmount.get(group[f.doctor]!)!;
    const off: number[][] = [];
    const offU: number[][] = [];
    const offC: number[][] = [];
    // patients off habit by the month of their first fill here
    const newcomers = new Int32Array(M);
    for (const pf of f.patients.values()) {
      if (pf.habitual) continue;
      newcomers[pf.blocks[0]!]!++;
      off.push(pf.blocks);
      if (pf.unvisited) offU.push(pf.blocks);
      if (pf.amount / pf.claims.length > ref) offC.push(pf.blocks);
    }
    flowWindows.set(key, { off: windowCounts(off, M, L), offUnvisited: windowCounts(offU, M, L), offCostly: windowCounts(offC, M, L), newcomers });
  }
  const windowCharge = Math.log10(Math.max(1, windowsTested(M, L)));

  // The steered product: what the flow's patients were given at the pharmacy, against what the doctor's
  // patients get elsewhere and what the pharmacy's other prescribers' patients get there (whichever is
  // higher: intersection–union). Worked out only for flows that show an excess (lazily).
  type ItemCounts = { patients: number; items: Map<number, number> };
  /** a flow's patients given each item there (each patient once per item) */
  const flowItemCache = new Map<number, Map<number, number>>();
  const flowItems = (key: number): Map<number, number> => {
    let into = flowItemCache.get(key);
    if (into) return into;
    into = new Map();
    const seen = new Set<number>();
    for (const pf of flows.get(key)!.patients.values()) {
      seen.clear();
      for (const i of pf.claims) for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) seen.add(set.lines.item[l]!);
      for (const it of seen) into.set(it, (into.get(it) ?? 0) + 1);
    }
    flowItemCache.set(key, into);
    return into;
  };
  const sumOf = (keys: Iterable<number>): ItemCounts => {
    const items = new Map<number, number>();
    let patients = 0;
    for (const key of keys) {
      patients += flows.get(key)!.patients.size;
      for (const [it, n] of flowItems(key)) items.set(it, (items.get(it) ?? 0) + n);
    }
    return { patients, items };
  };
  // what each doctor's flows hold, and (per pass: flagged flows are no baseline) each pharmacy's
  const doctorItems = new Map<number, ItemCounts>();
  const pharmacyItems = new Map<number, ItemCounts>();
  // the windows in which each off-habit patient of a flow was given each item there
  const productWindows = new Map<number, { item: number; windows: Int32Array }[]>();
  const productCache = new Map<number, { item: number; windows: Int32Array; q: number }[]>();
  let productCacheFor: Set<number> | undefined;
  const products = (key: number): { item: number; windows: Int32Array; q: number }[] => {
    if (productCacheFor !== excludedNow) {
      productCache.clear();
      pharmacyItems.clear();
      productCacheFor = excludedNow;
    }
    const cached = productCache.get(key);
    if (cached) return cached;
    const f = flows.get(key)!;
    const mine = flowItems(key);
    const d = f.doctor;
    let byD = doctorItems.get(d);
    if (!byD) doctorItems.set(d, (byD = sumOf((byDoctor.get(d) ?? []).map((o) => o.doctor * nInst + o.pharmacy))));
    let atP = pharmacyItems.get(f.pharmacy);
    if (!atP) pharmacyItems.set(f.pharmacy, (atP = sumOf((flowsByPharmacy.get(f.pharmacy) ?? []).map((o) => o.doctor * nInst + o.pharmacy).filter((k2) => !excludedNow.has(k2)))));
    const counted = !excludedNow.has(key);
    const nOwn = byD.patients - f.patients.size;
    const nP = atP.patients - (counted ? f.patients.size : 0);
    let windows = productWindows.get(key);
    if (!windows) {
      const blocksOf = new Map<number, number[][]>();
      for (const pf of f.patients.values()) {
        if (pf.habitual) continue;
        const given = new Map<number, number[]>();
        for (const i of pf.claims)
          for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
            const it = set.lines.item[l]!;
            addBlock(given.get(it) ?? given.set(it, []).get(it)!, blockOf(c.day[i]!));
          }
        for (const [it, blocks] of given) (blocksOf.get(it) ?? blocksOf.set(it, []).get(it)!).push(blocks);
      }
      windows = [...blocksOf].map(([item, lists]) => ({ item, windows: windowCounts(lists, M, L) }));
      productWindows.set(key, windows);
    }
    const list = windows.map(({ item, windows: w }) => {
      const own = (byD.items.get(item) ?? 0) - (mine.get(item) ?? 0);
      const there = (atP.items.get(item) ?? 0) - (counted ? (mine.get(item) ?? 0) : 0);
      // Jeffreys: half a patient over one more
      return { item, windows: w, q: Math.max((own + 0.5) / (nOwn + 1), (there + 0.5) / (nP + 1)) };
    });
    productCache.set(key, list);
    return list;
  };
  /** log10 tail of the window's most over-represented product, charged for the products it was picked from */
  const productTail = (key: number, idx: number, x: number): number => {
    const list = products(key);
    let best = 0;
    for (const pr of list) best = Math.min(best, binomialUpperTailLog10(pr.windows[idx]!, x, pr.q));
    return Math.min(0, best + Math.log10(Math.max(1, list.length)));
  };

  const flowsByPharmacy = new Map<number, FlowData[]>();
  for (const f of flows.values()) (flowsByPharmacy.get(f.pharmacy) ?? flowsByPharmacy.set(f.pharmacy, []).get(f.pharmacy)!).push(f);
  const testFlow = (key: number, b: Baseline, charge: number, atLeastMarket = false): Flow | undefined => {
    const f = flows.get(key)!;
    const fw = flowWindows.get(key);
    if (!fw) return undefined;
    const d = f.doctor;
    const g = b.group[d]!;
    const r = b.groupRegion[g]!;
    const n = nOf(d);
    const ownX = f.offHabit;
    // The peer who sends this pharmacy the largest share of their patients is left out too, where enough
    // peers remain: a scheme's second doctor in the same department must not be the baseline of its first.
    let topX = 0;
    let topN = 0;
    if (b.groupDoctors[g]! - 2 >= p.minPeers - 1) {
      for (const o of flowsByPharmacy.get(f.pharmacy) ?? []) {
        if (o.doctor === d || excludedNow.has(o.doctor * nInst + o.pharmacy) || !memberOf.get(o.doctor)!.includes(g)) continue;
        const no = nOf(o.doctor);
        if (no > 0 && o.offHabit / no > (topN > 0 ? topX / topN : 0)) {
          topX = o.offHabit;
          topN = no;
        }
      }
    }
    const peersX = (b.groupX[g]!.get(f.pharmacy) ?? 0) - (excludedNow.has(key) ? 0 : ownX) - topX;
    const peersN = b.groupN[g]! - n - topN;
    const phi = b.phi.get(r) ?? 0;
    const base = b.shrunk(r, f.pharmacy, peersX, peersN, b.groupDoctors[g]! - (topN > 0 ? 2 : 1), phi);
    const s = Math.min(1 - 1e-9, Math.max(1e-12, base.share, atLeastMarket ? b.marketShare(r, f.pharmacy) : 0));
    // the doctor's own spread around the group, plus how uncertain the group's share itself is
    const rho = Math.min(1 - 1e-9, multiplicativeIcc(s, phi) + base.uncertainty);
    // A department too small to be the peer group still has a say: where the doctor's department has other
    // prescribers, the flow must also exceed what they send (their share, with the group's as one
    // pseudo-patient), in lift and in tail — an excess must hold against every baseline that applies (an
    // intersection–union test, which needs no further charge). Cardiologists may all favour the pharmacy
    // by the hospital.
    const dept = memberOf.get(d)![0]!;
    let sDept = 0;
    let rhoDept = 0;
    if (dept !== g && b.groupDoctors[dept]! >= 2) {
      const dX = Math.max(0, (b.groupX[dept]!.get(f.pharmacy) ?? 0) - (excludedNow.has(key) ? 0 : ownX));
      const dN = Math.max(0, b.groupN[dept]! - n);
      sDept = Math.min(1 - 1e-9, (dX + s) / (dN + 1));
      // its share as a point estimate: a department of one or two colleagues cannot vouch for a rare pharmacy
      // (their 0 of 5 rules nothing out), only show that they favour one too
      rhoDept = multiplicativeIcc(sDept, phi);
    }
    // The colleagues' own windows: a department vouches for its doctor only with a standing preference. A
    // colleague who sends the pharmacy more in the tested window than outside it (a scheme's second doctor,
    // starting when the first did) shows a change, not a habit, and is no baseline for that window.
    const colleagueWindows: { off?: Int32Array; patients: Int32Array }[] = [];
    let colleaguesX = 0;
    let colleaguesN = 0;
    if (sDept > 0)
      for (const o of deptDoctors.get(dept) ?? []) {
        if (o === d) continue;
        const okey = o * nInst + f.pharmacy;
        const counted = !excludedNow.has(okey);
        colleagueWindows.push({ off: counted ? flowWindows.get(okey)?.off : undefined, patients: doctorWindows.get(o)! });
        colleaguesX += counted ? (flows.get(okey)?.offHabit ?? 0) : 0;
        colleaguesN += nOf(o);
      }
    const colleaguesChanged = (idx: number): boolean => {
      let xin = 0;
      let nin = 0;
      for (const cw of colleagueWindows) {
        xin += cw.off?.[idx] ?? 0;
        nin += cw.patients[idx]!;
      }
      if (xin < 2) return false;
      // one pseudo-patient at their share over the whole period: a window that covers it all shows no change
      const outside = Math.min(1 - 1e-9, (Math.max(0, colleaguesX - xin) + sDept) / (Math.max(0, colleaguesN - nin) + 1));
      // charged for the windows it is looked at in: the doctor's window search must not find the one where
      // an honest colleague's habit happened to dip outside
      return betaBinomialUpperTailLog10(xin, nin, outside, multiplicativeIcc(outside, phi)) <= p.maxExcessLog10P - windowCharge;
    };
    // the doctor's own rate of unvisited patients at other pharmacies, with the group's rate as one pseudo-patient
    let uOther = 0;
    let nOther = 0;
    for (const o of byDoctor.get(d)!) {
      if (o === f) continue;
      uOther += o.unvisited;
      nOther += o.patients.size;
    }
    const q = Math.min(1 - 1e-9, (uOther + b.groupUnvisited[g]!) / (nOther + 1));
    const dw = doctorWindows.get(d)!;
    type Window = { a: number; len: number; x: number; e: number; nW: number; u: number; costly: number; le: number; lu: number; la: number; lq: number; l: number };
    /** the window's evidence, or undefined where it shows no real effect (lift ≥ 2, excess p ≤ 0.05) */
    const judge = (a: number, len: number, minPatients: number): Window | undefined => {
      const idx = a * L + len - 1;
      const x = fw.off[idx]!;
      if (x < minPatients) return undefined;
      const nW = dw[idx]!;
      if (x < p.minLift * nW * s) return undefined;
      let le = betaBinomialUpperTailLog10(x, nW, s, rho);
      if (le > p.maxExcessLog10P) return undefined;
      const sW = sDept > 0 && !colleaguesChanged(idx) ? sDept : 0;
      const e = nW * Math.max(s, sW);
      if (x < p.minLift * e) return undefined;
      if (sW > 0) le = Math.max(le, betaBinomialUpperTailLog10(x, nW, sW, rhoDept));
      if (le > p.maxExcessLog10P) return undefined;
      const u = fw.offUnvisited[idx]!;
      const lu = binomialUpperTailLog10(u, x, q);
      const costly = fw.offCostly[idx]!;
      const la = binomialUpperTailLog10(costly, x, 0.5);
      const lq = productTail(key, idx, x);
      return { a, len, x, e, nW, u, costly, le, lu, la, lq, l: combineEvidence(le, [lu, la, lq]) };
    };
    let best: Window | undefined;
    for (let a = 0; a < M; a++) {
      for (let len = 1; len <= L && a + len <= M; len++) {
        const w = judge(a, len, 2);
        if (w && (!best || w.l < best.l)) best = w;
      }
    }
    if (!best) return undefined;
    const totalCharge = windowCharge + charge;
    // The scheme's season: the most surprising window, widened by each month next to it whose newcomers —
    // patients off habit filling here for the first time — show the effect on their own (lift ≥ 2 against
    // all the doctor's patients of the month, excess p ≤ 0.05; one newcomer where peers send almost nobody
    // is one). A scheme that recruits for four months is most surprising in its busiest, but its patients
    // are those of all four; a month of the pharmacy's ordinary trade next to it, or of the scheme's own
    // refills, recruits nobody unusual.
    const recruits = (b: number): boolean => {
      const x = fw.newcomers[b]!;
      if (x < 1) return false;
      const idx = b * L;
      const nW = dw[idx]!;
      const sW = sDept > 0 && !colleaguesChanged(idx) ? sDept : 0;
      if (x < p.minLift * nW * Math.max(s, sW)) return false;
      let le = betaBinomialUpperTailLog10(x, nW, s, rho);
      if (sW > 0) le = Math.max(le, betaBinomialUpperTailLog10(x, nW, sW, rhoDept));
      return le <= p.maxExcessLog10P;
    };
    let first = best.a;
    let last = best.a + best.len - 1;
    while (last - first + 1 < L) {
      if (first > 0 && recruits(first - 1)) first--;
      else if (last + 1 < M && recruits(last + 1)) last++;
      else break;
    }
    const season = first === best.a && last === best.a + best.len - 1 ? best : judge(first, last - first + 1, 2) ?? best;
    const startDay = day0 + season.a * p.blockDays;
    const endDay = Math.min(dayN, day0 + (season.a + season.len) * p.blockDays - 1);
    // The ring's patients: those of the window who do not shop there on their own, and any who filled
    // there in the window without having seen the doctor.
    // Where the season's patients were given a product beyond what the doctor's other patients and the
    // pharmacy's other prescribers' patients get (each product's tail, charged for the products), the ring's
    // patients are those given it: off-habit patients who bought other things are the pharmacy's ordinary
    // trade, and a patient who also shops there on their own was steered all the same.
    const seasonIdx = season.a * L + season.len - 1;
    const list = products(key);
    const pushed = new Set<number>();
    let product: Flow['product'];
    for (const pr of list) {
      const tail = binomialUpperTailLog10(pr.windows[seasonIdx]!, season.x, pr.q);
      if (tail + Math.log10(list.length) > p.maxExcessLog10P) continue;
      pushed.add(pr.item);
      if (!product || tail < product.log10P) product = { item: pr.item, patients: pr.windows[seasonIdx]!, rate: pr.q, log10P: tail };
    }
    const hasPushed = (i: number) => {
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (pushed.has(set.lines.item[l]!)) return true;
      return false;
    };
    const members: number[] = [];
    const unvisitedMembers: number[] = [];
    const claims: number[] = [];
    for (const [h, pf] of f.patients) {
      const inWindow = pf.claims.filter((i) => c.day[i]! >= startDay && c.day[i]! <= endDay);
      const unvisited = inWindow.some((i) => unvisitedFill[i] === 1);
      if (inWindow.length === 0) continue;
      if (pushed.size > 0 ? !unvisited && !inWindow.some(hasPushed) : pf.habitual && !unvisited) continue;
      members.push(h);
      if (unvisited) unvisitedMembers.push(h);
      claims.push(...inWindow);
    }
    return {
      doctor: d,
      pharmacy: f.pharmacy,
      startDay,
      endDay,
      // what the evidence states is the season's; the flow's weight is that of its most surprising window
      patients: season.x,
      expected: season.e,
      doctorPatients: season.nW,
      peerShare: season.e / season.nW,
      unvisitedPatients: season.u,
      unvisitedRate: q,
      costlyPatients: season.costly,
      typicalAmount: groupMedianAmount.get(g)!,
      log10PExcess: season.le,
      log10PUnvisited: season.lu,
      log10PCostly: season.la,
      product,
      log10P: best.l,
      charge: totalCharge,
      surprise: -best.l - totalCharge,
      members,
      unvisitedMembers,
      claims,
    };
  };

  // Pass 1 against baselines from all flows; pass 2 (and on, until stable) with the flagged flows left out
  // of their peers' baselines, so the second doctor of a scheme does not hide the first.
  // Only flows that can be flagged are charged for (Tarone's refinement of Bonferroni): a window needs two
  // patients off their habit, so a flow with fewer is no test.
  let testable = 0;
  for (const f of flows.values()) if (f.offHabit >= 2) testable++;
  const flowCharge = Math.log10(Math.max(1, testable));
  let excludedNow = new Set<number>();
  let flagged = new Map<number, Flow>();
  for (let pass = 0; pass < 4; pass++) {
    const b = baseline(excludedNow);
    const next = new Map<number, Flow>();
    for (const key of flows.keys()) {
      const fl = testFlow(key, b, flowCharge);
      if (fl && fl.surprise >= MIN_SURPRISE) next.set(key, fl);
    }
    const same = next.size === flagged.size && [...next.keys()].every((key) => flagged.has(key));
    flagged = next;
    if (same) break;
    excludedNow = new Set(next.keys());
  }

  const b = baseline(excludedNow);
  const byPharmacy = new Map<number, Flow[]>();
  for (const fl of flagged.values()) (byPharmacy.get(fl.pharmacy) ?? byPharmacy.set(fl.pharmacy, []).get(fl.pharmacy)!).push(fl);
  const flowsInto = new Map<number, number[]>();
  for (const [key, f] of flows) if (f.offHabit >= 2) (flowsInto.get(f.pharmacy) ?? flowsInto.set(f.pharmacy, []).get(f.pharmacy)!).push(key);

  // A pharmacy several doctors each steer a few patients to: no flow is surprising enough for the search
  // over every flow of the region, but two or more flows into one pharmacy, each significant among that
  // pharmacy's flows, are. Their window-corrected tails are combined by the truncated product method
  // (which accounts for keeping only the small ones), charged for the pharmacies that could be such a hub.
  const hubSurprise = new Map<number, number>();
  {
    let hubs = 0;
    for (const keys of flowsInto.values()) if (keys.length >= 2) hubs++;
    const hubCharge = Math.log10(Math.max(1, hubs));
    for (const [ph, keys] of flowsInto) {
      if (byPharmacy.has(ph) || keys.length < 2) continue;
      const tau = p.hubLevel / keys.length;
      // with no charge but the window's, a flow's surprise is −log10 of its window-corrected tail
      const picked = keys.map((key) => testFlow(key, b, 0, true)).filter((fl): fl is Flow => fl !== undefined && -fl.surprise <= Math.log10(tau));
      if (picked.length < 2) continue;
      const surprise = -truncatedProductLog10(picked.map((fl) => -fl.surprise), keys.length, tau) - hubCharge;
      if (surprise < MIN_SURPRISE) continue;
      for (const fl of picked) fl.surprise = surprise;
      byPharmacy.set(ph, picked);
      hubSurprise.set(ph, surprise);
    }
  }

  // Second look at each hub pharmacy: its other prescribers, charged only for that pharmacy's flows.
  for (const [ph, list] of byPharmacy) {
    const keys = flowsInto.get(ph)!;
    const charge = Math.log10(keys.length);
    for (const key of keys) {
      if (flagged.has(key)) continue;
      const fl = testFlow(key, b, charge);
      if (fl && fl.surprise >= MIN_SURPRISE) list.push(fl);
    }
  }

  // The steered product, pooled over each pharmacy's prescribers (steered-product.ts): its doctors and
  // patients join the pharmacy's ring, or make one where no flow was surprising on its own.
  const fills: number[] = [];
  for (let i = 0; i < c.count; i++) if (c.kind[i] === KIND.pharmacy && c.rxDoctor[i]! >= 0 && !exempt[i]) fills.push(i);
  const isDrug = Uint8Array.from(set.items.category, (cat) => (cat === 'drug' ? 1 : 0));
  const surges = new Map<number, SteeredProduct[]>();
  for (const sp of steeredProducts(set, { fills, patientOf: holderOf, blockOf, M, L, windowCharge, isDrug, steering: (d, ph) => byPharmacy.get(ph)?.some((fl) => fl.doctor === d) ?? false }, p.steeredProduct, MIN_SURPRISE))
    (surges.get(sp.pharmacy) ?? surges.set(sp.pharmacy, []).get(sp.pharmacy)!).push(sp);

  const out: RingCandidate[] = [];
  for (const ph of [...new Set([...byPharmacy.keys(), ...surges.keys()])].sort((x, y) => x - y)) {
    const list = byPharmacy.get(ph) ?? [];
    const products = surges.get(ph) ?? [];
    list.sort((x, y) => x.log10P - y.log10P);
    const m = new MemberList();
    for (const fl of list) m.add('doctor', fl.doctor, 'prescriber');
    for (const sp of products) for (const d of sp.doctors) m.add('doctor', d.doctor, 'prescriber');
    m.add('institution', ph, 'pharmacy');
    const patients = new Set<number>();
    for (const fl of list) for (const h of fl.members) patients.add(h);
    for (const sp of products) for (const h of sp.members) patients.add(h);
    for (const h of [...patients].sort((x, y) => x - y)) m.add('person', h, 'patient');
    const claims = [...new Set([...list.flatMap((fl) => fl.claims), ...products.flatMap((sp) => sp.claims)])].sort((x, y) => x - y);
    const seed = list.reduce((a, fl) => Math.max(a, fl.surprise), Number.NEGATIVE_INFINITY);
    const combined = list.length ? -fisherCombineLog10(list.map((fl) => fl.log10P)) - windowCharge - flowCharge : Number.NEGATIVE_INFINITY;
    // a hub's flows were found together: their combination is already the hub's surprise
    const surprise = Math.max(hubSurprise.has(ph) ? seed : Math.max(seed, combined), ...products.map((sp) => sp.surprise));
    if (surprise < MIN_SURPRISE) continue;
    const evidence: Evidence[] = list.map((fl) => ({
      key: 'kickback.flow',
      facts: {
        doctor: set.doctors.name[fl.doctor]!,
        pharmacy: set.institutions.name[ph]!,
        from: dateOfDay(fl.startDay),
        to: dateOfDay(fl.endDay),
        patients: fl.patients,
        doctorPatients: fl.doctorPatients,
        expected: Math.round(fl.expected * 10) / 10,
        peerSharePercent: Math.round(fl.peerShare * 1000) / 10,
        lift: Math.round((fl.patients / Math.max(fl.expected, 1e-9)) * 10) / 10,
        log10P: Math.round(fl.log10PExcess),
        unvisited: fl.unvisitedPatients,
        unvisitedRatePercent: Math.round(fl.unvisitedRate * 1000) / 10,
        ...(fl.product ? { product: set.items.name[fl.product.item]!, productPatients: fl.product.patients, productRatePercent: Math.round(fl.product.rate * 1000) / 10 } : {}),
      },
      entities: [
        { type: 'doctor' as const, index: fl.doctor },
        { type: 'institution' as const, index: ph },
      ],
      claims: fl.claims,
      weight: Math.min(1, fl.surprise / 12),
    }));
    for (const sp of products) {
      const expected = sp.pharmacyPatients * sp.rate;
      evidence.push({
        key: 'kickback.product',
        facts: {
          pharmacy: set.institutions.name[ph]!,
          product: set.items.name[sp.item]!,
          from: dateOfDay(day0 + sp.firstBlock * p.blockDays),
          to: dateOfDay(Math.min(dayN, day0 + (sp.firstBlock + sp.blocks) * p.blockDays - 1)),
          patients: sp.patients,
          pharmacyPatients: sp.pharmacyPatients,
          ratePercent: Math.round(sp.rate * 1000) / 10,
          expected: Math.round(expected * 10) / 10,
          lift: Math.round((sp.patients / Math.max(expected, 1e-9)) * 10) / 10,
          log10P: Math.round(sp.log10P),
          doctors: sp.doctors.map((d) => `${set.doctors.name[d.doctor]} ${d.patients}/${d.doctorPatients}`).join('、'),
        },
        entities: [{ type: 'institution' as const, index: ph }, ...sp.doctors.map((d) => ({ type: 'doctor' as const, index: d.doctor }))],
        claims: sp.claims,
        weight: Math.min(1, sp.surprise / 12),
      });
    }
    evidence.push({
      key: 'kickback.patients',
      facts: { patients: patients.size, fills: claims.length, unvisited: new Set(list.flatMap((fl) => fl.unvisitedMembers)).size },
      entities: m.list.filter((x) => x.type === 'person'),
      claims,
      weight: Math.min(1, patients.size / 10),
    });
    out.push({ family: 'kickback', members: m.list, claims, evidence, confidence: calibratedConfidence(surprise), surprise });
  }
  return out;
}

