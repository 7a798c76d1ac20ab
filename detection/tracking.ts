import type { RingRecord } from './ring-record.ts';
import { memberKey } from './ring-record.ts';

/**
 * Rings across runs: a ring found again keeps its id. A new ring matches the previous active ring with
 * which it shares the most members (member Jaccard ≥ `minJaccard`, each previous ring matched at most
 * once, best pairs first); what changed is recorded as new, grown, shrunk or unchanged, and previous
 * rings nobody matched are dissolved. A ring whose members are the same but whose score moved (verdict
 * feedback, new claims) is `rescored`, never "unchanged" (settleScoreChanges, after feedback).
 */

export type RingChange = 'new' | 'grown' | 'shrunk' | 'unchanged' | 'rescored';

export interface PreviousRing {
  ringId: string;
  family: string;
  memberKeys: string[];
  /** its score as the last run left it */
  score?: number;
}

export interface TrackedRing {
  ring: RingRecord;
  change: RingChange;
  previousRingId: string | null;
  added: number;
  removed: number;
}

export interface TrackingResult {
  rings: TrackedRing[];
  dissolved: string[];
  counts: Record<RingChange | 'dissolved', number>;
}

export function trackRings(previous: readonly PreviousRing[], current: readonly RingRecord[], newId: (k: number) => string, minJaccard = 0.5): TrackingResult {
  const prevSets = previous.map((p) => new Set(p.memberKeys));
  const curSets = current.map((r) => new Set(r.members.map(memberKey)));
  const byMember = new Map<string, number[]>();
  prevSets.forEach((s, k) => s.forEach((m) => (byMember.get(m) ?? byMember.set(m, []).get(m)!).push(k)));
  const pairs: { cur: number; prev: number; j: number }[] = [];
  curSets.forEach((s, cur) => {
    const inter = new Map<number, number>();
    for (const m of s) for (const k of byMember.get(m) ?? []) inter.set(k, (inter.get(k) ?? 0) + 1);
    for (const [prev, n] of inter) {
      const j = n / (s.size + prevSets[prev]!.size - n);
      if (j >= minJaccard) pairs.push({ cur, prev, j });
    }
  });
  pairs.sort((a, b) => b.j - a.j || a.cur - b.cur || a.prev - b.prev);
  const matchOfCur = new Map<number, number>();
  const usedPrev = new Set<number>();
  for (const p of pairs) {
    if (matchOfCur.has(p.cur) || usedPrev.has(p.prev)) continue;
    matchOfCur.set(p.cur, p.prev);
    usedPrev.add(p.prev);
  }
  const counts: TrackingResult['counts'] = { new: 0, grown: 0, shrunk: 0, unchanged: 0, rescored: 0, dissolved: 0 };
  let fresh = 0;
  const rings = current.map((ring, cur): TrackedRing => {
    const prev = matchOfCur.get(cur);
    if (prev === undefined) {
      counts.new++;
      return { ring: { ...ring, ringId: newId(fresh++) }, change: 'new', previousRingId: null, added: ring.members.length, removed: 0 };
    }
    const before = prevSets[prev]!;
    const after = curSets[cur]!;
    let added = 0;
    for (const m of after) if (!before.has(m)) added++;
    let removed = 0;
    for (const m of before) if (!after.has(m)) removed++;
    const change: RingChange = added === 0 && removed === 0 ? 'unchanged' : after.size >= before.size ? 'grown' : 'shrunk';
    counts[change]++;
    return { ring: { ...ring, ringId: previous[prev]!.ringId }, change, previousRingId: previous[prev]!.ringId, added, removed };
  });
  const dissolved = previous.filter((_, k) => !usedPrev.has(k)).map((p) => p.ringId);
  counts.dissolved = dissolved.length;
  return { rings, dissolved, counts };
}

/**
 * Once final scores are known (after verdict feedback): a ring found again with the same members but
 * a different score than the last run gave it is `rescored`, not unchanged.
 */
export function settleScoreChanges(result: TrackingResult, previous: readonly PreviousRing[]): TrackingResult {
  const prevScore = new Map(previous.map((p) => [p.ringId, p.score]));
  const counts = { ...result.counts };
  const rings = result.rings.map((t) => {
    const before = t.previousRingId ? prevScore.get(t.previousRingId) : undefined;
    if (t.change !== 'unchanged' || before === undefined || Math.abs(before - t.ring.score) < 0.05) return t;
    counts.unchanged--;
    counts.rescored++;
    return { ...t, change: 'rescored' as const };
  });
  return { ...result, rings, counts };
}
