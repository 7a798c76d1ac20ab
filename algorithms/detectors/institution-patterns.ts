import { KIND, claimHolder, type ClaimSet } from '../claim-set.ts';
import { median } from '../stats.ts';
import { contradictingItem } from './card-lending.ts';
import { MemberList, type Evidence, type Family, type RingCandidate } from './types.ts';

/**
 * Schemes run by one institution and one or two of its doctors across many patients: split
 * hospitalization, over-treatment, code mismatch. Each finds patients with a per-patient pattern,
 * then keeps the (institution, doctor) pairs where the pattern concentrates — one patient with a
 * quick readmission is medicine; a doctor with twelve is a scheme.
 */

interface Flagged {
  patient: number;
  institution: number;
  doctor: number;
  claims: number[];
}

export interface ConcentrationParams {
  /** flagged patients a doctor needs */
  minPatients: number;
}

function concentrate(
  set: ClaimSet,
  family: Family,
  flagged: Flagged[],
  p: ConcentrationParams,
  describe: (institution: number, doctors: number[], patients: number[], claims: number[]) => { evidence: Evidence[]; confidence: number },
  /** a patient whose pattern is strong enough on its own to bring a colleague in (e.g. a chain of readmissions) */
  strongPatient: (f: Flagged) => boolean = () => false,
): RingCandidate[] {
  const byDoctor = new Map<string, Flagged[]>();
  for (const f of flagged) {
    const key = `${f.institution}|${f.doctor}`;
    (byDoctor.get(key) ?? byDoctor.set(key, []).get(key)!).push(f);
  }
  const byInstitution = new Map<number, { doctors: number[]; flagged: Flagged[] }>();
  for (const [key, list] of byDoctor) {
    const patients = new Set(list.map((f) => f.patient));
    if (patients.size < p.minPatients) continue;
    const [inst, doc] = key.split('|').map(Number) as [number, number];
    const e = byInstitution.get(inst) ?? byInstitution.set(inst, { doctors: [], flagged: [] }).get(inst)!;
    e.doctors.push(doc);
    e.flagged.push(...list);
  }
  // Once a doctor there qualifies, colleagues at the same institution showing the same pattern in
  // two or more patients, or strongly in one, are part of it (schemes often split patients between
  // two doctors).
  for (const [key, list] of byDoctor) {
    const [inst, doc] = key.split('|').map(Number) as [number, number];
    const e = byInstitution.get(inst);
    if (!e || e.doctors.includes(doc) || (new Set(list.map((f) => f.patient)).size < 2 && !list.some(strongPatient))) continue;
    e.doctors.push(doc);
    e.flagged.push(...list);
  }
  const out: RingCandidate[] = [];
  for (const [institution, { doctors, flagged: list }] of byInstitution) {
    const m = new MemberList();
    m.add('institution', institution, 'institution');
    for (const d of doctors.sort((a, b) => a - b)) m.add('doctor', d, 'doctor');
    const patients = [...new Set(list.map((f) => f.patient))].sort((a, b) => a - b);
    for (const person of patients) m.add('person', person, 'patient');
    const claims = [...new Set(list.flatMap((f) => f.claims))].sort((a, b) => a - b);
    const { evidence, confidence } = describe(institution, doctors, patients, claims);
    out.push({ family, members: m.list, claims, evidence, confidence });
  }
  return out;
}

const modal = (xs: number[]): number => {
  const count = new Map<number, number>();
  let best = xs[0]!;
  for (const x of xs) {
    const n = (count.get(x) ?? 0) + 1;
    count.set(x, n);
    if (n > count.get(best)! || (n === count.get(best)! && x < best)) best = x;
  }
  return best;
};

// ---------------------------------------------------------------- split hospitalization

export interface SplitParams extends ConcentrationParams {
  /** readmission for the same diagnosis within this many days of discharge */
  maxGapDays: number;
  /** a stay whose exact dates this many patients share at one institution is a group admission */
  minGroupStay: number;
}

export const SPLIT_DEFAULTS: SplitParams = { minPatients: 3, maxGapDays: 15, minGroupStay: 3 };

export function detectSplitHospitalization(set: ClaimSet, p: SplitParams = SPLIT_DEFAULTS): RingCandidate[] {
  const c = set.claims;
  const stays = new Map<number, number[]>();
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.inpatient || c.admitDay[i]! < 0) continue;
    const person = claimHolder(set, i);
    (stays.get(person) ?? stays.set(person, []).get(person)!).push(i);
  }
  const readmission = (a: number, b: number) => {
    const gap = c.admitDay[b]! - c.dischargeDay[a]!;
    return gap >= 0 && gap <= p.maxGapDays && c.institution[a] === c.institution[b] && c.diagnosis[a] === c.diagnosis[b] && c.doctor[a] === c.doctor[b];
  };
  for (const list of stays.values()) list.sort((a, b) => c.admitDay[a]! - c.admitDay[b]!);
  // Readmissions several patients share to the day (same institution, admission and discharge) are a
  // group admitted together — recruited patients' bed-hanging, found by the co-visit detector — not
  // one patient's stay cut in pieces, and are left out here. Only readmitted stays are compared, so an
  // ordinary stay that happens to share dates with two others at a busy hospital does not count.
  const stayDates = (i: number) => `${c.institution[i]}|${c.admitDay[i]}|${c.dischargeDay[i]}`;
  const sharers = new Map<string, Set<number>>();
  for (const [patient, list] of stays) {
    for (let k = 1; k < list.length; k++) {
      if (!readmission(list[k - 1]!, list[k]!)) continue;
      for (const i of [list[k - 1]!, list[k]!]) (sharers.get(stayDates(i)) ?? sharers.set(stayDates(i), new Set()).get(stayDates(i))!).add(patient);
    }
  }
  const groupStay = (i: number) => (sharers.get(stayDates(i))?.size ?? 0) >= p.minGroupStay;
  const flagged: Flagged[] = [];
  const gaps: number[] = [];
  for (const [patient, list] of stays) {
    const pairs: number[] = [];
    for (let k = 1; k < list.length; k++) {
      const a = list[k - 1]!;
      const b = list[k]!;
      if (readmission(a, b) && !groupStay(a) && !groupStay(b)) {
        pairs.push(a, b);
        gaps.push(c.admitDay[b]! - c.dischargeDay[a]!);
      }
    }
    if (pairs.length) flagged.push({ patient, institution: c.institution[pairs[0]!]!, doctor: c.doctor[pairs[0]!]!, claims: [...new Set(pairs)] });
  }
  return concentrate(set, 'split-hospitalization', flagged, p, (institution, doctors, patients, claims): { evidence: Evidence[]; confidence: number } => {
    const readmissions = claims.length - patients.length;
    // Stays that many of these patients began on the same day are a group admitted together
    // (recruited patients' bed-hanging), not one patient's stay cut in pieces.
    const admitted = new Map<number, Set<number>>();
    for (const i of claims) (admitted.get(c.admitDay[i]!) ?? admitted.set(c.admitDay[i]!, new Set()).get(c.admitDay[i]!)!).add(claimHolder(set, i));
    const synchronized = claims.filter((i) => admitted.get(c.admitDay[i]!)!.size >= 3).length / claims.length;
    return {
      evidence: [
        {
          key: 'split.readmissions',
          facts: { patients: patients.length, institution: set.institutions.name[institution]!, readmissions, maxGapDays: p.maxGapDays },
          entities: [{ type: 'institution', index: institution }, ...doctors.map((index) => ({ type: 'doctor' as const, index })), ...patients.map((index) => ({ type: 'person' as const, index }))],
          weight: Math.min(1, patients.length / 8),
        },
        { key: 'split.same-doctor', facts: { doctors: doctors.map((d) => set.doctors.name[d]).join('、') }, entities: doctors.map((index) => ({ type: 'doctor' as const, index })), weight: 0.6 },
      ],
      confidence: Math.min(1, 0.45 + 0.05 * patients.length + 0.02 * readmissions) * (1 - 0.7 * synchronized),
    };
  }, (f) => f.claims.length >= 3);
}

// ---------------------------------------------------------------- over-treatment

export interface OverTreatmentParams extends ConcentrationParams {
  minVisits: number;
  /** median days between a patient's visits to one institution at or below this is frequent */
  maxMedianGapDays: number;
  /** share of visits repeating the same exams/treatments */
  minRepeatShare: number;
}

export const OVER_TREATMENT_DEFAULTS: OverTreatmentParams = { minPatients: 3, minVisits: 8, maxMedianGapDays: 4, minRepeatShare: 0.6 };

export function detectOverTreatment(set: ClaimSet, p: OverTreatmentParams = OVER_TREATMENT_DEFAULTS): RingCandidate[] {
  const c = set.claims;
  const visits = new Map<number, number[]>();
  const n = set.institutions.id.length;
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] !== KIND.outpatient) continue;
    const key = claimHolder(set, i) * n + c.institution[i]!;
    (visits.get(key) ?? visits.set(key, []).get(key)!).push(i);
  }
  const flagged: Flagged[] = [];
  let repeatedExamTotal = 0;
  for (const [key, list] of visits) {
    if (list.length < p.minVisits) continue;
    list.sort((a, b) => c.t[a]! - c.t[b]!);
    const gaps: number[] = [];
    for (let k = 1; k < list.length; k++) gaps.push(c.day[list[k]!]! - c.day[list[k - 1]!]!);
    if (median(gaps) > p.maxMedianGapDays) continue;
    // Exams and treatments repeated visit after visit (e.g. HbA1c every few days).
    const itemVisits = new Map<number, number>();
    for (const i of list) {
      const seen = new Set<number>();
      for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) {
        const item = set.lines.item[l]!;
        const cat = set.items.category[item];
        if ((cat === 'exam' || cat === 'treatment') && !seen.has(item)) {
          seen.add(item);
          itemVisits.set(item, (itemVisits.get(item) ?? 0) + 1);
        }
      }
    }
    const repeated = [...itemVisits.values()].filter((v) => v >= p.minRepeatShare * list.length).length;
    if (repeated < 2) continue;
    repeatedExamTotal += repeated;
    const patient = Math.floor(key / n);
    flagged.push({ patient, institution: key - patient * n, doctor: modal(list.map((i) => c.doctor[i]!)), claims: list });
  }
  return concentrate(set, 'over-treatment', flagged, p, (institution, doctors, patients, claims): { evidence: Evidence[]; confidence: number } => {
    const perPatient = claims.length / patients.length;
    const hba1c = set.items.id.indexOf('250301002');
    let hba1cCount = 0;
    if (hba1c >= 0) for (const i of claims) for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++) if (set.lines.item[l] === hba1c) hba1cCount++;
    return {
      evidence: [
        {
          key: 'over-treatment.frequent',
          facts: { patients: patients.length, institution: set.institutions.name[institution]!, visits: claims.length, perPatient: Math.round(perPatient * 10) / 10, maxMedianGapDays: p.maxMedianGapDays },
          entities: [{ type: 'institution', index: institution }, ...patients.map((index) => ({ type: 'person' as const, index }))],
          weight: Math.min(1, patients.length / 8),
        },
        { key: 'over-treatment.repeated-exams', facts: { hba1c: hba1cCount, repeatedItems: repeatedExamTotal }, entities: doctors.map((index) => ({ type: 'doctor' as const, index })), weight: Math.min(1, hba1cCount / (patients.length * 4)) },
      ],
      confidence: Math.min(1, 0.45 + 0.05 * patients.length + Math.min(0.2, perPatient / 100)),
    };
  }, (f) => f.claims.length >= 2 * p.minVisits);
}

// ---------------------------------------------------------------- code mismatch

export interface CodeMismatchParams extends ConcentrationParams {
  /** one odd claim is a slip; a patient billed wrongly again and again is a practice */
  minClaimsPerPatient: number;
  /** cards to leave out: their contradictions are explained by card lending */
  excludeCards?: ReadonlySet<number>;
}

export const CODE_MISMATCH_DEFAULTS: CodeMismatchParams = { minPatients: 3, minClaimsPerPatient: 2 };

/** Why an item line is not billable here: above the institution's level, or contradicting the patient. */
export function mismatchedItem(set: ClaimSet, claim: number): { item: number; reason: 'level' | 'patient' } | undefined {
  const level = set.institutions.level[set.claims.institution[claim]!]!;
  for (let l = set.claims.lineStart[claim]!; l < set.claims.lineStart[claim + 1]!; l++) {
    const item = set.lines.item[l]!;
    const min = set.items.minLevel[item]!;
    if (min > 0 && level > 0 && level < min) return { item, reason: 'level' };
  }
  const holder = claimHolder(set, claim);
  const served = set.claims.served[claim]!;
  const patient = served >= 0 ? served : holder;
  const item = patient >= 0 ? contradictingItem(set, claim, patient) : -1;
  return item >= 0 ? { item, reason: 'patient' } : undefined;
}

export function detectCodeMismatch(set: ClaimSet, p: CodeMismatchParams = CODE_MISMATCH_DEFAULTS): RingCandidate[] {
  const c = set.claims;
  const flaggedByPatient = new Map<string, Flagged>();
  const reasons = new Map<number, { level: number; patient: number; items: Map<number, number> }>();
  for (let i = 0; i < c.count; i++) {
    // Billing codes are chosen by the institution's staff: claims with an attending doctor.
    if (c.kind[i] === KIND.pharmacy || c.doctor[i]! < 0) continue;
    if (p.excludeCards?.has(c.card[i]!)) continue;
    const why = mismatchedItem(set, i);
    if (!why) continue;
    const patient = claimHolder(set, i);
    const key = `${patient}|${c.institution[i]}`;
    const f = flaggedByPatient.get(key) ?? flaggedByPatient.set(key, { patient, institution: c.institution[i]!, doctor: c.doctor[i]!, claims: [] }).get(key)!;
    f.claims.push(i);
    const r = reasons.get(c.institution[i]!) ?? reasons.set(c.institution[i]!, { level: 0, patient: 0, items: new Map() }).get(c.institution[i]!)!;
    r[why.reason]++;
    r.items.set(why.item, (r.items.get(why.item) ?? 0) + 1);
  }
  // A patient's doctor is the one on most of their mismatched claims.
  const flagged = [...flaggedByPatient.values()].filter((f) => f.claims.length >= p.minClaimsPerPatient).map((f) => ({ ...f, doctor: modal(f.claims.map((i) => c.doctor[i]!)) }));
  return concentrate(set, 'code-mismatch', flagged, p, (institution, doctors, patients, claims) => {
    const r = reasons.get(institution)!;
    const items = [...r.items.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([item]) => set.items.name[item]).join('、');
    return {
      evidence: [
        {
          key: 'code-mismatch.items',
          facts: { claims: claims.length, patients: patients.length, institution: set.institutions.name[institution]!, items, aboveLevel: r.level, contradicting: r.patient, level: levelName(set.institutions.level[institution]!) },
          entities: [{ type: 'institution', index: institution }, ...doctors.map((index) => ({ type: 'doctor' as const, index }))],
          weight: Math.min(1, claims.length / 20),
        },
      ],
      confidence: Math.min(1, 0.45 + 0.04 * patients.length + 0.01 * claims.length),
    };
  });
}

function levelName(rank: number): string {
  return rank === 3 ? 'tertiary' : rank === 2 ? 'secondary' : rank === 1 ? 'primary' : 'unrated';
}

