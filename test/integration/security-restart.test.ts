import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import getPort from 'get-port';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../access/passwords.ts';
import { API_PREFIX } from '../../api/openapi.ts';
import { loadEnv, PROJECT_ROOT } from '../../config/env.ts';
import { migrate } from '../../graph/migrate.ts';
import { getReport, listDeliveries, reportIdFor } from '../../graph/reports/store.ts';
import { saveSchedule } from '../../graph/schedules/schedules.ts';
import { createUser } from '../../graph/users/users.ts';
import { QUEUES, redisConnection } from '../../jobs/queues.ts';
import { ScheduleSchema } from '../../jobs/schedule-config.ts';
import { triggerSchedule } from '../../jobs/scheduled-run.ts';
import { verifyWebhook } from '../../reports/delivery/webhook.ts';
import { resilientDriver } from '../../runtime/resilient-driver.ts';
import { instanceDir, recordedConnection, startNeo4j, stopNeo4j } from '../../stack/neo4j-local.ts';
import { redisDir, startRedis, stopRedis } from '../../stack/redis-local.ts';
import { terminate } from '../../stack/processes.ts';
import { rmSync } from 'node:fs';

/**
 * The acceptance outage test of issue 22 (defects 5 and 6), on real servers and real processes: a
 * private Neo4j instance and a private redis-server with AOF, `ringlens serve` and `ringlens worker`
 * started as an operator starts them (they find both through the instances' records). Under 8
 * concurrent clients for 30 s, Neo4j is stopped and started again WITHOUT a port, then Redis is stopped
 * and started again. Every failed request must be a 503 answered within 3 s, the same API and worker
 * processes must carry on afterwards, and the minutely scheduled report must have been delivered
 * exactly once per report. Then: a kept port that is taken fails naming the port and the instance, and
 * an instance moved to another port (`--port`) is followed by the running API and worker.
 */
const CLIENTS = 8;
const LOAD_MS = 30_000;
const LIMIT_MS = 3_000;
const SECRET = 'restart-webhook-secret-0123456789';
const JWT = 'restart-security-secret-0123456789abcdef';
const SCHEDULE = 'minutely';

type Answer = { what: string; status: number; ms: number; at: number; reason?: string; error?: string };

async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `node bin/ringlens.js …` in its own process (never through npx, which does not pass signals on). */
function ringlens(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, ['bin/ringlens.js', ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

describe('security: Neo4j and Redis restarted under load; a running API and worker carry on', () => {
  const env = loadEnv({ ...process.env, NEO4J_HEAP: '1g', NEO4J_PAGECACHE: '256m' });
  const name = `restart-${process.pid}`;
  const neo4jInstance = { cacheDir: env.RINGLENS_CACHE_DIR, versionRange: env.NEO4J_VERSION_RANGE, name, heap: '1g', pageCache: '256m' };
  const redisInstance = { cacheDir: env.RINGLENS_CACHE_DIR, name, appendOnly: true };
  const prefix = `ringlens-restart-${process.pid}`;
  const hooks: { reportId: string; delivery: string; valid: boolean; at: number }[] = [];
  let receiver: http.Server;
  let driver: Driver;
  let api: ReturnType<typeof ringlens>;
  let worker: ReturnType<typeof ringlens>;
  let apiUrl = '';
  let boltPort = 0;
  let redisUrl = '';
  const username = (c: number) => `restart.${c}`;
  const password = 'restart-security-password';
  const tokens: string[] = [];

  const request = async (what: string, method: string, url: string, opts: { token?: string; body?: unknown } = {}): Promise<Answer> => {
    const t = Date.now();
    try {
      const res = await fetch(`${apiUrl}${url}`, {
        method,
        headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body ? { 'content-type': 'application/json' } : {}) },
        ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
        // A request that hangs is a failure too; it is cut off (and counted) instead of stalling the test.
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      const reason = res.status === 503 ? (JSON.parse(text) as { reason?: string }).reason : undefined;
      return { what, status: res.status, ms: Date.now() - t, at: t, ...(reason ? { reason } : {}) };
    } catch (err) {
      return { what, status: 0, ms: Date.now() - t, at: t, error: (err as Error).message };
    }
  };
  const REQUESTS: [string, (c: number) => Promise<Answer>][] = [
    ['rings', (c) => request('rings', 'GET', `${API_PREFIX}/rings?limit=5`, { token: tokens[c]! })],
    ['ring', (c) => request('ring', 'GET', `${API_PREFIX}/rings/R-NO-SUCH-RING`, { token: tokens[c]! })],
    ['search', (c) => request('search', 'GET', `${API_PREFIX}/entities/search?q=330106`, { token: tokens[c]! })],
    ['me', (c) => request('me', 'GET', `${API_PREFIX}/auth/me`, { token: tokens[c]! })],
    ['job', (c) => request('job', 'GET', `${API_PREFIX}/jobs/detect/no-such-job`, { token: tokens[c]! })],
    ['reports', (c) => request('reports', 'GET', `${API_PREFIX}/reports?limit=5`, { token: tokens[c]! })],
    ['login', (c) => request('login', 'POST', `${API_PREFIX}/auth/login`, { body: { username: username(c), password } })],
    ['metrics', () => request('metrics', 'GET', '/metrics')],
    ['readyz', () => request('readyz', 'GET', '/readyz')],
  ];
  /** CLIENTS loops going round REQUESTS until `stop()` says so. */
  async function load(stop: () => boolean): Promise<Answer[]> {
    const answers: Answer[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = c; !stop(); i++) answers.push(await REQUESTS[i % REQUESTS.length]![1](c));
      }),
    );
    return answers;
  }
  const allFine = (answers: Answer[]) => answers.length > 0 && answers.every((a) => a.status === 200 || a.status === 404);
  const summary = (answers: Answer[]) => {
    const by: Record<string, Record<number, number>> = {};
    for (const a of answers) (by[a.what] ??= {})[a.status] = (by[a.what]![a.status] ?? 0) + 1;
    const failed = answers.filter((a) => a.status !== 200 && a.status !== 404).map((a) => a.ms).sort((x, y) => x - y);
    // the slowest failure of each request kind, so a slow 503 says which route it was
    const slowest: Record<string, number> = {};
    for (const a of answers) if (a.status !== 200 && a.status !== 404) slowest[a.what] = Math.max(slowest[a.what] ?? 0, a.ms);
    return { requests: answers.length, statuses: by, failed: failed.length, failedMaxMs: failed.at(-1) ?? 0, failedMaxMsByRequest: slowest, maxMs: Math.max(...answers.map((a) => a.ms)) };
  };

  beforeAll(async () => {
    const neo = await startNeo4j({ ...neo4jInstance, fresh: true, preferredPort: 0 });
    boltPort = neo.boltPort;
    redisUrl = (await startRedis({ ...redisInstance, fresh: true })).url;
    // The test's own driver follows the instance like the API's does (the last test moves it).
    driver = resilientDriver(neo, {}, { locate: () => recordedConnection(neo4jInstance) });
    await migrate(driver);
    const passwordHash = await hashPassword(password);
    for (let c = 0; c < CLIENTS; c++) await createUser(driver, { username: username(c), displayName: 'restart', role: 'supervisor', passwordHash });

    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        const valid = verifyWebhook(SECRET, { timestamp: req.headers['x-ringlens-timestamp'] as string, signature: req.headers['x-ringlens-signature'] as string }, body);
        hooks.push({ reportId: (JSON.parse(body) as { report: { reportId: string } }).report.reportId, delivery: req.headers['x-ringlens-delivery'] as string, valid, at: Date.now() });
        res.writeHead(valid ? 204 : 401).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    // One report a minute, fired every 2 s: many fires per period, one report and one webhook each.
    const schedule = ScheduleSchema.parse({
      id: SCHEDULE,
      title: 'restart test',
      kind: 'report',
      cron: '*/2 * * * * *',
      period: 'minute',
      formats: ['json'],
      delivery: { webhooks: [{ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: SECRET }] },
    });
    await saveSchedule(driver, schedule, 'test');

    // As an operator runs them: no NEO4J_URI / REDIS_URL, the processes find the named local instances.
    const processEnv = { ...process.env, NEO4J_URI: '', NEO4J_USER: '', NEO4J_PASSWORD: '', REDIS_URL: '', RINGLENS_JWT_SECRET: JWT, RINGLENS_QUEUE_PREFIX: prefix, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' };
    api = ringlens(['serve', '--instance', name, '--port', '0'], processEnv);
    worker = ringlens(['worker', '--instance', name, '--concurrency', '2'], processEnv);
    apiUrl = await until('the API to listen', async () => /RingLens API at (\S+)/.exec(api.output())?.[1], 180_000).catch((e: Error) => {
      throw new Error(`${e.message}; output:\n${api.output()}`);
    });
    await until('the worker', async () => worker.output().includes('workers running on queues'), 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; output:\n${worker.output()}`);
    });
    // A freshly started Neo4j answers its first queries slowly; the API says 503 (Retry-After) meanwhile.
    for (let c = 0; c < CLIENTS; c++) {
      const r = await until(`a login of ${username(c)}`, async () => {
        const res = await fetch(`${apiUrl}${API_PREFIX}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: username(c), password }) });
        if (res.status === 503) return null;
        return res;
      }, 60_000, 500);
      expect(r.status).toBe(200);
      tokens.push(((await r.json()) as { accessToken: string }).accessToken);
    }
  }, 300_000);

  afterAll(async () => {
    for (const p of [api?.child, worker?.child]) if (p?.pid && p.exitCode === null) await terminate(p.pid, 15_000);
    await driver?.close();
    await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
    await stopNeo4j(neo4jInstance);
    await stopRedis(redisInstance);
    rmSync(instanceDir(neo4jInstance), { recursive: true, force: true });
    rmSync(redisDir(redisInstance), { recursive: true, force: true });
  }, 120_000);

  it('8 clients for 30 s while Neo4j (restarted without a port) and Redis (AOF) go down and come back: every failure a 503 within 3 s; same API and worker recover; each scheduled report delivered exactly once', async () => {
    const apiPid = api.child.pid;
    const workerPid = worker.child.pid;
    // The minutely schedule has delivered before the outages (its first fire comes within 2 s).
    await until('a first delivered report', async () => hooks.length > 0, 60_000);
    // Warm: everything answers (a cold server's first queries can take longer than the API waits).
    await until('every request to succeed before the outages', async () => allFine(await load(((end) => () => Date.now() > end)(Date.now() + 1_000))), 60_000, 0);

    const started = Date.now();
    const events: Record<string, number> = {};
    let recovered = false;
    const loading = load(() => recovered && Date.now() - started >= LOAD_MS);
    try {
      await sleep(2_000);
      events.neo4jStop = Date.now() - started;
      await stopNeo4j(neo4jInstance);
      events.neo4jStopped = Date.now() - started;
      // Restarted as an operator would after an outage: no --port.
      const back = await startNeo4j(neo4jInstance);
      events.neo4jBack = Date.now() - started;
      expect(back.boltPort).toBe(boltPort);
      await sleep(2_000);
      events.redisStop = Date.now() - started;
      await stopRedis(redisInstance);
      await sleep(3_000);
      const redisBack = await startRedis(redisInstance);
      events.redisBack = Date.now() - started;
      expect(redisBack.url).toBe(redisUrl);
    } finally {
      recovered = true;
    }
    const answers = await loading;
    events.loadEnd = Date.now() - started;
    console.log(`[security-restart] timeline ms ${JSON.stringify(events)}; under load: ${JSON.stringify(summary(answers))}`);

    const notAnswered = answers.filter((a) => a.status === 0);
    if (notAnswered.length || answers.some((a) => a.status !== 200 && a.status !== 404 && a.ms > LIMIT_MS)) {
      console.log(`[security-restart] API output (tail):\n${api.output().slice(-6_000)}`);
    }
    const unanswered = (api.output().match(/did not answer within|audit (commit did not finish|event was not stored)/g) ?? []).length;
    console.log(`[security-restart] API log lines about calls Neo4j left unanswered: ${unanswered}`);
    expect(notAnswered, JSON.stringify(notAnswered.slice(0, 5))).toEqual([]);
    const failed = answers.filter((a) => a.status !== 200 && a.status !== 404);
    const not503 = failed.filter((a) => a.status !== 503);
    expect(not503, JSON.stringify(not503.slice(0, 5))).toEqual([]);
    const slow = failed.filter((a) => a.ms > LIMIT_MS);
    expect(slow, JSON.stringify(slow.slice(0, 5))).toEqual([]);
    // The outages were real: the API said so, naming each server.
    expect(failed.some((a) => a.reason === 'Neo4j is unavailable')).toBe(true);
    expect(failed.some((a) => a.reason === 'Redis is unavailable' || a.reason?.includes('Redis'))).toBe(true);

    // Recovery without a restart: the same processes answer everything again.
    // A restarted Neo4j answers its first queries slowly (503 meanwhile); on this shared 2-core machine
    // that warm-up has taken tens of seconds.
    let last: Answer[] = [];
    const recoveredAt = Date.now();
    const after = await until('every request to succeed again', async () => {
      last = await load(((end) => () => Date.now() > end)(Date.now() + 1_000));
      return allFine(last) ? last : null;
    }, 90_000, 0).catch((e: Error) => {
      throw new Error(`${e.message}; the last second: ${JSON.stringify(summary(last))} ${JSON.stringify(last.filter((a) => a.status !== 200 && a.status !== 404).slice(0, 5))}`);
    });
    console.log(`[security-restart] every request answered again ${Date.now() - recoveredAt} ms after Redis was back and the load ended`);
    expect(after.length).toBeGreaterThan(0);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    expect(api.child.pid).toBe(apiPid);
    expect(worker.child.pid).toBe(workerPid);

    // The worker carries on too: a report for a minute that began after Redis came back is delivered.
    const afterRedis = started + events.redisBack!;
    await until('a report delivered after both outages', async () => hooks.some((h) => h.at > afterRedis + 1_000 && h.valid), 90_000);
    const connection = redisConnection(redisUrl);
    const schedules = new Queue(QUEUES.schedule, { connection, prefix });
    try {
      await schedules.removeJobScheduler(SCHEDULE);
      const queues = [QUEUES.schedule, QUEUES.report, QUEUES.delivery].map((q) => new Queue(q, { connection, prefix }));
      await until('queues drained', async () => {
        const counts = await Promise.all(queues.map((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children')));
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      }, 120_000);
      await Promise.all(queues.map((q) => q.close()));
    } finally {
      await schedules.close();
      connection.disconnect();
    }
    await sleep(2_000);

    const { records } = await driver.executeQuery('MATCH (r:Report {scheduleId: $id}) RETURN r.reportId AS id, r.status AS status ORDER BY id', { id: SCHEDULE });
    const reports = records.map((r) => ({ id: r.get('id') as string, status: r.get('status') as string }));
    console.log(`[security-restart] ${reports.length} reports, ${hooks.length} webhook posts: ${JSON.stringify(reports.map((r) => [r.id, r.status, hooks.filter((h) => h.reportId === r.id).length]))}`);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((r) => r.status === 'ready')).toBe(true);
    expect(hooks.every((h) => h.valid)).toBe(true);
    // Exactly once: one POST per report, none for a report that does not exist, one delivery record each.
    expect(hooks.map((h) => h.reportId).sort()).toEqual(reports.map((r) => r.id));
    for (const r of reports) expect((await listDeliveries(driver, r.id)).map((d) => [d.channel, d.status])).toEqual([['webhook-0', 'delivered']]);
  }, 300_000);

  it('an instance whose kept port is taken does not start elsewhere: the error names the port and the instance', async () => {
    await stopNeo4j(neo4jInstance);
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(boltPort, '127.0.0.1', r));
    try {
      const attempt = startNeo4j(neo4jInstance);
      await expect(attempt).rejects.toThrow(new RegExp(`Neo4j instance "${name}" keeps Bolt port ${boltPort} .*127\\.0\\.0\\.1:${boltPort} is taken`));
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // Nothing was started on another port.
    expect(recordedConnection(neo4jInstance)).toBeUndefined();
  }, 120_000);

  it('an instance moved with --port: the running API and worker follow it on their own', async () => {
    const newPort = await getPort({ host: '127.0.0.1', exclude: [boltPort] });
    const moved = await startNeo4j({ ...neo4jInstance, preferredPort: newPort });
    expect(moved.boltPort).toBe(newPort);
    // Kept from now on: the next start without a port comes back here.
    expect(recordedConnection(neo4jInstance)?.uri).toBe(`bolt://127.0.0.1:${newPort}`);
    // A cold server's first answers can take longer than the API waits: 503 until it is warm.
    await until('the API to answer from the moved instance', async () => (await request('rings', 'GET', `${API_PREFIX}/rings?limit=5`, { token: tokens[0]! })).status === 200, 90_000, 500);
    const login = await until('a login on the moved instance', async () => {
      const r = await request('login', 'POST', `${API_PREFIX}/auth/login`, { body: { username: username(1), password } });
      return r.status === 503 ? null : r;
    }, 60_000, 500);
    expect(login.status).toBe(200);
    // The worker: a report fired now (an explicit past minute) is built and delivered once.
    const connection = redisConnection(redisUrl);
    const schedules = new Queue(QUEUES.schedule, { connection, prefix });
    try {
      await triggerSchedule(schedules, { scheduleId: SCHEDULE, periodKey: '2026-01-05T0930' });
    } finally {
      await schedules.close();
      connection.disconnect();
    }
    const reportId = reportIdFor(SCHEDULE, '2026-01-05T0930');
    await until('the report built by the worker on the moved instance', async () => (await getReport(driver, reportId))?.status === 'ready', 60_000);
    await until('its webhook', async () => hooks.some((h) => h.reportId === reportId), 60_000);
    await sleep(1_500);
    expect(hooks.filter((h) => h.reportId === reportId)).toHaveLength(1);
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 180_000);
});
