import type { Driver } from 'neo4j-driver';
import { projectForRun } from '../graph/projection/incremental.ts';
import { projectClaims, type ProjectionScope } from '../graph/projection/project-claims.ts';
import { assembleRings } from './assemble.ts';
import { finishRun } from './finish-run.ts';
import { resolveOverlaps } from './resolve-overlaps.ts';
import { DEFAULT_DETECTOR_PARAMS, runDetectors, type DetectorParams } from './run-detectors.ts';
import { loadKnowledge } from './knowledge.ts';
import { byRank, memberKey, type RingRecord } from './ring-record.ts';
import { periodOf, resolveWindow, type DetectionScope } from './scope.ts';
import type { TrackingResult } from './tracking.ts';
import { claimId } from '../algorithms/claim-set.ts';

/**
 * A detection run split by pooling region (统筹区) so several workers — on several machines sharing
 * Redis — share it:
 *
 * 1. one **region part** per region projects only that region's claims (Claim.region, the pooling
 *    region that settled the claim) and runs every detector on them;
 * 2. one **cross-region part** projects the claims of entities that cross a region border — cards
 *    settled in more than one region (异地就医, lent cards) and doctors whose prescriptions are filled
 *    in another region than the one they work in, with all of those cards' and doctors' claims — and
 *    keeps only the rings whose evidence claims lie in two regions or more;
 * 3. the **merge** takes the union, drops a region ring that a cross-region ring contains (the same
 *    rule that folds overlapping candidates inside one run: member Jaccard ≥ 0.5 or ≥ 0.6 of the
 *    smaller inside the larger), ranks, and finishes the run as an unpartitioned run is finished
 *    (`finishRun`): tracks the result against *all* active rings, applies investigators' verdicts and
 *    writes the run back in one transaction.
 *
 * Parts only compute and return ring records; nothing is written until the merge. So parts never
 * fight over ring ids or the active-ring set, a failed part is simply retried, and tracking sees one
 * whole-graph result exactly as an unpartitioned run would.
 */

export type Partition = { kind: 'region'; region: string } | { kind: 'cross-region' };

export interface PartResult {
  partition: Partition;
  claims: number;
  rings: RingRecord[];
  seconds: number;
  /** how the part's claims were read: from its region's snapshot and what changed since, or in full (and why) */
  projection?: { mode: 'full' | 'incremental'; reason?: string; changedClaims?: number; seconds: number };
}

export const partitionName = (p: Partition) => (p.kind === 'region' ? `region-${p.region}` : 'cross-region');

/** The pooling regions that have claims in the scope (an index scan of Claim.region). */
export async function listRegions(driver: Driver, scope: DetectionScope = {}): Promise<string[]> {
  if (scope.region) return [scope.region];
  const { records } = await driver.executeQuery('MATCH (c:Claim) WHERE c.region IS NOT NULL RETURN DISTINCT c.region AS region ORDER BY region', {}, { routing: 'READ' });
  return records.map((r) => String(r.get('region')));
}

/** Cards and doctors whose claims cross a region border — the cross-region part's seeds. */
export async function crossRegionSeeds(driver: Driver, scope: DetectionScope = {}): Promise<{ cards: string[]; doctors: string[] }> {
  const period: string[] = [];
  if (scope.since) period.push("c.settledAt >= datetime({date: date($since), timezone: '+08:00'})");
  if (scope.until) period.push("c.settledAt < datetime({date: date($until), timezone: '+08:00'}) + duration('P1D')");
  const where = period.length ? `AND ${period.join(' AND ')}` : '';
  const params = { since: scope.since ?? null, until: scope.until ?? null };
  const cards = await driver.executeQuery(
    `MATCH (c:Claim) WHERE c.region IS NOT NULL ${where}
     WITH c.cardNo AS card, min(c.region) AS lo, max(c.region) AS hi
     WHERE lo <> hi RETURN card ORDER BY card`,
    params,
    { routing: 'READ' },
  );
  // A doctor's home region is their institution's; an external prescription settled elsewhere crosses.
  const doctors = await driver.executeQuery(
    `MATCH (c:Claim)-[:PRESCRIBED_BY|BY]->(d:Doctor)-[:WORKS_AT]->(i:Institution)
     WHERE c.region <> i.region ${where}
     RETURN DISTINCT d.code AS doctor ORDER BY doctor`,
    params,
    { routing: 'READ' },
  );
  // One holder's cards are one holder: a lent e-voucher's holder may lie in hospital on the physical card,
  // so every card of a crossing card's holder comes along.
  const crossing = cards.records.map((r) => String(r.get('card')));
  const siblings = await driver.executeQuery(
    `UNWIND $cards AS k MATCH (c:Card {cardNo: k}) WHERE c.holderIdNumber IS NOT NULL
     MATCH (o:Card {holderIdNumber: c.holderIdNumber}) RETURN DISTINCT o.cardNo AS card ORDER BY card`,
    { cards: crossing },
    { routing: 'READ' },
  );
  const all = [...new Set([...crossing, ...siblings.records.map((r) => String(r.get('card')))])].sort();
  return { cards: all, doctors: doctors.records.map((r) => String(r.get('doctor'))) };
}

/**
 * Runs the detectors on one part; returns ring records with natural keys (portable between processes).
 * `scope` is resolved (a window already turned into `since` by whoever split the run). A region part
 * projects incrementally from the snapshot of its region (graph/projection/incremental.ts: one snapshot
 * per region and end date, in this worker's snapshot folder), so the second night reads only what was
 * written since; the cross-region part picks its claims by card and doctor and projects them in full.
 */
export async function detectPart(driver: Driver, partition: Partition, scope: DetectionScope = {}, params: DetectorParams = DEFAULT_DETECTOR_PARAMS): Promise<PartResult> {
  const started = performance.now();
  // validated before a claim is read (see runDetection)
  const knowledge = loadKnowledge();
  const base: ProjectionScope = { since: scope.since, until: scope.until };
  let set;
  let projection: NonNullable<PartResult['projection']>;
  if (partition.kind === 'region') {
    const r = await projectForRun(driver, { ...periodOf(scope), region: partition.region });
    set = r.set;
    projection = { mode: r.mode, ...(r.reason ? { reason: r.reason } : {}), ...(r.changed ? { changedClaims: r.changed.claims } : {}), seconds: r.seconds.project };
  } else {
    const seeds = await crossRegionSeeds(driver, scope);
    if (seeds.cards.length === 0 && seeds.doctors.length === 0) return { partition, claims: 0, rings: [], seconds: (performance.now() - started) / 1000 };
    const t = performance.now();
    set = await projectClaims(driver, { ...base, claimsOf: seeds });
    projection = { mode: 'full', reason: 'claims chosen by card and doctor: no snapshot', seconds: (performance.now() - t) / 1000 };
  }
  const detectors = runDetectors(set, params, undefined, knowledge);
  let rings = assembleRings(set, resolveOverlaps(detectors.candidates), partitionName(partition));
  if (partition.kind === 'cross-region') {
    const regionOf = new Map<string, number>();
    for (let i = 0; i < set.claims.count; i++) regionOf.set(claimId(set.claims.id, i), set.institutions.region[set.claims.institution[i]!]!);
    // Rings inside one region are the region part's: its projection holds every claim of that region.
    rings = rings.filter((r) => new Set(r.claimIds.map((id) => regionOf.get(id))).size > 1);
  }
  return { partition, claims: partition.kind === 'region' ? set.claims.count : 0, rings, seconds: (performance.now() - started) / 1000, projection };
}

function overlaps(a: Set<string>, b: Set<string>, minJaccard = 0.5, minContainment = 0.6): boolean {
  let inter = 0;
  for (const m of a) if (b.has(m)) inter++;
  return inter / (a.size + b.size - inter) >= minJaccard || inter / Math.min(a.size, b.size) >= minContainment;
}

/** The union of the parts: cross-region rings replace the region rings they contain; best first. */
export function mergeParts(parts: readonly PartResult[]): { rings: RingRecord[]; claims: number; replaced: number } {
  const cross = parts.filter((p) => p.partition.kind === 'cross-region').flatMap((p) => p.rings);
  const crossSets = cross.map((r) => new Set(r.members.map(memberKey)));
  const byMember = new Map<string, number[]>();
  crossSets.forEach((s, k) => s.forEach((m) => (byMember.get(m) ?? byMember.set(m, []).get(m)!).push(k)));
  let replaced = 0;
  const regional = parts
    .filter((p) => p.partition.kind === 'region')
    .flatMap((p) => p.rings)
    .filter((r) => {
      const s = new Set(r.members.map(memberKey));
      const touched = new Set<number>();
      for (const m of s) for (const k of byMember.get(m) ?? []) touched.add(k);
      for (const k of touched) {
        if (overlaps(s, crossSets[k]!)) {
          replaced++;
          return false;
        }
      }
      return true;
    });
  const rings = [...regional, ...cross].sort((a, b) => byRank(a, b) || a.ringId.localeCompare(b.ringId));
  return { rings, claims: parts.reduce((s, p) => s + p.claims, 0), replaced };
}

export interface MergedRun {
  runId: string;
  claims: number;
  rings: number;
  counts: TrackingResult['counts'];
  /** true when this period's run had been written before (a retried or repeated merge) */
  existing: boolean;
}

/** A scheduled period's run, if already written. */
export async function findScheduledRun(driver: Driver, scheduleKey: string): Promise<MergedRun | null> {
  const { records } = await driver.executeQuery(
    `MATCH (d:DetectionRun {scheduleKey: $key})
     RETURN d.runId AS runId, d.claimCount AS claims, d.ringCount AS rings,
            {new: d.newRings, grown: d.grownRings, shrunk: d.shrunkRings, unchanged: d.unchangedRings, rescored: coalesce(d.rescoredRings, 0), dissolved: d.dissolvedRings} AS counts`,
    { key: scheduleKey },
    { routing: 'READ' },
  );
  const r = records[0];
  return r ? { runId: r.get('runId'), claims: r.get('claims'), rings: r.get('rings'), counts: r.get('counts'), existing: true } : null;
}

/**
 * Merges the parts and finishes the run (`finishRun`: tracking against every active ring, verdict
 * feedback, one write). With a schedule key the write is exactly-once per period: a run already stored
 * under the key is returned as it is, and two merges racing for one key meet the
 * DetectionRun.scheduleKey uniqueness constraint.
 */
export async function writeMergedRun(
  driver: Driver,
  parts: readonly PartResult[],
  opts: { scope?: DetectionScope; scheduleKey?: string; startedAt?: Date; params?: DetectorParams } = {},
): Promise<MergedRun> {
  if (opts.scheduleKey) {
    const existing = await findScheduledRun(driver, opts.scheduleKey);
    if (existing) return existing;
  }
  const t0 = performance.now();
  const merged = mergeParts(parts);
  const timings: Record<string, number> = {};
  for (const p of parts) timings[`part:${partitionName(p.partition)}`] = Math.round(p.seconds * 1000) / 1000;
  timings.merge = Math.round(performance.now() - t0) / 1000;
  const run = await finishRun(driver, merged.rings, {
    startedAt: opts.startedAt ?? new Date(),
    scope: { ...(opts.scope ?? {}), partitioned: parts.map((p) => partitionName(p.partition)) },
    parameters: (opts.params ?? DEFAULT_DETECTOR_PARAMS) as unknown as Record<string, unknown>,
    timings,
    claimCount: merged.claims,
    scheduleKey: opts.scheduleKey,
  });
  return { runId: run.runId, claims: merged.claims, rings: run.rings.length, counts: run.tracking.counts, existing: false };
}

/** The whole partitioned run in one process (CLI, tests); the job flow runs the same steps on many workers. */
export async function runPartitionedDetection(driver: Driver, opts: { scope?: DetectionScope; scheduleKey?: string } = {}): Promise<MergedRun & { parts: PartResult[] }> {
  const started = new Date();
  const scope = resolveWindow(opts.scope ?? {}, started);
  const regions = await listRegions(driver, scope);
  const partitions: Partition[] = [...regions.map((region): Partition => ({ kind: 'region', region })), ...(scope.region ? [] : [{ kind: 'cross-region' } as Partition])];
  const parts: PartResult[] = [];
  for (const p of partitions) parts.push(await detectPart(driver, p, scope));
  const run = await writeMergedRun(driver, parts, { ...opts, scope, startedAt: started });
  return { ...run, parts };
}
