import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listRegions, runPartitionedDetection } from '../../detection/partitioned.ts';
import { runDetection } from '../../detection/run-detection.ts';
import { createDriver } from '../../graph/driver.ts';
import { loadGeneratedDataset } from './helpers/dataset.ts';
import { judgeRing } from './helpers/verdicts.ts';

interface Found {
  id: string;
  family: string;
  score: number;
  /** the verdict-feedback evidence the run recorded on the ring: key and numbers */
  feedback: { key: string; facts: Record<string, unknown> }[];
  evidenceKeys: string[];
}

/** What one run found, best first as the workbench lists them, with the verdict feedback it recorded. */
async function found(driver: Driver, runId: string): Promise<Found[]> {
  const { records } = await driver.executeQuery(
    `MATCH (:DetectionRun {runId: $runId})-[f:FOUND]->(r:Ring)
     RETURN r.ringId AS id, r.family AS family, f.score AS score, f.rankingFeedback AS feedback, r.evidence AS evidence
     ORDER BY f.score DESC, r.fundPaid DESC, r.memberCount, r.ringId`,
    { runId },
  );
  return records.map((r) => ({
    id: r.get('id') as string,
    family: r.get('family') as string,
    score: r.get('score') as number,
    // ranking feedback is stored apart from the evidence, per run on FOUND (issue 23)
    feedback: (JSON.parse((r.get('feedback') as string | null) ?? '[]') as { key: string; facts: Record<string, unknown> }[]).map(({ key, facts }) => ({ key, facts })),
    evidenceKeys: (JSON.parse(r.get('evidence') as string) as { key: string }[]).map((e) => e.key),
  }));
}

describe('verdict feedback in scheduled (partitioned) runs', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);

  // The dataset on which a partitioned run finds exactly the rings of a whole-graph run (scheduled-reports.test.ts).
  beforeAll(() => loadGeneratedDataset(driver, { claims: 20_000, seed: 11, prefix: 'ringlens-partfb-' }), 600_000);
  afterAll(() => driver.close());

  it('a partitioned run after a case is confirmed and another dismissed re-ranks them exactly as an unpartitioned run does', async () => {
    expect((await listRegions(driver)).length).toBeGreaterThanOrEqual(3);
    const first = await runDetection(driver);
    const before = await found(driver, first.runId);
    expect(before.every((r) => r.feedback.length === 0)).toBe(true);
    const top = before[0]!;
    const other = before.find((r) => r.family !== top.family && r.score <= 90)!;
    expect(other).toBeDefined();
    await judgeRing(driver, top.id, 'dismissed', ['hard-negative:test']);
    await judgeRing(driver, other.id, 'confirmed');

    // The scheduled path: parts per region + cross-region, one merge that tracks and writes.
    const partitioned = await runPartitionedDetection(driver, { scheduleKey: 'test-nightly/2026-01-01' });
    expect(partitioned.existing).toBe(false);
    expect(partitioned.counts).toMatchObject({ new: 0, dissolved: 0 });
    const part = await found(driver, partitioned.runId);
    const dismissed = part.find((r) => r.id === top.id)!;
    const confirmed = part.find((r) => r.id === other.id)!;
    expect(dismissed.score).toBeCloseTo(top.score * 0.4, 0);
    expect(part.findIndex((r) => r.id === top.id)).toBeGreaterThan(0);
    expect(confirmed.score).toBeCloseTo(Math.min(100, other.score + 10), 0);
    expect(part.findIndex((r) => r.id === other.id)).toBeLessThanOrEqual(before.findIndex((r) => r.id === other.id));
    expect(dismissed.feedback.map((e) => e.key)).toContain('verdict-dismissed-before');
    expect(dismissed.feedback.find((e) => e.key === 'verdict-dismissed-before')!.facts).toMatchObject({ judgedRing: top.id, overlap: 1 });
    expect(confirmed.feedback.map((e) => e.key)).toContain('verdict-confirmed-before');
    expect(part.flatMap((r) => r.evidenceKeys).filter((k) => k.startsWith('verdict-'))).toEqual([]);
    // The stored ring carries the adjusted score too (the ring list reads it).
    const stored = await driver.executeQuery('MATCH (r:Ring) WHERE r.ringId IN $ids RETURN r.ringId AS id, r.score AS score', { ids: [top.id, other.id] });
    expect(Object.fromEntries(stored.records.map((r) => [r.get('id'), r.get('score')]))).toEqual({ [top.id]: dismissed.score, [other.id]: confirmed.score });

    // An unpartitioned run in the same situation applies the same feedback: the same rings move, by the
    // same numbers, with the same evidence. (Scores the verdicts did not touch may differ at the margin
    // between the two modes: a detector sees a region's claims alone in a part — docs/schedules.md.)
    const whole = await runDetection(driver);
    expect(whole.tracking.counts).toMatchObject({ new: 0, dissolved: 0 });
    const unpartitioned = await found(driver, whole.runId);
    const feedbackOf = (rs: Found[]) => new Map(rs.filter((r) => r.feedback.length).map((r) => [r.id, { score: r.score, feedback: r.feedback }]));
    expect(feedbackOf(part).size).toBeGreaterThanOrEqual(2);
    expect(feedbackOf(unpartitioned)).toEqual(feedbackOf(part));
    expect(unpartitioned.map((r) => r.id).sort()).toEqual(part.map((r) => r.id).sort());
    // The scheduled run stays exactly-once: the same period again returns the stored run, writes nothing.
    const again = await runPartitionedDetection(driver, { scheduleKey: 'test-nightly/2026-01-01' });
    expect(again).toMatchObject({ runId: partitioned.runId, existing: true });
    const runs = await driver.executeQuery("MATCH (d:DetectionRun {scheduleKey: 'test-nightly/2026-01-01'}) RETURN count(d) AS n");
    expect(runs.records[0]!.get('n')).toBe(1);
  }, 300_000);
});
