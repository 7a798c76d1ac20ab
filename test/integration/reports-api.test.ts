import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES, type Role } from '../../access/roles.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import { startApiServer, type ApiServer } from '../../api/server.ts';
import { loadEnv } from '../../config/env.ts';
import type { DetectionSummary } from '../../detection/run-detection.ts';
import { startWorkers, type WorkerPool } from '../../jobs/workers.ts';
import { openServices, type Services } from '../../runtime/services.ts';
import { client, createRoleUsers, loadDetectedDataset, PASSWORDS, USERNAME, type Reply } from './api-client.ts';

const JWT_SECRET = 'integration-test-secret-0123456789abcdef';

describe('schedules, reports, the job dashboard and /metrics over HTTP', () => {
  const stack = inject('stack');
  let services: Services;
  let api: ApiServer;
  let pool: WorkerPool;
  let call: ReturnType<typeof client>;
  let detection: DetectionSummary;
  let dir: string;
  const token = {} as Record<Role, string>;
  const v1 = (p: string) => `${API_PREFIX}${p}`;
  const expectProblem = (r: Reply, status: number) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
  };

  beforeAll(async () => {
    services = openServices(stack, `${inject('queuePrefix')}-reports-api`);
    const loaded = await loadDetectedDataset(services.driver, 12_000);
    detection = loaded.detection;
    dir = loaded.dir;
    await createRoleUsers(services.driver);
    api = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, loginRateLimit: { limit: 10_000, windowMs: 60_000 } });
    pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, env: loadEnv(), lockDuration: 15_000, stalledInterval: 2_000 });
    call = client(api.url);
    for (const role of ROLES) {
      const r = await call('post', v1('/auth/login'), { body: { username: USERNAME[role], password: PASSWORDS[role] } });
      token[role] = r.body.accessToken;
    }
  }, 600_000);

  afterAll(async () => {
    await pool?.close();
    await api?.close();
    for (const q of Object.values(services.queues)) await q.obliterate({ force: true }).catch(() => {});
    await services?.close();
  });

  it('refuses an invalid schedule with the field paths, creates one with its next run time, keeps secrets write-only', async () => {
    const bad = await call('post', v1('/schedules'), {
      token: token.admin,
      body: { id: 'Bad Id', title: '', kind: 'detection', cron: 'every night', tz: 'Mars/Olympus', period: 'fortnight', delivery: { webhooks: [{ url: 'ftp://x', secret: 'short' }] } },
    });
    expectProblem(bad, 400);
    const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.title', 'body.cron', 'body.tz', 'body.period', 'body.delivery.webhooks.0.url', 'body.delivery.webhooks.0.secret']));
    expectProblem(await call('post', v1('/schedules'), { token: token.supervisor, body: {} }), 403);

    const created = await call('post', v1('/schedules'), {
      token: token.admin,
      body: { id: 'weekly-test', title: '每周测试报告', kind: 'report', cron: '0 3 * * 1', period: 'week', delivery: { webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-of-some-length' }] } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: 'weekly-test', tz: 'Asia/Shanghai', enabled: true, schedulerPresent: true, delivery: { webhooks: [{ url: 'http://127.0.0.1:9/hook', secretSet: true }] } });
    expect(JSON.stringify(created.body)).not.toContain('a-webhook-secret-of-some-length');
    // Next Monday 03:00 China time = Sunday 19:00 UTC.
    const next = new Date(created.body.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([0, 19, 0]);
    expectProblem(await call('post', v1('/schedules'), { token: token.admin, body: created.body }), 400); // the view is no input (secretSet…)

    const off = await call('patch', v1('/schedules/weekly-test'), { token: token.admin, body: { enabled: false } });
    expect(off.body).toMatchObject({ enabled: false, nextRunAt: null, schedulerPresent: false });
    expect(await services.queues.schedule.getJobScheduler('weekly-test')).toBeUndefined();
    const on = await call('patch', v1('/schedules/weekly-test'), { token: token.admin, body: { enabled: true, cron: '30 2 * * *', period: 'day' } });
    expect(on.body).toMatchObject({ enabled: true, cron: '30 2 * * *', schedulerPresent: true });
    expect((await services.queues.schedule.getJobScheduler('weekly-test'))?.pattern).toBe('30 2 * * *');
    expectProblem(await call('patch', v1('/schedules/weekly-test'), { token: token.admin, body: { cron: 'x' } }), 400);
    const list = await call('get', v1('/schedules'), { token: token.admin });
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain('weekly-test');
    expect((await call('delete', v1('/schedules/weekly-test'), { token: token.admin })).status).toBe(200);
    expectProblem(await call('get', v1('/schedules/weekly-test'), { token: token.admin }), 404);
    expect(await services.queues.schedule.getJobScheduler('weekly-test')).toBeUndefined();
  });

  it('runs a schedule now, then lists, shows and serves the report as HTML, PDF and JSON', async () => {
    const created = await call('post', v1('/schedules'), { token: token.admin, body: { id: 'nightly-api', title: '每日团伙检测报告', kind: 'detection', cron: '0 2 * * *', period: 'day' } });
    expect(created.status).toBe(201);
    const run = await call('post', v1('/schedules/nightly-api/run'), { token: token.admin, body: { periodKey: '2026-03-02' } });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    expect(run.body).toMatchObject({ reportId: 'nightly-api--2026-03-02', reportUrl: '/api/v1/reports/nightly-api--2026-03-02' });
    let detail: Reply | undefined;
    for (let k = 0; k < 240; k++) {
      detail = await call('get', run.body.reportUrl, { token: token.supervisor });
      if (detail.status === 200 && detail.body.status === 'ready') break;
      await sleep(500);
    }
    expect(detail!.body).toMatchObject({ status: 'ready', formats: expect.arrayContaining(['html', 'pdf', 'json']), counts: { active: detection.rings.length } });

    // The report's numbers are what the API says about the same run: its run record and its rings.
    const report = detail!.body as { runId: string; baselineRunId: string | null; counts: Record<string, number>; fundAtRisk: number };
    expect(report.baselineRunId).toBe(detection.runId); // the run before it, which the run's own tracking compared against
    const runs = await call('get', `${v1('/runs')}?limit=50`, { token: token.supervisor });
    const apiRun = (runs.body.items as Record<string, number | string>[]).find((r) => r.runId === report.runId)!;
    expect({ active: apiRun.ringCount, new: apiRun.newRings, grown: apiRun.grownRings, shrunk: apiRun.shrunkRings, dissolved: apiRun.dissolvedRings }).toEqual(report.counts);
    let ringsOfRun = 0;
    let fund = 0;
    let cursor: string | null = null;
    do {
      const page: Reply = await call('get', `${v1('/rings')}?run=${encodeURIComponent(report.runId)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: token.supervisor });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      for (const r of page.body.items as { fundPaid: number }[]) {
        ringsOfRun++;
        fund += r.fundPaid;
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ringsOfRun).toBe(report.counts.active);
    expect(fund).toBeCloseTo(report.fundAtRisk, 2);
    const listed = await call('get', `${v1('/reports')}?scheduleId=nightly-api`, { token: token.investigator });
    expect(listed.body.items.map((r: { reportId: string }) => r.reportId)).toEqual(['nightly-api--2026-03-02']);
    expectProblem(await call('get', v1('/reports'), { token: token.liaison }), 403);

    const html = await fetch(`${api.url}${detail!.body.links.html}`, { headers: { authorization: `Bearer ${token.supervisor}` } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect(await html.text()).toContain('每日团伙检测报告');
    const pdf = await fetch(`${api.url}${detail!.body.links.pdf}`, { headers: { authorization: `Bearer ${token.admin}` } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const pdfFile = path.join(dir, 'nightly-api.pdf');
    writeFileSync(pdfFile, bytes);
    const info = spawnSync('pdffonts', [pdfFile], { encoding: 'utf8' });
    expect(info.stdout).toMatch(/NotoSansCJK/); // the same embedded CJK font as case exports
    const json = await (await fetch(`${api.url}${detail!.body.links.json}`, { headers: { authorization: `Bearer ${token.investigator}` } })).json();
    expect(json).toMatchObject({ formatVersion: 1, reportId: 'nightly-api--2026-03-02', counts: detail!.body.counts });
    expectProblem(await call('get', `${v1('/reports/nightly-api--2026-03-02/docx')}`, { token: token.admin }), 400);
    expectProblem(await call('get', `${v1('/reports/nightly-api--2026-03-02/pdf')}`, { token: token.liaison }), 403);
    expectProblem(await call('get', `${v1('/reports/nightly-api--2026-03-02/pdf')}`), 401);
    expectProblem(await call('get', `${v1('/reports/nightly-api--2026-03-03/pdf')}`, { token: token.admin }), 404);
    const openapi = await call('get', '/openapi.json');
    expect(openapi.body.paths['/api/v1/reports/{reportId}/{format}'].get.operationId).toBe('downloadReport');
    expect(openapi.body.paths['/api/v1/schedules/{scheduleId}/run'].post.operationId).toBe('runSchedule');
  }, 240_000);

  it('mounts Bull Board for admins only (bearer or a short-lived session cookie)', async () => {
    expectProblem(await call('get', '/admin/queues/'), 401);
    expectProblem(await call('get', '/admin/queues/', { token: token.investigator }), 403);
    const page = await call('get', '/admin/queues/', { token: token.admin });
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/text\/html/);
    const session = await fetch(`${api.url}/admin/queues/session`, { method: 'POST', headers: { authorization: `Bearer ${token.admin}` } });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/ringlens_board=.*HttpOnly.*SameSite=Strict/i);
    const viaCookie = await fetch(`${api.url}/admin/queues/api/queues?activeQueue=report&page=1&jobsPerPage=10`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(viaCookie.status).toBe(200);
    const queues = (await viaCookie.json()) as { queues: { name: string }[] };
    expect(queues.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['report', 'detect-part', 'schedule', 'delivery']));
    expect((await fetch(`${api.url}/admin/queues/session`, { method: 'POST', headers: { authorization: `Bearer ${token.supervisor}` } })).status).toBe(403);
  });

  it('serves Prometheus metrics: queue gauges, job durations, request durations by route', async () => {
    await call('get', v1('/reports'), { token: token.admin });
    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/ringlens_queue_jobs\{queue="report",state="completed"\} [1-9]/);
    expect(text).toMatch(/ringlens_job_duration_seconds_count\{queue="detect-part",name="part",status="completed"\} [1-9]/);
    expect(text).toMatch(/ringlens_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/reports",status="200"\} [1-9]/);
    expect(text).toContain('ringlens_process_cpu_seconds_total');
    // With a metrics token, scrapers must send it.
    const guarded = await startApiServer(services, '127.0.0.1', 0, { jwtSecret: JWT_SECRET, metricsToken: 'metrics-token-0123456789' });
    try {
      expectProblem(await client(guarded.url)('get', '/metrics'), 401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
