import type { ClaimDraft, ClaimFactory } from '../claims.ts';
import { ageOn, type Institution, type Population } from '../population.ts';
import type { Rng } from '../random.ts';

/** What planting a scenario needs and produces. Members are entity indices until the writer names them. */

export type MemberType = 'person' | 'card' | 'doctor' | 'institution';

export interface Member {
  type: MemberType;
  index: number;
  role: string;
  /** hard negatives: an institution the group is about (see evaluation/formats.ts) */
  core?: boolean;
}

export interface ScenarioParams {
  count: number;
  minSize: number;
  maxSize: number;
  /** 0..1: how many fraudulent claims each member gets and how sharp the signal is */
  strength: number;
  /** days the ring is active */
  spreadDays: number;
  /** 0..1: chance that a member is shared with an earlier ring of the same family */
  overlap: number;
  /** --profile varied only: plant every ring of the family as this variant (default: a mix, see VARIANTS) */
  variant?: string;
}

export interface PlantedGroup {
  id: string;
  family: string;
  size: number;
  strength: number;
  startDay: number;
  endDay: number;
  members: Member[];
  claims: ClaimDraft[];
  description: string;
  /** --profile varied: the family variant the ring was planted as ('classic' or a name from VARIANTS) */
  variant?: string;
}

export interface PersonFilter {
  region?: number;
  minAge?: number;
  maxAge?: number;
  gender?: 0 | 1;
  householdMin?: number;
  /** the person's chronic condition (diagnosis index) */
  chronic?: number;
  /** holds an e-voucher besides the physical card */
  eVoucher?: boolean;
  /** insured as an employee (职工医保) */
  employee?: boolean;
  /** not a member of this household (its first member's index) */
  notHousehold?: number;
}

export class PlantContext {
  /** planted claims by the person whose card they were charged to */
  readonly claimsByHolder = new Map<number, ClaimDraft[]>();
  /** persons already in some ring or hard-negative group: keeps ground truth unambiguous */
  private readonly usedPersons: Uint8Array;
  readonly reservedInstitutions = new Set<number>();
  /** institutions a hard negative is about: rings never use them, even when a small region runs out */
  readonly negativeInstitutions = new Set<number>();
  plantedClaims = 0;

  constructor(
    readonly pop: Population,
    readonly factory: ClaimFactory,
  ) {
    this.usedPersons = new Uint8Array(pop.persons.count);
  }

  addClaim(c: ClaimDraft): ClaimDraft {
    const holder = c.card >>> 1;
    let list = this.claimsByHolder.get(holder);
    if (!list) {
      list = [];
      this.claimsByHolder.set(holder, list);
    }
    c.planted = true;
    list.push(c);
    this.plantedClaims++;
    return c;
  }

  ageOf(person: number): number {
    return ageOn(this.pop.persons.birthDay[person]!, this.factory.period.startDay);
  }

  matches(person: number, f: PersonFilter): boolean {
    const p = this.pop.persons;
    if (f.region !== undefined && p.region[person] !== f.region) return false;
    if (f.gender !== undefined && p.gender[person] !== f.gender) return false;
    if (f.householdMin !== undefined && p.householdSize[person]! < f.householdMin) return false;
    if (f.chronic !== undefined && p.chronic[person] !== f.chronic) return false;
    if (f.eVoucher !== undefined && (p.hasEVoucher[person] === 1) !== f.eVoucher) return false;
    if (f.employee !== undefined && (p.employee[person] === 1) !== f.employee) return false;
    if (f.notHousehold !== undefined && p.household[person] === f.notHousehold) return false;
    const age = this.ageOf(person);
    if (f.minAge !== undefined && age < f.minAge) return false;
    if (f.maxAge !== undefined && age > f.maxAge) return false;
    return true;
  }

  /** Unused persons matching the filter; fewer than k only when the population runs out. */
  takePersons(rng: Rng, k: number, filter: PersonFilter = {}): number[] {
    const n = this.pop.persons.count;
    const out: number[] = [];
    for (let tries = 0; out.length < k && tries < k * 400; tries++) {
      const person = rng.int(n);
      if (this.usedPersons[person] || !this.matches(person, filter)) continue;
      this.usedPersons[person] = 1;
      out.push(person);
    }
    return out;
  }

  markUsed(person: number): void {
    this.usedPersons[person] = 1;
  }

  isUsed(person: number): boolean {
    return this.usedPersons[person] === 1;
  }

  /** `size` persons, some (per `overlap`) borrowed from earlier rings of the family: partial overlap. */
  ringPersons(rng: Rng, size: number, overlap: number, earlier: readonly number[], filter: PersonFilter = {}): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < size && earlier.length > 0; i++) {
      if (!rng.chance(overlap)) continue;
      const p = rng.pick(earlier);
      if (!seen.has(p)) {
        seen.add(p);
        out.push(p);
      }
    }
    for (const p of this.takePersons(rng, size - out.length, filter)) out.push(p);
    return out;
  }

  /** A random institution of the kind in the region, never one held back for a hard negative. */
  institution(rng: Rng, region: number, kind: 'hospital' | 'clinic' | 'pharmacy', accept: (i: Institution) => boolean = () => true): number {
    const r = this.pop.byRegion[region]!;
    const list = kind === 'hospital' ? r.hospitals : kind === 'clinic' ? r.clinics : r.pharmacies;
    const candidates = list.filter((i) => !this.reservedInstitutions.has(i) && accept(this.pop.institutions[i]!));
    if (candidates.length > 0) return rng.pick(candidates);
    // A small region has run out: share an institution with another ring, never with a hard negative.
    const shared = list.filter((i) => !this.negativeInstitutions.has(i));
    return rng.pick(shared.length > 0 ? shared : list);
  }

  /**
   * institution() for the varied variants: when a small region has run out of free institutions, it still
   * honours `accept` (distinct pharmacies in a chain, beds for a stay) among those other rings use, before
   * giving up on it. Never a hard negative's, unless the region has nothing else.
   */
  variantInstitution(rng: Rng, region: number, kind: 'hospital' | 'clinic' | 'pharmacy', accept: (i: Institution) => boolean = () => true): number {
    const r = this.pop.byRegion[region]!;
    const list = kind === 'hospital' ? r.hospitals : kind === 'clinic' ? r.clinics : r.pharmacies;
    const free = list.filter((i) => !this.reservedInstitutions.has(i) && accept(this.pop.institutions[i]!));
    if (free.length > 0) return rng.pick(free);
    const shared = list.filter((i) => !this.negativeInstitutions.has(i));
    const fitting = shared.filter((i) => accept(this.pop.institutions[i]!));
    return rng.pick(fitting.length > 0 ? fitting : shared.length > 0 ? shared : list);
  }

  /** A window of `spreadDays` inside the period. */
  window(rng: Rng, spreadDays: number): { start: number; end: number } {
    const days = this.factory.days;
    const len = Math.max(1, Math.min(days, spreadDays));
    const start = rng.int(days - len + 1);
    return { start, end: start + len - 1 };
  }
}

export function ringSize(rng: Rng, params: ScenarioParams): number {
  return rng.range(params.minSize, params.maxSize);
}

/**
 * A size for variants whose form sets its own range (a slow farm holds 15–40 cards): at least the form's
 * range, more when --scenarios asks for more, never above 1/40 of the population.
 */
export function variantSize(ctx: PlantContext, rng: Rng, params: ScenarioParams, lo: number, hi: number): number {
  const cap = Math.max(3, Math.floor(ctx.pop.persons.count / 40));
  const top = Math.max(hi, params.maxSize);
  return Math.min(cap, rng.range(Math.min(top, Math.max(lo, params.minSize)), top));
}

/** A window of at least `minDays` (and of --scenarios spread when longer), for patterns that need months. */
export function longWindow(ctx: PlantContext, rng: Rng, params: ScenarioParams, minDays: number): { start: number; end: number } {
  return ctx.window(rng, Math.max(params.spreadDays, minDays));
}

/** Great-circle distance in km between two institutions. */
export function distanceKm(a: Institution, b: Institution): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** Within [lo, hi]: a per-ring constant drawn from a realistic range. */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.float() * (hi - lo);
}

/**
 * Reserves a ring's institution (hard negatives never reuse it) and picks the 1–2 doctors who bill for the
 * ring, from departments that treat the ring's diagnoses in adults — the fraud hides behind plausible billing.
 */
export function reserveRingInstitution(ctx: PlantContext, rng: Rng, instIndex: number, diagnoses: readonly number[]) {
  ctx.reservedInstitutions.add(instIndex);
  const inst = ctx.pop.institutions[instIndex]!;
  return { inst, doctors: rng.sample(ringDoctorCandidates(ctx, instIndex, diagnoses), rng.range(1, 2)) };
}

/** Doctors of the institution fitting every one of the diagnoses, else those fitting the first. */
export function ringDoctorCandidates(ctx: PlantContext, instIndex: number, diagnoses: readonly number[]): readonly number[] {
  const lists = diagnoses.map((d) => ctx.factory.fittingDoctors(instIndex, d, false));
  const all = lists[0]!.filter((doctor) => lists.every((l) => l.includes(doctor)));
  return all.length > 0 ? all : lists[0]!;
}

/** The institution and doctor members every single-institution ring starts with. */
export function institutionRingMembers(instIndex: number, doctors: readonly number[]): Member[] {
  return [{ type: 'institution', index: instIndex, role: 'institution' }, ...doctors.map((index): Member => ({ type: 'doctor', index, role: 'doctor' }))];
}

export function personMembers(persons: readonly number[], role: string): Member[] {
  return persons.map((index) => ({ type: 'person', index, role }));
}
