import type { Family, RingCandidate } from '../algorithms/detectors/types.ts';

/**
 * Several detectors can see the same group: patients over-treated by one doctor also meet in the
 * waiting room; a farmed card set also arrives together. Where candidates of different families share
 * most members (member Jaccard ≥ `minJaccard`, or most of the smaller one inside the larger), the one
 * with the most evidence per member stands for the group and takes
 * the others' evidence and family names as supporting signals. Rings of one family are left apart:
 * overlapping rings of the same scheme are real and tracked separately — unless nearly all of one's claims
 * (`minClaimContainment`) are claims of a ring that explains its members better: a settlement is one act
 * of one scheme, so that candidate is the same evidence counted twice (a card seen by two routes, a
 * community that caught a ring's cards and a few bystanders) and joins the other as supporting evidence.
 */

export interface ResolvedCandidate extends RingCandidate {
  /** other families whose detectors found the same group */
  supportingFamilies: Family[];
}

const key = (m: { type: string; index: number }) => `${m.type}:${m.index}`;

export function resolveOverlaps(candidates: readonly RingCandidate[], minJaccard = 0.5, minContainment = 0.6, minClaimContainment = 0.8): ResolvedCandidate[] {
  // The candidate that explains each of its members best stands for the group: evidence per member, so
  // a broad co-visit group that happens to contain an over-treated doctor's patients does not outrank
  // the over-treatment the guideline proves for each of them.
  const evidence = (c: RingCandidate) => (c.surprise ?? -6 * Math.log(Math.max(1e-9, 1 - Math.min(c.confidence, 0.999999)))) / Math.max(1, c.members.length);
  const order = [...candidates].sort((a, b) => evidence(b) - evidence(a) || b.confidence - a.confidence || b.members.length - a.members.length);
  const kept: { ring: ResolvedCandidate; members: Set<string>; claims: Set<number> }[] = [];
  const byMember = new Map<string, number[]>();
  for (const cand of order) {
    const members = new Set(cand.members.map(key));
    const touched = new Set<number>();
    for (const m of members) for (const k of byMember.get(m) ?? []) touched.add(k);
    let absorbedBy: number | undefined;
    for (const k of touched) {
      const other = kept[k]!;
      if (other.ring.family === cand.family) {
        if (cand.claims.length === 0) continue;
        let shared = 0;
        for (const i of cand.claims) if (other.claims.has(i)) shared++;
        if (shared / cand.claims.length >= minClaimContainment) {
          absorbedBy = k;
          break;
        }
        continue;
      }
      let inter = 0;
      for (const m of members) if (other.members.has(m)) inter++;
      // Containment as well as Jaccard: a detector that sees only the persons of a farmed card set still
      // describes that set, even though the farming ring also lists the cards.
      if (inter / (members.size + other.members.size - inter) >= minJaccard || inter / Math.min(members.size, other.members.size) >= minContainment) {
        absorbedBy = k;
        break;
      }
    }
    if (absorbedBy !== undefined) {
      const host = kept[absorbedBy]!.ring;
      // the same family's second count of the host's own claims adds nothing to say
      if (host.family === cand.family) continue;
      if (!host.supportingFamilies.includes(cand.family)) host.supportingFamilies.push(cand.family);
      host.evidence.push(...cand.evidence.map((e) => ({ ...e, weight: e.weight * 0.5 })));
      continue;
    }
    const idx = kept.length;
    kept.push({ ring: { ...cand, evidence: [...cand.evidence], supportingFamilies: [] }, members, claims: new Set(cand.claims) });
    for (const m of members) (byMember.get(m) ?? byMember.set(m, []).get(m)!).push(idx);
  }
  return kept.map((k) => k.ring);
}
