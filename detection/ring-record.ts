import type { Family } from '../algorithms/detectors/types.ts';
import type { RoleBasis } from './role-basis.ts';

/** A detected ring as stored (Neo4j), written to the detected-rings JSON and served by the API. */

export interface RingMemberRecord {
  type: 'person' | 'card' | 'doctor' | 'institution';
  id: string;
  /** what the detector says the entity is in the pattern; 'member' when no evidence claim backs a role */
  role: string;
  name?: string;
  /** the numbers of the ring's evidence claims that earned the role (detection/role-basis.ts); absent: no role earned */
  basis?: RoleBasis;
}

export interface EvidenceRecord {
  key: string;
  zh: string;
  en: string;
  facts: Record<string, number | string>;
  /** entities the sentence speaks of, as "type:id" */
  entities: string[];
  /** the claims the sentence counts, when it counts specific ones (absent in rings stored before they were kept) */
  claimIds?: string[];
  weight: number;
}

export interface RingRecord {
  /** stable across runs (tracking keeps it when the ring is found again) */
  ringId: string;
  family: Family;
  supportingFamilies: Family[];
  score: number;
  members: RingMemberRecord[];
  institutions: string[];
  region: string | null;
  period: { start: string; end: string } | null;
  claimCount: number;
  claimIds: string[];
  totalAmount: number;
  fundPaid: number;
  /** persons who stand out in the ring's claim network, with the numbers that set them apart; empty when nobody does */
  keyPersons: KeyPerson[];
  evidence: EvidenceRecord[];
  /** the detector's score when verdict feedback moved `score`; absent when nothing did */
  detectorScore?: number;
  /**
   * How the bureau's own verdicts moved the ring in the ranking (detection/verdict-feedback.ts). Not
   * evidence — never printed as such — and shown apart from it.
   */
  rankingFeedback?: RankingAdjustment[];
}

/** One ranking adjustment from earlier verdicts: a sentence in both languages and its numbers. */
export interface RankingAdjustment {
  key: string;
  zh: string;
  en: string;
  facts: Record<string, number | string>;
  /** entities the adjustment speaks of, as "type:id" */
  entities: string[];
}

export interface KeyPerson {
  id: string;
  name: string;
  centrality: number;
  /** why this person is named: how many distinct institutions, cards, doctors and dates their claims join */
  basis?: { zh: string; en: string };
}

export const memberKey = (m: { type: string; id: string }) => `${m.type}:${m.id}`;

/**
 * The order rings are ranked in everywhere (assembly, the partitioned merge, after verdict feedback):
 * best score first; money at risk breaks ties, so equal scores put the costlier ring higher; then the
 * smaller ring. Array.prototype.sort is stable, so rings equal on all three keep the order they came in.
 */
export const byRank = (a: RingRecord, b: RingRecord): number => b.score - a.score || b.fundPaid - a.fundPaid || a.members.length - b.members.length;
