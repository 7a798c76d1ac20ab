import { claimHolder, claimId, dateOfDay, type ClaimSet } from '../algorithms/claim-set.ts';
import type { EntityRef } from '../algorithms/detectors/types.ts';
import { evidenceText } from './evidence-text.ts';
import { roleBases } from './role-basis.ts';
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
 * Persons who stand out in the ring's own graph: evidence claims link the person charged (card
 * holder) and the person served to the institution, doctor, card and date of the claim; a person's
 * reach is how many of those they touch. Only persons whose reach sets them apart are named: at most
 * five, and a tie is never broken by position — when the fifth and sixth reach as far, neither is
 * named; when everybody reaches equally (five patients at all eight group visits), nobody is.
 */
export function keyPersons(set: ClaimSet, c: Pick<ResolvedCandidate, 'members' | 'claims'>): { index: number; centrality: number; reach: number; maxReach: number; minReach: number }[] {
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
  const ranked = [...score.entries()].map(([index, s]) => ({ index, reach: s.size })).sort((a, b) => b.reach - a.reach || a.index - b.index);
  if (!ranked.length) return [];
  const maxReach = ranked[0]!.reach;
  // Persons who reach no farther than the least-reaching one do not stand out.
  const floor = ranked.at(-1)!.reach;
  let named = ranked.filter((k) => k.reach > floor).slice(0, 5);
  const next = ranked[named.length];
  if (next && named.length && next.reach === named.at(-1)!.reach) named = named.filter((k) => k.reach > next.reach);
  return named.map((k) => ({ index: k.index, reach: k.reach, maxReach, minReach: floor, centrality: Math.round((k.reach / maxReach) * 100) / 100 }));
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
    const bases = roleBases(set, cand.members, cand.claims);
    const members: RingMemberRecord[] = cand.members.map((m, k) => {
      const name = entityName(set, m);
      const basis = bases[k];
      return { type: m.type, id: entityId(set, m), role: basis ? m.role : 'member', ...(name ? { name } : {}), ...(basis ? { basis } : {}) };
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
      claimIds: cand.claims.map((i) => claimId(c.id, i)),
      totalAmount: Math.round(total * 100) / 100,
      fundPaid: Math.round(fund * 100) / 100,
      keyPersons: keyPersons(set, cand).map((k) => ({
        id: set.persons.id[k.index]!,
        name: set.persons.name[k.index] ?? '',
        centrality: k.centrality,
        basis: {
          zh: `其结算连接 ${k.reach} 个不同的机构、卡、医生和日期（团伙成员中最多 ${k.maxReach}、最少 ${k.minReach}）`,
          en: `their settlements join ${k.reach} distinct institutions, cards, doctors and dates (in this ring: at most ${k.maxReach}, at least ${k.minReach})`,
        },
      })),
      evidence: cand.evidence.map((e) => ({
        key: e.key,
        ...evidenceText(e),
        facts: e.facts,
        entities: e.entities.map((x) => `${x.type}:${entityId(set, x)}`),
        ...(e.claims ? { claimIds: [...new Set(e.claims)].sort((a, b) => a - b).map((i) => claimId(c.id, i)) } : {}),
        weight: Math.round(e.weight * 100) / 100,
      })),
    };
  });
  // Best first; money at risk breaks ties so equal scores put the costlier ring higher.
  records.sort(byRank);
  records.forEach((r, k) => (r.ringId = `${runLabel}-${String(k + 1).padStart(4, '0')}`));
  return records;
}
