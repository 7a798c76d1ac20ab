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
  communities.forEach((members, k) => {
    const claims = visits[k]!;
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
    out.push({ family: 'recruited-patients', members: m.list, claims: evidenceClaims.sort((a, b) => a - b), evidence, confidence });
  });
  return out;
}

function medianGapAt(set: ClaimSet, claims: number[], person: number, institution: number): number {
  const days = claims.filter((i) => patientOf(set, i) === person && set.claims.institution[i] === institution).map((i) => set.claims.day[i]!).sort((a, b) => a - b);
  if (days.length < 4) return Number.POSITIVE_INFINITY;
  const gaps = days.slice(1).map((d, k) => d - days[k]!).sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}
