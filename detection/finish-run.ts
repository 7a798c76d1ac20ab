import { randomBytes } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import { readActiveRings } from '../graph/rings/previous-rings.ts';
import { readVerdicts } from '../graph/rings/verdicts.ts';
import { writeDetectionRun } from '../graph/rings/write-run.ts';
import { byRank, type RingRecord } from './ring-record.ts';
import { settleScoreChanges, trackRings, type TrackingResult } from './tracking.ts';
import { applyVerdictFeedback } from './verdict-feedback.ts';

/**
 * How every detection run ends, whole-graph (`runDetection`) or partitioned (`writeMergedRun`, the
 * scheduled runs' merge): once the run's rings are assembled and ranked,
 *
 * 1. **track** them against the active rings (those of the run's region when the run is scoped to
 *    one): a ring found again keeps its id, the others get this run's ids;
 * 2. **verdict feedback**: investigators' verdicts re-rank them — with final ids, so a verdict on an
 *    earlier ring finds the same ring again — and the rings are re-ordered by the adjusted score; a
 *    ring with the same members whose score moved is recorded as rescored, not unchanged;
 * 3. **write** the run back in one transaction (with the schedule key of a scheduled run, unique per
 *    period: exactly-once is the caller's check before, and the constraint's on a race).
 */

export interface RunToFinish {
  startedAt: Date;
  /** stored on the DetectionRun as it is; a region scopes tracking to that region's active rings */
  scope: { region?: string | undefined } & Record<string, unknown>;
  parameters: Record<string, unknown>;
  /** seconds per stage so far; tracking (with feedback) is added before the write */
  timings: Record<string, number>;
  claimCount: number;
  /** `<schedule>/<period>` of a scheduled run */
  scheduleKey?: string | undefined;
}

export interface FinishedRun {
  runId: string;
  finishedAt: string;
  /** the run's rings with their final ids and scores after feedback, best first (the order of tracking.rings) */
  rings: RingRecord[];
  tracking: TrackingResult;
  /** ringId → detector score before feedback, for the rings verdicts moved */
  adjusted: Map<string, number>;
  /** the stored timings plus `write-back` */
  timings: Record<string, number>;
}

/**
 * Run and ring ids: the start time to the millisecond plus a random tag, so two runs started in the
 * same second (a quick rerun, two workers of a partitioned run) never share a run id or ring ids.
 */
function runStamp(d: Date): string {
  return `${d.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(2).toString('hex')}`;
}

const secondsSince = (t: number) => Math.round(performance.now() - t) / 1000;

/** Tracks, applies verdict feedback to and writes a run whose rings `ranked` holds (best first). */
export async function finishRun(driver: Driver, ranked: readonly RingRecord[], run: RunToFinish): Promise<FinishedRun> {
  const t0 = performance.now();
  const stamp = runStamp(run.startedAt);
  const runId = `run-${stamp}`;
  const previous = await readActiveRings(driver, run.scope.region);
  const tracked = trackRings(previous, ranked, (k) => `ring-${stamp}-${String(k + 1).padStart(4, '0')}`);
  const feedback = applyVerdictFeedback(
    tracked.rings.map((x) => x.ring),
    await readVerdicts(driver),
  );
  const after = new Map(feedback.rings.map((r) => [r.ringId, r]));
  const tracking: TrackingResult = settleScoreChanges({ ...tracked, rings: tracked.rings.map((x) => ({ ...x, ring: after.get(x.ring.ringId)! })).sort((a, b) => byRank(a.ring, b.ring)) }, previous);
  const timings = { ...run.timings, tracking: secondsSince(t0) };
  const finishedAt = new Date().toISOString();
  const t1 = performance.now();
  await writeDetectionRun(
    driver,
    {
      runId,
      startedAt: run.startedAt.toISOString(),
      finishedAt,
      scope: run.scope,
      parameters: run.parameters,
      timings,
      claimCount: run.claimCount,
      ...(run.scheduleKey ? { scheduleKey: run.scheduleKey } : {}),
    },
    tracking,
  );
  return { runId, finishedAt, rings: tracking.rings.map((x) => x.ring), tracking, adjusted: feedback.adjusted, timings: { ...timings, 'write-back': secondsSince(t1) } };
}
