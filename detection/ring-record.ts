import type { Family } from '../algorithms/detectors/types.ts';

/** A detected ring as stored (Neo4j), written to the detected-rings JSON and served by the API. */

export interface RingMemberRecord {
  type: 'person' | 'card' | 'doctor' | 'institution';
  id: string;
  role: string;
  name?: string;
}

export interface EvidenceRecord {
  key: string;
  zh: string;
  en: string;
  facts: Record<string, number | string>;
  /** entities the sentence speaks of, as "type:id" */
  entities: string[];
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
  keyPersons: { id: string; name: string; centrality: number }[];
  evidence: EvidenceRecord[];
}

export const memberKey = (m: { type: string; id: string }) => `${m.type}:${m.id}`;

/**
 * The order rings are ranked in everywhere (assembly, the partitioned merge, after verdict feedback):
 * best score first; money at risk breaks ties, so equal scores put the costlier ring higher; then the
 * smaller ring. Array.prototype.sort is stable, so rings equal on all three keep the order they came in.
 */
export const byRank = (a: RingRecord, b: RingRecord): number => b.score - a.score || b.fundPaid - a.fundPaid || a.members.length - b.members.length;
