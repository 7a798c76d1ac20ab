import os from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import { loadEnv, type Env } from '../config/env.ts';
import { processDetectJob } from './detect-job.ts';
import { enqueueRatingAfterDetection, processRateJob } from './rate-job.ts';
import { ensureSchedulers } from './schedule-registry.ts';
import { flowProducer, processDeliveryJob, processFireJob, processMergeJob, processPartJob, processReportJob, type ScheduledRunDeps } from './scheduled-run.ts';
import { processExportJob } from './export-job.ts';
import type { ExportAuditSink } from '../exports/audit-hook.ts';
import { processIngestJob } from './ingest-job.ts';
import { logger } from '../config/logger.ts';
import { QUEUES } from './queues.ts';
import { announceRingChanges } from '../runtime/ring-changes.ts';
import { processSystemJob } from './system-jobs.ts';

export interface WorkerPool {
  workers: Worker[];
  /** settles once the job schedulers are in line (immediately unless schedules: 'ensure') */
  schedulesReady: Promise<void>;
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  connection: Redis;
  driver: Driver;
  prefix: string;
  concurrency?: number;
  env?: Env;
  /** where export jobs record their audit events; default the audit trail in Neo4j */
  exportAudit?: ExportAuditSink;
  /**
   * 'ensure': on start, seed the stored schedules from config/schedules.yaml when there are none and
   * bring Redis's job schedulers in line with them (what `ringlens worker` does); default 'none'.
   */
  schedules?: 'ensure' | 'none';
  /**
   * How long a job's lock lasts without renewal, and how often stalled jobs are looked for: a job
   * whose worker died is taken over after about lockDuration + stalledInterval. Defaults per queue.
   */
  lockDuration?: number;
  stalledInterval?: number;
  /** runs around every job (instrumentation: metrics, tests that pause a job) */
  around?: <T>(queue: string, job: Job, run: () => Promise<T>) => Promise<T>;
}

/** Starts one BullMQ worker per queue; closing waits for running jobs to finish. */
export function startWorkers(opts: WorkerPoolOptions): WorkerPool {
  const name = `${os.hostname()}:${process.pid}`;
  const log = logger().child({ component: 'worker' });
  const around = opts.around ?? (<T>(_q: string, _j: Job, run: () => Promise<T>) => run());
  const timing = (lockDuration: number) => ({
    lockDuration: opts.lockDuration ?? lockDuration,
    ...(opts.stalledInterval ? { stalledInterval: opts.stalledInterval } : {}),
  });
  const system = new Worker(QUEUES.system, (job) => processSystemJob(job, name), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 4,
    name,
  });
  // Ingest is write-bound on Neo4j: one file at a time per worker keeps batches from fighting for locks.
  const ingest = new Worker(QUEUES.ingest, (job) => processIngestJob(job, opts.driver), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    lockDuration: 60_000,
  });
  // A detection run holds the whole projection in memory and rewrites the ring set: one at a time per
  // worker here, and one at a time across all workers through the queue's global concurrency (set
  // below), so two runs never track rings against the same previous run.
  const env = opts.env ?? loadEnv();
  const deps: ScheduledRunDeps = { driver: opts.driver, connection: opts.connection, prefix: opts.prefix, env };
  // The merge of a scheduled partitioned run is a detect-queue job: it tracks and writes rings, so it
  // shares the one-at-a-time rule with manual runs.
  const detect = new Worker(QUEUES.detect, (job) => around<unknown>(QUEUES.detect, job, () => (job.name === 'merge' ? processMergeJob(job, deps) : processDetectJob(job, opts.driver))), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    ...timing(120_000),
  });
  const detectQueue = new Queue(QUEUES.detect, { connection: opts.connection, prefix: opts.prefix });
  detectQueue
    .setGlobalConcurrency(1)
    .catch((err: Error) => log.warn({ queue: QUEUES.detect, err: err.message }, 'could not set global concurrency'))
    .finally(() => void detectQueue.close());
  // Building a package (PDF layout, workbook, hashing) is CPU-bound: one at a time per worker.
  const exporter = new Worker(QUEUES.export, (job) => processExportJob(job, opts.driver, env, opts.exportAudit), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    lockDuration: 120_000,
  });
  // API processes cache ring reads: tell them a run (or a scheduled run's merge, also on this queue) wrote rings back.
  detect.on('completed', (job) => void announceRingChanges(opts.connection, opts.prefix, `detection job ${job.id}`));
  // Ratings follow every run that wrote rings: the ring shares they rate are those of the latest run.
  const rateQueue = new Queue(QUEUES.rate, { connection: opts.connection, prefix: opts.prefix });
  detect.on('completed', (job, result) => {
    const runId = (result as { runId?: unknown } | undefined)?.runId;
    enqueueRatingAfterDetection(rateQueue, job.id, typeof runId === 'string' ? runId : undefined).catch((err: Error) =>
      log.error({ job: job.id, err: err.message }, 'could not enqueue the rating after a detection run'),
    );
  });
  const rate = new Worker(QUEUES.rate, (job) => around(QUEUES.rate, job, () => processRateJob(job, opts.driver)), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    ...timing(120_000),
  });
  // Parts of a partitioned run hold one region's projection each: one at a time per worker, no global
  // limit — every worker process (on every machine) takes a part, which is the point of partitioning.
  const part = new Worker(QUEUES.detectPart, (job) => around(QUEUES.detectPart, job, () => processPartJob(job, deps)), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    ...timing(120_000),
  });
  // Ring summaries carry their institutions' bands: API processes drop their cached ring pages.
  rate.on('completed', (job) => void announceRingChanges(opts.connection, opts.prefix, `rating job ${job.id}`));
  const flow = flowProducer(opts.connection, opts.prefix);
  const reportQueue = new Queue(QUEUES.report, { connection: opts.connection, prefix: opts.prefix });
  const deliveryQueue = new Queue(QUEUES.delivery, { connection: opts.connection, prefix: opts.prefix });
  const scheduleQueue = new Queue(QUEUES.schedule, { connection: opts.connection, prefix: opts.prefix });
  const fire = new Worker(QUEUES.schedule, (job) => around(QUEUES.schedule, job, () => processFireJob(job, deps, flow, reportQueue)), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 2,
    name,
    ...timing(30_000),
  });
  const report = new Worker(QUEUES.report, (job) => around(QUEUES.report, job, () => processReportJob(job, deps, deliveryQueue)), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    ...timing(60_000),
  });
  const delivery = new Worker(QUEUES.delivery, (job) => around(QUEUES.delivery, job, () => processDeliveryJob(job, deps)), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 4,
    name,
    ...timing(30_000),
  });
  const ready = (opts.schedules ?? 'none') === 'ensure' ? ensureSchedulers(opts.driver, scheduleQueue) : Promise.resolve([]);
  ready.catch((err: Error) => log.error({ err: err.message }, 'could not set up the job schedulers'));
  const workers = [system, ingest, detect, exporter, part, fire, report, delivery, rate];
  for (const w of workers) {
    w.on('completed', (job) => log.info({ queue: w.name, job: job.id, name: job.name }, 'job completed'));
    w.on('failed', (job, err) => log.error({ queue: w.name, job: job?.id, name: job?.name, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  return {
    workers,
    schedulesReady: ready.then(() => undefined),
    async close() {
      await ready.catch(() => {});
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([flow.close(), reportQueue.close(), deliveryQueue.close(), scheduleQueue.close(), rateQueue.close()]);
    },
  };
}
