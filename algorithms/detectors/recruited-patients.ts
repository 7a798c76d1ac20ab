import { KIND, type ClaimSet } from '../claim-set.ts';
import { ringCommunities } from '../communities.ts';
import { coefficientOfVariation, mean } from '../stats.ts';
import { coVisitEdges, patientOf, type CoVisitParams } from './co-visits.ts';
import { MemberList, type Evidence, type RingCandidate } from './types.ts';

/**
 * 组团就医 / 虚假就医: groups of patients brought to one institution together, again and again, all
 * billed the same items. Co-visit projection → communities (resolution-limit safe) → confirmed only when
 * the group really arrives together (group events), gets the same item combination and the same amounts.
 */

export interface RecruitedParams extends CoVisitParams {
  minMembers: number;
  maxMembers: number;
  /** a group event: at least this share of the community (and ≥ minMembers) at the institution within the window */
  eventShare: number;
  minEvents: number;
  minItemSimilarity: number;
  maxAmountCv: number;
  seed: number;
  /** how many times a community that does not confirm is split again at a doubled resolution */
  maxRefineDepth: number;
}

export const RECRUITED_DEFAULTS: RecruitedParams = {
  windowSeconds: 3600,
  minDays: 3,
  minMembers: 3,
  maxMembers: 80,
  eventShare: 0.4,
  minEvents: 2,
  minItemSimilarity: 0.7,
  maxAmountCv: 0.15,
  seed: 7,
  maxRefineDepth: 3,
};

function itemSignature(set: ClaimSet, claim: number): string {
  const s = set.claims.lineStart[claim]!;
  const e = set.claims.lineStart[claim + 1]!;
  const items = new Set<number>();
  for (let l = s; l < e; l++) items.add(set.lines.item[l]!);
  return [...items].sort((a, b) => a - b).join(',');
}

export function detectRecruitedPatients(set: ClaimSet, p: RecruitedParams = RECRUITED_DEFAULTS): RingCandidate[] {
  const edges = coVisitEdges(set, p);
  const communities = ringCommunities(set.persons.id.length, edges, { maxSize: p.maxMembers, minSize: p.minMembers, seed: p.seed });
  if (communities.length === 0) return [];
  const c = set.claims;
  const communityOf = new Int32Array(set.persons.id.length).fill(-1);
  communities.forEach((members, k) => members.forEach((v) => (communityOf[v] = k)));
  // Each community's visits (not pharmacy) in time order, to find the days it came together.
  const visits: number[][] = communities.map(() => []);
  for (let i = 0; i < c.count; i++) {
    if (c.kind[i] === KIND.pharmacy) continue;
    const k = communityOf[patientOf(set, i)]!;
    if (k >= 0) visits[k]!.push(i);
  }
  const out: RingCandidate[] = [];
  // A community can hold a ring together with its surroundings — at a busy clinic in a large dataset,
  // Louvain's resolution limit leaves a 15-patient ring inside a 60-patient community whose group
  // events then involve too small a share of it. A community that does not confirm as a whole is
  // looked into at a doubled resolution, down to `maxRefineDepth` levels.
  const pending = communities.map((members, k) => ({ members, claims: visits[k]!, depth: 0 }));
  while (pending.length > 0) {
    const { members, claims, depth } = pending.pop()!;
    const ring = confirm(members, claims);
    if (ring) {
      out.push(ring);
      continue;
    }
    if (depth >= p.maxRefineDepth || members.length < 2 * p.minMembers) continue;
    const inside = new Set(members);
    const sub = { source: [] as number[], target: [] as number[], weight: [] as number[] };
    for (let e = 0; e < edges.source.length; e++) {
      if (inside.has(edges.source[e]!) && inside.has(edges.target[e]!)) {
        sub.source.push(edges.source[e]!);
        sub.target.push(edges.target[e]!);
        sub.weight.push(edges.weight[e]!);
      }
    }
    const parts = ringCommunities(set.persons.id.length, sub, { maxSize: p.maxMembers, minSize: p.minMembers, seed: p.seed, resolution: 2 ** (depth + 1) });
    if (parts.length === 1 && parts[0]!.length === members.length) continue;
    for (const part of parts) {
      const mine = new Set(part);
      pending.push({ members: part, claims: claims.filter((i) => mine.has(patientOf(set, i))), depth: depth + 1 });
    }
  }
  return out;

  function confirm(members: number[], claims: number[]): RingCandidate | undefined {
    // Group events: per (institution, day-key), the claims of the community inside one window.
    const buckets = new Map<string, number[]>();
    for (const i of claims) {
      const dayKey = c.kind[i] === KIND.inpatient ? `in:${c.admitDay[i]}:${c.day[i]}` : `out:${c.day[i]}`;
      const key = `${c.institution[i]}|${dayKey}`;
      const b = buckets.get(key);
      if (b) b.push(i);
      else buckets.set(key, [i]);
    }
    const need = Math.max(p.minMembers, Math.ceil(p.eventShare * members.length));
    const events: number[][] = [];
    for (const b of buckets.values()) {
      if (b.length < need) continue;
      b.sort((x, y) => c.t[x]! - c.t[y]!);
      // The longest run whose span fits the window (inpatient stays already share their dates).
      const inpatient = c.kind[b[0]!] === KIND.inpatient;
      let best: number[] = [];
      for (let s = 0, e = 0; s < b.length; s++) {
        while (e < b.length && (inpatient || c.t[b[e]!]! - c.t[b[s]!]! <= p.windowSeconds * 2)) e++;
        if (e - s > best.length) best = b.slice(s, e);
      }
      const people = new Set(best.map((i) => patientOf(set, i)));
      if (people.size >= need) events.push(best);
    }
    if (events.length < p.minEvents) return;
    // Same item combination and amounts within each event.
    let sameItems = 0;
    let total = 0;
    const cvs: number[] = [];
    const instCount = new Map<number, number>();
    const doctorCount = new Map<number, number>();
    const evidenceClaims: number[] = [];
    for (const ev of events) {
      const sig = new Map<string, number>();
      for (const i of ev) {
        const s = itemSignature(set, i);
        sig.set(s, (sig.get(s) ?? 0) + 1);
        instCount.set(c.institution[i]!, (instCount.get(c.institution[i]!) ?? 0) + 1);
        if (c.doctor[i]! >= 0) doctorCount.set(c.doctor[i]!, (doctorCount.get(c.doctor[i]!) ?? 0) + 1);
        evidenceClaims.push(i);
      }
      sameItems += Math.max(...sig.values());
      total += ev.length;
      cvs.push(coefficientOfVariation(ev.map((i) => c.total[i]!)));
    }
    const itemSimilarity = sameItems / total;
    const amountCv = mean(cvs);
    if (itemSimilarity < p.minItemSimilarity || amountCv > p.maxAmountCv) return;

    const [institution] = [...instCount.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const participants = new Map<number, number>();
    for (const ev of events) for (const person of new Set(ev.map((i) => patientOf(set, i)))) participants.set(person, (participants.get(person) ?? 0) + 1);
    const m = new MemberList();
    m.add('institution', institution, 'institution');
    const doctorTotal = [...doctorCount.values()].reduce((a, b) => a + b, 0);
    for (const [d, n] of doctorCount) if (n >= 0.1 * doctorTotal) m.add('doctor', d, 'doctor');
    // The one who never misses a trip is most likely the recruiter.
    const ranked = [...participants.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    ranked.forEach(([person], idx) => m.add('person', person, idx === 0 && ranked[0]![1] === events.length ? 'organizer' : 'recruited-patient'));
    const days = events.length;
    const evidence: Evidence[] = [
      {
        key: 'recruited.together',
        facts: { patients: participants.size, institution: set.institutions.name[institution]!, days, averageGroup: Math.round(total / days) },
        entities: [{ type: 'institution', index: institution }, ...ranked.map(([person]) => ({ type: 'person' as const, index: person }))],
        weight: Math.min(1, days / 6),
      },
      {
        key: 'recruited.same-items',
        facts: { percent: Math.round(itemSimilarity * 100), claims: total },
        entities: ranked.map(([person]) => ({ type: 'person' as const, index: person })),
        weight: itemSimilarity,
      },
      {
        key: 'recruited.same-amounts',
        facts: { cvPercent: Math.round(amountCv * 1000) / 10 },
        entities: [],
        weight: Math.max(0, 1 - amountCv / p.maxAmountCv),
      },
    ];
    // Recruited patients show up in person (identity checks pass); farmed cards swiped at a counter do not.
    const checked = evidenceClaims.filter((i) => c.check[i]! > 0).length / evidenceClaims.length;
    // Patients who each come every few days meet by frequency alone: that is over-treatment's pattern.
    const frequent = ranked.filter(([person]) => medianGapAt(set, claims, person, institution) <= 4).length / ranked.length;
    evidence.push({ key: 'recruited.identity-checked', facts: { percent: Math.round(checked * 100) }, entities: [], weight: checked });
    const confidence = Math.min(1, 0.5 + 0.08 * days) * itemSimilarity * (1 - amountCv) * (0.3 + 0.7 * checked) * (1 - 0.6 * frequent);
    return { family: 'recruited-patients', members: m.list, claims: evidenceClaims.sort((a, b) => a - b), evidence, confidence };
  }
}

function medianGapAt(set: ClaimSet, claims: number[], person: number, institution: number): number {
  const days = claims.filter((i) => patientOf(set, i) === person && set.claims.institution[i] === institution).map((i) => set.claims.day[i]!).sort((a, b) => a - b);
  if (days.length < 4) return Number.POSITIVE_INFINITY;
  const gaps = days.slice(1).map((d, k) => d - days[k]!).sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}
