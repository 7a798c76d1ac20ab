import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import type { DetectedRings } from '../evaluation/formats.ts';
import { projectClaims, type ProjectionProgress, type ProjectionScope } from '../graph/projection/project-claims.ts';
import { readActiveRings } from '../graph/rings/previous-rings.ts';
import { readVerdicts } from '../graph/rings/verdicts.ts';
import { applyVerdictFeedback } from './verdict-feedback.ts';
import { writeDetectionRun } from '../graph/rings/write-run.ts';
import { assembleRings } from './assemble.ts';
import { resolveOverlaps } from './resolve-overlaps.ts';
import { DEFAULT_DETECTOR_PARAMS, runDetectors, type DetectorParams } from './run-detectors.ts';
import type { RingRecord } from './ring-record.ts';
import { trackRings, type TrackingResult } from './tracking.ts';

/**
 * One detection run: project from Neo4j, run the detectors, resolve overlaps, assemble and score rings,
 * match them with the previous run's, write everything back, and optionally write the detected-rings
 * JSON that `ringlens score` reads.
 */

export interface DetectionOptions {
  scope?: ProjectionScope;
  params?: DetectorParams;
  /** where to write the detected-rings JSON */
  out?: string | undefined;
  onProgress?: (p: DetectionProgress) => void;
}

export interface DetectionProgress {
  stage: 'projection' | 'detectors' | 'assembly' | 'write-back';
  percent: number;
  message: string;
}

export interface DetectionSummary {
  runId: string;
  claims: number;
  rings: RingRecord[];
  tracking: TrackingResult;
  /** seconds per stage (projection, each detector, assembly, write-back) */
  timings: Record<string, number>;
  peakRssMb: number;
}

/**
 * Run and ring ids: the start time to the millisecond plus a random tag, so two runs started in the
 * same second (a quick rerun, two workers of a partitioned run) never share a run id or ring ids.
 */
function runStamp(d: Date): string {
  return `${d.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(2).toString('hex')}`;
}

export function detectedRingsDocument(runId: string, generatedAt: string, rings: readonly RingRecord[]): DetectedRings {
  return {
    runId,
    generatedAt,
    rings: rings.map((r, k) => ({
      ringId: r.ringId,
      family: r.family,
      score: r.score,
      rank: k + 1,
      members: r.members.map((m) => ({ type: m.type, id: m.id, role: m.role })),
      claimIds: r.claimIds,
      explanation: r.evidence.map((e) => e.en).join('; '),
    })),
  };
}

export async function runDetection(driver: Driver, opts: DetectionOptions = {}): Promise<DetectionSummary> {
  const progress = opts.onProgress ?? (() => {});
  const started = new Date();
  const stamp = runStamp(started);
  const runId = `run-${stamp}`;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t) / 1000;
    t = now;
  };
  const set = await projectClaims(driver, opts.scope ?? {}, (p: ProjectionProgress) =>
    progress({ stage: 'projection', percent: p.stage === 'claims' && p.total ? Math.round(10 + (50 * p.done) / p.total) : p.stage === 'trace-codes' ? 60 : 5, message: `${p.stage} ${p.done}` }),
  );
  lap('projection');
  const params = opts.params ?? DEFAULT_DETECTOR_PARAMS;
  const detectors = runDetectors(set, params, (name, done, total) => progress({ stage: 'detectors', percent: 60 + Math.round((25 * done) / total), message: name }));
  for (const [name, s] of Object.entries(detectors.timings)) timings[`detector:${name}`] = Math.round(s * 1000) / 1000;
  t = performance.now();
  const rings = assembleRings(set, resolveOverlaps(detectors.candidates), 'provisional');
  const previous = await readActiveRings(driver, opts.scope?.region);
  const tracked0 = trackRings(previous, rings, (k) => `ring-${stamp}-${String(k + 1).padStart(4, '0')}`);
  // Ring ids are final now, so verdicts on earlier rings can find these again.
  const feedback = applyVerdictFeedback(tracked0.rings.map((x) => x.ring), await readVerdicts(driver));
  const byId = new Map(feedback.rings.map((r, k) => [r.ringId, k]));
  const tracking = { ...tracked0, rings: tracked0.rings.map((x) => ({ ...x, ring: feedback.rings[byId.get(x.ring.ringId)!]! })).sort((a, b) => byId.get(a.ring.ringId)! - byId.get(b.ring.ringId)!) };
  lap('assembly');
  progress({ stage: 'write-back', percent: 90, message: `${tracking.rings.length} rings` });
  const finished = new Date();
  await writeDetectionRun(
    driver,
    { runId, startedAt: started.toISOString(), finishedAt: finished.toISOString(), scope: { ...(opts.scope ?? {}) }, parameters: params as unknown as Record<string, unknown>, timings, claimCount: set.claims.count },
    tracking,
  );
  lap('write-back');
  const tracked = tracking.rings.map((x) => x.ring);
  if (opts.out) {
    mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(detectedRingsDocument(runId, finished.toISOString(), tracked), null, 2) + '\n');
  }
  progress({ stage: 'write-back', percent: 100, message: 'done' });
  return { runId, claims: set.claims.count, rings: tracked, tracking, timings, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
