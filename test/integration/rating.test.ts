import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runDetection } from '../../detection/run-detection.ts';
import { GroundTruthSchema } from '../../evaluation/formats.ts';
import { createDriver } from '../../graph/driver.ts';
import { bandDistribution, bandMoves, institutionRatings, listRatings } from '../../graph/rating/store.ts';
import type { DetectJobResult } from '../../jobs/detect-job.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import type { RateJobResult } from '../../jobs/rate-job.ts';
import { startWorkers } from '../../jobs/workers.ts';
import { importIndicators, RatingImportError } from '../../rating/import.ts';
import { loadRatingModel } from '../../rating/load.ts';
import { parsePeriod } from '../../rating/period.ts';
import { runDoctorRating, runRating } from '../../rating/run-rating.ts';
import { doctorBandDistribution, doctorRatings, listDoctorRatings } from '../../graph/rating/doctor-store.ts';
import { median, spearman } from '../../rating/score.ts';
import { openServices } from '../../runtime/services.ts';
import { loadGeneratedDataset } from './helpers/dataset.ts';
import { judgeRing } from './helpers/verdicts.ts';
import { createCase, transitionCase } from '../../graph/cases/cases.ts';
import { loadCaseBundle } from '../../graph/exports/load-case-bundle.ts';
import { latestRunAt } from '../../graph/reports/report-data.ts';
import { buildReportModel } from '../../reports/model.ts';
import { renderHtml } from '../../reports/render-html.ts';

/**
 * Credit ratings on a generated dataset: institutions that planted rings run through land below their
 * peers. Ring involvement is measured from the generator's ground truth (the share of the institution's
 * fund money in the period on planted fraudulent claims), never from what detection found.
 */
describe('credit ratings on a generated dataset (20k claims, seed 1)', () => {
  const stack = inject('stack');
  const driver = createDriver(stack.neo4j);
  const model = loadRatingModel();
  let dir = '';
  let data = '';

  beforeAll(async () => {
    ({ dir, data } = await loadGeneratedDataset(driver, { claims: 20_000, seed: 1, prefix: 'ringlens-rating-' }));
  }, 600_000);
  afterAll(() => driver.close());

  /** Ground-truth involvement per institution in a period: planted fraud fund money / all fund money there. */
  async function involvement(periodKey: string): Promise<Map<string, number>> {
    const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(data, 'ground-truth.json'), 'utf8')));
    const planted = truth.rings.flatMap((r) => r.claimIds);
    const p = parsePeriod(periodKey);
    const { records } = await driver.executeQuery(
      `MATCH (c:Claim) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
       WITH c.institutionCode AS code, sum(c.fundPaid) AS fund, sum(CASE WHEN c.claimId IN $planted THEN c.fundPaid ELSE 0 END) AS fraud
       RETURN code, fraud / fund AS share`,
      { start: `${p.start}T00:00:00+08:00`, end: `${p.end}T00:00:00+08:00`, planted },
    );
    return new Map(records.map((r) => [r.get('code') as string, r.get('share') as number]));
  }

  /**
   * Ground truth per doctor in a period: the doctors the generator made members of planted rings, and each
   * one's involvement — the fund money of the doctor's claims (attended or prescribed) that are claims of
   * those rings, over all the doctor's fund money there. A doctor who merely attended a ring's claim
   * (a lent card shown to an honest doctor) is not in the ring.
   */
  async function doctorInvolvement(periodKey: string): Promise<Map<string, number>> {
    const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(data, 'ground-truth.json'), 'utf8')));
    const plantedOf = new Map<string, Set<string>>();
    for (const r of truth.rings) for (const m of r.members) if (m.type === 'doctor') for (const c of r.claimIds) plantedOf.set(m.id, (plantedOf.get(m.id) ?? new Set()).add(c));
    const rings = [...plantedOf].map(([doctor, ids]) => ({ doctor, claimIds: [...ids] }));
    const p = parsePeriod(periodKey);
    const { records } = await driver.executeQuery(
      `UNWIND $rings AS ring
       MATCH (d:Doctor {code: ring.doctor})<-[:BY|PRESCRIBED_BY]-(c:Claim) WHERE c.settledAt >= datetime($start) AND c.settledAt < datetime($end)
       WITH DISTINCT d, c, ring.claimIds AS planted
       WITH d.code AS code, sum(c.fundPaid) AS fund, sum(CASE WHEN c.claimId IN planted THEN c.fundPaid ELSE 0 END) AS fraud
       RETURN code, CASE WHEN fund > 0 THEN fraud / fund ELSE 0 END AS share`,
      { start: `${p.start}T00:00:00+08:00`, end: `${p.end}T00:00:00+08:00`, rings },
    );
    return new Map(records.map((r) => [r.get('code') as string, r.get('share') as number]).filter(([, share]) => (share as number) > 0) as [string, number][]);
  }

  it('rates after a detection run on the queue; planted-ring institutions land in lower bands than their peers', async () => {
    await runRating(driver, { period: '2024-H1' });
    await runDoctorRating(driver, { period: '2024-H1' });
    const services = openServices(stack, `${inject('queuePrefix')}-rating`);
    const detectConn = services.redis.duplicate();
    const rateConn = services.redis.duplicate();
    const detectEvents = createQueueEvents(QUEUES.detect, detectConn, services.prefix);
    const rateEvents = createQueueEvents(QUEUES.rate, rateConn, services.prefix);
    const previousUnit = process.env.RINGLENS_RATING_PERIOD_UNIT;
    process.env.RINGLENS_RATING_PERIOD_UNIT = 'half';
    const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix });
    let rated: RateJobResult;
    try {
      await Promise.all([detectEvents.waitUntilReady(), rateEvents.waitUntilReady()]);
      const job = await services.queues.detect.add('detect', { scope: {} });
      const run = (await job.waitUntilFinished(detectEvents, 240_000)) as DetectJobResult;
      expect(run.rings).toBeGreaterThanOrEqual(8);
      // The worker enqueued the rating that follows the run, under the run's id.
      let rateJob = await services.queues.rate.getJob(`rate-after-${run.runId}`);
      for (let i = 0; !rateJob && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        rateJob = await services.queues.rate.getJob(`rate-after-${run.runId}`);
      }
      expect(rateJob, 'rating job enqueued after detection').toBeDefined();
      rated = (await rateJob!.waitUntilFinished(rateEvents, 120_000)) as RateJobResult;
    } finally {
      if (previousUnit === undefined) delete process.env.RINGLENS_RATING_PERIOD_UNIT;
      else process.env.RINGLENS_RATING_PERIOD_UNIT = previousUnit;
      await pool.close();
      await Promise.all([detectEvents.close(), rateEvents.close()]);
      detectConn.disconnect();
      rateConn.disconnect();
      await services.queues.detect.obliterate({ force: true });
      await services.queues.rate.obliterate({ force: true });
      await services.close();
    }
    // The latest claim is in December 2024: the half-year 2024-H2.
    expect(rated.period).toBe('2024-H2');
    const { records: stored } = await driver.executeQuery("MATCH (r:RatingRun {ratingRunId: $id}) RETURN r.trigger AS trigger, r.detectionRunId AS run", { id: rated.ratingRunId });
    expect(stored[0]!.get('trigger')).toBe('after-detection');

    for (const period of ['2024-H1', '2024-H2']) {
      const inv = await involvement(period);
      const { items } = await listRatings(driver, { period }, 'code', 0, 10_000);
      const ratedItems = items.filter((r) => r.score !== null);
      expect(ratedItems.length).toBeGreaterThan(40);
      const x = ratedItems.map((r) => inv.get(r.code) ?? 0);
      const y = ratedItems.map((r) => r.score!);
      const rho = spearman(x, y);
      const bands = await bandDistribution(driver, { period });
      // Peers: same kind and level. Institutions with planted fraud money in the period against the rest.
      const groups = new Map<string, { ringed: number[]; others: number[] }>();
      for (const r of ratedItems) {
        const g = groups.get(`${r.kind}/${r.level}`) ?? { ringed: [], others: [] };
        ((inv.get(r.code) ?? 0) > 0 ? g.ringed : g.others).push(r.score!);
        groups.set(`${r.kind}/${r.level}`, g);
      }
      console.log(
        `[rating ${period}] ${ratedItems.length} institutions rated; Spearman(planted-ring fund share, score) = ${rho.toFixed(3)}; bands ${JSON.stringify(bands)}; ` +
          [...groups.entries()].map(([k, g]) => `${k}: ringed ${g.ringed.length} median ${median(g.ringed).toFixed(1)} vs ${g.others.length} median ${median(g.others).toFixed(1)}`).join('; '),
      );
      expect(rho).toBeLessThan(-0.4);
      for (const [k, g] of groups) {
        if (g.ringed.length === 0 || g.others.length === 0) continue;
        expect({ group: k, lower: median(g.ringed) < median(g.others) }).toEqual({ group: k, lower: true });
      }
      const bandRank = (b: string | null) => (b === null ? 99 : model.bands.findIndex((m) => m.code === b));
      const ringedBands = ratedItems.filter((r) => (inv.get(r.code) ?? 0) > 0).map((r) => bandRank(r.band));
      const otherBands = ratedItems.filter((r) => (inv.get(r.code) ?? 0) === 0).map((r) => bandRank(r.band));
      expect(median(ringedBands)).toBeGreaterThan(median(otherBands));
    }
  }, 600_000);

  it('rates doctors with their own model after the same run; doctors in planted rings land below their peers (same department, institution kind and level)', async () => {
    const doctorModel = loadRatingModel('rating/models/doctor-100.yaml');
    // The rating job after detection rated the doctors too, for the same period.
    const { records: runs } = await driver.executeQuery("MATCH (r:RatingRun {subject: 'doctor', period: '2024-H2', trigger: 'after-detection'}) RETURN r.modelId AS model, r.rated AS rated");
    expect(runs.map((r) => r.get('model'))).toEqual(['doctor-100']);
    // 2024-H1 was rated before detection ran (above): rate it again with the rings, as a rating job would.
    await runDoctorRating(driver, { period: '2024-H1' });
    for (const period of ['2024-H1', '2024-H2']) {
      const inv = await doctorInvolvement(period);
      const { items } = await listDoctorRatings(driver, { period }, 'code', 0, 100_000);
      const rated = items.filter((r) => r.score !== null);
      expect(rated.length).toBeGreaterThan(30);
      const rho = spearman(
        rated.map((r) => inv.get(r.code) ?? 0),
        rated.map((r) => r.score!),
      );
      const bands = await doctorBandDistribution(driver, { period });
      const groups = new Map<string, { ringed: number[]; others: number[] }>();
      for (const r of rated) {
        const key = `${r.department}/${r.kind}/${r.level}`;
        const g = groups.get(key) ?? { ringed: [], others: [] };
        ((inv.get(r.code) ?? 0) > 0 ? g.ringed : g.others).push(r.score!);
        groups.set(key, g);
      }
      const ringed = rated.filter((r) => (inv.get(r.code) ?? 0) > 0);
      const compared = [...groups.entries()].filter(([, g]) => g.ringed.length > 0 && g.others.length > 0);
      const lower = compared.filter(([, g]) => median(g.ringed) < median(g.others));
      console.log(
        `[doctor rating ${period}] ${rated.length} of ${items.length} doctors rated, ${ringed.length} with planted fraud money; Spearman(planted-ring fund share, score) = ${rho.toFixed(3)}; bands ${JSON.stringify(bands)}; ` +
          `ringed median ${median(ringed.map((r) => r.score!)).toFixed(1)} vs others ${median(rated.filter((r) => !ringed.includes(r)).map((r) => r.score!)).toFixed(1)}; ` +
          `peer groups where ringed doctors sit lower: ${lower.length} of ${compared.length} (` +
          compared.map(([k, g]) => `${k}: ${g.ringed.length} at ${median(g.ringed).toFixed(1)} vs ${g.others.length} at ${median(g.others).toFixed(1)}`).join('; ') +
          ')',
      );
      const truth = GroundTruthSchema.parse(JSON.parse(readFileSync(path.join(data, 'ground-truth.json'), 'utf8')));
      const full = await Promise.all(ringed.map(async (r) => ({ r, h: (await doctorRatings(driver, r.code)).find((x) => x.period === period)! })));
      for (const { r, h } of full)
        console.log(
          `[doctor rating ${period}]   ringed ${r.code} (${r.department}/${r.kind}/${r.level}) planted share ${(inv.get(r.code)! * 100).toFixed(1)}% families ${truth.rings.filter((t) => t.members.some((m) => m.type === 'doctor' && m.id === r.code)).map((t) => `${t.family} ${t.period.start}..${t.period.end}`).join(', ')}: score ${r.score} ` +
            h.lines.filter((l) => l.status === 'scored' && (l.points ?? 0) < l.maxPoints || l.indicator.startsWith('ring')).map((l) => `${l.indicator} ${l.value} → ${l.points}/${l.maxPoints}${l.peer ? ` (${l.peer.group} n ${l.peer.n} median ${l.peer.median})` : ''}`).join('; '),
        );
      // Doctors low without planted fraud of their own: what took their points (for the note; not asserted).
      const lowOthers = rated.filter((r) => !ringed.includes(r) && (r.band === 'D' || r.band === 'E'));
      const why = new Map<string, number>();
      for (const r of lowOthers) {
        const h = (await doctorRatings(driver, r.code)).find((x) => x.period === period)!;
        const fam = (h.lines.find((l) => l.indicator === 'ring-fund-share')?.detail as { byFamily?: { family: string }[] } | null)?.byFamily?.map((b) => b.family) ?? [];
        const key = fam.length ? `in rings: ${fam.join('+')}` : 'rule signals / growth only';
        why.set(key, (why.get(key) ?? 0) + 1);
      }
      console.log(`[doctor rating ${period}] ${lowOthers.length} doctors in D/E without planted fraud of their own: ${JSON.stringify(Object.fromEntries(why))}`);
      expect(rho).toBeLessThan(-0.3);
      expect(lower.length).toBe(compared.length);
      const bandRank = (b: string | null) => (b === null ? 99 : doctorModel.bands.findIndex((m) => m.code === b));
      expect(median(ringed.map((r) => bandRank(r.band)))).toBeGreaterThan(median(rated.filter((r) => !ringed.includes(r)).map((r) => bandRank(r.band))));
    }
    // The breakdown is stored line by line; imported lines are missing, never zero.
    const worst = (await listDoctorRatings(driver, { period: '2024-H2' }, 'score', 0, 100_000)).items.find((r) => r.score !== null)!;
    const [h2] = await doctorRatings(driver, worst.code);
    expect(h2!.lines.map((l) => l.indicator)).toEqual(doctorModel.indicators.map((i) => i.id));
    for (const l of h2!.lines.filter((l) => l.source === 'imported')) expect({ status: l.status, points: l.points, value: l.value }).toEqual({ status: 'missing', points: null, value: null });
    expect(h2!.lines.find((l) => l.indicator === 'rule-signal-rate')!.peer?.group).toMatch(/^department/);
  }, 300_000);

  it('stores an explainable breakdown per period: ring shares by family, peers, missing imports; a dismissed ring weighs nothing', async () => {
    const { items } = await listRatings(driver, { period: '2024-H2' }, 'score', 0, 5);
    const worst = items[0]!;
    const [h2, h1] = await institutionRatings(driver, worst.code);
    expect([h2!.period, h1!.period]).toEqual(['2024-H2', '2024-H1']);
    expect(h2!.lines.map((l) => l.indicator)).toEqual(model.indicators.map((i) => i.id));
    const ring = h2!.lines.find((l) => l.indicator === 'ring-fund-share')!;
    const growthLine = h2!.lines.find((l) => l.indicator === 'fund-growth')!;
    expect(growthLine.status).toBe('scored');
    expect(growthLine.detail).toMatchObject({ previousPeriod: '2024-H1' });
    for (const l of h2!.lines.filter((l) => l.source === 'imported' && l.status !== 'not-applicable')) {
      expect({ indicator: l.indicator, status: l.status, points: l.points }).toEqual({ indicator: l.indicator, status: 'missing', points: null });
    }
    expect(h2!.evaluated).toBeLessThan(1000);

    // Dismiss every ring at the worst institution: its ring shares weigh nothing and its score rises.
    expect(ring.value).toBeGreaterThan(0);
    {
      const byFamily = (ring.detail as { byFamily: { family: string }[] }).byFamily;
      expect(byFamily.length).toBeGreaterThan(0);
      const { records } = await driver.executeQuery(
        `MATCH (r:Ring {status: 'active'})-[:EVIDENCED_BY]->(c:Claim {institutionCode: $code}) RETURN DISTINCT r.ringId AS id`,
        { code: worst.code },
      );
      for (const r of records) await judgeRing(driver, r.get('id') as string, 'dismissed');
      await runRating(driver, { period: '2024-H2' });
      const [again] = await institutionRatings(driver, worst.code);
      expect(again!.lines.find((l) => l.indicator === 'ring-fund-share')).toMatchObject({ value: 0, points: 100 });
      expect(again!.score!).toBeGreaterThan(h2!.score!);
    }
    const moves = await bandMoves(driver, '2024-H2', '2024-H1', model.bands.map((b) => b.code));
    for (const m of moves) expect(model.bands.findIndex((b) => b.code === m.to)).toBeGreaterThan(model.bands.findIndex((b) => b.code === m.from));
  }, 300_000);

  it('imports external indicators through a mapping file; a bad file stores nothing and names line and field; an empty value is missing', async () => {
    const { items } = await listRatings(driver, { period: '2024-H2' }, 'code', 0, 3);
    const [a, b] = items;
    const file = path.join(dir, 'credit.txt');
    writeFileSync(file, `QJ|JGBM|ZB|FZ\n2024-H2|${a!.code}|XZCF|150\n2024-H2|${b!.code}|XZCF|\n2024-H2|${a!.code}|MYD|90\n`);
    const mapping = path.join(dir, 'credit.yaml');
    writeFileSync(
      mapping,
      [
        'version: 1',
        'source: bureau',
        'target: credit_indicators',
        'format: { type: csv, delimiter: "|" }',
        'columns:',
        '  period: QJ',
        '  institution_code: JGBM',
        '  indicator: { from: ZB, values: { XZCF: admin-penalties, MYD: patient-satisfaction } }',
        '  value: FZ',
      ].join('\n'),
    );
    const bad = path.join(dir, 'credit-bad.txt');
    writeFileSync(bad, `QJ|JGBM|ZB|FZ\n2024-H2|${a!.code}|XZCF|170\n2024-H2|${a!.code}|MYD|abc\n2024-H2|${a!.code}|PX|3\n`);
    const err = await importIndicators(driver, bad, { model, mappingFile: mapping }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RatingImportError);
    expect((err as RatingImportError).problems).toEqual([
      { line: 3, field: 'value', message: '"abc" is not a number' },
      { line: 4, field: 'indicator', message: expect.stringContaining('value "PX" of ZB is not in the translation table') },
    ]);
    expect((await driver.executeQuery('MATCH (x:RatingImport) RETURN count(x) AS n')).records[0]!.get('n')).toBe(0);

    const s = await importIndicators(driver, file, { model, mappingFile: mapping, period: '2024-H2' });
    expect(s).toMatchObject({ rows: 3, missing: 1, periods: ['2024-H2'] });
    await runRating(driver, { period: '2024-H2' });
    const line = async (code: string, id: string) => (await institutionRatings(driver, code))[0]!.lines.find((l) => l.indicator === id)!;
    expect(await line(a!.code, 'admin-penalties')).toMatchObject({ status: 'scored', value: 150, points: 150 });
    expect(await line(a!.code, 'patient-satisfaction')).toMatchObject({ status: 'scored', value: 90, points: 45 });
    expect(await line(b!.code, 'admin-penalties')).toMatchObject({ status: 'missing', points: null, note: { zh: '2024-H2 导入的“admin-penalties”为空（缺失）', en: '"admin-penalties" imported as missing for 2024-H2' } });
  }, 120_000);

  it("puts the institution's rating at referral time into the case bundle, not a later one", async () => {
    const { records } = await driver.executeQuery(
      `MATCH (r:Ring {status: 'active'})-[:HAS_MEMBER]->(i:Institution)<-[:RATES]-(:Rating) WHERE r.verdict IS NULL
       RETURN r.ringId AS ringId, i.code AS code ORDER BY r.score DESC LIMIT 1`,
    );
    const ringId = records[0]!.get('ringId') as string;
    const code = records[0]!.get('code') as string;
    const c = await createCase(driver, { ringId, actor: 'inv' });
    await transitionCase(driver, c.caseId, { to: 'investigating', actor: 'inv', role: 'investigator' });
    await transitionCase(driver, c.caseId, { to: 'confirmed', actor: 'inv', role: 'investigator' });
    await transitionCase(driver, c.caseId, { to: 'referred', actor: 'sup', role: 'supervisor' });
    const atReferral = (await institutionRatings(driver, code))[0]!;
    // A rating computed after the referral (the confirmed verdict now weighs fully) must not replace it in the package.
    await new Promise((r) => setTimeout(r, 20));
    await runRating(driver, { period: '2024-H2' });
    const later = (await institutionRatings(driver, code))[0]!;
    expect(later.computedAt > atReferral.computedAt).toBe(true);
    const bundle = await loadCaseBundle(driver, { caseId: c.caseId });
    const entry = bundle.ratings!.find((r) => r.code === code)!;
    expect(entry.asOfKind).toBe('referral');
    expect(entry.rating).not.toBeNull();
    // The H2 rating as it stood at the referral, superseded since, not the later one.
    expect(entry.rating).toMatchObject({ period: '2024-H2', computedAt: atReferral.computedAt, score: atReferral.score, band: atReferral.band });
    expect(entry.rating!.computedAt).not.toBe(later.computedAt);
  }, 120_000);

  it('the scheduled report states the band distribution of the latest rated period and the institutions that moved down', async () => {
    const at = new Date().toISOString();
    const run = await latestRunAt(driver, at);
    const m = await buildReportModel(
      driver,
      { reportId: 'weekly--2025-W01', scheduleId: 'weekly', title: '每周团伙报告', periodKey: '2025-W01', periodUnit: 'week', lang: 'zh', firedAt: at, generatedAt: at, workbenchUrl: 'http://127.0.0.1:8080' },
      run,
    );
    const credit = m.credit!;
    expect(credit.period).toBe('2024-H2');
    expect(credit.previousPeriod).toBe('2024-H1');
    const dist = await bandDistribution(driver, { period: '2024-H2' });
    expect(Object.fromEntries(credit.bands.map((b) => [b.code, b.count]))).toEqual(Object.fromEntries(model.bands.map((b) => [b.code, dist[b.code] ?? 0])));
    const moves = await bandMoves(driver, '2024-H2', '2024-H1', model.bands.map((b) => b.code));
    expect(credit.movedDown).toEqual(moves);
    expect(moves.length).toBeGreaterThan(0);
    const html = renderHtml(m).toString('utf8');
    expect(html).toContain('机构信用等级分布');
    expect(html).toContain(`信用等级下降的机构（${moves.length}）`);
    for (const mv of moves) expect(html).toContain(mv.code);
  }, 60_000);
});
