import { claimHolder, dateOfDay, type ClaimSet } from '../algorithms/claim-set.ts';
import type { EntityRef } from '../algorithms/detectors/types.ts';
import { evidenceText } from './evidence-text.ts';
import type { ResolvedCandidate } from './resolve-overlaps.ts';
import { byRank, type RingMemberRecord, type RingRecord } from './ring-record.ts';

/**
 * Turns resolved candidates (entity indices) into ring records (natural keys, names, money, period,
 * key persons, a 0–100 score, evidence sentences), ranked best first. Ring ids here are provisional;
 * tracking replaces them with the ids of the same rings in earlier runs.
 */

function entityId(set: ClaimSet, e: EntityRef): string {
  return e.type === 'person' ? set.persons.id[e.index]! : e.type === 'card' ? set.cards.id[e.index]! : e.type === 'doctor' ? set.doctors.id[e.index]! : set.institutions.id[e.index]!;
}

function entityName(set: ClaimSet, e: EntityRef): string | undefined {
  const n = e.type === 'person' ? set.persons.name[e.index] : e.type === 'doctor' ? set.doctors.name[e.index] : e.type === 'institution' ? set.institutions.name[e.index] : undefined;
  return n ? n : undefined;
}

/**
 * Weighted degree of each person in the ring's own graph: evidence claims link the person charged
 * (card holder) and the person served to the institution, doctor and card of the claim. The organizer
 * who uses every lent card, or the patient at every group visit, comes out on top.
 */
function keyPersons(set: ClaimSet, c: ResolvedCandidate): { index: number; centrality: number }[] {
  const persons = new Set(c.members.filter((m) => m.type === 'person').map((m) => m.index));
  const score = new Map<number, Set<string>>();
  const touch = (p: number, other: string) => {
    if (!persons.has(p)) return;
    (score.get(p) ?? score.set(p, new Set()).get(p)!).add(other);
  };
  for (const i of c.claims) {
    const others = [`i${set.claims.institution[i]}`, `c${set.claims.card[i]}`, `d${set.claims.doctor[i]}`, `t${set.claims.day[i]}`];
    for (const o of others) {
      touch(claimHolder(set, i), o);
      if (set.claims.served[i]! >= 0) touch(set.claims.served[i]!, o);
    }
  }
  const max = Math.max(1, ...[...score.values()].map((s) => s.size));
  return [...score.entries()]
    .map(([index, s]) => ({ index, centrality: Math.round((s.size / max) * 100) / 100 }))
    .sort((a, b) => b.centrality - a.centrality || a.index - b.index)
    .slice(0, 5);
}

/** 0–100: mostly the detector's confidence, then corroboration by other families and breadth of evidence. */
export function ringScore(c: ResolvedCandidate): number {
  const breadth = Math.min(1, c.evidence.filter((e) => e.weight > 0.3).length / 4);
  const corroboration = Math.min(1, c.supportingFamilies.length / 2);
  return Math.round(100 * Math.min(1, 0.8 * c.confidence + 0.1 * breadth + 0.1 * corroboration) * 10) / 10;
}

export function assembleRings(set: ClaimSet, candidates: readonly ResolvedCandidate[], runLabel: string): RingRecord[] {
  const c = set.claims;
  const records = candidates.map((cand): RingRecord => {
    const members: RingMemberRecord[] = cand.members.map((m) => {
      const name = entityName(set, m);
      return { type: m.type, id: entityId(set, m), role: m.role, ...(name ? { name } : {}) };
    });
    let total = 0;
    let fund = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const regions = new Map<number, number>();
    for (const i of cand.claims) {
      total += c.total[i]!;
      fund += c.fund[i]!;
      first = Math.min(first, c.day[i]!);
      last = Math.max(last, c.day[i]!);
      const r = set.institutions.region[c.institution[i]!]!;
      regions.set(r, (regions.get(r) ?? 0) + 1);
    }
    const region = [...regions.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    return {
      ringId: '',
      family: cand.family,
      supportingFamilies: cand.supportingFamilies,
      score: ringScore(cand),
      members,
      institutions: cand.members.filter((m) => m.type === 'institution').map((m) => set.institutions.id[m.index]!),
      region: region !== undefined && region >= 0 ? set.regions.code[region]! : null,
      period: cand.claims.length ? { start: dateOfDay(first), end: dateOfDay(last) } : null,
      claimCount: cand.claims.length,
      claimIds: cand.claims.map((i) => c.id[i]!),
      totalAmount: Math.round(total * 100) / 100,
      fundPaid: Math.round(fund * 100) / 100,
      keyPersons: keyPersons(set, cand).map((k) => ({ id: set.persons.id[k.index]!, name: set.persons.name[k.index] ?? '', centrality: k.centrality })),
      evidence: cand.evidence.map((e) => ({ key: e.key, ...evidenceText(e), facts: e.facts, entities: e.entities.map((x) => `${x.type}:${entityId(set, x)}`), weight: Math.round(e.weight * 100) / 100 })),
    };
  });
  // Best first; money at risk breaks ties so equal scores put the costlier ring higher.
  records.sort(byRank);
  records.forEach((r, k) => (r.ringId = `${runLabel}-${String(k + 1).padStart(4, '0')}`));
  return records;
}
