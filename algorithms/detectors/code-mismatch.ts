import { KIND, claimHolder, type ClaimSet } from '../claim-set.ts';
import { contradictingItem } from '../contradictions.ts';
import { CONCENTRATION_DEFAULTS, candidateOf, concentrateScan, concentrationEvidence, countExposure, departmentIds, patientOf, type ConcentrationParams, type FlaggedPatient } from './concentration.ts';
import type { Evidence, RingCandidate } from './types.ts';

/**
 * 对码错误、串换项目: items billed that the institution may not bill (above its level) or that contradict
 * the patient (gender, age). One such claim is enough to flag a patient — a doctor who mis-codes once for
 * each of twenty patients is a practice — and the flagged patients are concentrated (concentration.ts)
 * per doctor, department and institution against the rate at which peers' patients get such items.
 * Cards of card-lending rings are left out: their contradictions are the lending ring's evidence.
 */

export interface CodeMismatchParams {
  /** cards to leave out: their contradictions are explained by card lending */
  excludeCards?: ReadonlySet<number>;
  /** rungs of the strength scan: patients with at least this many mismatched claims (one counts; repeated billing is stronger) */
  claimRungs: readonly number[];
  concentration: ConcentrationParams;
}

export const CODE_MISMATCH_DEFAULTS: CodeMismatchParams = { claimRungs: [1, 2, 4], concentration: CONCENTRATION_DEFAULTS };

/** Why an item line is not billable here: above the institution's level, or contradicting the patient. */
export function mismatchedItem(set: ClaimSet, claim: number): { item: number; reason: 'level' | 'patient' } | undefined {
  const level = set.institutions.level[set.claims.institution[claim]!]!;
  for (let l = set.claims.lineStart[claim]!; l < set.claims.lineStart[claim + 1]!; l++) {
    const item = set.lines.item[l]!;
    const min = set.items.minLevel[item]!;
    if (min > 0 && level > 0 && level < min) return { item, reason: 'level' };
  }
  const patient = patientOf(set, claim);
  const item = patient >= 0 ? contradictingItem(set, claim, patient) : -1;
  if (item < 0) return undefined;
  // Recorded as served to a household member while the items fit the card holder: the holder's own
  // care on a family-linked record (家庭共济), not an item billed against the patient.
  const holder = claimHolder(set, claim);
  if (holder >= 0 && holder !== patient && contradictingItem(set, claim, holder) < 0) return undefined;
  return { item, reason: 'patient' };
}

export function detectCodeMismatch(set: ClaimSet, p: CodeMismatchParams = CODE_MISMATCH_DEFAULTS): RingCandidate[] {
  const c = set.claims;
  const dept = departmentIds(set);
  const patientOfClaim = new Int32Array(c.count).fill(-1);
  // Billing codes are chosen by the institution's staff: claims with an attending doctor.
  const billed = (i: number) => c.kind[i] !== KIND.pharmacy && c.doctor[i]! >= 0 && !p.excludeCards?.has(c.card[i]!);
  // Mismatches above the institution's level and against the patient have different baselines (an honest
  // family member's medicine on a parent's visit is noise of the second kind only), so each kind is
  // concentrated against its own and the two are charged for each other.
  const byPatient = { level: new Map<string, FlaggedPatient>(), patient: new Map<string, FlaggedPatient>() };
  const why = new Map<number, 'level' | 'patient'>();
  const itemOf = new Map<number, number>();
  for (let i = 0; i < c.count; i++) {
    if (!billed(i)) continue;
    const patient = patientOf(set, i);
    if (patient < 0) continue;
    patientOfClaim[i] = patient;
    const m = mismatchedItem(set, i);
    if (!m) continue;
    why.set(i, m.reason);
    itemOf.set(i, m.item);
    const key = `${patient}|${c.institution[i]}`;
    const list = byPatient[m.reason];
    const f = list.get(key) ?? list.set(key, { patient, institution: c.institution[i]!, doctors: [], claims: [] }).get(key)!;
    f.claims.push(i);
    if (!f.doctors.includes(c.doctor[i]!)) f.doctors.push(c.doctor[i]!);
  }
  // At risk: every patient a doctor billed for.
  const exposure = countExposure(set, patientOfClaim, (i) => patientOfClaim[i]! >= 0, dept);
  const patterns = (['level', 'patient'] as const).map((reason) => [...byPatient[reason].values()].map((f) => ({ ...f, strength: f.claims.length })));
  return concentrateScan(set, patterns, exposure, p.claimRungs, p.concentration, dept).map((found) => {
    const items = new Map<number, number>();
    let aboveLevel = 0;
    let contradicting = 0;
    for (const i of found.claims) {
      if (why.get(i) === 'level') aboveLevel++;
      else contradicting++;
      items.set(itemOf.get(i)!, (items.get(itemOf.get(i)!) ?? 0) + 1);
    }
    const top = [...items.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3).map(([item]) => set.items.name[item]).join('、');
    const evidence: Evidence[] = [
      {
        key: 'code-mismatch.items',
        facts: { claims: found.claims.length, patients: found.patients.length, institution: set.institutions.name[found.institution]!, items: top, aboveLevel, contradicting, level: levelName(set.institutions.level[found.institution]!) },
        entities: [{ type: 'institution', index: found.institution }, ...found.doctors.map((index) => ({ type: 'doctor' as const, index }))],
        claims: found.claims,
        weight: Math.min(1, found.claims.length / 20),
      },
      concentrationEvidence(set, 'code-mismatch.concentration', found, dept),
    ];
    return candidateOf(set, 'code-mismatch', found, evidence);
  });
}

function levelName(rank: number): string {
  return rank === 3 ? 'tertiary' : rank === 2 ? 'secondary' : rank === 1 ? 'primary' : 'unrated';
}
