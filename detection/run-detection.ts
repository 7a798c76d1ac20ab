import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import type { DetectedRings } from '../evaluation/formats.ts';
import { projectForRun } from '../graph/projection/incremental.ts';
import type { ProjectionProgress } from '../graph/projection/project-claims.ts';
import { assembleRings } from './assemble.ts';
import { finishRun } from './finish-run.ts';
import { resolveOverlaps } from './resolve-overlaps.ts';
import { DEFAULT_DETECTOR_PARAMS, runDetectors, type DetectorParams } from './run-detectors.ts';
import { loadKnowledge } from './knowledge.ts';
import type { RingRecord } from './ring-record.ts';
import { periodOf, resolveWindow, type DetectionScope } from './scope.ts';
import type { TrackingResult } from './tracking.ts';

/**
 * One detection run: project from Neo4j, run the detectors, resolve overlaps, assemble and score rings,
 * then finish the run as every run is finished (`finishRun`: match them with the previous run's, apply
 * investigators' verdicts, write everything back), and optionally write the detected-rings JSON that
 * `ringlens score` reads.
 */

export interface DetectionOptions {
  /** region and period; a window is resolved to `since` when the run starts */
  scope?: DetectionScope;
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
  /** seconds per stage (projection, each detector, assembly, tracking with verdict feedback, write-back) */
  timings: Record<string, number>;
  peakRssMb: number;
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
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t) / 1000;
    t = now;
  };
  const scope = resolveWindow(opts.scope ?? {}, started);
  // A bad knowledge file stops the run before a claim is read, not after a projection of minutes.
  const knowledge = loadKnowledge();
  const { set } = await projectForRun(driver, periodOf(scope), (p: ProjectionProgress) =>
    progress({ stage: 'projection', percent: p.stage === 'claims' && p.total ? Math.round(10 + (50 * p.done) / p.total) : p.stage === 'trace-codes' ? 60 : 5, message: `${p.stage} ${p.done}` }),
  );
  lap('projection');
  const params = opts.params ?? DEFAULT_DETECTOR_PARAMS;
  const detectors = runDetectors(set, params, (name, done, total) => progress({ stage: 'detectors', percent: 60 + Math.round((25 * done) / total), message: name }), knowledge);
  for (const [name, s] of Object.entries(detectors.timings)) timings[`detector:${name}`] = Math.round(s * 1000) / 1000;
  t = performance.now();
  const rings = assembleRings(set, resolveOverlaps(detectors.candidates), 'provisional');
  lap('assembly');
  progress({ stage: 'write-back', percent: 90, message: `${rings.length} rings` });
  const run = await finishRun(driver, rings, {
    startedAt: started,
    scope: { ...scope },
    parameters: params as unknown as Record<string, unknown>,
    timings,
    claimCount: set.claims.count,
  });
  if (opts.out) {
    mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(detectedRingsDocument(run.runId, run.finishedAt, run.rings), null, 2) + '\n');
  }
  progress({ stage: 'write-back', percent: 100, message: 'done' });
  return { runId: run.runId, claims: set.claims.count, rings: run.rings, tracking: run.tracking, timings: run.timings, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
