import type { DetectedRing, DetectedRings, GroundTruth, RingMember } from './formats.ts';

/**
 * Detection quality against ground truth. Pure functions over parsed documents; the CLI reads files.
 * Members are compared as (type, id) pairs; members of type 'claim' are ignored, since rings are judged
 * by who is in them.
 */

export const MATCH_JACCARD = 0.5;
export const HARD_NEGATIVE_COVERAGE = 0.5;

export interface FamilyScore {
  family: string;
  plantedRings: number;
  detectedRings: number;
  /** planted rings matched by at least one detected ring */
  matchedPlanted: number;
  /** detected rings matching at least one planted ring */
  matchedDetected: number;
  ringPrecision: number;
  ringRecall: number;
  memberPrecision: number;
  memberRecall: number;
  memberF1: number;
}

export interface TopK {
  k: number;
  considered: number;
  real: number;
  precision: number;
}

export interface FlaggedGroup {
  groupId: string;
  kind: string;
  ringIds: string[];
}

export interface ScoreReport {
  families: FamilyScore[];
  overall: FamilyScore;
  top: TopK[];
  hardNegatives: { groups: number; flagged: number; byKind: Record<string, { groups: number; flagged: number }>; flaggedGroups: FlaggedGroup[] };
}

export function memberKey(m: Pick<RingMember, 'type' | 'id'>): string {
  return `${m.type}:${m.id}`;
}

export function memberSet(members: readonly RingMember[]): Set<string> {
  const s = new Set<string>();
  for (const m of members) if (m.type !== 'claim') s.add(memberKey(m));
  return s;
}

function intersectionSize(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return n;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  const inter = intersectionSize(a, b);
  const union = a.size + b.size - inter;
  return union === 0 ? 0 : inter / union;
}

/** Best rank first: explicit rank ascending, then score descending, then id for a stable order. */
export function rankRings(rings: readonly DetectedRing[]): DetectedRing[] {
  return [...rings].sort((a, b) => {
    const ra = a.rank ?? Number.POSITIVE_INFINITY;
    const rb = b.rank ?? Number.POSITIVE_INFINITY;
    if (ra !== rb) return ra - rb;
    if (a.score !== b.score) return b.score - a.score;
    return a.ringId < b.ringId ? -1 : a.ringId > b.ringId ? 1 : 0;
  });
}

function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

function familyScore(family: string, planted: Set<string>[], plantedMatched: boolean[], detected: Set<string>[], detectedMatched: boolean[]): FamilyScore {
  const truthMembers = new Set<string>();
  for (const s of planted) for (const m of s) truthMembers.add(m);
  const foundMembers = new Set<string>();
  for (const s of detected) for (const m of s) foundMembers.add(m);
  const hit = intersectionSize(truthMembers, foundMembers);
  const memberPrecision = ratio(hit, foundMembers.size);
  const memberRecall = ratio(hit, truthMembers.size);
  const matchedPlanted = plantedMatched.filter(Boolean).length;
  const matchedDetected = detectedMatched.filter(Boolean).length;
  return {
    family,
    plantedRings: planted.length,
    detectedRings: detected.length,
    matchedPlanted,
    matchedDetected,
    ringPrecision: ratio(matchedDetected, detected.length),
    ringRecall: ratio(matchedPlanted, planted.length),
    memberPrecision,
    memberRecall,
    memberF1: f1(memberPrecision, memberRecall),
  };
}

export function score(truth: GroundTruth, detected: DetectedRings, ks: readonly number[] = [10, 50]): ScoreReport {
  const plantedSets = truth.rings.map((r) => memberSet(r.members));
  const detectedSets = detected.rings.map((r) => memberSet(r.members));
  // Index planted rings by member so each detected ring is compared only with rings it touches.
  const byMember = new Map<string, number[]>();
  plantedSets.forEach((s, i) => {
    for (const m of s) {
      const list = byMember.get(m);
      if (list) list.push(i);
      else byMember.set(m, [i]);
    }
  });
  const plantedMatched = plantedSets.map(() => false);
  const detectedMatched = detectedSets.map((d) => {
    const candidates = new Set<number>();
    for (const m of d) for (const i of byMember.get(m) ?? []) candidates.add(i);
    let matched = false;
    for (const i of candidates) {
      if (jaccard(d, plantedSets[i]!) >= MATCH_JACCARD) {
        plantedMatched[i] = true;
        matched = true;
      }
    }
    return matched;
  });

  const families = [...new Set([...truth.rings.map((r) => r.family), ...detected.rings.map((r) => r.family)])].sort();
  const perFamily = families.map((family) => {
    const pi = truth.rings.flatMap((r, i) => (r.family === family ? [i] : []));
    const di = detected.rings.flatMap((r, i) => (r.family === family ? [i] : []));
    return familyScore(
      family,
      pi.map((i) => plantedSets[i]!),
      pi.map((i) => plantedMatched[i]!),
      di.map((i) => detectedSets[i]!),
      di.map((i) => detectedMatched[i]!),
    );
  });
  const overall = familyScore('overall', plantedSets, plantedMatched, detectedSets, detectedMatched);

  const matchedById = new Map(detected.rings.map((r, i) => [r.ringId + '\u0000' + i, detectedMatched[i]!]));
  const ranked = rankRings(detected.rings.map((r, i) => ({ ...r, ringId: r.ringId + '\u0000' + i })));
  const top = ks.map((k): TopK => {
    const head = ranked.slice(0, k);
    const real = head.filter((r) => matchedById.get(r.ringId)).length;
    return { k, considered: head.length, real, precision: ratio(real, head.length) };
  });

  const byKind: Record<string, { groups: number; flagged: number }> = {};
  const flaggedGroups: FlaggedGroup[] = [];
  for (const g of truth.hardNegatives) {
    const gs = memberSet(g.members);
    // Core members (the giant hospital, the pharmacy beside the hospital) flag the group on their own,
    // however many of the patients listed with them a ring contains.
    const core = memberSet(g.members.filter((m) => m.core));
    const ringIds = detected.rings.filter((_, i) => {
      const d = detectedSets[i]!;
      return jaccard(d, gs) >= MATCH_JACCARD || ratio(intersectionSize(d, gs), gs.size) >= HARD_NEGATIVE_COVERAGE || (core.size > 0 && ratio(intersectionSize(d, core), core.size) >= HARD_NEGATIVE_COVERAGE);
    }).map((r) => r.ringId);
    const entry = (byKind[g.kind] ??= { groups: 0, flagged: 0 });
    entry.groups++;
    if (ringIds.length) {
      entry.flagged++;
      flaggedGroups.push({ groupId: g.groupId, kind: g.kind, ringIds });
    }
  }
  return { families: perFamily, overall, top, hardNegatives: { groups: truth.hardNegatives.length, flagged: flaggedGroups.length, byKind, flaggedGroups } };
}

/** The ground truth written as a detector's output: scoring it must give 1.0 everywhere. */
export function truthAsDetected(truth: GroundTruth, runId = 'ground-truth'): DetectedRings {
  return {
    runId,
    generatedAt: '1970-01-01T00:00:00Z',
    rings: truth.rings.map((r, i) => ({ ringId: r.ringId, family: r.family, score: truth.rings.length - i, rank: i + 1, members: r.members.map((m) => ({ ...m })), claimIds: r.claimIds })),
  };
}

function pct(x: number): string {
  return x.toFixed(3);
}

export function formatReport(r: ScoreReport): string {
  const header = ['family', 'planted', 'detected', 'ring P', 'ring R', 'member P', 'member R', 'member F1'];
  const rows = [...r.families, r.overall].map((f) => [f.family, String(f.plantedRings), String(f.detectedRings), pct(f.ringPrecision), pct(f.ringRecall), pct(f.memberPrecision), pct(f.memberRecall), pct(f.memberF1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(rows[rows.length - 1]!)];
  out.push('');
  for (const t of r.top) out.push(`precision@${t.k}: ${pct(t.precision)} (${t.real} real of the top ${t.considered})`);
  const kinds = Object.entries(r.hardNegatives.byKind)
    .map(([k, v]) => `${k} ${v.flagged}/${v.groups}`)
    .join(', ');
  out.push(`hard-negative groups flagged: ${r.hardNegatives.flagged} of ${r.hardNegatives.groups}${kinds ? ` (${kinds})` : ''}`);
  return out.join('\n');
}
