import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../config/env.ts';
import { assembleRings } from '../../detection/assemble.ts';
import { detectPart, listRegions, mergeParts, type PartResult } from '../../detection/partitioned.ts';
import { resolveOverlaps } from '../../detection/resolve-overlaps.ts';
import { memberKey, type RingRecord } from '../../detection/ring-record.ts';
import { runDetection } from '../../detection/run-detection.ts';
import { runDetectors } from '../../detection/run-detectors.ts';
import { migrate } from '../../graph/migrate.ts';
import { projectClaims } from '../../graph/projection/project-claims.ts';
import { getReport, getReportFile, listDeliveries, reportIdFor } from '../../graph/reports/store.ts';
import { saveSchedule } from '../../graph/schedules/schedules.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { periodKey } from '../../jobs/period.ts';
import { QUEUES, redisConnection } from '../../jobs/queues.ts';
import { ScheduleSchema, type ScheduleInput } from '../../jobs/schedule-config.ts';
import { syncSchedulers } from '../../jobs/schedule-registry.ts';
import { triggerSchedule, type FireResult, type ReportJobResult } from '../../jobs/scheduled-run.ts';
import { startWorkers, type WorkerPool } from '../../jobs/workers.ts';
import { verifyWebhook } from '../../reports/delivery/webhook.ts';
import type { ReportModel } from '../../reports/model.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { startRedis, stopRedis } from '../../stack/redis-local.ts';
import { wipeGraph } from './graph-snapshot.ts';

const SECRET = 'test-webhook-secret-0123456789';

interface Hook {
  delivery: string;
  body: { report: { reportId: string }; content: ReportModel | null };
  valid: boolean;
}

/** A webhook receiver and an SMTP server, both local, recording what arrives. */
async function receivers() {
  const hooks: Hook[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const valid = verifyWebhook(SECRET, { timestamp: req.headers['x-ringlens-timestamp'] as string, signature: req.headers['x-ringlens-signature'] as string }, body);
      hooks.push({ delivery: req.headers['x-ringlens-delivery'] as string, body: JSON.parse(body), valid });
      res.writeHead(valid ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const mails: { to: string[]; raw: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  return {
    hooks,
    mails,
    webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ringlens`,
    smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((r) => server.close(r));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}

async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 90_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const ringKey = (r: RingRecord) => `${r.family}|${r.members.map(memberKey).sort().join(',')}`;

describe('scheduled detection runs and reports: on time, exactly once, surviving restarts', () => {
  const stack = inject('stack');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-sched-'));
  const data = path.join(dir, 'data');
  let services: Services;
  let rx: Awaited<ReturnType<typeof receivers>>;
  let env: ReturnType<typeof loadEnv>;
  const pools: WorkerPool[] = [];
  const prefix = `${inject('queuePrefix')}-sched`;
  const workers = (extra: Partial<Parameters<typeof startWorkers>[0]> = {}, s: Services = services) => {
    const p = startWorkers({ connection: s.redis, driver: s.driver, prefix: s.prefix, env, lockDuration: 15_000, stalledInterval: 1_000, ...extra });
    pools.push(p);
    return p;
  };
  const schedule = async (input: Partial<ScheduleInput> & { id: string }) => {
    const s = ScheduleSchema.parse({
      title: '测试每日团伙检测报告',
      kind: 'detection',
      cron: '0 2 * * *',
      period: 'day',
      delivery: { webhooks: [{ url: rx.webhookUrl, secret: SECRET }], email: { to: ['supervisor@bureau.test'] } },
      ...input,
    });
    await saveSchedule(services.driver, s, 'test');
    return s;
  };

  beforeAll(async () => {
    const gen = spawnSync(process.execPath, ['bin/ringlens.js', 'generate', '--claims', '20000', '--seed', '11', '--out', data], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    services = openServices(stack, prefix);
    await wipeGraph(services.driver);
    await migrate(services.driver);
    const ingest = await runIngest(services.driver, { inputs: [data], rejectsDir: path.join(dir, 'rejects') });
    expect(ingest.rejected).toBe(0);
    rx = await receivers();
    env = loadEnv({ ...process.env, RINGLENS_SMTP_URL: rx.smtpUrl, RINGLENS_PUBLIC_URL: 'http://workbench.test' });
  }, 600_000);

  afterAll(async () => {
    for (const p of pools) await p.close();
    for (const q of Object.values(services.queues)) await q.obliterate({ force: true }).catch(() => {});
    await services.close();
    await rx.close();
  });

  it('a partitioned run (one part per pooling region + the cross-region part) finds exactly the rings of a whole-graph run', async () => {
    const set = await projectClaims(services.driver, {});
    const whole = assembleRings(set, resolveOverlaps(runDetectors(set).candidates), 'whole');
    const regions = await listRegions(services.driver);
    expect(regions.length).toBeGreaterThanOrEqual(3);
    const parts: PartResult[] = [];
    for (const region of regions) parts.push(await detectPart(services.driver, { kind: 'region', region }));
    parts.push(await detectPart(services.driver, { kind: 'cross-region' }));
    expect(parts.reduce((s, p) => s + p.claims, 0)).toBe(set.claims.count);
    const merged = mergeParts(parts);
    expect(whole.length).toBeGreaterThanOrEqual(6);
    expect(merged.rings.map(ringKey).sort()).toEqual(whole.map(ringKey).sort());
    // Same money too: the union does not double-count a ring found by two parts.
    expect(merged.rings.reduce((s, r) => s + r.fundPaid, 0)).toBeCloseTo(whole.reduce((s, r) => s + r.fundPaid, 0), 2);
  }, 120_000);

  it('a fast cron fires repeatedly; one period gives one run, one report (HTML, PDF, JSON), one webhook and one mail; numbers match Cypher', async () => {
    // An earlier whole-graph run, so the report has a baseline and trend.
    const before = await runDetection(services.driver);
    const s = await schedule({ id: 'fast-nightly', cron: '*/2 * * * * *' });
    const pool = workers();
    await syncSchedulers(services.queues.schedule, [s]);
    const state = await services.queues.schedule.getJobScheduler('fast-nightly');
    expect(state?.next).toBeGreaterThan(Date.now() - 5_000);
    const key = periodKey(Date.now(), 'day', 'Asia/Shanghai');
    const reportId = reportIdFor('fast-nightly', key);
    const ready = await until('the scheduled report', async () => {
      const r = await getReport(services.driver, reportId);
      return r?.status === 'ready' ? r : null;
    });
    // Let it fire a few more times inside the same period, then stop the scheduler.
    await until('three completed fires', async () => (await services.queues.schedule.getJobCountByTypes('completed')) >= 3, 30_000);
    await services.queues.schedule.removeJobScheduler('fast-nightly');
    await until('deliveries', async () => rx.hooks.length >= 1 && rx.mails.length >= 1, 30_000);
    await until('queues drained', async () => {
      const counts = await Promise.all([services.queues.schedule, services.queues.report, services.queues.delivery].map((q) => q.getJobCounts('active', 'waiting', 'delayed')));
      return counts.every((c) => (c.active ?? 0) + (c.waiting ?? 0) + (c.delayed ?? 0) === 0);
    });
    await sleep(1_500);

    const fires = (await services.queues.schedule.getJobs(['completed'])).map((j) => j.returnvalue as FireResult);
    const keys = new Set(fires.map((f) => f.periodKey));
    expect(fires.length).toBeGreaterThan(keys.size); // the scheduler fired more than once in a period
    const reports = await services.driver.executeQuery("MATCH (r:Report {scheduleId: 'fast-nightly'}) RETURN count(r) AS n");
    expect(reports.records[0]!.get('n')).toBe(keys.size);
    const runs = await services.driver.executeQuery("MATCH (d:DetectionRun) WHERE d.scheduleKey STARTS WITH 'fast-nightly/' RETURN count(d) AS n");
    expect(runs.records[0]!.get('n')).toBe(keys.size);
    expect(rx.hooks.filter((h) => h.body.report.reportId === reportId)).toHaveLength(1);
    expect(rx.hooks.every((h) => h.valid)).toBe(true);
    expect(rx.mails).toHaveLength(keys.size);
    expect(rx.mails[0]!.to).toEqual(['supervisor@bureau.test']);
    expect(rx.mails[0]!.raw).toContain('application/pdf');
    const deliveries = await listDeliveries(services.driver, reportId);
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['email', 'delivered', 1],
      ['webhook-0', 'delivered', 1],
    ]);

    // The run was partitioned: one part per region plus the cross-region part, merged into one run.
    const runId = ready.runId!;
    const run = await services.driver.executeQuery('MATCH (d:DetectionRun {runId: $runId}) RETURN d.scope AS scope, d.scheduleKey AS key', { runId });
    expect(JSON.parse(run.records[0]!.get('scope')).partitioned).toContain('cross-region');
    expect(run.records[0]!.get('key')).toBe(`fast-nightly/${key}`);

    // Report numbers against direct Cypher counts.
    const model = JSON.parse((await getReportFile(services.driver, reportId, 'json'))!.bytes.toString('utf8')) as ReportModel;
    expect(model.baseline?.runId).toBe(before.runId);
    // The report counts membership changes: a ring with the same members whose score moved ('rescored') is unchanged there.
    const direct = await services.driver.executeQuery(
      `MATCH (:DetectionRun {runId: $runId})-[f:FOUND]->(r:Ring)
       RETURN count(r) AS active, sum(r.fundPaid) AS fund,
              count(CASE WHEN f.change = 'new' THEN 1 END) AS new, count(CASE WHEN f.change IN ['unchanged', 'rescored'] THEN 1 END) AS unchanged`,
      { runId },
    );
    const d = direct.records[0]!.toObject();
    expect(model.counts.active).toBe(d.active);
    expect(model.counts.active).toBe(before.rings.length);
    expect(model.counts.new).toBe(d.new);
    expect(model.counts.unchanged).toBe(d.unchanged);
    expect(model.counts.unchanged).toBe(before.rings.length); // the same data: every ring found again
    expect(model.moneyAtRisk.total).toBeCloseTo(d.fund, 2);
    const byFamily = await services.driver.executeQuery(
      `MATCH (:DetectionRun {runId: $runId})-[:FOUND]->(r:Ring) RETURN r.family AS family, count(r) AS rings, sum(r.fundPaid) AS fund ORDER BY family`,
      { runId },
    );
    expect(Object.fromEntries(model.moneyAtRisk.byFamily.map((f) => [f.family, f.rings]))).toEqual(Object.fromEntries(byFamily.records.map((r) => [r.get('family'), r.get('rings')])));
    const topInst = await services.driver.executeQuery(
      `MATCH (:DetectionRun {runId: $runId})-[:FOUND]->(r:Ring)-[:EVIDENCED_BY]->(:Claim)-[:AT]->(i:Institution)
       RETURN i.code AS code, count(DISTINCT r) AS rings ORDER BY rings DESC LIMIT 1`,
      { runId },
    );
    expect(model.topInstitutions[0]!.rings).toBe(topInst.records[0]!.get('rings'));
    expect(model.trend.map((t) => t.runId)).toEqual(expect.arrayContaining([before.runId, runId]));
    expect(rx.hooks[0]!.body.content?.counts).toEqual(model.counts);

    // The files: HTML with workbench links, a Chinese PDF, the JSON model.
    const html = (await getReportFile(services.driver, reportId, 'html'))!.bytes.toString('utf8');
    expect(html).toContain('测试每日团伙检测报告');
    expect(html).toContain('<svg');
    const pdf = (await getReportFile(services.driver, reportId, 'pdf'))!.bytes;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pdfFile = path.join(dir, 'report.pdf');
    writeFileSync(pdfFile, pdf);
    const text = spawnSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('测试每日团伙检测报告');
    expect(text.stdout).toContain('在册团伙');
    await pool.close();
  }, 240_000);

  it('firing twice for one period yields one run and one report', async () => {
    await schedule({ id: 'twice', period: 'day' });
    const pool = workers();
    const [a, b] = await Promise.all([
      triggerSchedule(services.queues.schedule, { scheduleId: 'twice', periodKey: '2026-01-05' }),
      triggerSchedule(services.queues.schedule, { scheduleId: 'twice', periodKey: '2026-01-05' }),
    ]);
    const reportId = reportIdFor('twice', '2026-01-05');
    await until('the report', async () => (await getReport(services.driver, reportId))?.status === 'ready');
    // A third fire after the report exists: recognised at once.
    const c = await triggerSchedule(services.queues.schedule, { scheduleId: 'twice', periodKey: '2026-01-05' });
    await until('all fires done', async () => {
      const states = await Promise.all([a, b, c].map((j) => j.getState()));
      return states.every((s) => s === 'completed');
    });
    const results = await Promise.all([a, b, c].map(async (j) => (await services.queues.schedule.getJob(j.id!))!.returnvalue as FireResult));
    expect(results[2]!.outcome).toBe('exists');
    const counts = await services.driver.executeQuery(
      `MATCH (r:Report {scheduleId: 'twice'}) WITH count(r) AS reports
       MATCH (d:DetectionRun) WHERE d.scheduleKey = 'twice/2026-01-05' RETURN reports, count(d) AS runs`,
    );
    expect(counts.records[0]!.toObject()).toEqual({ reports: 1, runs: 1 });
    await until('deliveries', async () => rx.hooks.some((h) => h.body.report.reportId === reportId));
    await sleep(2_000);
    expect(rx.hooks.filter((h) => h.body.report.reportId === reportId)).toHaveLength(1);
    await pool.close();
  }, 180_000);

  it('retries a failing part with backoff, fails the period visibly, and a later fire of the period starts it afresh', async () => {
    await schedule({ id: 'broken', delivery: { webhooks: [] } });
    let failing = true;
    const attempts = new Map<string, number[]>();
    const pool = workers({
      around: async (queue, job, run) => {
        if (failing && queue === QUEUES.detectPart && String((job.data as { scheduleKey?: string }).scheduleKey).startsWith('broken/')) {
          (attempts.get(job.id!) ?? attempts.set(job.id!, []).get(job.id!)!).push(Date.now());
          throw new Error('simulated part failure');
        }
        return run();
      },
    });
    await triggerSchedule(services.queues.schedule, { scheduleId: 'broken', periodKey: '2026-03-01' });
    const failed = await until('the report job to fail', async () => {
      const j = await services.queues.report.getJob('report.broken.2026-03-01');
      return (await j?.getState()) === 'failed' ? j : null;
    }, 90_000);
    expect(failed!.failedReason).toMatch(/simulated part failure|child/i);
    expect(await getReport(services.driver, reportIdFor('broken', '2026-03-01'))).toBeNull();
    // Each part was tried 4 times, spaced by growing delays (exponential backoff from 2 s).
    const partCount = (await listRegions(services.driver)).length + 1;
    await until('every part to give up', async () => [...attempts.values()].length === partCount && [...attempts.values()].every((a) => a.length === 4), 90_000);
    await until('no part left to run', async () => {
      const c = await services.queues.detectPart.getJobCounts('active', 'waiting', 'delayed');
      return (c.active ?? 0) + (c.waiting ?? 0) + (c.delayed ?? 0) === 0;
    });
    const first = [...attempts.values()][0]!;
    const gaps = first.slice(1).map((t, k) => t - first[k]!);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]! * 1.5);
    failing = false;
    await triggerSchedule(services.queues.schedule, { scheduleId: 'broken', periodKey: '2026-03-01' });
    await until('the report after the period was fired again', async () => (await getReport(services.driver, reportIdFor('broken', '2026-03-01')))?.status === 'ready', 90_000);
    const runs = await services.driver.executeQuery("MATCH (d:DetectionRun {scheduleKey: 'broken/2026-03-01'}) RETURN count(d) AS n");
    expect(runs.records[0]!.get('n')).toBe(1);
    await pool.close();
  }, 240_000);

  it('a worker killed (SIGKILL) after storing the report but before acknowledging it: another worker recovers the job, the report and its deliveries stay single', async () => {
    await schedule({ id: 'killed' });
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/integration/helpers/scheduled-worker.ts'], {
      env: { ...process.env, RL_STACK: JSON.stringify(stack), RL_PREFIX: prefix, RL_PAUSE_AFTER_REPORT_MS: '600000', RINGLENS_SMTP_URL: rx.smtpUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await until('the child worker', async () => out.includes('worker-ready'), 60_000);
      const fire = await triggerSchedule(services.queues.schedule, { scheduleId: 'killed', periodKey: '2026-02-01' });
      await until('the child to store the report', async () => out.includes('report-done'), 120_000);
      const reportJob = await services.queues.report.getJob('report.killed.2026-02-01');
      expect(await reportJob!.getState()).toBe('active');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Another worker takes the stalled job over once the dead worker's lock runs out.
      workers();
      const done = await until('the recovered report job', async () => {
        const j = await services.queues.report.getJob('report.killed.2026-02-01');
        return (await j?.getState()) === 'completed' ? j : null;
      }, 60_000);
      expect((done!.returnvalue as ReportJobResult).outcome).toBe('exists');
      expect(done!.stalledCounter ?? 1).toBeGreaterThanOrEqual(1);
      expect(await fire.getState()).toBe('completed');
      const reportId = reportIdFor('killed', '2026-02-01');
      await until('both deliveries', async () => (await listDeliveries(services.driver, reportId)).filter((d) => d.status === 'delivered').length === 2, 60_000);
      await sleep(2_000);
      const n = await services.driver.executeQuery("MATCH (r:Report {scheduleId: 'killed'}) RETURN count(r) AS reports, sum(r.claims) AS claims");
      expect(n.records[0]!.get('reports')).toBe(1);
      expect(n.records[0]!.get('claims')).toBe(2); // the job ran twice, the report was made once
      expect(rx.hooks.filter((h) => h.body.report.reportId === reportId)).toHaveLength(1);
      expect(rx.mails.filter((m) => m.raw.includes(reportId))).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 300_000);

  it('a private Redis with AOF restarted mid-schedule keeps its job schedulers, and they fire afterwards', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-aof-'));
    const name = 'sched-aof';
    const first = await startRedis({ cacheDir, name, appendOnly: true, fresh: true });
    const aofPrefix = `${prefix}-aof`;
    const s = await schedule({ id: 'aof-every-2s', kind: 'report', cron: '*/2 * * * * *', period: 'day', delivery: { webhooks: [] } });
    let conn = redisConnection(first.url);
    let q = new Queue(QUEUES.schedule, { connection: conn, prefix: aofPrefix });
    try {
      await syncSchedulers(q, [s]);
      expect(await q.getJobScheduler('aof-every-2s')).toBeTruthy();
      await q.close();
      conn.disconnect();
      await stopRedis({ cacheDir, name });
      // Back up from the append-only file (a new port: the test's Redis picks a free one).
      const second = await startRedis({ cacheDir, name, appendOnly: true });
      conn = redisConnection(second.url);
      q = new Queue(QUEUES.schedule, { connection: conn, prefix: aofPrefix });
      const kept = await q.getJobScheduler('aof-every-2s');
      expect(kept?.pattern).toBe('*/2 * * * * *');
      expect(kept?.tz).toBe('Asia/Shanghai');
      // Workers on the restarted Redis: the kept scheduler fires and the period's report appears.
      const aofServices = openServices({ ...stack, redis: { ...stack.redis, url: second.url } }, aofPrefix);
      try {
        const pool = startWorkers({ connection: aofServices.redis, driver: aofServices.driver, prefix: aofPrefix, env });
        const reportId = reportIdFor('aof-every-2s', periodKey(Date.now(), 'day', 'Asia/Shanghai'));
        await until('a report from the kept scheduler', async () => (await getReport(services.driver, reportId))?.status === 'ready', 60_000);
        await q.removeJobScheduler('aof-every-2s');
        await pool.close();
      } finally {
        await aofServices.close();
      }
    } finally {
      await q.close();
      conn.disconnect();
      await stopRedis({ cacheDir, name });
    }
  }, 180_000);
});
