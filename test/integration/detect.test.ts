import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runDetection, type DetectionProgress } from '../../detection/run-detection.ts';
import { REPORT_TOP, runReportLines } from '../../detection/run-report.ts';
import { DetectedRingsSchema, GroundTruthSchema } from '../../evaluation/formats.ts';
import { score } from '../../evaluation/score.ts';
import { createDriver } from '../../graph/driver.ts';
import type { DetectJobResult } from '../../jobs/detect-job.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import { startWorkers } from '../../jobs/workers.ts';
import { openServices } from '../../runtime/services.ts';
import { loadGeneratedDataset } from './helpers/dataset.ts';
import { judgeRing } from './helpers/verdicts.ts';

describe('a full detection run on a generated dataset in the real Neo4j', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  let dir = '';
  let data = '';

  beforeAll(async () => {
    ({ dir, data } = await loadGeneratedDataset(driver, { claims: 30_000, seed: 3, prefix: 'ringlens-detect-' }));
  }, 600_000);
  afterAll(() => driver.close());

  it('finds every planted family, keeps hard negatives quiet, writes rings back and tracks them across runs', async () => {
    const out = path.join(dir, 'detected.json');
    const first = await runDetection(driver, { out });
    const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(data, 'ground-truth.json'), 'utf8')));
    const detected = DetectedRingsSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(detected.runId).toBe(first.runId);
    const report = score(truth, detected);
    for (const f of report.families) expect({ family: f.family, f1: f.memberF1 >= 0.9 }).toEqual({ family: f.family, f1: true });
    expect(report.hardNegatives.flagged).toBe(0);
    expect(first.tracking.counts.new).toBe(first.rings.length);

    const { records } = await driver.executeQuery(
      `MATCH (d:DetectionRun {runId: $runId})-[f:FOUND]->(r:Ring {status: 'active'})
       RETURN count(r) AS rings, sum(COUNT { (r)-[:HAS_MEMBER]->() }) AS members, sum(COUNT { (r)-[:EVIDENCED_BY]->(:Claim) }) AS claims, d.newRings AS newRings`,
      { runId: first.runId },
    );
    const row = records[0]!.toObject();
    expect(row.rings).toBe(first.rings.length);
    expect(row.members).toBe(first.rings.reduce((s, r) => s + r.members.length, 0));
    expect(row.claims).toBe(first.rings.reduce((s, r) => s + r.claimCount, 0));
    expect(row.newRings).toBe(first.rings.length);
    const evidence = JSON.parse((await driver.executeQuery('MATCH (r:Ring {ringId: $id}) RETURN r.evidence AS e', { id: first.rings[0]!.ringId })).records[0]!.get('e') as string) as { zh: string; en: string }[];
    expect(evidence[0]!.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(evidence[0]!.en.length).toBeGreaterThan(20);

    // The same data again: every ring found again keeps its id, nothing new, nothing dissolved.
    const second = await runDetection(driver);
    expect(second.tracking.counts).toMatchObject({ new: 0, dissolved: 0, unchanged: first.rings.length });
    expect(second.rings.map((r) => r.ringId).sort()).toEqual(first.rings.map((r) => r.ringId).sort());
  }, 300_000);

  it('stops on a bad knowledge file before a claim is read, naming the file and every problem', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ringlens-knowledge-')), 'knowledge.yaml');
    writeFileSync(file, 'version: 1\nplannedCare: []\nfrequencyGuidelines: []\nspecialtyDrugs: {items: [], source: s}\ncompoundSurnames: []\ndiagnosisRestrictions: [{label: x, diagnoses: [O], minAge: 60, maxAge: 9, source: s}]\n');
    const before = process.env.RINGLENS_DETECTION_KNOWLEDGE;
    process.env.RINGLENS_DETECTION_KNOWLEDGE = file;
    const stages: string[] = [];
    try {
      await expect(runDetection(driver, { onProgress: (p) => stages.push(p.stage) })).rejects.toThrow(new RegExp(`${file}: invalid detection knowledge:\\n  diagnosisRestrictions\\.0: minAge is above maxAge`));
    } finally {
      if (before === undefined) delete process.env.RINGLENS_DETECTION_KNOWLEDGE;
      else process.env.RINGLENS_DETECTION_KNOWLEDGE = before;
    }
    expect(stages).not.toContain('projection');
  });

  it('runs as a BullMQ job: progress through every stage, a small result, the run written to Neo4j', async () => {
    const services = openServices(stack, `${inject('queuePrefix')}-detect`);
    const eventsConnection = services.redis.duplicate();
    const events = createQueueEvents(QUEUES.detect, eventsConnection, services.prefix);
    const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix });
    try {
      await events.waitUntilReady();
      const progress: DetectionProgress[] = [];
      events.on('progress', ({ data }) => progress.push(data as DetectionProgress));
      const job = await services.queues.detect.add('detect', { scope: {} });
      const result = (await job.waitUntilFinished(events, 240_000)) as DetectJobResult;
      // Third run over unchanged data: every active ring is found again under its id.
      expect(result.counts).toMatchObject({ new: 0, dissolved: 0, unchanged: result.rings });
      const active = await services.driver.executeQuery("MATCH (r:Ring {status: 'active'}) RETURN count(r) AS n");
      expect(result.rings).toBe(active.records[0]!.get('n'));
      expect(result.rings).toBeGreaterThanOrEqual(8);
      expect(result.claims).toBe(30_000);
      // the report a `detect --queue` prints, as the run in this process prints it: the top of the queue
      // as stored, and what changed (nothing)
      expect(result.top).toHaveLength(Math.min(REPORT_TOP, result.rings));
      const stored = await services.driver.executeQuery("MATCH (r:Ring {status: 'active'}) RETURN r.ringId AS id, r.score AS score");
      const scoreOf = new Map(stored.records.map((r) => [r.get('id') as string, r.get('score') as number]));
      expect(result.top.map((t) => scoreOf.get(t.ringId))).toEqual(result.top.map((t) => t.score));
      expect(result.top.every((t, k) => k === 0 || result.top[k - 1]!.score >= t.score)).toBe(true);
      const listed = new Set(result.top.map((t) => t.ringId));
      expect([...scoreOf].filter(([id, sc]) => !listed.has(id) && sc > result.top.at(-1)!.score)).toEqual([]);
      const lines = runReportLines(result);
      expect(lines).toContain('no ring changed since the previous run');
      expect(lines.some((l) => l.includes(result.top[0]!.ringId) && l.includes(result.top[0]!.family) && l.includes(result.top[0]!.evidence))).toBe(true);
      expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['projection', 'detectors', 'write-back']));
      expect(progress.at(-1)).toMatchObject({ stage: 'write-back', percent: 100 });
      const { records } = await services.driver.executeQuery('MATCH (d:DetectionRun {runId: $id}) RETURN d.claimCount AS claims', { id: result.runId });
      expect(records[0]?.get('claims')).toBe(30_000);
      expect(await services.queues.detect.getGlobalConcurrency()).toBe(1);

      const bad = await services.queues.detect.add('detect', { scope: { region: 'hangzhou', since: '2024-02-30' } }, { attempts: 1 });
      await expect(bad.waitUntilFinished(events, 20_000)).rejects.toThrow(/scope\.region: must be a 6-digit pooling-region code.*scope\.since: must be a date/);
    } finally {
      await pool.close();
      await events.close();
      eventsConnection.disconnect();
      await services.queues.detect.obliterate({ force: true });
      await services.close();
    }
  }, 300_000);

  it("learns from investigators' verdicts: the next run ranks a dismissed ring lower and a confirmed one higher, and says why", async () => {
    const ranked = async () =>
      (await driver.executeQuery("MATCH (r:Ring {status: 'active'}) RETURN r.ringId AS id, r.score AS score, r.family AS family ORDER BY r.score DESC, r.ringId")).records.map((r) => ({
        id: r.get('id') as string,
        score: r.get('score') as number,
        family: r.get('family') as string,
      }));
    const before = await ranked();
    const top = before[0]!;
    const other = before.find((r) => r.family !== top.family && r.score <= 90)!;
    await judgeRing(driver, top.id, 'dismissed', ['hard-negative:test']);
    await judgeRing(driver, other.id, 'confirmed');

    const next = await runDetection(driver);
    expect(next.tracking.counts).toMatchObject({ new: 0, dissolved: 0 });
    const after = await ranked();
    const dismissed = after.find((r) => r.id === top.id)!;
    const confirmed = after.find((r) => r.id === other.id)!;
    expect(dismissed.score).toBeCloseTo(top.score * 0.4, 0);
    expect(after.findIndex((r) => r.id === top.id)).toBeGreaterThan(0);
    expect(confirmed.score).toBeCloseTo(Math.min(100, other.score + 10), 0);
    // Ranking feedback is kept apart from the evidence (issue 23, defect 2): stored beside it, never in it.
    const stored = async (id: string) => {
      const rec = (await driver.executeQuery('MATCH (r:Ring {ringId: $id}) RETURN r.evidence AS e, r.rankingFeedback AS f, r.detectorScore AS d', { id })).records[0]!;
      return {
        evidence: (JSON.parse(rec.get('e') as string) as { key: string }[]).map((e) => e.key),
        feedback: (JSON.parse((rec.get('f') as string | null) ?? '[]') as { key: string }[]).map((e) => e.key),
        detectorScore: rec.get('d') as number,
      };
    };
    expect(await stored(top.id)).toMatchObject({ feedback: expect.arrayContaining(['verdict-dismissed-before']) });
    expect(await stored(other.id)).toMatchObject({ feedback: expect.arrayContaining(['verdict-confirmed-before']) });
    for (const id of [top.id, other.id]) expect((await stored(id)).evidence.filter((k) => k.startsWith('verdict-'))).toEqual([]);
    expect((await stored(other.id)).detectorScore).toBeCloseTo(other.score, 0);
    // A ring found again with the same members whose score moved is "rescored", never "unchanged".
    const changes = await driver.executeQuery(
      'MATCH (:DetectionRun {runId: $run})-[f:FOUND]->(r:Ring) RETURN r.ringId AS id, f.change AS change, f.score AS score, f.detectorScore AS detectorScore',
      { run: next.runId },
    );
    for (const rec of changes.records) {
      const was = before.find((b) => b.id === rec.get('id'));
      if (was && Math.abs(was.score - (rec.get('score') as number)) >= 0.05) expect(rec.get('change'), rec.get('id') as string).not.toBe('unchanged');
    }
    expect(changes.records.find((r) => r.get('id') === other.id)!.get('change')).toMatch(/rescored|grown|shrunk/);
    // Rings nobody judged keep the detectors' score.
    for (const r of before.filter((x) => x.id !== top.id && x.id !== other.id && x.family !== top.family && x.family !== other.family)) {
      expect(after.find((x) => x.id === r.id)!.score).toBe(r.score);
    }
  }, 300_000);
});
