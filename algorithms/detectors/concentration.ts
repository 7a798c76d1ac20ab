import { INSTITUTION_KINDS, claimHolder, groupClaims, type ClaimSet } from '../claim-set.ts';
import { binomialUpperTailLog10 } from '../stats.ts';
import { MIN_SURPRISE, MemberList, calibratedConfidence, type EntityRef, type Evidence, type Family, type RingCandidate } from './types.ts';

/**
 * Concentration of a per-patient pattern on a doctor, a department or an institution, against the rate
 * at which the same pattern shows among their peers' patients. Shared by split hospitalization,
 * over-treatment and code mismatch: each flags patients (a quick readmission, a test far too often, an
 * item the clinic may not bill) and hands them here. One flagged patient is medicine or a slip; a doctor
 * whose share of flagged patients is far above what peer doctors show is a practice.
 *
 * A unit (doctor, department of an institution, institution) is tested with the upper tail of its
 * flagged patients among its at-risk patients, at the pooled rate of its peers (same department name,
 * institution kind and level; broader when too few peer patients), leaving the unit itself and units
 * already found out — beta-binomial with the peers' overdispersion where they typically see the pattern,
 * binomial otherwise. The tail, less log10 of the number of units tested at all levels, patterns and
 * rungs (Bonferroni), is the unit's calibrated surprise. Units at or above MIN_SURPRISE make their
 * institution a candidate ring: the institution, the doctors found on their own or significant among
 * their department's or institution's doctors, and the flagged patients attributed to them.
 */

export type Level = 'doctor' | 'department' | 'institution';

export interface FlaggedPatient {
  patient: number;
  institution: number;
  /** doctors the pattern is attributed to (the billing, admitting or readmitting doctor) */
  doctors: number[];
  /** the claims behind the flag */
  claims: number[];
  /** how strong the patient's own pattern is, on the family's scale (−log10 p, readmissions, mismatched claims) */
  strength?: number;
}

export interface ConcentrationParams {
  /** levels tested; a unit found at any of them makes its institution a candidate */
  levels: readonly Level[];
  /**
   * Fewest at-risk patients a peer group needs before its rate is used; smaller groups fall back to a
   * broader one (department → institution kind and level → kind → everyone). A statistical convention:
   * below ~100 trials a pooled rate of a rare event is mostly noise.
   */
  minPeerPatients: number;
  /**
   * Inside a candidate institution, a doctor joins the ring when the binomial tail of their own flagged
   * patients is at most this, Bonferroni-corrected over the institution's doctors with any flagged
   * patient (the conventional 5 % level; the institution is already significant as a whole).
   */
  memberAlpha: number;
}

/**
 * A unit whose flagged patients are this unlikely at its peers' rate (binomial, uncorrected) is left out of
 * the peers' spread: the conventional 1 % level. Honest units reach it about once in a hundred, so the
 * spread of the rest is barely narrowed; a weak ring reaches it and stops widening its peers' spread.
 */
export const SPREAD_TRIM_LOG10P = -2;

export const CONCENTRATION_DEFAULTS: ConcentrationParams = { levels: ['doctor', 'department', 'institution'], minPeerPatients: 100, memberAlpha: 0.05 };

/** The person a claim was for: the one recorded as served, else the card holder. */
export function patientOf(set: ClaimSet, claim: number): number {
  const served = set.claims.served[claim]!;
  return served >= 0 ? served : claimHolder(set, claim);
}

/** Dense id per (institution, department) of each doctor, for department-level counts. */
export function departmentIds(set: ClaimSet): { ofDoctor: Int32Array; institution: Int32Array; name: string[] } {
  const d = set.doctors;
  const ofDoctor = new Int32Array(d.id.length);
  const ids = new Map<string, number>();
  const institution: number[] = [];
  const name: string[] = [];
  for (let doc = 0; doc < d.id.length; doc++) {
    // A doctor without a department is a department of their own: no colleague is assumed.
    const dept = d.department[doc] || `#${d.id[doc]}`;
    const key = `${d.institution[doc]}|${dept}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = name.length;
      ids.set(key, id);
      institution.push(d.institution[doc]!);
      name.push(dept);
    }
    ofDoctor[doc] = id;
  }
  return { ofDoctor, institution: Int32Array.from(institution), name };
}

/**
 * Distinct at-risk patients per doctor, department and institution: the denominators. `include` says
 * whether a claim puts its patient at risk (an inpatient stay for readmission, any visit for billing).
 */
export interface Exposure {
  doctor: Int32Array;
  department: Int32Array;
  institution: Int32Array;
}

export function countExposure(set: ClaimSet, patientOfClaim: Int32Array, include: (claim: number) => boolean, dept = departmentIds(set)): Exposure {
  const c = set.claims;
  const byDoctor = new Int32Array(c.count).fill(-1);
  const byDept = new Int32Array(c.count).fill(-1);
  const byInst = new Int32Array(c.count).fill(-1);
  for (let i = 0; i < c.count; i++) {
    if (patientOfClaim[i]! < 0 || !include(i)) continue;
    const d = c.doctor[i]!;
    if (d >= 0) {
      byDoctor[i] = d;
      byDept[i] = dept.ofDoctor[d]!;
    }
    byInst[i] = c.institution[i]!;
  }
  // Distinct patients per group: a stamp per patient of the last group that counted them.
  const stamp = new Int32Array(set.persons.id.length);
  const distinct = (key: Int32Array, groups: number): Int32Array => {
    const { start, members } = groupClaims(key, groups);
    const out = new Int32Array(groups);
    stamp.fill(-1);
    for (let g = 0; g < groups; g++) {
      for (let j = start[g]!; j < start[g + 1]!; j++) {
        const p = patientOfClaim[members[j]!]!;
        if (stamp[p] === g) continue;
        stamp[p] = g;
        out[g]!++;
      }
    }
    return out;
  };
  return { doctor: distinct(byDoctor, set.doctors.id.length), department: distinct(byDept, dept.name.length), institution: distinct(byInst, set.institutions.id.length) };
}

/**
 * The same denominators over a given list of claims only (the claims carrying one item): a pattern whose
 * patients at risk are few among a doctor's patients, counted without a pass over every claim.
 */
export function exposureOfClaims(set: ClaimSet, patientOfClaim: Int32Array, claims: Iterable<number>, dept = departmentIds(set)): Exposure {
  const c = set.claims;
  const seen = [new Set<number>(), new Set<number>(), new Set<number>()];
  const out = { doctor: new Int32Array(set.doctors.id.length), department: new Int32Array(dept.name.length), institution: new Int32Array(set.institutions.id.length) };
  const nPersons = set.persons.id.length;
  for (const i of claims) {
    const patient = patientOfClaim[i]!;
    if (patient < 0) continue;
    const count = (level: number, counts: Int32Array, unit: number) => {
      const key = unit * nPersons + patient;
      if (seen[level]!.has(key)) return;
      seen[level]!.add(key);
      counts[unit]!++;
    };
    count(0, out.institution, c.institution[i]!);
    const d = c.doctor[i]!;
    if (d < 0) continue;
    count(1, out.doctor, d);
    count(2, out.department, dept.ofDoctor[d]!);
  }
  return out;
}

/** A peer baseline: the rate of flagged patients and how overdispersed peers' rates are (intra-class correlation). */
interface Baseline {
  rate: number;
  rho: number;
}

/**
 * log10 P(X ≥ k) for k flagged of n at the baseline: binomial when peers differ no more than chance,
 * beta-binomial with the peers' intra-class correlation otherwise (a unit's patients share its case mix).
 */
function upperTailLog10(k: number, n: number, b: Baseline): number {
  if (b.rho <= 1e-9) return binomialUpperTailLog10(k, n, b.rate);
  if (k <= 0) return 0;
  if (k > n) return Number.NEGATIVE_INFINITY;
  if (k <= n * b.rate) return 0;
  const a = (b.rate * (1 - b.rho)) / b.rho;
  const c = ((1 - b.rate) * (1 - b.rho)) / b.rho;
  const lbetaAC = lnGamma(a) + lnGamma(c) - lnGamma(a + c);
  const first = lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) + lnGamma(k + a) + lnGamma(n - k + c) - lnGamma(n + a + c) - lbetaAC;
  // successive terms by their ratio: pmf(j+1)/pmf(j) = (n−j)/(j+1) · (j+a)/(n−j−1+c)
  let sum = 1;
  let term = 1;
  for (let j = k; j < n; j++) {
    term *= ((n - j) / (j + 1)) * ((j + a) / (n - j - 1 + c));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.min(0, (first + Math.log(sum)) / Math.LN10);
}

/** ln Γ(x) for x > 0 (Lanczos, as in stats.ts). */
function lnGamma(x: number): number {
  const g = 7;
  const coef = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = coef[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += coef[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

interface UnitStat {
  level: Level;
  unit: number;
  institution: number;
  k: number;
  n: number;
  /** peer rate it was tested against */
  rate: number;
  log10P: number;
  surprise: number;
}

export interface Concentration {
  institution: number;
  doctors: number[];
  patients: number[];
  claims: number[];
  flagged: FlaggedPatient[];
  /** the strongest unit found at this institution */
  best: UnitStat;
  surprise: number;
  /** which of the scanned patterns the strongest unit was found with (concentrateScan's order) */
  pattern?: number;
}

export interface DoctorStat {
  /** flagged patients */
  k: number;
  /** at-risk patients */
  n: number;
  /** peer rate of flagged patients */
  rate: number;
  log10P: number;
}

export interface ConcentrationResult {
  found: Concentration[];
  /** any doctor's flagged and at-risk patients against their peers, found or not */
  doctorStat: (doctor: number) => DoctorStat;
  flagged: FlaggedPatient[];
}

const levelLabel = (set: ClaimSet, level: Level, unit: number, dept: ReturnType<typeof departmentIds>): string =>
  level === 'doctor' ? set.doctors.name[unit]! : level === 'department' ? `${set.institutions.name[dept.institution[unit]!]} ${dept.name[unit]}` : set.institutions.name[unit]!;

/**
 * `patterns` is how many patterns the caller tests this way on the same units (e.g. two kinds of
 * mismatch): each is charged for all of them.
 */
export function concentrate(set: ClaimSet, flagged: FlaggedPatient[], exposure: Exposure, p: ConcentrationParams = CONCENTRATION_DEFAULTS, dept = departmentIds(set), patterns = 1): ConcentrationResult {
  const inst = set.institutions;
  const docs = set.doctors;
  // Flagged patients per unit (a patient counts once per unit however many doctors saw them there).
  const perDoctor = new Map<number, Set<number>>();
  const perDept = new Map<number, Set<number>>();
  const perInst = new Map<number, Set<number>>();
  const add = (m: Map<number, Set<number>>, key: number, patient: number) => (m.get(key) ?? m.set(key, new Set()).get(key)!).add(patient);
  for (const f of flagged) {
    add(perInst, f.institution, f.patient);
    for (const d of f.doctors) {
      add(perDoctor, d, f.patient);
      add(perDept, dept.ofDoctor[d]!, f.patient);
    }
  }
  const kindLevel = (i: number) => `${INSTITUTION_KINDS[inst.kind[i]!] ?? inst.kind[i]}|${inst.level[i]}`;
  const kindOnly = (i: number) => `${INSTITUTION_KINDS[inst.kind[i]!] ?? inst.kind[i]}`;
  // Peer groups from narrowest to broadest, per level, as small integer ids (the last, everyone, is 0).
  const keyIds = new Map<string, number>([['*', 0]]);
  const idOf = (key: string) => keyIds.get(key) ?? keyIds.set(key, keyIds.size).get(key)!;
  const keyCache = new Map<Level, Int32Array[]>();
  const peerKeys = (level: Level, unit: number): Int32Array => {
    let cache = keyCache.get(level);
    if (!cache) keyCache.set(level, (cache = []));
    let ids = cache[unit];
    if (ids) return ids;
    let keys: string[];
    if (level === 'institution') keys = [kindLevel(unit), kindOnly(unit), '*'];
    else {
      const i = level === 'doctor' ? docs.institution[unit]! : dept.institution[unit]!;
      const name = level === 'doctor' ? dept.name[dept.ofDoctor[unit]!]! : dept.name[unit]!;
      keys = [`${kindLevel(i)}|${name}`, kindLevel(i), kindOnly(i), '*'];
    }
    ids = Int32Array.from(keys, idOf);
    cache[unit] = ids;
    return ids;
  };
  const stats: UnitStat[] = [];
  let tested = 0;
  const levels: [Level, Int32Array, Map<number, Set<number>>][] = [
    ['doctor', exposure.doctor, perDoctor],
    ['department', exposure.department, perDept],
    ['institution', exposure.institution, perInst],
  ];
  const rateOf = new Map<string, (unit: number) => Baseline>();
  for (const [level, n, perUnit] of levels) if (p.levels.includes(level)) for (let u = 0; u < n.length; u++) if (Math.max(n[u]!, perUnit.get(u)?.size ?? 0) > 0) tested++;
  const charge = Math.log10(Math.max(1, tested) * Math.max(1, patterns));
  // Institutions where a unit was found (any level so far): their standing-out units are the ring's.
  const foundAt = new Set<number>();
  for (const [level, n, perUnit] of levels) {
    if (!p.levels.includes(level)) continue;
    // Units found significant are left out of everyone's baseline and the rates recomputed (a few
    // rounds): a ring at another hospital must not make this one's ring look ordinary.
    let outliers = new Set<number>();
    // Units that stand out at the nominal level under the plain binomial (SPREAD_TRIM_LOG10P, before any
    // charge for testing many) are kept out of the overdispersion estimate: a ring too small to be found
    // on its own must not hide another by inflating their peers' spread (two mis-coding doctors in one
    // peer group each made the other look ordinary).
    let clear: Set<number> | undefined;
    let rate: (u: number) => Baseline = () => ({ rate: 0.5, rho: 0 });
    let levelStats: UnitStat[] = [];
    for (let round = 0; round < 8; round++) {
      // k, n: every unit not yet found out; kt, nt: those not standing out either (the spread's mean)
      const pooled = new Map<number, { k: number; n: number; kt: number; nt: number; s: number; m: number; trials: number }>();
      const each = (fn: (u: number, ku: number, nu: number, key: number) => void) => {
        for (let u = 0; u < n.length; u++) {
          const ku = perUnit.get(u)?.size ?? 0;
          const nu = Math.max(n[u]!, ku);
          if (nu === 0 || outliers.has(u)) continue;
          for (const key of peerKeys(level, u)) fn(u, ku, nu, key);
        }
      };
      each((u, ku, nu, key) => {
        const e = pooled.get(key) ?? pooled.set(key, { k: 0, n: 0, kt: 0, nt: 0, s: 0, m: 0, trials: 0 }).get(key)!;
        e.k += ku;
        e.n += nu;
        if (clear?.has(u)) return;
        e.kt += ku;
        e.nt += nu;
      });
      // A colleague at the same institution who stands out at the nominal level is no baseline either: a
      // scheme's second doctor made its first look ordinary (an emergency department's only two doctors,
      // both splitting stays). Per peer group and institution, what such colleagues add to the pool. Nor
      // is a unit standing out at an institution where a ring was already found: it is most likely that
      // ring's (two hospitals' split-stay schemes, each with a second doctor in emergency, made each
      // other's second doctor look ordinary at twice the emergency doctors' rate). Per peer group, what
      // those add.
      const colleagues = new Map<string, { k: number; n: number }>();
      const ringside = new Map<number, { k: number; n: number }>();
      // as they stand this round: the rates below must leave out exactly what `ringside` holds
      const ringsAt = new Set(foundAt);
      const institutionOf = (u: number) => (level === 'doctor' ? docs.institution[u]! : level === 'department' ? dept.institution[u]! : -1);
      if (clear && level !== 'institution')
        each((u, ku, nu, key) => {
          if (!clear!.has(u)) return;
          const id = `${key}|${institutionOf(u)}`;
          const e = colleagues.get(id) ?? colleagues.set(id, { k: 0, n: 0 }).get(id)!;
          e.k += ku;
          e.n += nu;
          if (!ringsAt.has(institutionOf(u))) return;
          const r = ringside.get(key) ?? ringside.set(key, { k: 0, n: 0 }).get(key)!;
          r.k += ku;
          r.n += nu;
        });
      // How much more peers' rates differ than chance alone would make them (case mix, a department's
      // sicker patients): the intra-class correlation by the method of moments, for a beta-binomial tail.
      if (clear) {
        const trimmed = clear;
        each((u, ku, nu, key) => {
          if (trimmed.has(u)) return;
          const e = pooled.get(key)!;
          // spread around the mean of the units it is taken over, not one the standing-out units raise
          const pk = e.kt / e.nt;
          e.s += nu * (ku / nu - pk) ** 2;
          e.m++;
          e.trials += nu - 1;
        });
      }
      const excluded = outliers;
      const inSpread = (u: number) => clear !== undefined && !clear.has(u) && !excluded.has(u);
      // The unit's own patients are left out of its baseline; a Jeffreys half-count keeps a peer group
      // that never shows the pattern from making one occurrence infinitely surprising.
      rate = (u: number): Baseline => {
        const own = !excluded.has(u);
        const ku0 = own ? (perUnit.get(u)?.size ?? 0) : 0;
        const nu0 = own ? Math.max(n[u]!, perUnit.get(u)?.size ?? 0) : 0;
        for (const key of peerKeys(level, u)) {
          const e = pooled.get(key) ?? { k: 0, n: 0, kt: 0, nt: 0, s: 0, m: 0, trials: 0 };
          // the unit, its standing-out colleagues and the standing-out units of rings found elsewhere leave
          // the pool, each counted once (where the unit's own institution holds a ring, its colleagues are
          // among the ring's)
          const col = colleagues.get(`${key}|${institutionOf(u)}`) ?? { k: 0, n: 0 };
          const ring = ringside.get(key) ?? { k: 0, n: 0 };
          const away = ringsAt.has(institutionOf(u)) ? ring : { k: col.k + ring.k, n: col.n + ring.n };
          const selfIn = own && clear?.has(u);
          const ku = ku0 + away.k - (selfIn ? ku0 : 0);
          const nu = nu0 + away.n - (selfIn ? nu0 : 0);
          if (e.n - nu >= p.minPeerPatients || key === 0) {
            // the spread of the others, the unit's own rate left out of it too (around the spread's own mean)
            const pk = clear ? e.kt / Math.max(1, e.nt) : e.k / Math.max(1, e.n);
            let { s: spread, m, trials } = e;
            if (inSpread(u)) {
              spread -= nu0 * (ku0 / nu0 - pk) ** 2;
              m--;
              trials -= nu0 - 1;
            }
            // Only where peers typically see the pattern (expected count per unit ≥ 1) can their rates
            // show a spread beyond chance; with rarer events a unit has 0 or 1 and a moment estimate is
            // a handful of coincidences, so the binomial stands.
            const typical = m > 0 ? (pk * (trials + m)) / m : 0;
            const rho = typical >= 1 && pk < 1 ? Math.min(0.5, Math.max(0, (spread / (pk * (1 - pk)) - m) / trials)) : 0;
            return { rate: (e.k - ku + 0.5) / Math.max(1, e.n - nu + 1), rho };
          }
        }
        return { rate: 0.5, rho: 0 };
      };
      levelStats = [];
      for (const [u, patients] of perUnit) {
        const k = patients.size;
        const nu = Math.max(n[u]!, k);
        const b = rate(u);
        const log10P = upperTailLog10(k, nu, b);
        const institution = level === 'doctor' ? docs.institution[u]! : level === 'department' ? dept.institution[u]! : u;
        levelStats.push({ level, unit: u, institution, k, n: nu, rate: b.rate, log10P, surprise: -log10P - charge });
      }
      // Units found significant stay out of baselines and of the spread from then on (monotone, so the
      // rounds converge); the first round is binomial only (no spread estimated yet).
      const next = new Set([...outliers, ...levelStats.filter((x) => x.surprise >= MIN_SURPRISE).map((x) => x.unit)]);
      const same = clear !== undefined && next.size === outliers.size;
      if (!clear) clear = new Set(levelStats.filter((x) => x.log10P <= SPREAD_TRIM_LOG10P).map((x) => x.unit));
      for (const u of next) clear.add(u);
      outliers = next;
      for (const x of levelStats) if (outliers.has(x.unit)) foundAt.add(x.institution);
      if (same) break;
    }
    rateOf.set(level, rate);
    stats.push(...levelStats);
  }

  const byInstitution = new Map<number, UnitStat[]>();
  for (const s of stats) if (s.surprise >= MIN_SURPRISE) (byInstitution.get(s.institution) ?? byInstitution.set(s.institution, []).get(s.institution)!).push(s);
  const doctorRate = rateOf.get('doctor');
  const doctorStat = (d: number): DoctorStat => {
    const k = perDoctor.get(d)?.size ?? 0;
    const n = Math.max(exposure.doctor[d]!, k);
    // Membership inside an institution already found: the doctor's excess over the peer rate, binomial
    // (the spread between institutions' case mixes is what the discovery test allows for).
    const b = doctorRate ? doctorRate(d) : { rate: 0, rho: 0 };
    return { k, n, rate: b.rate, log10P: doctorRate ? binomialUpperTailLog10(k, n, b.rate) : 0 };
  };
  const aboveBaseline = (d: number) => {
    const t = doctorStat(d);
    return t.k > t.n * t.rate;
  };
  const flaggedAt = new Map<number, FlaggedPatient[]>();
  for (const f of flagged) (flaggedAt.get(f.institution) ?? flaggedAt.set(f.institution, []).get(f.institution)!).push(f);
  const found: Concentration[] = [];
  for (const [institution, units] of byInstitution) {
    const here = flaggedAt.get(institution) ?? [];
    const candidates = [...new Set(here.flatMap((f) => f.doctors))].filter((d) => docs.institution[d] === institution);
    const members = new Set<number>();
    // Doctors significant on their own …
    for (const u of units) if (u.level === 'doctor') members.add(u.unit);
    // … a department found more strongly than any one of its doctors is a department-wide scheme: its
    // doctors whose own excess is significant among the department's doctors are in it …
    for (const u of units) {
      if (u.level !== 'department') continue;
      const ownBest = Math.max(-Infinity, ...units.filter((x) => x.level === 'doctor' && dept.ofDoctor[x.unit] === u.unit).map((x) => x.surprise));
      if (u.surprise <= ownBest) continue;
      const colleagues = candidates.filter((d) => dept.ofDoctor[d] === u.unit);
      const deptBar = Math.log10(p.memberAlpha / Math.max(1, colleagues.length));
      for (const d of colleagues) if (doctorStat(d).log10P <= deptBar) members.add(d);
    }
    // … and colleagues whose own excess is significant among the institution's doctors, where the
    // institution or their department already stands out as a whole (so a smaller bar); a doctor found on
    // their own lends no colleague elsewhere in the house that smaller bar (a rehabilitation doctor's CT
    // scheme brought in the busiest surgeon's ordinary tail of long appendicitis stays). Found only as a
    // whole, the doctors there above their baseline share carry it.
    const depts = new Set(units.filter((u) => u.level === 'department').map((u) => u.unit));
    const whole = units.some((u) => u.level === 'institution');
    const standsOut = (d: number) => whole || depts.has(dept.ofDoctor[d]!);
    const bar = Math.log10(p.memberAlpha / Math.max(1, candidates.length));
    for (const d of candidates) if (standsOut(d) && doctorStat(d).log10P <= bar) members.add(d);
    if (members.size === 0) for (const d of candidates) if (standsOut(d) && aboveBaseline(d)) members.add(d);
    const doctors = [...members].sort((a, b) => a - b);
    const list = here.filter((f) => f.doctors.some((d) => members.has(d)));
    const patients = [...new Set(list.map((f) => f.patient))].sort((a, b) => a - b);
    if (patients.length === 0) continue;
    const claims = [...new Set(list.flatMap((f) => f.claims))].sort((a, b) => a - b);
    const best = units.reduce((a, b) => (b.surprise > a.surprise ? b : a));
    found.push({ institution, doctors, patients, claims, flagged: list, best, surprise: best.surprise });
  }
  found.sort((a, b) => b.surprise - a.surprise || a.institution - b.institution);
  return { found, doctorStat, flagged };
}

/** One flag per patient (the same patient at several rungs or patterns): the one with most claims, claims united. */
function uniqueFlagged(list: FlaggedPatient[]): FlaggedPatient[] {
  const by = new Map<number, FlaggedPatient>();
  for (const f of list) {
    const prev = by.get(f.patient);
    if (!prev) by.set(f.patient, f);
    else by.set(f.patient, { ...prev, doctors: [...new Set([...prev.doctors, ...f.doctors])], claims: [...new Set([...prev.claims, ...f.claims])].sort((a, b) => a - b), strength: Math.max(prev.strength ?? 0, f.strength ?? 0) });
  }
  return [...by.values()];
}

/**
 * The same concentration at a ladder of per-patient strengths: all flagged patients, then only the
 * stronger ones, and so on. Honest flags are mostly weak, so a handful of patients with an overwhelming
 * pattern at a big clinic still stand out against the (near-empty) baseline of strong flags, while many
 * weak ones stand out at the first rung. Each rung is charged for all of them; results at one
 * institution are merged.
 *
 * `tests`, when given, is each pattern's own charge (how many tests its error budget is split over),
 * for callers that scan groups of patterns with budgets of their own in one call.
 */
export function concentrateScan(
  set: ClaimSet,
  flagged: FlaggedPatient[] | FlaggedPatient[][],
  exposure: Exposure | readonly Exposure[],
  rungs: readonly number[],
  p: ConcentrationParams = CONCENTRATION_DEFAULTS,
  dept = departmentIds(set),
  scans = 1,
  tests?: readonly number[],
): Concentration[] {
  // Several patterns (kinds of mismatch) are scanned alike, each against its own baseline and its own
  // patients at risk (one exposure for all, or one per pattern), and charged for all — and for the other
  // scans (`scans`) a detector splits its error budget with (Bonferroni).
  const patterns = (flagged.length > 0 && Array.isArray(flagged[0]) ? flagged : [flagged]) as FlaggedPatient[][];
  const exposureOf = (k: number): Exposure => (Array.isArray(exposure) ? (exposure as readonly Exposure[])[k]! : (exposure as Exposure));
  const testsOf = (k: number) => tests?.[k] ?? patterns.length * rungs.length * scans;
  const results = patterns.flatMap((list, k) => rungs.map((min) => ({ pattern: k, ...concentrate(set, list.filter((f) => (f.strength ?? 0) >= min), exposureOf(k), p, dept, testsOf(k)) })));
  const byInstitution = new Map<number, Concentration[]>();
  for (const r of results) for (const c of r.found) (byInstitution.get(c.institution) ?? byInstitution.set(c.institution, []).get(c.institution)!).push({ ...c, pattern: r.pattern });
  const out: Concentration[] = [];
  for (const found of byInstitution.values()) {
    // The strongest finding leads; the others' doctors join it. Their patients join it as they are where
    // the doctor is new to the ring; a lead doctor's patients flagged in another pattern or rung only as
    // the "extra" patients below do.
    const lead = found.reduce((a, b) => (b.surprise > a.surprise ? b : a));
    const leadDoctors = new Set(lead.doctors);
    const others = found.filter((x) => x !== lead);
    const theirs = others.flatMap((x) => x.flagged.filter((f) => !f.doctors.some((d) => leadDoctors.has(d))));
    const c: Concentration =
      others.length === 0
        ? lead
        : {
            ...lead,
            doctors: [...new Set([...lead.doctors, ...others.flatMap((x) => x.doctors)])].sort((a, b) => a - b),
            patients: [...new Set([...lead.patients, ...theirs.map((f) => f.patient)])].sort((a, b) => a - b),
            claims: [...new Set([...lead.claims, ...theirs.flatMap((f) => f.claims)])].sort((a, b) => a - b),
            flagged: uniqueFlagged([...lead.flagged, ...theirs]),
          };
    // A doctor found at one rung (or pattern) also answers for flags at another where at least half of
    // their flagged patients there are beyond what their peers' rate explains (a mis-coding doctor's
    // patients billed once, beside those billed twice; their patients billed against their sex beside
    // those billed above the clinic's level). The patients the ring already has are left out of that
    // count: a doctor's own ring must not make their honest flags elsewhere look like excess.
    // Measured on 17 datasets: over-treatment 0.857 → 0.903 (varied 4), 0.929 → 0.972 (5), 0.881 → 0.900 (7),
    // 0.904 → 0.929 (red hard-4); split hospitalization 0.973 → 0.943 on red hard-1, −0.01 on hard-2/3.
    const members = new Set(c.doctors);
    const inRing = new Set(c.patients);
    const extra = results.flatMap((r) => {
      const known = new Map<number, number>();
      for (const f of r.flagged) if (f.institution === c.institution && inRing.has(f.patient)) for (const d of f.doctors) known.set(d, (known.get(d) ?? 0) + 1);
      return r.flagged.filter((f) => {
        if (f.institution !== c.institution || inRing.has(f.patient)) return false;
        return f.doctors.some((d) => {
          if (!members.has(d)) return false;
          const t = r.doctorStat(d);
          const a = known.get(d) ?? 0;
          // twice the peers' rate, and beyond chance at the member bar: two flags where one is expected are
          // a busy doctor's ordinary tail, not a second pattern of the ring
          return t.k - a >= 2 * (t.n - a) * t.rate && binomialUpperTailLog10(t.k - a, t.n - a, t.rate) <= Math.log10(p.memberAlpha);
        });
      });
    });
    out.push(
      extra.length === 0
        ? c
        : {
            ...c,
            patients: [...new Set([...c.patients, ...extra.map((f) => f.patient)])].sort((a, b) => a - b),
            claims: [...new Set([...c.claims, ...extra.flatMap((f) => f.claims)])].sort((a, b) => a - b),
            flagged: uniqueFlagged([...c.flagged, ...extra]),
          },
    );
  }
  return out.sort((a, b) => b.surprise - a.surprise || a.institution - b.institution);
}

/** The ring candidate of a concentration: members with their roles, claims, surprise and confidence. */
export function candidateOf(set: ClaimSet, family: Family, c: Concentration, evidence: Evidence[]): RingCandidate {
  const m = new MemberList();
  m.add('institution', c.institution, 'institution');
  for (const d of c.doctors) m.add('doctor', d, 'doctor');
  for (const person of c.patients) m.add('person', person, 'patient');
  const surprise = Math.round(c.surprise * 100) / 100;
  return { family, members: m.list, claims: c.claims, evidence, confidence: calibratedConfidence(surprise), surprise };
}

/** The evidence sentence of the concentration itself: how far above their peers the unit stands. */
export function concentrationEvidence(set: ClaimSet, key: string, c: Concentration, dept = departmentIds(set), population: { inpatients?: true; item?: string; diagnosis?: string } = {}): Evidence {
  const b = c.best;
  const entities: EntityRef[] = [{ type: 'institution', index: c.institution }, ...c.doctors.map((index) => ({ type: 'doctor' as const, index }))];
  return {
    key,
    facts: {
      unit: levelLabel(set, b.level, b.unit, dept),
      level: b.level,
      flagged: b.k,
      atRisk: b.n,
      percent: round(100 * (b.k / b.n), 1),
      peerPercent: round(100 * b.rate, 2),
      expected: round(b.n * b.rate, 1),
      log10P: Math.round(b.log10P),
      doctors: c.doctors.map((d) => set.doctors.name[d]).join('、'),
      // who counts as at risk when not every patient does: inpatients, those admitted with one
      // diagnosis, or those billed one item
      ...(population.inpatients ? { atRiskInpatients: 1 } : {}),
      ...(population.item ? { atRiskItem: population.item } : {}),
      ...(population.diagnosis ? { atRiskDiagnosis: population.diagnosis } : {}),
    },
    entities,
    claims: c.claims,
    weight: Math.min(1, c.surprise / 12),
  };
}

export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
