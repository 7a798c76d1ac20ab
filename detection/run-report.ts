import type { DetectionSummary } from './run-detection.ts';
import type { RingChange, TrackingResult } from './tracking.ts';

/**
 * What a finished detection run tells the person who started it — counts, what changed since the last
 * run, the top of the queue, stage times — as plain data, so a run in this process and a run on a
 * worker (a BullMQ job's return value, JSON) are reported by the same lines.
 */
export interface RunReport {
  runId: string;
  claims: number;
  rings: number;
  counts: TrackingResult['counts'];
  changes: { change: RingChange; ringId: string; family: string; members: number; added: number; removed: number; score: number }[];
  dissolved: string[];
  /** the highest-scored rings, best first */
  top: { ringId: string; family: string; members: number; score: number; fundPaid: number; evidence: string }[];
  timings: Record<string, number>;
  peakRssMb: number;
}

/** How many rings the report lists from the top of the queue. */
export const REPORT_TOP = 10;

/** Changes are listed new first, then grown, shrunk, rescored. */
const CHANGE_ORDER: RingChange[] = ['new', 'grown', 'shrunk', 'rescored'];

export function runReport(s: DetectionSummary): RunReport {
  return {
    runId: s.runId,
    claims: s.claims,
    rings: s.rings.length,
    counts: s.tracking.counts,
    changes: CHANGE_ORDER.flatMap((change) => s.tracking.rings.filter((t) => t.change === change)).map((t) => ({
      change: t.change,
      ringId: t.ring.ringId,
      family: t.ring.family,
      members: t.ring.members.length,
      added: t.added,
      removed: t.removed,
      score: t.ring.score,
    })),
    dissolved: s.tracking.dissolved,
    top: s.rings.slice(0, REPORT_TOP).map((r) => ({ ringId: r.ringId, family: r.family, members: r.members.length, score: r.score, fundPaid: r.fundPaid, evidence: r.evidence[0]?.zh ?? '' })),
    timings: s.timings,
    peakRssMb: s.peakRssMb,
  };
}

/** The report as the CLI prints it; `onWorker` where the run (and its peak RSS) was a worker's. */
export function runReportLines(r: RunReport, onWorker = false): string[] {
  const c = r.counts;
  const size = (t: RunReport['changes'][number]) => `${t.members} members${t.change === 'grown' || t.change === 'shrunk' ? ` (+${t.added} −${t.removed})` : ''}`;
  return [
    `${r.runId}: ${r.claims} claims, ${r.rings} rings (new ${c.new}, grown ${c.grown}, shrunk ${c.shrunk}, unchanged ${c.unchanged}, rescored ${c.rescored}, dissolved ${c.dissolved})`,
    ...(r.changes.length === 0 && r.dissolved.length === 0
      ? ['no ring changed since the previous run']
      : [
          'ring changes since the previous run:',
          ...r.changes.map((t) => `  ${t.change.padEnd(9)} ${t.ringId}  ${t.family.padEnd(22)} ${size(t)}  score ${t.score.toFixed(1)}`),
          ...r.dissolved.map((id) => `  ${'dissolved'.padEnd(9)} ${id}`),
        ]),
    ...r.top.map((t) => `  ${t.score.toFixed(1).padStart(5)}  ${t.ringId}  ${t.family.padEnd(22)} ${String(t.members).padStart(3)} members  ¥${t.fundPaid.toFixed(2)}  ${t.evidence}`),
    `timings (s): ${Object.entries(r.timings).map(([k, v]) => `${k} ${v}`).join(', ')}; peak RSS${onWorker ? ' of the worker' : ''} ${r.peakRssMb} MB`,
  ];
}
