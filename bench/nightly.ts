/**
 * Nightly-run benchmark: the scheduled, partitioned detection flow (one part per pooling region + the
 * cross-region part → merge → report in HTML/PDF/JSON) over the 1M-claim demo dataset, timed with 1
 * worker process and with 2 worker processes sharing one Redis — what "more workers finish sooner"
 * buys on this machine.
 *
 *   npm run bench:nightly -- [--claims 1000000] [--seed 7] [--runs 3] [--workers 1,2] [--reuse]
 *
 * Dataset: .cache/bench/claims-<N>-seed-<S> (generated once by `ringlens generate`), bulk-loaded with
 * `ringlens ingest --bulk` into its own Neo4j instance "bench-nightly" (--reuse keeps a loaded store).
 * A private redis-server (AOF off) carries the queues. Each configuration starts W `ringlens worker`
 * processes (separate OS processes, as on separate machines), fires the schedule for a new period and
 * waits for the report to be stored; figures are medians over --runs. Also prints one in-process
 * whole-graph `runDetection` for reference, and the load average, since the 2 cores are shared.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { PROJECT_ROOT, loadEnv } from '../config/env.ts';
import { runDetection } from '../detection/run-detection.ts';
import { createDriver } from '../graph/driver.ts';
import { migrate } from '../graph/migrate.ts';
import { getReport, reportIdFor } from '../graph/reports/store.ts';
import { saveSchedule } from '../graph/schedules/schedules.ts';
import { QUEUES, redisConnection } from '../jobs/queues.ts';
import { ScheduleSchema } from '../jobs/schedule-config.ts';
import { jobIds, triggerSchedule } from '../jobs/scheduled-run.ts';
import { ensureNeo4j } from '../stack/stack.ts';
import { startRedis, stopRedis } from '../stack/redis-local.ts';
import { stopNeo4j } from '../stack/neo4j-local.ts';

const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '7' },
    runs: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1,2' },
    reuse: { type: 'boolean', default: false },
  },
});
const INSTANCE = 'bench-nightly';
const env = loadEnv({ ...process.env, NEO4J_HEAP: process.env.NEO4J_HEAP ?? '2g', NEO4J_PAGECACHE: process.env.NEO4J_PAGECACHE ?? '2g' });
const childEnv = { ...process.env, NEO4J_HEAP: env.NEO4J_HEAP, NEO4J_PAGECACHE: env.NEO4J_PAGECACHE, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' };
const dataDir = path.join(env.RINGLENS_CACHE_DIR, 'bench', `claims-${values.claims}-seed-${values.seed}`);
const load = () => os.loadavg()[0]!.toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/ringlens.js'), ...args], { stdio: 'inherit', env: childEnv });
  if (r.status !== 0) throw new Error(`ringlens ${args.join(' ')} failed (exit ${r.status})`);
};

if (!existsSync(path.join(dataDir, 'claims.csv'))) cli(['generate', '--claims', values.claims, '--seed', values.seed, '--out', dataDir]);

let conn = await ensureNeo4j(env, { instance: INSTANCE, freshNeo4j: !values.reuse, neo4jPort: 0 });
let driver = createDriver(conn);
const claimsLoaded = Number((await driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n')).records[0]!.get('n'));
if (claimsLoaded !== Number(values.claims)) {
  if (claimsLoaded !== 0) throw new Error(`instance ${INSTANCE} holds ${claimsLoaded} claims, not ${values.claims}: run without --reuse`);
  await driver.close();
  const t = performance.now();
  cli(['ingest', '--bulk', dataDir, '--instance', INSTANCE, '--rejects', path.join(env.RINGLENS_CACHE_DIR, 'bench', 'nightly-rejects')]);
  console.log(`bulk-loaded ${values.claims} claims in ${((performance.now() - t) / 1000).toFixed(0)} s (not part of the figures)`);
  conn = await ensureNeo4j(env, { instance: INSTANCE, neo4jPort: 0 });
  driver = createDriver(conn);
}
await migrate(driver);
const redis = await startRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: INSTANCE, fresh: true });
const schedule = ScheduleSchema.parse({ id: 'bench-nightly', title: '每日团伙检测报告（基准）', kind: 'detection', cron: '0 2 * * *', period: 'day' });
await saveSchedule(driver, schedule, 'bench');

interface Sample {
  total: number;
  parts: number;
  merge: number;
  report: number;
  partCpu: Record<string, number>;
}

async function runConfig(workers: number): Promise<Sample[]> {
  const prefix = `bench-w${workers}-${Date.now()}`;
  const procs: ChildProcess[] = [];
  for (let k = 0; k < workers; k++) {
    procs.push(spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ringlens.js'), 'worker', '--instance', INSTANCE], { env: { ...childEnv, RINGLENS_QUEUE_PREFIX: prefix }, stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  const connection = redisConnection(redis.url);
  const q = (name: string) => new Queue(name, { connection, prefix });
  const queues = { schedule: q(QUEUES.schedule), part: q(QUEUES.detectPart), detect: q(QUEUES.detect), report: q(QUEUES.report) };
  const samples: Sample[] = [];
  try {
    const deadline = Date.now() + 120_000;
    while ((await queues.part.getWorkers()).length < workers) {
      if (Date.now() > deadline) throw new Error(`only ${(await queues.part.getWorkers()).length} of ${workers} workers came up`);
      await sleep(200);
    }
    for (let r = 0; r < Number(values.runs); r++) {
      const key = `2031-${String(workers).padStart(2, '0')}-${String(r + 1).padStart(2, '0')}`;
      const before = load();
      const t = performance.now();
      await triggerSchedule(queues.schedule, { scheduleId: schedule.id, periodKey: key });
      const reportId = reportIdFor(schedule.id, key);
      for (;;) {
        if ((await getReport(driver, reportId))?.status === 'ready') break;
        const report = await queues.report.getJob(jobIds.report(schedule.id, key));
        if (report && (await report.getState()) === 'failed') throw new Error(`report job failed: ${report.failedReason}`);
        await sleep(200);
      }
      const total = (performance.now() - t) / 1000;
      const partJobs = (await queues.part.getJobs(['completed'], 0, 100)).filter((j) => j.id!.includes(`.${key}.`));
      const merge = await queues.detect.getJob(jobIds.merge(schedule.id, key));
      const report = await queues.report.getJob(jobIds.report(schedule.id, key));
      await sleep(300);
      const reportDone = (await queues.report.getJob(jobIds.report(schedule.id, key)))?.finishedOn ?? Date.now();
      const s: Sample = {
        total,
        parts: (Math.max(...partJobs.map((j) => j.finishedOn!)) - Math.min(...partJobs.map((j) => j.processedOn!))) / 1000,
        merge: (merge!.finishedOn! - merge!.processedOn!) / 1000,
        report: (reportDone - report!.processedOn!) / 1000,
        partCpu: Object.fromEntries(partJobs.map((j) => [String(j.id).split('.').at(-1), (j.finishedOn! - j.processedOn!) / 1000])),
      };
      samples.push(s);
      console.log(
        `workers ${workers}, run ${r + 1}: ${total.toFixed(1)} s to the stored report — parts ${s.parts.toFixed(1)} s (${Object.entries(s.partCpu).map(([p, v]) => `${p} ${v.toFixed(1)}`).join(', ')}), merge+write ${s.merge.toFixed(1)} s, report ${s.report.toFixed(1)} s; load ${before} → ${load()}`,
      );
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    for (const queue of Object.values(queues)) await queue.close();
    connection.disconnect();
  }
  return samples;
}

try {
  const t = performance.now();
  const whole = await runDetection(driver);
  console.log(`reference: one in-process whole-graph runDetection ${((performance.now() - t) / 1000).toFixed(1)} s, ${whole.rings.length} rings, load ${load()}`);
  const results: [number, Sample[]][] = [];
  for (const w of values.workers.split(',').map(Number)) results.push([w, await runConfig(w)]);
  console.log(`\n${values.claims} claims, ${values.runs} runs each (median):`);
  for (const [w, s] of results) {
    console.log(
      `  ${w} worker${w > 1 ? 's' : ' '}: ${median(s.map((x) => x.total)).toFixed(1)} s to the stored report (runs ${s.map((x) => x.total.toFixed(1)).join(' / ')}); parts ${median(s.map((x) => x.parts)).toFixed(1)} s, merge+write ${median(s.map((x) => x.merge)).toFixed(1)} s, report ${median(s.map((x) => x.report)).toFixed(1)} s`,
    );
  }
  console.log(`load average now ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
} finally {
  await driver.close();
  await stopRedis({ cacheDir: env.RINGLENS_CACHE_DIR, name: INSTANCE });
  if (!values.reuse) await stopNeo4j({ cacheDir: env.RINGLENS_CACHE_DIR, name: INSTANCE });
}
