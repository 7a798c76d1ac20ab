import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listRegions, runPartitionedDetection } from '../../detection/partitioned.ts';
import { runDetection } from '../../detection/run-detection.ts';
import { createCase, transitionCase } from '../../graph/cases/cases.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { wipeGraph } from './graph-snapshot.ts';

interface Found {
  id: string;
  family: string;
  score: number;
  /** the verdict-feedback evidence the run recorded on the ring: key and numbers */
  feedback: { key: string; facts: Record<string, unknown> }[];
}

/** What one run found, best first as the workbench lists them, with the verdict feedback it recorded. */
async function found(driver: Driver, runId: string): Promise<Found[]> {
  const { records } = await driver.executeQuery(
    `MATCH (:DetectionRun {runId: $runId})-[f:FOUND]->(r:Ring)
     RETURN r.ringId AS id, r.family AS family, f.score AS score, r.evidence AS evidence
     ORDER BY f.score DESC, r.fundPaid DESC, r.memberCount, r.ringId`,
    { runId },
  );
  return records.map((r) => ({
    id: r.get('id') as string,
    family: r.get('family') as string,
    score: r.get('score') as number,
    feedback: (JSON.parse(r.get('evidence') as string) as { key: string; facts: Record<string, unknown> }[])
      .filter((e) => e.key.startsWith('verdict-'))
      .map(({ key, facts }) => ({ key, facts })),
  }));
}

describe('verdict feedback in scheduled (partitioned) runs', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-partfb-'));
  const data = path.join(dir, 'data');

  beforeAll(async () => {
    // The dataset on which a partitioned run finds exactly the rings of a whole-graph run (scheduled-reports.test.ts).
    const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', '20000', '--seed', '11', '--out', data], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    await wipeGraph(driver);
    await migrate(driver);
    const ingest = await runIngest(driver, { inputs: [data], rejectsDir: path.join(dir, 'rejects') });
    expect(ingest.rejected).toBe(0);
  }, 600_000);
  afterAll(() => driver.close());

  it('a partitioned run after a case is confirmed and another dismissed re-ranks them exactly as an unpartitioned run does', async () => {
    expect((await listRegions(driver)).length).toBeGreaterThanOrEqual(3);
    const first = await runDetection(driver);
    const before = await found(driver, first.runId);
    expect(before.every((r) => r.feedback.length === 0)).toBe(true);
    const top = before[0]!;
    const other = before.find((r) => r.family !== top.family && r.score <= 90)!;
    expect(other).toBeDefined();
    const judge = async (ringId: string, to: 'confirmed' | 'dismissed', labels: string[]) => {
      const c = await createCase(driver, { ringId, actor: 'inv' });
      await transitionCase(driver, c.caseId, { to: 'investigating', actor: 'inv', role: 'investigator' });
      await transitionCase(driver, c.caseId, { to, actor: 'inv', role: 'investigator', labels });
    };
    await judge(top.id, 'dismissed', ['hard-negative:test']);
    await judge(other.id, 'confirmed', []);

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
    // The stored ring carries the adjusted score too (the ring list reads it).
    const stored = await driver.executeQuery('MATCH (r:Ring) WHERE r.ringId IN $ids RETURN r.ringId AS id, r.score AS score', { ids: [top.id, other.id] });
    expect(Object.fromEntries(stored.records.map((r) => [r.get('id'), r.get('score')]))).toEqual({ [top.id]: dismissed.score, [other.id]: confirmed.score });

    // An unpartitioned run in the same situation applies the same feedback: same rings, scores, ranks and evidence.
    const whole = await runDetection(driver);
    expect(whole.tracking.counts).toMatchObject({ new: 0, dissolved: 0 });
    expect(await found(driver, whole.runId)).toEqual(part);
    // The scheduled run stays exactly-once: the same period again returns the stored run, writes nothing.
    const again = await runPartitionedDetection(driver, { scheduleKey: 'test-nightly/2026-01-01' });
    expect(again).toMatchObject({ runId: partitioned.runId, existing: true });
  }, 300_000);
});
