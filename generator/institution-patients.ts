import type { ClaimDraft } from './claims.ts';
import type { PlantContext, PlantedGroup } from './scenarios/context.ts';

/**
 * The honest patients behind the institution-centred hard negatives, picked while claims are written
 * (their claims are background claims, which exist only then):
 * - giant-hospital: patients with at least GIANT_MIN_CLAIMS claims at the hub hospital — frequent visitors
 *   who co-visit with thousands of others;
 * - pharmacy-beside-hospital: patients carrying the hospital's external prescriptions to that pharmacy,
 *   with those fills and their visits at the hospital.
 * Each group lists at most PATIENTS_PER_GROUP patients (the first in person order): enough to show the
 * pattern, small enough for the ground truth to stay readable. Persons in a ring or another group are never
 * listed, so ground truth stays unambiguous.
 */
export const PATIENTS_PER_GROUP = 100;
export const GIANT_MIN_CLAIMS = 3;

interface Target {
  group: PlantedGroup;
  kind: 'giant' | 'beside';
  /** giant: the hospital; beside: the pharmacy */
  institution: number;
  /** beside: the hospital whose prescriptions the pharmacy fills */
  hospital: number;
  patients: number;
}

interface Picked {
  target: Target;
  claims: ClaimDraft[];
}

const NONE: readonly Picked[] = [];

export class InstitutionPatients {
  private readonly targets: Target[] = [];

  constructor(
    private readonly ctx: PlantContext,
    negatives: readonly PlantedGroup[],
  ) {
    for (const group of negatives) {
      if (group.family !== 'giant-hospital' && group.family !== 'pharmacy-beside-hospital') continue;
      const giant = group.family === 'giant-hospital';
      const institutions = group.members.filter((m) => m.type === 'institution');
      const pharmacy = institutions.find((m) => m.role === 'pharmacy');
      const hospital = institutions.find((m) => m.role === (giant ? 'hub-hospital' : 'hospital'))!;
      const target: Target = { group, kind: giant ? 'giant' : 'beside', institution: giant ? hospital.index : pharmacy!.index, hospital: hospital.index, patients: 0 };
      this.targets.push(target);
    }
  }

  /** The claims of this person's chunk that would list them in a group; empty for almost everybody. */
  select(person: number, chunk: readonly ClaimDraft[]): readonly Picked[] {
    if (this.targets.length === 0 || this.ctx.isUsed(person)) return NONE;
    let out: Picked[] | undefined;
    for (const target of this.targets) {
      if (target.patients >= PATIENTS_PER_GROUP) continue;
      const claims = target.kind === 'giant' ? this.giantClaims(target, chunk) : this.besideClaims(target, chunk);
      if (claims.length > 0) (out ??= []).push({ target, claims });
    }
    return out ?? NONE;
  }

  /** Lists the person with the selected claims; their ids must have been assigned. */
  record(person: number, picked: readonly Picked[]): void {
    for (const { target, claims } of picked) {
      target.patients++;
      target.group.members.push({ type: 'person', index: person, role: target.kind === 'giant' ? 'frequent-patient' : 'prescription-patient' });
      // Copies: written drafts go back to the factory's pool.
      for (const c of claims) target.group.claims.push({ ...c, lines: [] });
    }
  }

  /** Says in each group's description how many patients it lists. */
  finish(): void {
    for (const t of this.targets) t.group.description += `; ${t.patients} of its patients listed${t.patients >= PATIENTS_PER_GROUP ? ' (capped)' : ''}`;
  }

  private giantClaims(target: Target, chunk: readonly ClaimDraft[]): ClaimDraft[] {
    let n = 0;
    for (const c of chunk) if (c.institution === target.institution && !c.planted) n++;
    if (n < GIANT_MIN_CLAIMS) return [];
    return chunk.filter((c) => c.institution === target.institution && !c.planted);
  }

  private besideClaims(target: Target, chunk: readonly ClaimDraft[]): ClaimDraft[] {
    if (!chunk.some((c) => this.isFill(target, c))) return [];
    return chunk.filter((c) => this.isFill(target, c) || (!c.planted && c.institution === target.hospital && c.kind === 'outpatient'));
  }

  private isFill(target: Target, c: ClaimDraft): boolean {
    return !c.planted && c.institution === target.institution && c.rxDoctor >= 0 && this.ctx.pop.doctors[c.rxDoctor]!.institution === target.hospital;
  }
}
