import type { ClaimSet } from '../claim-set.ts';

/** What every detector returns: candidate rings over entity indices of the ClaimSet, with the facts behind them. */

export const FAMILIES = [
  'card-lending',
  'card-farming',
  'kickback',
  'recruited-patients',
  'split-hospitalization',
  'over-treatment',
  'trace-code-reuse',
  'code-mismatch',
] as const;
export type Family = (typeof FAMILIES)[number];

export type EntityType = 'person' | 'card' | 'doctor' | 'institution';

export interface EntityRef {
  type: EntityType;
  index: number;
}

export interface CandidateMember extends EntityRef {
  role: string;
}

/**
 * One piece of evidence: a key naming the sentence template (detection/evidence.ts renders it in
 * Chinese and English), the numbers and names behind it, and the entities it speaks of so the
 * workbench can highlight them.
 */
export interface Evidence {
  key: string;
  facts: Record<string, number | string>;
  entities: EntityRef[];
  /**
   * The claims the sentence counts, when it counts specific ones ("23 settlements bill items that
   * contradict…"): the workbench opens exactly these. Absent for sentences about the ring as a whole.
   */
  claims?: number[];
  /** how much this item supports the ring, 0..1 */
  weight: number;
}

export interface RingCandidate {
  family: Family;
  members: CandidateMember[];
  /** the claims that are evidence (indices into set.claims) */
  claims: number[];
  evidence: Evidence[];
  /** the detector's confidence that this is a real ring, 0..1 (calibratedConfidence of its surprise) */
  confidence: number;
  /**
   * The calibrated evidence behind the confidence: −log10 of the group's tail probability under the
   * data's own baseline, less log10 of the number of groups the detector tested (a Bonferroni charge),
   * so 2 means "p ≤ 0.01 after looking everywhere". Comparable across families; the queue ranks by it.
   */
  surprise?: number;
}

/** Below this calibrated surprise a candidate is not emitted: the minimum-evidence bar of every detector. */
export const MIN_SURPRISE = 2;

/** Confidence 0..1 from calibrated surprise: 2 → 0.28, 6 → 0.63, 12 → 0.86, 20 → 0.96. */
export function calibratedConfidence(surprise: number): number {
  return surprise <= 0 ? 0 : 1 - Math.exp(-surprise / 6);
}

export type Detector<P> = (set: ClaimSet, params: P) => RingCandidate[];

/** Adds a member once; a second role for the same entity is ignored (the first is the stronger one). */
export class MemberList {
  private readonly seen = new Set<string>();
  readonly list: CandidateMember[] = [];
  add(type: EntityType, index: number, role: string): void {
    if (index < 0) return;
    const key = `${type}:${index}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ type, index, role });
  }
  has(type: EntityType, index: number): boolean {
    return this.seen.has(`${type}:${index}`);
  }
}
