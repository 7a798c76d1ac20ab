import { DAY_SECONDS, KIND, groupClaims, type ClaimSet } from '../claim-set.ts';
import { isExempt, type CompiledKnowledge } from '../knowledge.ts';
import { betaBinomialUpperTailLog10, binomialUpperTailLog10, fisherCombineLog10, median, medianMatchingDispersion, multiplicativeIcc, normalUpperTailLog10, poissonUpperTailLog10, robustCenter } from '../stats.ts';
import { CONCENTRATION_DEFAULTS, candidateOf, concentrateScan, concentrationEvidence, countExposure, departmentIds, exposureOfClaims, patientOf, round, type ConcentrationParams, type FlaggedPatient } from './concentration.ts';
import { SPLIT_DEFAULTS, splitReadmission } from './split-hospitalization.ts';
import { MIN_SURPRISE, MemberList, calibratedConfidence, type Evidence, type RingCandidate } from './types.ts';

const CHINA_OFFSET_SECONDS = 8 * 3600;

/**
 * 频繁就医、过度诊疗. Per patient and institution, each exam, treatment and material is counted over the
 * window the data covers (drugs and the visit fee are the visits again, judged by the visit test):
 *
 * - it is excess when above its norm — the knowledge file's guideline maximum where it names the item
 *   (HbA1c ≤ 4 a year), else the peers' high quantile (per institution, the median of those) — and more
 *   than both what the patient's own visits predict (how often visits for the same diagnosis at the same
 *   kind and level of institution carry it) and a typical peer's count explain (Poisson tail). A patient
 *   who comes weekly for refills is not over-tested because an ECG at one visit in six adds up; a
 *   doctor ordering HbA1c at every visit is. A patient's item tails are combined (Fisher): CT three times
 *   and MRI three times is one pattern of repeated large-equipment exams.
 * - Planned care (knowledge, exempt from visit-frequency) is never judged by its cadence: rehabilitation
 *   sessions are never excess within one course and otherwise judged against everyone billed the item;
 *   other planned care (dialysis three times a week) only against patients on the same care.
 * - Non-planned visits are excess above max(the diagnosis's peers' high quantile, a weekly routine).
 * - An inpatient stay is excess when far longer than the same diagnosis's stays (robust z on log days).
 *
 * Patients who keep coming together with other flagged patients are a group (recruited patients, a
 * nursing home's round) and left to the co-visit detector. The rest are concentrated (concentration.ts)
 * per doctor and department against their peers' share of flagged patients, at a ladder of per-patient
 * strengths; the ring is the institution, those doctors and their patients.
 */

export interface OverTreatmentParams {
  /**
   * Tail probabilities at which one patient's count (or stay) is flagged: the first is the screening
   * level, the others rungs of the strength scan (concentrateScan) — a geometric ladder, statistical
   * convention. The group test carries the evidence.
   */
  patientAlphas: readonly number[];
  /** the peers' high quantile an item's or visits' annual count is held against (statistical convention) */
  peerQuantile: number;
  /** fewest peer patients (or stays) before a peer quantile (or length-of-stay baseline) is trusted (convention) */
  minPeers: number;
  /**
   * Days of medicine one outpatient prescription may carry: 《处方管理办法》(卫生部令第53号, 2007) 第十九条 —
   * 处方一般不得超过7日用量. A visit a week is the ordinary routine of a patient on continuous medication,
   * so visits are only excess above max(peers, 365 / routineVisitDays) a year.
   */
  routineVisitDays: number;
  /**
   * Sessions of one rehabilitation / acupuncture course, shortest and longest: 10–20 at 2–5 a week
   * (《中国脑卒中早期康复治疗指南》; 《针灸技术操作规范》 疗程; the source of the rehabilitation entry of
   * config/detection-knowledge.yaml). Patients with at least the shortest course of a planned-care item are
   * its peers; counts up to the longest course are never excess.
   */
  courseSessions: readonly [number, number];
  /** the planned-care kind of the knowledge file whose course `courseSessions` describes */
  courseKind: string;
  /** an item the median doctor billing it bills on at least this share of their visits is the visit fee itself (registration), measured as visits (majority convention) */
  visitFeeShare: number;
  /** co-visit window: claims of flagged patients this close at one institution are seen together (the co-visit detector's window, recruited-patients.ts) */
  groupWindowSeconds: number;
  /** this many flagged patients together make a group (as split hospitalization's group admissions) */
  minGroup: number;
  /** binomial tail at which two flagged patients meet more often than chance (convention) */
  groupAlpha: number;
  /** fewest days two patients must have met (the co-visit detector's minDays) */
  minGroupDays: number;
  /**
   * A doctor's habit of ordering an item is flagged when it is on at least this many times the share of
   * their visits for a diagnosis that the peers' visits carry, and a patient is part of it when the item
   * is on at least this many times the share of their own visits: relative risk ≥ 2 ⇔ attributable
   * fraction ≥ 50 %, each such order more likely than not an excess one (as kickback's minLift).
   */
  habitLift: number;
  /**
   * Times a patient must have got the item from the doctor to be part of a habit: an exam and one
   * follow-up of it are routine care (a fracture X-rayed, then X-rayed again to see it heal); the third
   * is a repeat.
   */
  habitRepeats: number;
  /** split hospitalization's readmission window (SPLIT_DEFAULTS.maxGapDays: 同一种疾病15日内两次住院): a long stay with a split readmission is left to it */
  readmissionDays: number;
  concentration: ConcentrationParams;
}

export const OVER_TREATMENT_DEFAULTS: OverTreatmentParams = {
  patientAlphas: [0.05, 0.01, 1e-3, 1e-6, 1e-12],
  peerQuantile: 0.95,
  minPeers: 20,
  routineVisitDays: 7,
  courseSessions: [10, 20],
  courseKind: 'rehabilitation',
  visitFeeShare: 0.5,
  groupWindowSeconds: 3600,
  minGroup: 3,
  groupAlpha: 1e-3,
  minGroupDays: 3,
  habitLift: 2,
  habitRepeats: 3,
  readmissionDays: SPLIT_DEFAULTS.maxGapDays,
  // Over-treatment is a doctor's or a department's practice; whole institutions differ in case mix.
  concentration: { ...CONCENTRATION_DEFAULTS, levels: ['doctor', 'department'] },
};

interface ItemFlag {
  item: number;
  count: number;
  perYear: number;
  /** guideline maximum per year, or -1 */
  guideline: number;
  peerPerYear: number;
  /** −log10 of the count's tail */
  tail: number;
  /** the doctor who billed it most, or -1, and the claims carrying it */
  doctor: number;
  claims: number[];
}

interface UnitFlags {
  patient: number;
  institution: number;
  doctors: Set<number>;
  claims: Set<number>;
  items: ItemFlag[];
  /** non-planned visits far above the peers': how many, and the claims */
  visits?: { count: number; perYear: number; peerPerYear: number; claims: number[] };
  stays: { claim: number; days: number; peerMedian: number; tail: number }[];
  /** −log10 of the strongest test's tail */
  strength: number;
}

/**
 * `groups`: patients the co-visit detector found brought to an institution together (keys
 * `patient|institution`): their repeated package is the recruiter's, left to that detector.
 */
export function detectOverTreatment(set: ClaimSet, k: CompiledKnowledge, p: OverTreatmentParams = OVER_TREATMENT_DEFAULTS, groups: ReadonlySet<string> = new Set()): RingCandidate[] {
  const c = set.claims;
  const nItems = set.items.id.length;
  const nPersons = set.persons.id.length;
  const nInst = set.institutions.id.length;
  const dept = departmentIds(set);
  const logAlpha = Math.log10(p.patientAlphas[0]!);

  // Who each claim was for. Every insured person is observed over the whole window the data covers (no
  // claim is no care, not absence), so counts are annualised over that window.
  const patientOfClaim = new Int32Array(c.count).fill(-1);
  let periodStart = 2 ** 31 - 1;
  let periodEnd = -(2 ** 31);
  for (let i = 0; i < c.count; i++) {
    patientOfClaim[i] = patientOf(set, i);
    const day = c.day[i]!;
    if (day < periodStart) periodStart = day;
    if (day > periodEnd) periodEnd = day;
  }
  const years = Math.max(1, periodEnd - periodStart + 1) / 365;

  // How often an outpatient visit for each diagnosis carries each item, at institutions of the same kind
  // and level (a tertiary hospital orders more per visit than a village clinic) and everywhere; which
  // items are the visit fee.
  const CLASSES = 13; // kind × level (3 × 4), and 12 = every institution
  const classOf = (inst: number) => set.institutions.kind[inst]! * 4 + set.institutions.level[inst]!;
  let outpatient = 0;
  const itemClaims = new Int32Array(nItems);
  const nDxKeys = (set.diagnoses.code.length + 1) * CLASSES;
  const dxVisits = new Int32Array(nDxKeys);
  // (diagnosis, class, item) counts: dense while the table is small, sparse for a national catalog.
  const dense = nDxKeys * nItems <= 1 << 22;
  const dxItemDense = dense ? new Int32Array(nDxKeys * nItems) : undefined;
  const dxItemSparse = new Map<number, number>();
  const dxItem = (key: number) => (dxItemDense ? dxItemDense[key]! : (dxItemSparse.get(key) ?? 0));
  const bump = (key: number) => {
    if (dxItemDense) dxItemDense[key]!++;
    else dxItemSparse.set(key, (dxItemSparse.get(key) ?? 0) + 1);
  };
  const seen = new Int32Array(nItems).fill(-1);
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.outpatient) continue;
    outpatient++;
    const own = (c.diagnosis[i]! + 1) * CLASSES + classOf(c.institution[i]!);
    const all = (c.diagnosis[i]! + 1) * CLASSES + 12;
    dxVisits[own]!++;
    dxVisits[all]!++;
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const item = set.lines.item[l]!;
      if (seen[item] === i) continue;
      seen[item] = i;
      itemClaims[item]!++;
      bump(own * nItems + item);
      bump(all * nItems + item);
    }
  }
  /** Share of visits for this claim's diagnosis carrying the item, at peers of its institution's kind and level when they are enough. */
  const visitShare = (i: number, item: number) => {
    let key = (c.diagnosis[i]! + 1) * CLASSES + classOf(c.institution[i]!);
    if (dxVisits[key]! < p.minPeers) key = (c.diagnosis[i]! + 1) * CLASSES + 12;
    return dxItem(key * nItems + item) / Math.max(1, dxVisits[key]!);
  };
  // Course items: those whose claims are mostly planned care (the session itself — acupuncture, dialysis,
  // a chemotherapy drug), not every item that happens to share a claim with a session (HbA1c on a day
  // of acupuncture is still HbA1c).
  const plannedClaims = new Int32Array(nItems);
  seen.fill(-1);
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.outpatient || !isExempt(k, i, 'visit-frequency')) continue;
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const item = set.lines.item[l]!;
      if (seen[item] === i) continue;
      seen[item] = i;
      plannedClaims[item]!++;
    }
  }
  const courseItem = new Uint8Array(nItems);
  for (let it = 0; it < nItems; it++) courseItem[it] = itemClaims[it]! > 0 && 2 * plannedClaims[it]! >= itemClaims[it]! ? 1 : 0;
  // Items of the planned-care kind whose course length `courseSessions` describes (rehabilitation).
  const courseKindBit = k.plannedKinds.indexOf(p.courseKind) >= 0 ? 1 << k.plannedKinds.indexOf(p.courseKind) : 0;
  const kindClaims = new Int32Array(nItems);
  seen.fill(-1);
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.outpatient || (k.plannedCare[i]! & courseKindBit) === 0) continue;
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const item = set.lines.item[l]!;
      if (seen[item] === i) continue;
      seen[item] = i;
      kindClaims[item]!++;
    }
  }
  const sessionItem = new Uint8Array(nItems);
  for (let it = 0; it < nItems; it++) sessionItem[it] = courseItem[it] && 2 * kindClaims[it]! >= itemClaims[it]! ? 1 : 0;
  // Visit fees: items the doctors who bill them bill at most of their visits (the registration or
  // consultation fee, one per doctor title at big hospitals) — the median doctor's share of their own
  // outpatient claims carrying it. Counting them counts visits, which the visit test judges.
  const doctorClaims = new Map<number, number>();
  const doctorItem = new Map<number, number>();
  seen.fill(-1);
  for (let i = 0; i < c.count; i++) {
    const d = c.doctor[i]!;
    if (c.kind[i] !== KIND.outpatient || d < 0) continue;
    doctorClaims.set(d, (doctorClaims.get(d) ?? 0) + 1);
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
      const item = set.lines.item[l]!;
      if (seen[item] === i) continue;
      seen[item] = i;
      const key = d * nItems + item;
      doctorItem.set(key, (doctorItem.get(key) ?? 0) + 1);
    }
  }
  const billers: number[][] = Array.from({ length: nItems }, () => []);
  for (const [key, n] of doctorItem) {
    const d = Math.floor(key / nItems);
    billers[key - d * nItems]!.push(n / doctorClaims.get(d)!);
  }
  // Not counted one by one: visit fees, and drugs — a patient's maintenance medicine is renewed at every
  // visit by design (a prescription carries at most a week or a month), so its count is the visit count
  // again, judged by the visit test.
  const notCounted = new Uint8Array(nItems);
  for (let it = 0; it < nItems; it++) {
    const fee = !courseItem[it] && billers[it]!.length > 0 && median(billers[it]!) >= p.visitFeeShare;
    notCounted[it] = set.items.category[it] === 'drug' || fee ? 1 : 0;
  }
  seen.fill(-1);

  // ---- per (patient, institution): item counts, planned counts, expected counts from visits, visits
  // Outpatient claims ordered by patient, then institution (two stable counting sorts), so each
  // (patient, institution) unit is one run.
  const outInst = new Int32Array(c.count).fill(-1);
  const outPatient = new Int32Array(c.count).fill(-1);
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.outpatient || patientOfClaim[i]! < 0) continue;
    outInst[i] = c.institution[i]!;
    outPatient[i] = patientOfClaim[i]!;
  }
  const sorted = groupClaims(outPatient, nPersons, groupClaims(outInst, nInst).members).members;
  const nDx = set.diagnoses.code.length + 1;
  // unit table (at most one unit per claim) and unit-item records (at most one per line)
  const maxUnits = sorted.length;
  let maxRecords = 0;
  for (const i of sorted) maxRecords += c.lineStart[i + 1]! - c.lineStart[i]!;
  const uPatient = new Int32Array(maxUnits);
  const uInst = new Int32Array(maxUnits);
  const uStart = new Int32Array(maxUnits);
  const uEnd = new Int32Array(maxUnits);
  const uVisits = new Int32Array(maxUnits);
  const uDx = new Int32Array(maxUnits);
  let nUnits = 0;
  const rUnit = new Int32Array(maxRecords);
  const rItem = new Int32Array(maxRecords);
  const rCount = new Int32Array(maxRecords);
  const rPlanned = new Int32Array(maxRecords);
  let nRecords = 0;
  const count = new Int32Array(nItems);
  const planned = new Int32Array(nItems);
  const dxCount = new Int32Array(nDx);
  const touched: number[] = [];
  const touchedDx: number[] = [];
  for (let a = 0; a < sorted.length; ) {
    const person = outPatient[sorted[a]!]!;
    const inst = c.institution[sorted[a]!]!;
    let b = a;
    while (b < sorted.length && outPatient[sorted[b]!] === person && c.institution[sorted[b]!] === inst) b++;
    const unit = nUnits++;
    let visits = 0;
    for (let j = a; j < b; j++) {
      const i = sorted[j]!;
      const isPlanned = isExempt(k, i, 'visit-frequency');
      if (!isPlanned) {
        visits++;
        const dx = c.diagnosis[i]! + 1;
        if (dxCount[dx] === 0) touchedDx.push(dx);
        dxCount[dx]!++;
      }
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
        const item = set.lines.item[l]!;
        if (notCounted[item] || seen[item] === j) continue;
        seen[item] = j;
        if (count[item] === 0) touched.push(item);
        count[item]!++;
        if (isPlanned) planned[item]!++;
      }
    }
    let modalDx = -1;
    let best = -1;
    for (const dx of touchedDx) {
      if (dxCount[dx]! > best || (dxCount[dx] === best && dx - 1 < modalDx)) [modalDx, best] = [dx - 1, dxCount[dx]!];
      dxCount[dx] = 0;
    }
    touchedDx.length = 0;
    uPatient[unit] = person;
    uInst[unit] = inst;
    uStart[unit] = a;
    uEnd[unit] = b;
    uVisits[unit] = visits;
    uDx[unit] = modalDx;
    for (const item of touched) {
      rUnit[nRecords] = unit;
      rItem[nRecords] = item;
      rCount[nRecords] = count[item]!;
      rPlanned[nRecords] = planned[item]!;
      nRecords++;
      count[item] = 0;
      planned[item] = 0;
    }
    touched.length = 0;
    a = b;
  }
  // What the unit's own visits predict for an item, from how often visits for the same diagnosis carry
  // it (a blood count before every chemotherapy cycle is what oncology visits carry).
  const expectedFromVisits = (u: number, item: number) => {
    let e = 0;
    for (let j = uStart[u]!; j < uEnd[u]!; j++) e += visitShare(sorted[j]!, item);
    return e;
  };
  const isCourse = (r: number) => courseItem[rItem[r]!] === 1 && 2 * rPlanned[r]! >= rCount[r]!;
  const perYear = (r: number) => rCount[r]! / years;

  // ---- peers: high quantile of annual counts per item (course and non-course separately) and of visits per diagnosis
  // The peers' high quantile, robustly: each institution's own quantile (institutions with too few
  // patients pooled as one more), and the median of those — so a ring, or a recruited group that gets
  // the same scan at every trip, at one or two institutions cannot raise everyone's reference.
  const quantiles = (keys: Int32Array, instOf: Int32Array, values: Float64Array, groups: number, q: number): Float64Array => {
    const { start, members } = groupClaims(keys, groups, groupClaims(instOf, nInst).members);
    const out = new Float64Array(groups).fill(Number.NaN);
    const buf = new Float64Array(members.length);
    const small: number[] = [];
    const perInst: number[] = [];
    for (let g = 0; g < groups; g++) {
      const s0 = start[g]!;
      const s1 = start[g + 1]!;
      if (s1 - s0 < p.minPeers) continue;
      small.length = 0;
      perInst.length = 0;
      for (let a = s0; a < s1; ) {
        let b = a;
        while (b < s1 && instOf[members[b]!] === instOf[members[a]!]) b++;
        if (b - a >= p.minPeers) {
          const slice = buf.subarray(a, b);
          for (let j = a; j < b; j++) slice[j - a] = values[members[j]!]!;
          perInst.push(sortedQuantile(slice.sort(), q));
        } else for (let j = a; j < b; j++) small.push(values[members[j]!]!);
        a = b;
      }
      if (small.length >= p.minPeers) perInst.push(sortedQuantile(Float64Array.from(small).sort(), q));
      out[g] = perInst.length ? median(perInst) : Number.NaN;
    }
    return out;
  };
  const recordKey = new Int32Array(nRecords);
  const recordRate = new Float64Array(nRecords);
  for (let r = 0; r < nRecords; r++) {
    // Course items' peers are the patients on a course (at least its shortest length), not those who had
    // a session or two: dialysis three times a week is judged against other dialysis patients.
    recordKey[r] = isCourse(r) ? (rCount[r]! >= p.courseSessions[0] ? rItem[r]! * 2 + 1 : -1) : rItem[r]! * 2;
    recordRate[r] = perYear(r);
  }
  const recordInst = new Int32Array(nRecords);
  for (let r = 0; r < nRecords; r++) recordInst[r] = uInst[rUnit[r]!]!;
  const itemPeer = quantiles(recordKey, recordInst, recordRate, nItems * 2, p.peerQuantile);
  const itemTypical = quantiles(recordKey, recordInst, recordRate, nItems * 2, 0.5);
  // Course items: the course patients of the whole data, robustly on the log scale (median and MAD) — a
  // ring can be a large share of a rare course's patients, and few institutions have many of them.
  const z = normalQuantile(p.peerQuantile);
  const robustHigh = (logs: number[]) => {
    const { center, scale } = robustCenter(logs);
    // sessions are whole: one more than the median is at most one scale unit
    const m = Math.exp(center) * years;
    return Math.exp(center + z * Math.max(scale, Math.log((m + 1) / m)));
  };
  {
    const { start, members } = groupClaims(recordKey, nItems * 2);
    for (let it = 0; it < nItems; it++) {
      const g = it * 2 + 1;
      itemPeer[g] = Number.NaN;
      if (start[g + 1]! - start[g]! < p.minPeers) continue;
      const logs: number[] = [];
      for (let j = start[g]!; j < start[g + 1]!; j++) logs.push(Math.log(recordRate[members[j]!]!));
      itemPeer[g] = robustHigh(logs);
    }
  }
  // Session items (a rehabilitation course): everyone billed the item, robustly — courses can be rare
  // enough that a ring is most of those on one.
  const sessionPeer = new Float64Array(nItems).fill(Number.NaN);
  {
    const byItem = groupClaims(rItem.subarray(0, nRecords), nItems);
    for (let it = 0; it < nItems; it++) {
      if (!sessionItem[it] || byItem.start[it + 1]! - byItem.start[it]! < p.minPeers) continue;
      const logs: number[] = [];
      for (let j = byItem.start[it]!; j < byItem.start[it + 1]!; j++) logs.push(Math.log(recordRate[byItem.members[j]!]!));
      sessionPeer[it] = robustHigh(logs);
    }
  }
  const peerOf = (key: number) => (Number.isNaN(itemPeer[key]!) ? undefined : itemPeer[key]!);
  const typicalOf = (key: number) => (Number.isNaN(itemTypical[key]!) ? 0 : itemTypical[key]!);
  const unitKey = new Int32Array(nUnits);
  const unitRate = new Float64Array(nUnits);
  for (let u = 0; u < nUnits; u++) {
    unitKey[u] = uVisits[u]! > 0 ? uDx[u]! + 1 : -1;
    unitRate[u] = uVisits[u]! / years;
  }
  const dxPeer = quantiles(unitKey, uInst.subarray(0, nUnits), unitRate, nDx, p.peerQuantile);
  const visitPeer = (dx: number) => (Number.isNaN(dxPeer[dx + 1]!) ? undefined : dxPeer[dx + 1]!);
  const routine = 365 / p.routineVisitDays;

  const units = new Map<number, UnitFlags>();
  const unitFor = (patient: number, institution: number) => {
    const key = patient * nInst + institution;
    return units.get(key) ?? units.set(key, { patient, institution, doctors: new Set(), claims: new Set(), items: [], stays: [], strength: 0 }).get(key)!;
  };
  // Doctor on most of the given claims.
  const modalDoctor = (claims: number[]) => {
    const tally = new Map<number, number>();
    let bestDoc = -1;
    let bestN = 0;
    for (const i of claims) {
      const d = c.doctor[i]!;
      if (d < 0) continue;
      const n = (tally.get(d) ?? 0) + 1;
      tally.set(d, n);
      if (n > bestN || (n === bestN && d < bestDoc)) [bestDoc, bestN] = [d, n];
    }
    return bestDoc;
  };
  const unitClaimsWith = (u: number, item: number) => {
    const out: number[] = [];
    for (let j = uStart[u]!; j < uEnd[u]!; j++) {
      const i = sorted[j]!;
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (set.lines.item[l] === item) {
        out.push(i);
        break;
      }
    }
    return out;
  };

  // ---- items: each item above its norm is a tail; a patient's tails are combined (Fisher), so CT three
  // times and MRI three times in a year is one pattern of repeated large-equipment exams
  const flagItems = (u: number, found: { r: number; tail: number; guideline: number; peer: number | undefined }[]) => {
    if (found.length === 0) return;
    const combined = found.length === 1 ? found[0]!.tail : fisherCombineLog10(found.map((x) => x.tail));
    if (combined > logAlpha) return;
    const f = unitFor(uPatient[u]!, uInst[u]!);
    f.strength = Math.max(f.strength, -combined);
    for (const { r, tail, guideline, peer } of found) {
      const claims = unitClaimsWith(u, rItem[r]!);
      for (const i of claims) f.claims.add(i);
      const d = modalDoctor(claims);
      if (d >= 0) f.doctors.add(d);
      f.items.push({ item: rItem[r]!, count: rCount[r]!, perYear: perYear(r), guideline, peerPerYear: peer ?? -1, tail: -tail, doctor: d, claims });
    }
  };
  let current = -1;
  let found: { r: number; tail: number; guideline: number; peer: number | undefined }[] = [];
  for (let r = 0; r < nRecords; r++) {
    const u = rUnit[r]!;
    if (u !== current) {
      if (current >= 0) flagItems(current, found);
      current = u;
      found = [];
    }
    const item = rItem[r]!;
    const n = rCount[r]!;
    if (n < 2) continue;
    const g = k.itemGuideline[item]!;
    const guideline = g >= 0 ? k.guidelines[g]!.maxPerYear : -1;
    const course = isCourse(r);
    const peer = peerOf(item * 2 + (course ? 1 : 0));
    let tail: number;
    if (course && sessionItem[item]) {
      // A rehabilitation session: never excess within one course, else against everyone billed it.
      const others = Number.isNaN(sessionPeer[item]!) ? 0 : sessionPeer[item]!;
      const norm = Math.max(p.courseSessions[1], others * years, guideline * years);
      if (n <= norm) continue;
      tail = poissonUpperTailLog10(n, norm);
    } else if (course) {
      // Other planned care (dialysis three times a week) only against patients on the same care.
      if (peer === undefined) continue;
      const norm = Math.max(peer * years, guideline * years);
      if (n <= norm) continue;
      tail = poissonUpperTailLog10(n, norm);
    } else {
      // Above the norm — the guideline's maximum, else the peers' high quantile — and more than both the
      // patient's own visits and a typical peer's count explain.
      const norm = guideline > 0 ? guideline * years : peer !== undefined ? peer * years : undefined;
      if (norm === undefined || n <= norm) continue;
      tail = poissonUpperTailLog10(n, Math.max(expectedFromVisits(u, item), typicalOf(item * 2) * years, 1e-9));
    }
    found.push({ r, tail, guideline, peer });
  }
  if (current >= 0) flagItems(current, found);

  // ---- visits (non-planned) far above the diagnosis's peers and above a weekly routine
  for (let u = 0; u < nUnits; u++) {
    const v = uVisits[u]!;
    if (v < 2) continue;
    const peer = visitPeer(uDx[u]!);
    const reference = Math.max(routine, peer ?? 0);
    const tail = poissonUpperTailLog10(v, reference * years);
    if (tail > logAlpha) continue;
    const f = unitFor(uPatient[u]!, uInst[u]!);
    f.strength = Math.max(f.strength, -tail);
    const claims: number[] = [];
    for (let j = uStart[u]!; j < uEnd[u]!; j++) if (!isExempt(k, sorted[j]!, 'visit-frequency')) claims.push(sorted[j]!);
    for (const i of claims) f.claims.add(i);
    const d = modalDoctor(claims);
    if (d >= 0) f.doctors.add(d);
    f.visits = { count: v, perYear: v / years, peerPerYear: peer ?? -1, claims };
  }

  // ---- prolonged inpatient stays against the same diagnosis's stays
  // A stay with a split readmission before or after it (same institution and condition within the
  // window) is one part of a split hospitalization (分解住院), which split-hospitalization.ts judges.
  const staysOf = new Map<number, number[]>();
  const readmission = splitReadmission(set, k, { maxGapDays: p.readmissionDays }, dept);
  const splitPart = (i: number) => (staysOf.get(patientOfClaim[i]! * nInst + c.institution[i]!) ?? []).some((j) => j !== i && (readmission(i, j) || readmission(j, i)));
  const stayLogs = new Map<number, number[]>();
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.inpatient || c.admitDay[i]! < 0 || c.dischargeDay[i]! < c.admitDay[i]!) continue;
    if (patientOfClaim[i]! >= 0) {
      const key = patientOfClaim[i]! * nInst + c.institution[i]!;
      (staysOf.get(key) ?? staysOf.set(key, []).get(key)!).push(i);
    }
    const dx = c.diagnosis[i]!;
    (stayLogs.get(dx) ?? stayLogs.set(dx, []).get(dx)!).push(Math.log(1 + c.dischargeDay[i]! - c.admitDay[i]!));
  }
  const stayPeers = new Map<number, { center: number; scale: number; median: number }>();
  for (const [dx, logs] of stayLogs) {
    if (logs.length < p.minPeers) continue;
    const { center, scale } = robustCenter(logs);
    // Stays are counted in whole days: one day more than the median is at most one scale unit, so
    // peers of identical length do not make one extra day a wonder.
    const m = Math.exp(center) - 1;
    stayPeers.set(dx, { center, scale: Math.max(scale, Math.log((m + 2) / (m + 1))), median: m });
  }
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.inpatient || c.admitDay[i]! < 0 || c.dischargeDay[i]! < c.admitDay[i]! || patientOfClaim[i]! < 0) continue;
    const peers = stayPeers.get(c.diagnosis[i]!);
    if (!peers) continue;
    const days = c.dischargeDay[i]! - c.admitDay[i]!;
    const z = (Math.log(1 + days) - peers.center) / peers.scale;
    const tail = normalUpperTailLog10(z);
    if (tail > logAlpha || splitPart(i)) continue;
    const f = unitFor(patientOfClaim[i]!, c.institution[i]!);
    f.strength = Math.max(f.strength, -tail);
    f.claims.add(i);
    if (c.doctor[i]! >= 0) f.doctors.add(c.doctor[i]!);
    f.stays.push({ claim: i, days, peerMedian: peers.median, tail });
  }

  // Flagged patients who come together are a group brought in together (recruited patients, a nursing
  // home's weekly round): the co-visit detector's to judge, not a doctor's over-treatment of their own
  // patients, and are left out. Together means: on the days both visited the institution, within the
  // co-visit window of each other far more often than their doctors' working hours make likely (binomial
  // tail), on at least `minGroupDays` days, with at least minGroup − 1 other flagged patients. A busy
  // physiotherapy ring at a small clinic meets by chance as often as the hours predict; a nursing home's
  // residents meet every week. Flagged patients living at one address (a nursing home, a household) are
  // a home's care likewise, as the co-visit detector treats same-address pairs. Inpatient stays: the same
  // admission and discharge days.
  const flaggedClaims: number[] = [];
  const patientOfFlag = new Map<number, number>();
  for (const f of units.values()) for (const i of f.claims) if (!patientOfFlag.has(i)) {
    patientOfFlag.set(i, f.patient);
    flaggedClaims.push(i);
  }
  const grouped = new Set<string>();
  {
    const flaggedAt = new Map<number, number[]>();
    for (const f of units.values()) if (f.doctors.size) (flaggedAt.get(f.institution) ?? flaggedAt.set(f.institution, []).get(f.institution)!).push(f.patient);
    // The hours their doctors work, from the time of day of all their outpatient claims: a doctor seeing
    // patients only in the morning makes meeting within the hour twice as likely as a full day would.
    const doctorOf = new Map<string, number>();
    for (const f of units.values()) if (f.doctors.size) doctorOf.set(`${f.patient}|${f.institution}`, f.doctors.values().next().value!);
    const hours = workingSeconds(set, new Set(doctorOf.values()));
    // each flagged unit's visits there: day → times
    const visitsOf = new Map<string, Map<number, number[]>>();
    for (let u = 0; u < nUnits; u++) {
      const key = `${uPatient[u]}|${uInst[u]}`;
      if (!units.has(uPatient[u]! * nInst + uInst[u]!)) continue;
      const days = new Map<number, number[]>();
      for (let j = uStart[u]!; j < uEnd[u]!; j++) {
        const i = sorted[j]!;
        (days.get(c.day[i]!) ?? days.set(c.day[i]!, []).get(c.day[i]!)!).push(c.t[i]!);
      }
      visitsOf.set(key, days);
    }
    for (const [inst, patients] of flaggedAt) {
      const hoursOf = (pt: number) => hours.get(doctorOf.get(`${pt}|${inst}`)!) ?? 0;
      const partners = new Map<number, number>();
      const list = patients.filter((pt) => visitsOf.has(`${pt}|${inst}`));
      for (let x = 0; x < list.length; x++) {
        const a = visitsOf.get(`${list[x]}|${inst}`)!;
        for (let y = x + 1; y < list.length; y++) {
          const b = visitsOf.get(`${list[y]}|${inst}`)!;
          const [small, large] = a.size <= b.size ? [a, b] : [b, a];
          let both = 0;
          let together = 0;
          for (const [day, ts] of small) {
            const other = large.get(day);
            if (!other) continue;
            both++;
            if (ts.some((t) => other.some((o) => Math.abs(o - t) <= p.groupWindowSeconds))) together++;
          }
          if (together < p.minGroupDays) continue;
          const share = Math.min(1, (2 * p.groupWindowSeconds) / Math.max(p.groupWindowSeconds, Math.min(hoursOf(list[x]!), hoursOf(list[y]!))));
          if (binomialUpperTailLog10(together, both, share) > Math.log10(p.groupAlpha)) continue;
          partners.set(list[x]!, (partners.get(list[x]!) ?? 0) + 1);
          partners.set(list[y]!, (partners.get(list[y]!) ?? 0) + 1);
        }
      }
      for (const [pt, n] of partners) if (n + 1 >= p.minGroup) grouped.add(`${pt}|${inst}`);
      // Residents of one address (a nursing home, a household) seen at the same institution are a home's
      // care, as the co-visit detector treats same-address pairs.
      const byAddress = new Map<number, number[]>();
      for (const pt of patients) {
        const a = set.persons.address[pt]!;
        if (a >= 0) (byAddress.get(a) ?? byAddress.set(a, []).get(a)!).push(pt);
      }
      for (const residents of byAddress.values()) if (residents.length >= p.minGroup) for (const pt of residents) grouped.add(`${pt}|${inst}`);
    }
  }
  const inGroup = new Set<number>();
  const sameStay = new Map<string, Set<number>>();
  const stayKey = (i: number) => `${c.institution[i]}|${c.admitDay[i]}|${c.dischargeDay[i]}`;
  for (const i of flaggedClaims) if (c.kind[i] === KIND.inpatient) (sameStay.get(stayKey(i)) ?? sameStay.set(stayKey(i), new Set()).get(stayKey(i))!).add(patientOfFlag.get(i)!);
  for (const i of flaggedClaims) if (c.kind[i] === KIND.inpatient && sameStay.get(stayKey(i))!.size >= p.minGroup) inGroup.add(i);

  const flagged: FlaggedPatient[] = [];
  // Long stays are also a pattern of their own, among the doctor's inpatients: a ward's prolonged stays
  // are diluted past seeing when the ward's doctors' outpatients count as at risk too.
  const longStays: FlaggedPatient[] = [];
  // Each item, and long stays with each diagnosis, are also patterns of their own, among the patients a
  // doctor billed the item or admitted with the diagnosis: monthly HbA1c for a doctor's diabetics, or an
  // MRI at every visit for back pain, drowns among all the doctor's patients but not among those the
  // doctor tests for it. One flag per patient and pattern.
  const itemFlags = new Map<number, FlaggedPatient[]>();
  const stayFlags = new Map<number, Map<number, FlaggedPatient>>();
  const detail = new Map<string, UnitFlags>();
  for (const f of units.values()) {
    if (f.doctors.size === 0) continue;
    if (grouped.has(`${f.patient}|${f.institution}`) || groups.has(`${f.patient}|${f.institution}`)) continue;
    let groupStays = 0;
    for (const i of f.claims) if (inGroup.has(i)) groupStays++;
    if (2 * groupStays >= f.claims.size) continue;
    flagged.push({ patient: f.patient, institution: f.institution, doctors: [...f.doctors], claims: [...f.claims].sort((a, b) => a - b), strength: f.strength });
    const stays = f.stays.filter((st) => !inGroup.has(st.claim));
    const admitting = [...new Set(stays.map((st) => c.doctor[st.claim]!).filter((d) => d >= 0))];
    if (admitting.length)
      longStays.push({
        patient: f.patient,
        institution: f.institution,
        doctors: admitting,
        claims: stays.map((st) => st.claim).sort((a, b) => a - b),
        strength: Math.max(...stays.map((st) => -st.tail)),
      });
    for (const st of stays) {
      const d = c.doctor[st.claim]!;
      const dx = c.diagnosis[st.claim]!;
      if (d < 0) continue;
      const byUnit = stayFlags.get(dx) ?? stayFlags.set(dx, new Map()).get(dx)!;
      const prev = byUnit.get(f.patient * nInst + f.institution);
      if (prev) {
        prev.claims.push(st.claim);
        if (!prev.doctors.includes(d)) prev.doctors.push(d);
        prev.strength = Math.max(prev.strength!, -st.tail);
      } else byUnit.set(f.patient * nInst + f.institution, { patient: f.patient, institution: f.institution, doctors: [d], claims: [st.claim], strength: -st.tail });
    }
    for (const it of f.items) {
      if (it.doctor < 0) continue;
      const flag = { patient: f.patient, institution: f.institution, doctors: [it.doctor], claims: it.claims, strength: it.tail };
      (itemFlags.get(it.item) ?? itemFlags.set(it.item, []).get(it.item)!).push(flag);
    }
    detail.set(`${f.patient}|${f.institution}`, f);
  }
  if (process.env.OT_DEBUG) (globalThis as any).__ot = { flagged, units: [...units.values()] };
  // At risk: every patient a doctor saw, outpatient or inpatient.
  const exposure = countExposure(set, patientOfClaim, (i) => c.kind[i] !== KIND.pharmacy && c.doctor[i]! >= 0, dept);
  const rungs = p.patientAlphas.map((a) => -Math.log10(a));
  // …and for long stays, every patient a doctor admitted (a pattern, and its charge, only where there are any)
  const patterns = longStays.length ? [flagged, longStays] : [flagged];
  const exposures = longStays.length ? [exposure, countExposure(set, patientOfClaim, (i) => c.kind[i] === KIND.inpatient && c.doctor[i]! >= 0, dept)] : [exposure];
  // Specific patterns — one item, or long stays with one diagnosis — are scanned where one doctor has a
  // group of flagged patients in them (fewer can never make a ring, so they are not charged for:
  // Tarone's argument), each among the patients the doctor billed the item or admitted with the
  // diagnosis; together they share the error budget with the patterns above (half each).
  const isGroup = (list: FlaggedPatient[]) => {
    const perDoctor = new Map<number, number>();
    for (const f of list) for (const d of f.doctors) perDoctor.set(d, (perDoctor.get(d) ?? 0) + 1);
    return Math.max(0, ...perDoctor.values()) >= p.minGroup;
  };
  const specific = [
    ...[...itemFlags].filter(([, list]) => isGroup(list)).sort((a, b) => a[0] - b[0]).map(([item, flags]) => ({ item, diagnosis: -1, flags })),
    ...[...stayFlags].map(([diagnosis, byUnit]): [number, FlaggedPatient[]] => [diagnosis, [...byUnit.values()]]).filter(([, list]) => isGroup(list)).sort((a, b) => a[0] - b[0]).map(([diagnosis, flags]) => ({ item: -1, diagnosis, flags })),
  ];
  // One scan over all patterns, so that a doctor's ring in one pattern does not carry their honest flags
  // in another along (concentrateScan's lead and extras); each group of patterns keeps its own budget.
  const scans = specific.length ? 2 : 1;
  const allPatterns = [...patterns, ...specific.map((x) => x.flags)];
  const allExposures = [...exposures];
  if (specific.length) {
    const itemSlot = new Int32Array(nItems).fill(-1);
    const dxSlot = new Map<number, number>();
    specific.forEach((x, s) => (x.item >= 0 ? (itemSlot[x.item] = s) : dxSlot.set(x.diagnosis, s)));
    const claimsOf: number[][] = specific.map(() => []);
    for (let i = 0; i < c.count; i++) {
      if (c.kind[i] === KIND.pharmacy || c.doctor[i]! < 0) continue;
      const s = c.kind[i] === KIND.inpatient ? dxSlot.get(c.diagnosis[i]!) : undefined;
      if (s !== undefined) claimsOf[s]!.push(i);
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
        const s = itemSlot[set.lines.item[l]!]!;
        if (s >= 0 && claimsOf[s]!.at(-1) !== i) claimsOf[s]!.push(i);
      }
    }
    allExposures.push(...claimsOf.map((list) => exposureOfClaims(set, patientOfClaim, list, dept)));
  }
  const tests = allPatterns.map((_, k) => (k < patterns.length ? patterns.length : specific.length) * rungs.length * scans);
  const rings = concentrateScan(set, allPatterns, allExposures, rungs, p.concentration, dept, scans, tests);

  // ---- a doctor's ordering habit: an item on far more of the doctor's visits for a diagnosis than on the
  // peers' visits for it (the same kind and level of institution). Per patient, three CTs in five visits
  // for a stroke is within what one patient's course may need; the same doctor ordering CT at nearly every
  // stroke follow-up of six patients, where peers order it at one in six, is a practice pattern. Doctors
  // differ in their habits, so the count is tested against a beta-binomial whose overdispersion is
  // estimated from all doctor × diagnosis × item cells (as kickback's flows), charged for the cells that
  // could make a ring (Tarone); the ring is the doctor and the patients who got the item on at least
  // `habitLift` times the peers' share of their own visits, `habitRepeats` times or more and above the
  // item's norm.
  const habitCandidates: RingCandidate[] = [];
  {
    const dxKeyOf = (i: number) => c.doctor[i]! * nDx + c.diagnosis[i]! + 1;
    const cellVisits = new Map<number, number>();
    const cellItems = new Map<number, number>();
    const countable = (item: number) => !notCounted[item] && !courseItem[item];
    seen.fill(-1);
    for (let i = 0; i < c.count; i++) {
      if (c.kind[i] !== KIND.outpatient || c.doctor[i]! < 0) continue;
      const dk = dxKeyOf(i);
      cellVisits.set(dk, (cellVisits.get(dk) ?? 0) + 1);
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
        const item = set.lines.item[l]!;
        if (!countable(item) || seen[item] === i) continue;
        seen[item] = i;
        const key = dk * nItems + item;
        cellItems.set(key, (cellItems.get(key) ?? 0) + 1);
      }
    }
    seen.fill(-1);
    // the peers' share: the same diagnosis at the same kind and level of institution (everywhere when those
    // are too few), the doctor's own visits left out, with one pseudo-visit at the share everywhere
    const peerShare = (d: number, dx: number, item: number, n: number, x: number) => {
      const all = (dx + 1) * CLASSES + 12;
      let key = (dx + 1) * CLASSES + classOf(set.doctors.institution[d]!);
      if (dxVisits[key]! - n < p.minPeers) key = all;
      const visits = dxVisits[key]! - n;
      if (visits < p.minPeers) return undefined;
      const everywhere = dxItem(all * nItems + item) / Math.max(1, dxVisits[all]!);
      return { share: (dxItem(key * nItems + item) - x + everywhere) / (visits + 1), visits };
    };
    const cells: { d: number; dx: number; item: number; n: number; x: number; share: number; visits: number }[] = [];
    const z2: number[] = [];
    const factor: number[] = [];
    for (const [key, x] of cellItems) {
      const dk = Math.floor(key / nItems);
      const item = key - dk * nItems;
      const d = Math.floor(dk / nDx);
      const dx = dk - d * nDx - 1;
      const n = cellVisits.get(dk)!;
      const peer = peerShare(d, dx, item, n, x);
      if (!peer || peer.share <= 0 || peer.share >= 1) continue;
      const e = n * peer.share;
      // Cochran's rule, as kickback's dispersion: only cells with an expected count of 5 or more
      if (e >= 5) {
        z2.push((x - e) ** 2 / (e * (1 - peer.share)));
        factor.push(((n - 1) * peer.share) / (1 - peer.share));
      }
      // a ring needs minGroup patients with the item habitRepeats times: fewer orders can never make one (Tarone)
      if (x >= p.habitRepeats * p.minGroup) cells.push({ d, dx, item, n, x, share: peer.share, visits: peer.visits });
    }
    const phi = medianMatchingDispersion(z2, factor);
    const charge = Math.log10(Math.max(1, cells.length));
    const flaggedCells = cells
      .filter((cell) => cell.x >= p.habitLift * cell.n * cell.share)
      .map((cell) => ({ ...cell, log10P: betaBinomialUpperTailLog10(cell.x, cell.n, cell.share, Math.min(1 - 1e-9, multiplicativeIcc(cell.share, phi) + 1 / (cell.visits + 2))) }))
      .filter((cell) => -cell.log10P - charge >= MIN_SURPRISE);
    if (flaggedCells.length) {
      // each flagged cell's patients: their visits for the diagnosis with the doctor, and those carrying the item
      const cellOf = new Map<number, number[]>();
      flaggedCells.forEach((cell, k) => {
        const dk = cell.d * nDx + cell.dx + 1;
        (cellOf.get(dk) ?? cellOf.set(dk, []).get(dk)!).push(k);
      });
      const perPatient = flaggedCells.map(() => new Map<number, { visits: number; withItem: number[] }>());
      for (let i = 0; i < c.count; i++) {
        if (c.kind[i] !== KIND.outpatient || c.doctor[i]! < 0 || patientOfClaim[i]! < 0) continue;
        const ks = cellOf.get(dxKeyOf(i));
        if (!ks) continue;
        for (const k of ks) {
          const pt = patientOfClaim[i]!;
          const m = perPatient[k]!;
          const rec = m.get(pt) ?? m.set(pt, { visits: 0, withItem: [] }).get(pt)!;
          rec.visits++;
          for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (set.lines.item[l] === flaggedCells[k]!.item) {
            rec.withItem.push(i);
            break;
          }
        }
      }
      // one ring per doctor, over the items and diagnoses of their habit
      const byDoctor = new Map<number, number[]>();
      flaggedCells.forEach((cell, k) => (byDoctor.get(cell.d) ?? byDoctor.set(cell.d, []).get(cell.d)!).push(k));
      for (const [d, ks] of [...byDoctor].sort((a, b) => a[0] - b[0])) {
        const inst = set.doctors.institution[d]!;
        const patients = new Set<number>();
        const claims = new Set<number>();
        const evidence: Evidence[] = [];
        let best = 0;
        for (const ci of ks) {
          const cell = flaggedCells[ci]!;
          const members: number[] = [];
          const cellClaims: number[] = [];
          // above the item's norm too (the guideline, else the peers' 95th percentile a year): two blood
          // counts a year are no over-treatment, however rarely the doctor's peers order them
          const g = k.itemGuideline[cell.item]!;
          const norm = g >= 0 && k.guidelines[g]!.maxPerYear > 0 ? k.guidelines[g]!.maxPerYear * years : (peerOf(cell.item * 2) ?? Number.POSITIVE_INFINITY) * years;
          for (const [pt, rec] of perPatient[ci]!) {
            if (grouped.has(`${pt}|${inst}`) || groups.has(`${pt}|${inst}`)) continue;
            const n = rec.withItem.length;
            if (n < p.habitRepeats || n <= norm || n < p.habitLift * rec.visits * cell.share) continue;
            members.push(pt);
          }
          // residents of one address (a nursing home) are a home's care, as above
          const atAddress = new Map<number, number>();
          for (const pt of members) if (set.persons.address[pt]! >= 0) atAddress.set(set.persons.address[pt]!, (atAddress.get(set.persons.address[pt]!) ?? 0) + 1);
          for (let j = members.length - 1; j >= 0; j--) if ((atAddress.get(set.persons.address[members[j]!]!) ?? 0) >= p.minGroup) members.splice(j, 1);
          for (const pt of members) cellClaims.push(...perPatient[ci]!.get(pt)!.withItem);
          if (members.length < p.minGroup) continue;
          best = Math.max(best, -cell.log10P - charge);
          for (const pt of members) patients.add(pt);
          for (const i of cellClaims) claims.add(i);
          evidence.push({
            key: 'over-treatment.habit',
            facts: {
              doctor: set.doctors.name[d]!,
              item: set.items.name[cell.item]!,
              diagnosis: set.diagnoses.name[cell.dx] || set.diagnoses.code[cell.dx]!,
              visits: cell.n,
              withItem: cell.x,
              percent: round((100 * cell.x) / cell.n, 1),
              peerPercent: round(100 * cell.share, 1),
              patients: members.length,
              log10P: Math.round(cell.log10P),
            },
            entities: [{ type: 'doctor', index: d }, { type: 'institution', index: inst }, ...members.sort((a, b) => a - b).map((index) => ({ type: 'person' as const, index }))],
            claims: cellClaims.sort((a, b) => a - b),
            weight: Math.min(1, (-cell.log10P - charge) / 12),
          });
        }
        if (evidence.length === 0) continue;
        // a doctor whose patients the concentration already rings is that ring's, not a second one
        const covered = rings.some((r) => r.institution === inst && r.doctors.includes(d) && [...patients].filter((pt) => r.patients.includes(pt)).length * 2 >= patients.size);
        if (covered) continue;
        const m = new MemberList();
        m.add('institution', inst, 'institution');
        m.add('doctor', d, 'doctor');
        for (const pt of [...patients].sort((a, b) => a - b)) m.add('person', pt, 'patient');
        const surprise = Math.round(best * 100) / 100;
        habitCandidates.push({ family: 'over-treatment', members: m.list, claims: [...claims].sort((a, b) => a - b), evidence, confidence: calibratedConfidence(surprise), surprise });
      }
    }
  }
  // Whom the concentration sentence counts as at risk
  const population = (pattern = 0): { inpatients?: true; item?: string; diagnosis?: string } => {
    const x = specific[pattern - patterns.length];
    if (x) return x.item >= 0 ? { item: set.items.name[x.item]! } : { inpatients: true, diagnosis: set.diagnoses.name[x.diagnosis] || set.diagnoses.code[x.diagnosis]! };
    return pattern === 1 ? { inpatients: true } : {};
  };
  const concentrated = rings.map((found) => {
    const details = found.patients.map((pt) => detail.get(`${pt}|${found.institution}`)!).filter(Boolean);
    const evidence: Evidence[] = [];
    const byItem = new Map<number, ItemFlag[]>();
    for (const d of details) for (const f of d.items) (byItem.get(f.item) ?? byItem.set(f.item, []).get(f.item)!).push(f);
    const patientsOf = (item: number) => details.filter((d) => d.items.some((f) => f.item === item)).map((d) => ({ type: 'person' as const, index: d.patient }));
    for (const [item, flags] of [...byItem].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]).slice(0, 3)) {
      const facts = {
        item: set.items.name[item]!,
        patients: flags.length,
        perYear: round(flags.reduce((s, f) => s + f.perYear, 0) / flags.length, 1),
        peerPerYear: round(flags[0]!.peerPerYear, 1),
      };
      const guideline = flags[0]!.guideline;
      evidence.push({
        key: guideline > 0 ? 'over-treatment.item-guideline' : 'over-treatment.item-peers',
        facts: guideline > 0 ? { ...facts, guideline } : facts,
        entities: [{ type: 'institution', index: found.institution }, ...patientsOf(item)],
        claims: [...new Set(flags.flatMap((f) => f.claims))].sort((a, b) => a - b),
        weight: Math.min(1, flags.length / 8),
      });
    }
    const visitFlags = details.filter((d) => d.visits);
    if (visitFlags.length) {
      evidence.push({
        key: 'over-treatment.visits',
        facts: {
          patients: visitFlags.length,
          institution: set.institutions.name[found.institution]!,
          perYear: round(visitFlags.reduce((s, d) => s + d.visits!.perYear, 0) / visitFlags.length, 1),
          peerPerYear: round(Math.max(...visitFlags.map((d) => d.visits!.peerPerYear)), 1),
          routinePerYear: Math.round(routine),
        },
        entities: visitFlags.map((d) => ({ type: 'person' as const, index: d.patient })),
        claims: visitFlags.flatMap((d) => d.visits!.claims).sort((a, b) => a - b),
        weight: Math.min(1, visitFlags.length / 8),
      });
    }
    const stays = details.flatMap((d) => d.stays);
    if (stays.length) {
      evidence.push({
        key: 'over-treatment.long-stays',
        facts: { stays: stays.length, patients: details.filter((d) => d.stays.length).length, medianDays: median(stays.map((s) => s.days)), peerMedianDays: round(median(stays.map((s) => s.peerMedian)), 1) },
        entities: details.filter((d) => d.stays.length).map((d) => ({ type: 'person' as const, index: d.patient })),
        claims: stays.map((st) => st.claim).sort((a, b) => a - b),
        weight: Math.min(1, stays.length / 8),
      });
    }
    evidence.push(concentrationEvidence(set, 'over-treatment.concentration', found, dept, population(found.pattern)));
    return candidateOf(set, 'over-treatment', found, evidence);
  });
  return [...concentrated, ...habitCandidates];
}

/** The q-quantile of ascending values, linear between order statistics (as stats.quantile, without a copy). */
function sortedQuantile(s: Float64Array, q: number): number {
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * A doctor's usual working hours, in seconds: the span between the 5th and 95th percentiles of the local
 * time of day of their outpatient claims, pooled over all days (a doctor's first and last patient of one
 * quiet day are close together however long they work).
 */
function workingSeconds(set: ClaimSet, doctors: ReadonlySet<number>): Map<number, number> {
  const c = set.claims;
  const times = new Map<number, number[]>();
  for (let i = 0; i < c.count; i++) {
    const d = c.doctor[i]!;
    if (c.kind[i] !== KIND.outpatient || !doctors.has(d)) continue;
    (times.get(d) ?? times.set(d, []).get(d)!).push((c.t[i]! + CHINA_OFFSET_SECONDS) % DAY_SECONDS);
  }
  const out = new Map<number, number>();
  for (const [d, list] of times) {
    const s = Float64Array.from(list).sort();
    out.set(d, sortedQuantile(s, 0.95) - sortedQuantile(s, 0.05));
  }
  return out;
}

/** The standard normal quantile of q (0.5 < q < 1), by bisection on the upper tail. */
function normalQuantile(q: number): number {
  let lo = 0;
  let hi = 40;
  const target = Math.log10(1 - q);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTailLog10(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
