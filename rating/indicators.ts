/**
 * The computed indicators of a credit rating, as pure functions: arrays read from the graph in
 * (graph/rating/facts.ts), numbers out. `undefined` means the indicator has no value for the
 * institution (nothing to measure, no previous period) — it is shown as missing, never as zero.
 */
import type { RuleSignal, Verdict } from './model.ts';

export const DAY_MS = 86_400_000;
/** yyyy-MM-dd → days since 1970-01-01 */
export const epochDay = (date: string): number => Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS);

// ── ring involvement ─────────────────────────────────────────────────────────

/** One claim of the institution in the period that is evidence of a ring (a claim in two rings appears twice). */
export interface RingClaim {
  claimId: string;
  /** the person served (recipient where recorded, else the card holder) */
  personId: string;
  fundPaid: number;
  ringId: string;
  family: string;
  verdict: Verdict;
}

export interface RingShareParams {
  verdictWeights: Record<Verdict, number>;
  familyWeights: Record<string, number>;
}

export interface RingShare {
  /** weighted share of patients (0–1) */
  patientShare: number;
  /** weighted share of fund-paid money (0–1) */
  fundShare: number;
  /** per family: unweighted shares and the weight applied, for the breakdown */
  byFamily: { family: string; patients: number; fund: number; patientShare: number; fundShare: number; rings: number; verdicts: Record<Verdict, number> }[];
}

/**
 * Share of the institution's patients and fund money in detected rings. Each patient and each claim
 * counts once, at the largest weight of the rings it is evidence of (verdict weight × family weight),
 * so two rings over one claim do not count it twice. `undefined` without patients or fund money.
 */
export function ringShare(rows: readonly RingClaim[], totals: { patients: number; fund: number }, params: RingShareParams): RingShare | undefined {
  if (totals.patients <= 0 || totals.fund <= 0) return undefined;
  const weight = (r: RingClaim) => (params.verdictWeights[r.verdict] ?? 0) * (params.familyWeights[r.family] ?? 1);
  const personWeight = new Map<string, number>();
  const claimWeight = new Map<string, { w: number; fund: number }>();
  const families = new Map<string, { persons: Set<string>; claims: Map<string, number>; rings: Set<string>; verdicts: Record<Verdict, Set<string>> }>();
  for (const r of rows) {
    const w = weight(r);
    personWeight.set(r.personId, Math.max(personWeight.get(r.personId) ?? 0, w));
    const c = claimWeight.get(r.claimId);
    claimWeight.set(r.claimId, { w: Math.max(c?.w ?? 0, w), fund: r.fundPaid });
    let f = families.get(r.family);
    if (!f) families.set(r.family, (f = { persons: new Set(), claims: new Map(), rings: new Set(), verdicts: { confirmed: new Set(), open: new Set(), dismissed: new Set() } }));
    f.persons.add(r.personId);
    f.claims.set(r.claimId, r.fundPaid);
    f.rings.add(r.ringId);
    f.verdicts[r.verdict].add(r.ringId);
  }
  const sum = (xs: Iterable<number>) => {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  };
  return {
    patientShare: Math.min(1, sum(personWeight.values()) / totals.patients),
    fundShare: Math.min(1, sum([...claimWeight.values()].map((c) => c.w * c.fund)) / totals.fund),
    byFamily: [...families.entries()]
      .map(([family, f]) => {
        const fund = sum(f.claims.values());
        return {
          family,
          patients: f.persons.size,
          fund,
          patientShare: f.persons.size / totals.patients,
          fundShare: fund / totals.fund,
          rings: f.rings.size,
          verdicts: { confirmed: f.verdicts.confirmed.size, open: f.verdicts.open.size, dismissed: f.verdicts.dismissed.size },
        };
      })
      .sort((a, b) => b.fund - a.fund || a.family.localeCompare(b.family)),
  };
}

// ── rule signals ─────────────────────────────────────────────────────────────

export const LEVELS = ['none', 'primary', 'secondary', 'tertiary'] as const;

/** One item line of a claim, with what the code-mismatch rule compares. */
export interface ItemLine {
  claimId: string;
  institutionLevel: string | null;
  /** the item's lowest institution level, if restricted */
  itemMinLevel: string | null;
  /** 'M' or 'F' when the item is restricted to one gender */
  itemGender: string | null;
  itemMinAge: number | null;
  itemMaxAge: number | null;
  patientGender: string | null;
  /** age in whole years on the day of the claim */
  patientAge: number | null;
}

/** Claims billing an item above the institution's level or against the patient's gender or age (对码错误、串换项目). */
export function codeMismatchClaims(lines: readonly ItemLine[]): Set<string> {
  const out = new Set<string>();
  for (const l of lines) {
    const need = l.itemMinLevel ? LEVELS.indexOf(l.itemMinLevel as (typeof LEVELS)[number]) : -1;
    const have = l.institutionLevel ? LEVELS.indexOf(l.institutionLevel as (typeof LEVELS)[number]) : -1;
    const aboveLevel = need > 0 && have >= 0 && have < need;
    const wrongGender = !!l.itemGender && !!l.patientGender && l.itemGender !== l.patientGender;
    const wrongAge = l.patientAge !== null && ((l.itemMinAge !== null && l.patientAge < l.itemMinAge) || (l.itemMaxAge !== null && l.patientAge > l.itemMaxAge));
    if (aboveLevel || wrongGender || wrongAge) out.add(l.claimId);
  }
  return out;
}

/** One inpatient stay at the institution. Days are epoch days (`epochDay`). */
export interface Stay {
  claimId: string;
  personId: string;
  admission: number;
  discharge: number;
  diagnosis: string | null;
  /** the attending doctor (doctor ratings attribute a split stay to the doctor of the readmission) */
  doctor?: string | null;
}

export interface Readmissions {
  /** stays discharged inside [from, to) */
  stays: number;
  /** of them, followed by another admission of the same person within `days` of discharge */
  readmitted: number;
  /** claims of readmissions for the same diagnosis (分解住院 signal), admitted inside [from, to) */
  splitClaims: Set<string>;
}

/**
 * Short-term readmissions: a stay discharged in [from, to) followed by the same person's next admission
 * at the same institution within `days` (the list holds one institution's stays, including those just
 * before and after the period so that edges count). A readmission for the same diagnosis is a split stay.
 */
export function readmissions(stays: readonly Stay[], days: number, from: number, to: number): Readmissions {
  const byPerson = new Map<string, Stay[]>();
  for (const s of stays) {
    const l = byPerson.get(s.personId);
    if (l) l.push(s);
    else byPerson.set(s.personId, [s]);
  }
  let n = 0;
  let readmitted = 0;
  const splitClaims = new Set<string>();
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.admission - b.admission || a.discharge - b.discharge || a.claimId.localeCompare(b.claimId));
    list.forEach((s, i) => {
      const next = list[i + 1];
      const gap = next ? next.admission - s.discharge : Infinity;
      const isReadmission = next !== undefined && gap >= 0 && gap <= days;
      if (s.discharge >= from && s.discharge < to) {
        n++;
        if (isReadmission) readmitted++;
      }
      if (isReadmission && next.admission >= from && next.admission < to && s.diagnosis && next.diagnosis === s.diagnosis) splitClaims.add(next.claimId);
    });
  }
  return { stays: n, readmitted, splitClaims };
}

/** A test of one kind (HbA1c) billed to a person: one entry per claim line. */
export interface TestLine {
  claimId: string;
  personId: string;
  day: number;
}

/**
 * Over-testing: a person's tests beyond `perYear` in the period (pro rata to its length, rounded, at least one)
 * at this institution; the claims of the tests beyond the limit are flagged.
 */
export function overTestingClaims(lines: readonly TestLine[], perYear: number, periodDays: number): Set<string> {
  const limit = Math.max(1, Math.round((perYear * periodDays) / 365));
  const byPerson = new Map<string, TestLine[]>();
  for (const l of lines) {
    const list = byPerson.get(l.personId);
    if (list) list.push(l);
    else byPerson.set(l.personId, [l]);
  }
  const out = new Set<string>();
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.day - b.day || a.claimId.localeCompare(b.claimId));
    list.slice(limit).forEach((l) => out.add(l.claimId));
  }
  return out;
}

/** Share of claims with at least one of the signals; `undefined` without claims. */
export function ruleSignalRate(totalClaims: number, flagged: Partial<Record<RuleSignal, ReadonlySet<string>>>): { rate: number; counts: Partial<Record<RuleSignal, number>> } | undefined {
  if (totalClaims <= 0) return undefined;
  const union = new Set<string>();
  const counts: Partial<Record<RuleSignal, number>> = {};
  for (const [signal, set] of Object.entries(flagged) as [RuleSignal, ReadonlySet<string>][]) {
    counts[signal] = set.size;
    for (const c of set) union.add(c);
  }
  return { rate: Math.min(1, union.size / totalClaims), counts };
}

// ── growth and concentration ────────────────────────────────────────────────

/** Relative growth current / previous − 1; `undefined` when there was nothing before to grow from. */
export function growth(current: number, previous: number): number | undefined {
  if (!(previous > 0) || !Number.isFinite(current)) return undefined;
  return current / previous - 1;
}

/** Herfindahl–Hirschman index (0–1) of shares; `undefined` below `minTotal` (too few to say anything). */
export function herfindahl(counts: readonly number[], minTotal = 20): number | undefined {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total < minTotal || total <= 0) return undefined;
  return counts.reduce((s, c) => s + (c / total) ** 2, 0);
}
